// The connection options every server command shares (design.md §5): `--url` / `--api-key` or
// BLUEMIND_URL / BLUEMIND_API_KEY, `--insecure` only when given explicitly, `--ca-file`, and the
// default `--domain`. The key is never printed.
import { checkServerUrl, client, parseLimit, setConnection, type Connection } from "../providers/connection";
import type { BlueMindClient } from "../bluemind";

export const CONNECTION_OPTIONS = {
  url: { type: "string" },
  "api-key": { type: "string" },
  insecure: { type: "boolean" },
  "ca-file": { type: "string" },
  domain: { type: "string" },
  "max-concurrent": { type: "string" },
  "max-rps": { type: "string" },
  debug: { type: "boolean" },
} as const;

export const CONNECTION_HELP = `connection:
  --url URL           BlueMind server (default: $BLUEMIND_URL)
  --api-key KEY       API key (default: $BLUEMIND_API_KEY; prefer the variable: arguments show in ps)
  --insecure          accept an invalid TLS certificate (never implied)
  --ca-file FILE      trust the CA certificates in FILE (PEM)
  --domain DOMAIN     default domain (default: $BLUEMIND_DOMAIN)
  --max-concurrent N  requests in flight at once (default 4; $BLUEMIND_MAX_CONCURRENT)
  --max-rps N         requests started per second, 0 = no limit (default 20; $BLUEMIND_MAX_RPS)
  --debug             show stack traces of errors
`;

export interface ConnectionValues {
  url?: string;
  "api-key"?: string;
  insecure?: boolean;
  "ca-file"?: string;
  domain?: string;
  "max-concurrent"?: string;
  "max-rps"?: string;
}

export class UsageError extends Error {}

/** The effective connection from options then environment; fails with a message naming what is missing. */
export function resolveConnection(values: ConnectionValues, env: NodeJS.ProcessEnv = process.env): Connection {
  const url = values.url ?? env.BLUEMIND_URL;
  const apiKey = values["api-key"] ?? env.BLUEMIND_API_KEY;
  if (!url) throw new UsageError("no BlueMind server: give --url or set BLUEMIND_URL");
  checkUrl(url, values.url !== undefined ? "--url" : "BLUEMIND_URL");
  if (!apiKey) throw new UsageError("no API key: give --api-key or set BLUEMIND_API_KEY");
  const limit = (value: string | undefined, name: string) => {
    try {
      return parseLimit(value, name);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  };
  return {
    url,
    apiKey,
    domain: values.domain ?? env.BLUEMIND_DOMAIN,
    insecure: values.insecure === true,
    caFile: values["ca-file"] ?? env.BLUEMIND_CA_FILE,
    maxConcurrent: limit(values["max-concurrent"] ?? env.BLUEMIND_MAX_CONCURRENT, "--max-concurrent"),
    maxRequestsPerSecond: limit(values["max-rps"] ?? env.BLUEMIND_MAX_RPS, "--max-rps"),
  };
}

/** A server URL from `--url` or BLUEMIND_URL, refused without showing its value (it may be a key pasted in the wrong place). */
export function checkUrl(url: string, source: "--url" | "BLUEMIND_URL"): void {
  try {
    checkServerUrl(url, source);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Makes `connection` the one the providers use in this process, and returns their shared client. */
export function connect(connection: Connection): BlueMindClient {
  setConnection(connection);
  return client();
}
