// What the providers work with at run time: the BlueMind client of the connection in force (with its
// run cache; the request limiter belongs to the client layer and is shared by the process), the
// per-mailshare lock table, and where progress messages go. `defineProvider` (base.ts) hands one
// Runtime to every check, create, read, update and delete; nothing below it reaches for process
// state of its own.
//
// Why a process-wide singleton at all: Pulumi serializes each resource's provider (a small stub,
// stub.ts) into the state, and the SDK's host calls those stubs in one process for all resources of
// a deployment. The provider objects are therefore module-level constants that cannot be built
// with their dependencies; whoever runs them sets the runtime up once per process instead — the
// host's `configure` with the stack config (base.ts), the CLI's command runner with its flags — and
// every provider call then receives it. It lives on globalThis, not in a module variable, so that
// every copy of this module in a process (ts-node next to vitest, a stub's own require) sees one
// runtime, and nothing of it is ever captured by serialization.
//
// The API key's route: flag or stack config (+ environment) → `useSettings` here →
// `resolveConnection` (connection.ts) when a client is first needed → `BlueMindClient` →
// credentials → the `X-BM-ApiKey` header of each request (bluemind/transport.ts).
import { BlueMindClient, type BlueMindClientOptions } from "../bluemind";
import { defaultDomain, resolveConnection, type Connection, type ConnectionSettings, type SettingsOrigin } from "./connection";

/**
 * `detail`: a line of a task's log; the CLI shows it only with `--verbose` (the Pulumi log shows it as info).
 * `note`: what a resource's check says of it (a level the server's release cannot grant exactly): the
 * CLI's plan shows it beside that resource; the Pulumi log shows it as a warning.
 */
export type Level = "info" | "warn" | "detail" | "note";
export type ProgressSink = (level: Level, message: string) => void;

export interface Runtime {
  /** The client of the connection in force (one per run: per command, per deployment); throws a ConnectionError without one. */
  readonly client: BlueMindClient;
  /** The default domain, for resources that name none. */
  readonly defaultDomain: string | undefined;
  /** Runs `fn` once every earlier holder of the lock on `domain/mailshareUid` has finished. */
  lock<T>(domain: string, mailshareUid: string, fn: () => Promise<T>): Promise<T>;
  /** A progress message or notice: to the CLI's sink, else the Pulumi log. */
  report(level: Level, message: string): void;
}

interface ProcessState {
  settings: ConnectionSettings;
  origin: SettingsOrigin;
  /** The environment that completes the settings (the process's, or a command's own in tests). */
  env: NodeJS.ProcessEnv;
  clientOptions?: Partial<BlueMindClientOptions>;
  /** The client of these settings, made on first use (its cache is the run's read model). */
  client?: BlueMindClient;
  locks: Map<string, Promise<void>>;
  sink?: ProgressSink;
}

function state(): ProcessState {
  const g = globalThis as Record<string, any>;
  g.__bmshareRuntime ??= { settings: {}, origin: "stack config", env: process.env, locks: new Map() } satisfies ProcessState;
  return g.__bmshareRuntime;
}

export interface UseOptions {
  /** Completes the settings (default: the process's environment). */
  env?: NodeJS.ProcessEnv;
  /** Extra client options (tests and the CLI: retry tuning, limits). */
  clientOptions?: Partial<BlueMindClientOptions>;
}

/**
 * Sets what every provider of this process connects with: the CLI's flags, the stack config given
 * to `configure`, or a resolved Connection (tests, `start`). Absent settings come from the
 * environment when the client is first needed.
 */
export function useSettings(settings: ConnectionSettings, origin: SettingsOrigin, options: UseOptions = {}): void {
  const s = state();
  s.settings = settings;
  s.origin = origin;
  s.env = options.env ?? process.env;
  s.clientOptions = options.clientOptions;
  s.client = undefined;
}

/** The connection in force, resolved now (a ConnectionError says what is missing). */
export const currentConnection = (): Connection => resolveConnection(state().settings, state().origin, state().env);

/** Routes provider messages to `sink` (the CLI); undefined restores the Pulumi log. */
export function setProgressSink(sink: ProgressSink | undefined): void {
  state().sink = sink;
}

/**
 * The client of the settings in force: resolved and made once per `useSettings` (a command, a
 * deployment's `configure`), since every provider call of the run asks for it.
 */
function client(): BlueMindClient {
  const s = state();
  if (!s.client) {
    const c = currentConnection();
    const limits = {
      ...(c.maxConcurrent !== undefined ? { maxConcurrent: c.maxConcurrent } : {}),
      ...(c.maxRequestsPerSecond !== undefined ? { requestsPerSecond: c.maxRequestsPerSecond } : {}),
      ...s.clientOptions?.limits,
    };
    // Retries and re-logins are said as they happen (a server that stops answering would otherwise
    // leave a command silent for minutes); the messages are scrubbed of secrets by the transport.
    const logger = s.clientOptions?.logger ?? { warn: (m: string) => report("warn", m), info: (m: string) => report("info", m) };
    const timeout = c.timeoutMs !== undefined ? { timeoutMs: c.timeoutMs } : {};
    s.client = new BlueMindClient({ ...timeout, ...s.clientOptions, url: c.url, apiKey: c.apiKey, insecure: c.insecure, caFile: c.caFile, limits, logger });
  }
  return s.client;
}

async function lock<T>(domain: string, mailshareUid: string, fn: () => Promise<T>): Promise<T> {
  const key = `${domain}/${mailshareUid}`;
  const locks = state().locks;
  const previous = locks.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  locks.set(key, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (locks.get(key) === tail) locks.delete(key);
  }
}

function report(level: Level, message: string): void {
  const sink = state().sink;
  if (sink) return sink(level, message);
  // Loaded here, not at the top: the CLI installs a sink and never needs the Pulumi SDK for messages.
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  void (level === "warn" || level === "note" ? pulumi.log.warn(message) : pulumi.log.info(message));
}

/** The process's runtime. Nothing is resolved until used: a check works offline until it needs the server. */
export const RUNTIME: Runtime = {
  get client() {
    return client();
  },
  get defaultDomain() {
    return defaultDomain(state().settings, state().env);
  },
  lock,
  report,
};
