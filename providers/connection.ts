// Where the providers get their BlueMind connection: the stack config passed to the provider's
// `configure` (`pulumi config set url …`, `pulumi config set --secret apiKey …`) or, when absent,
// the environment (BLUEMIND_URL, BLUEMIND_API_KEY, BLUEMIND_DOMAIN, BLUEMIND_INSECURE,
// BLUEMIND_CA_FILE). Read at run time only and kept on globalThis, never captured in the
// serialized provider nor written to inputs or outputs (design.md rule 6).
import type * as pulumi from "@pulumi/pulumi";
import { BlueMindClient, type BlueMindClientOptions } from "../bluemind";

export interface Connection {
  url: string;
  apiKey: string;
  /** Default domain for resources that do not name one. */
  domain?: string;
  insecure: boolean;
  caFile?: string;
  /** Process-wide limits of the requests to BlueMind (defaults: 4 in flight, 20 per second; 0 = no rate limit). */
  maxConcurrent?: number;
  maxRequestsPerSecond?: number;
}

/** A limit from config, environment or options: a non-negative number, else undefined (the default). */
export function parseLimit(value: string | number | undefined, name: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new ConnectionError(`${name} must be a non-negative number, found ${JSON.stringify(value)}`);
  return n;
}

interface ProcessState {
  configured?: Partial<Connection>;
  clients: Map<string, BlueMindClient>;
  /** Extra client options (tests and the CLI: logger, limits, retry tuning). */
  clientOptions?: Partial<BlueMindClientOptions>;
}

function processState(): ProcessState {
  const g = globalThis as Record<string, any>;
  g.__bmshareConnection ??= { clients: new Map() } satisfies ProcessState;
  return g.__bmshareConnection;
}

/** Records the stack config given to a provider's `configure`. */
export function configureFromPulumi(config: pulumi.dynamic.Config): void {
  const get = (k: string) => {
    const v = config.get(k);
    return v === undefined || v === "" ? undefined : v;
  };
  const insecure = get("insecure");
  processState().configured = {
    url: get("url"), apiKey: get("apiKey"), domain: get("domain"), caFile: get("caFile"),
    insecure: insecure === undefined ? undefined : insecure === "true",
    maxConcurrent: parseLimit(get("maxConcurrent"), "maxConcurrent"),
    maxRequestsPerSecond: parseLimit(get("maxRequestsPerSecond"), "maxRequestsPerSecond"),
  };
}

/** Sets the connection explicitly (the CLI, tests). */
export function setConnection(connection: Partial<Connection>, clientOptions?: Partial<BlueMindClientOptions>): void {
  const state = processState();
  state.configured = connection;
  state.clientOptions = clientOptions;
  state.clients.clear();
}

export class ConnectionError extends Error {}

/**
 * Refuses a server URL that is not an http(s) URL, naming where it came from (`BLUEMIND_URL`, `--url`,
 * the stack config `url`) but never its value: a value that is not a URL is often a secret pasted into
 * the wrong variable (an API key), and must not end up in a terminal, a CI log or an error report.
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

/** The effective connection: configured values first, then the environment. */
export function connection(): Connection {
  const c = processState().configured ?? {};
  const env = process.env;
  const url = c.url ?? env.BLUEMIND_URL;
  const apiKey = c.apiKey ?? env.BLUEMIND_API_KEY;
  if (!url) throw new ConnectionError("no BlueMind URL: set `pulumi config set url https://…` or BLUEMIND_URL");
  checkServerUrl(url, c.url !== undefined ? "the BlueMind URL (stack config url)" : "BLUEMIND_URL");
  if (!apiKey) throw new ConnectionError("no BlueMind API key: set `pulumi config set --secret apiKey …` or BLUEMIND_API_KEY");
  return {
    url,
    apiKey,
    domain: c.domain ?? env.BLUEMIND_DOMAIN ?? undefined,
    insecure: c.insecure ?? env.BLUEMIND_INSECURE === "true",
    caFile: c.caFile ?? env.BLUEMIND_CA_FILE ?? undefined,
    maxConcurrent: c.maxConcurrent ?? parseLimit(env.BLUEMIND_MAX_CONCURRENT, "BLUEMIND_MAX_CONCURRENT"),
    maxRequestsPerSecond: c.maxRequestsPerSecond ?? parseLimit(env.BLUEMIND_MAX_RPS, "BLUEMIND_MAX_RPS"),
  };
}

/** The domain of a resource: its own, else the configured default (no URL or key needed for that). */
export function domainOf(domain: unknown): string {
  if (typeof domain === "string" && domain !== "") return domain;
  const fallback = processState().configured?.domain ?? process.env.BLUEMIND_DOMAIN;
  if (!fallback) throw new ConnectionError("no domain: give `domain` or set `pulumi config set domain …` / BLUEMIND_DOMAIN");
  return fallback;
}

/** One client per URL and key in the process, so that the run cache and limiter are shared. */
export function client(): BlueMindClient {
  const c = connection();
  const state = processState();
  const id = `${c.url}\n${c.apiKey}\n${c.insecure}\n${c.caFile ?? ""}`;
  let existing = state.clients.get(id);
  if (!existing) {
    const limits = {
      ...(c.maxConcurrent !== undefined ? { maxConcurrent: c.maxConcurrent } : {}),
      ...(c.maxRequestsPerSecond !== undefined ? { requestsPerSecond: c.maxRequestsPerSecond } : {}),
      ...state.clientOptions?.limits,
    };
    existing = new BlueMindClient({
      ...state.clientOptions, url: c.url, apiKey: c.apiKey, insecure: c.insecure, caFile: c.caFile, limits,
    });
    state.clients.set(id, existing);
  }
  return existing;
}
