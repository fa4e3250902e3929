// The connection options every server command shares: `--url` / `--api-key` or BLUEMIND_URL /
// BLUEMIND_API_KEY, `--insecure` only when given explicitly, `--ca-file`, the default `--domain` and
// the request limits. They are resolved by the providers' one connection resolver
// (providers/connection.ts); the key is never printed.
import { ConnectionError, resolveConnection, type Connection, type ConnectionSettings } from "../providers/connection";

export const CONNECTION_OPTIONS = {
  url: { type: "string" },
  "api-key": { type: "string" },
  insecure: { type: "boolean" },
  "ca-file": { type: "string" },
  domain: { type: "string" },
  "max-concurrent": { type: "string" },
  "max-rps": { type: "string" },
  "request-timeout": { type: "string" },
  debug: { type: "boolean" },
  "no-color": { type: "boolean" },
} as const;

export const CONNECTION_HELP = `connection:
  --url URL           BlueMind server (default: $BLUEMIND_URL)
  --api-key KEY       API key (default: $BLUEMIND_API_KEY; prefer the variable: arguments show in ps)
  --insecure          accept an invalid TLS certificate (never implied)
  --ca-file FILE      trust the CA certificates in FILE (PEM)
  --domain DOMAIN     default domain (default: $BLUEMIND_DOMAIN)
  --max-concurrent N  most requests in flight at once: bmshare starts at 4 and adapts to how the
                      server answers, never above N (default 32; $BLUEMIND_MAX_CONCURRENT)
  --max-rps N         most requests started per second, 0 = no limit (default 0; $BLUEMIND_MAX_RPS)
  --request-timeout SECONDS
                      how long one request waits for its answer before it is retried or fails
                      (default 30; $BLUEMIND_REQUEST_TIMEOUT)
  --debug             show stack traces of errors
  --no-color          no colour, even on a terminal (also: NO_COLOR set; FORCE_COLOR forces it)
`;

export interface ConnectionValues {
  url?: string;
  "api-key"?: string;
  insecure?: boolean;
  "ca-file"?: string;
  domain?: string;
  "max-concurrent"?: string;
  "max-rps"?: string;
  "request-timeout"?: string;
}

export class UsageError extends Error {}

/** The connection settings the flags give (the resolver completes them from the environment). */
export const settingsFromFlags = (values: ConnectionValues): ConnectionSettings => ({
  url: values.url,
  apiKey: values["api-key"],
  domain: values.domain,
  // Never from the environment: accepting an invalid certificate must be asked for on the command.
  insecure: values.insecure === true,
  caFile: values["ca-file"],
  maxConcurrent: values["max-concurrent"],
  maxRequestsPerSecond: values["max-rps"],
  requestTimeout: values["request-timeout"],
});

/** A resolver refusal as a usage mistake of the command (the CLI then points at --help). */
export function asUsageError<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (err) {
    if (err instanceof ConnectionError) throw new UsageError(err.message);
    throw err;
  }
}

/** The effective connection of a command: its flags, then the environment. */
export const resolveCliConnection = (values: ConnectionValues, env: NodeJS.ProcessEnv = process.env): Connection =>
  asUsageError(() => resolveConnection(settingsFromFlags(values), "flags", env));
