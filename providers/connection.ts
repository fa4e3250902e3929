// The one connection resolver: what the CLI's flags or the stack config give, completed from the
// environment (BLUEMIND_URL, BLUEMIND_API_KEY, BLUEMIND_DOMAIN, BLUEMIND_INSECURE, BLUEMIND_CA_FILE,
// BLUEMIND_MAX_CONCURRENT, BLUEMIND_MAX_RPS, BLUEMIND_REQUEST_TIMEOUT), checked, with messages that name where a value came
// from (`--url`, the stack config `url`, BLUEMIND_URL) and never show a value that may be a secret.
// Every entry point resolves through it: the commands (cli/command.ts, validate, start) and the
// provider host's `configure` (base.ts). The result goes to the runtime (runtime.ts) and nowhere
// else: never into inputs, outputs, state or the serialized provider.
import type * as pulumi from "@pulumi/pulumi";

export interface Connection {
  url: string;
  apiKey: string;
  /** Default domain for resources that do not name one. */
  domain?: string;
  insecure: boolean;
  caFile?: string;
  /** Ceilings of the process-wide adaptive limiter (bluemind/limiter.ts; defaults: 32 in flight, and no rate limit, which 0 also means). */
  maxConcurrent?: number;
  maxRequestsPerSecond?: number;
  /** How long one request may wait for its answer, in ms (default: the client's, 30 s). */
  timeoutMs?: number;
}

/** What flags or stack config give; anything absent comes from the environment. */
export interface ConnectionSettings {
  url?: string;
  apiKey?: string;
  domain?: string;
  insecure?: boolean;
  caFile?: string;
  maxConcurrent?: string | number;
  maxRequestsPerSecond?: string | number;
  /** Seconds. */
  requestTimeout?: string | number;
  /** Already in ms: a resolved Connection given back as settings (the commands do) keeps its timeout. */
  timeoutMs?: number;
}

/** Where the settings came from: names the places in messages. */
export type SettingsOrigin = "flags" | "stack config";

export class ConnectionError extends Error {}

const NAMES: Record<SettingsOrigin, Record<"url" | "maxConcurrent" | "maxRequestsPerSecond" | "requestTimeout", string> & { giveUrl: string; giveKey: string }> = {
  flags: {
    url: "--url", maxConcurrent: "--max-concurrent", maxRequestsPerSecond: "--max-rps", requestTimeout: "--request-timeout",
    giveUrl: "give --url or set BLUEMIND_URL", giveKey: "give --api-key or set BLUEMIND_API_KEY",
  },
  "stack config": {
    url: "the BlueMind URL (stack config url)", maxConcurrent: "maxConcurrent", maxRequestsPerSecond: "maxRequestsPerSecond", requestTimeout: "requestTimeout",
    giveUrl: "set `pulumi config set url https://…` or BLUEMIND_URL", giveKey: "set `pulumi config set --secret apiKey …` or BLUEMIND_API_KEY",
  },
};

/** A request rate (0: no rate limit) or, with `whole`, a number of requests in flight (at least 1). */
function parseLimit(value: string | number | undefined, name: string, whole = false): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  const shown = JSON.stringify(String(value).slice(0, 20));
  if (whole && !(Number.isInteger(n) && n >= 1)) throw new ConnectionError(`${name} must be a whole number of requests, at least 1, found ${shown}`);
  if (!Number.isFinite(n) || n < 0) throw new ConnectionError(`${name} must be a non-negative number, found ${shown}`);
  return n;
}

/** Longest timeout accepted: a longer wait is a server that will not answer. */
export const MAX_TIMEOUT_SECONDS = 3600;

/** A request timeout in seconds (0.1 to an hour, written as a plain decimal) as ms, else undefined (the default). */
function parseTimeout(value: string | number | undefined, name: string, fromEnvironment = false): number | undefined {
  if (value === undefined || (fromEnvironment && value === "")) return undefined;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(String(value)) || !(n >= 0.1 && n <= MAX_TIMEOUT_SECONDS)) {
    throw new ConnectionError(`${name} must be a number of seconds from 0.1 to ${MAX_TIMEOUT_SECONDS}, found ${JSON.stringify(String(value).slice(0, 20))}`);
  }
  return Math.round(n * 1000);
}

/**
 * Refuses a server URL that is not an http(s) URL, naming where it came from but never its value:
 * a value that is not a URL is often a secret pasted into the wrong variable (an API key), and must
 * not end up in a terminal, a CI log or an error report.
 */
export function checkServerUrl(url: string, source: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const hidden = "its value is not shown as it may be a secret";
  if (!parsed || !parsed.host) throw new ConnectionError(`${source} is not a URL (expected https://host…); ${hidden}`);
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new ConnectionError(`${source} is not an http(s) URL (expected https://host…); ${hidden}`);
  }
}

/** The server URL given, or null when there is none (a command that can work without one asks). */
export function givenUrl(given: ConnectionSettings, origin: SettingsOrigin, env: NodeJS.ProcessEnv = process.env): string | null {
  const url = given.url ?? env.BLUEMIND_URL;
  if (!url) return null;
  checkServerUrl(url, given.url !== undefined ? NAMES[origin].url : "BLUEMIND_URL");
  return url;
}

/** The effective connection: what was given, then the environment; a ConnectionError says what is missing or wrong. */
export function resolveConnection(given: ConnectionSettings, origin: SettingsOrigin, env: NodeJS.ProcessEnv = process.env): Connection {
  const names = NAMES[origin];
  const url = givenUrl(given, origin, env);
  if (url === null) throw new ConnectionError(`no BlueMind server: ${names.giveUrl}`);
  const apiKey = given.apiKey ?? env.BLUEMIND_API_KEY;
  if (!apiKey) throw new ConnectionError(`no API key: ${names.giveKey}`);
  const limit = (key: "maxConcurrent" | "maxRequestsPerSecond", variable: string) => {
    const whole = key === "maxConcurrent";
    return given[key] !== undefined ? parseLimit(given[key], names[key], whole) : parseLimit(env[variable], variable, whole);
  };
  return {
    url,
    apiKey,
    domain: defaultDomain(given, env),
    insecure: given.insecure ?? env.BLUEMIND_INSECURE === "true",
    caFile: given.caFile ?? (env.BLUEMIND_CA_FILE || undefined),
    maxConcurrent: limit("maxConcurrent", "BLUEMIND_MAX_CONCURRENT"),
    maxRequestsPerSecond: limit("maxRequestsPerSecond", "BLUEMIND_MAX_RPS"),
    timeoutMs: given.timeoutMs
      ?? (given.requestTimeout !== undefined
        ? parseTimeout(given.requestTimeout, names.requestTimeout)
        : parseTimeout(env.BLUEMIND_REQUEST_TIMEOUT, "BLUEMIND_REQUEST_TIMEOUT", true)),
  };
}

/** The default domain (no URL or key needed for it). */
export const defaultDomain = (given: ConnectionSettings, env: NodeJS.ProcessEnv = process.env): string | undefined =>
  given.domain ?? (env.BLUEMIND_DOMAIN || undefined);

/** The settings in a provider's stack config (`pulumi config set url …`, secret `apiKey`, …); limits checked now. */
export function settingsFromPulumiConfig(config: pulumi.dynamic.Config): ConnectionSettings {
  const get = (k: string) => {
    const v = config.get(k);
    return v === undefined || v === "" ? undefined : v;
  };
  const insecure = get("insecure");
  const settings: ConnectionSettings = {
    url: get("url"), apiKey: get("apiKey"), domain: get("domain"), caFile: get("caFile"),
    insecure: insecure === undefined ? undefined : insecure === "true",
    maxConcurrent: get("maxConcurrent"), maxRequestsPerSecond: get("maxRequestsPerSecond"), requestTimeout: get("requestTimeout"),
  };
  parseLimit(settings.maxConcurrent, NAMES["stack config"].maxConcurrent, true);
  parseLimit(settings.maxRequestsPerSecond, NAMES["stack config"].maxRequestsPerSecond);
  parseTimeout(settings.requestTimeout, NAMES["stack config"].requestTimeout);
  return settings;
}
