// One HTTP exchange with node's own http / https: a request out, the whole answer back as bytes, or
// a failure that keeps only its code, message and whether the time ran out. The transport
// (transport.ts) decides everything else — headers, retries, what an answer means.
//
// Why not got: got (which this client used before) spent about three times node http's CPU on
// each request (an options object, a duplex stream and a cancelable promise each time), and none of
// what it adds was used: its retries, redirects, decompression and hooks were all off. At thousands
// of mailshares that was a third of a no-op plan's CPU (README, "Scale"). node's modules also need
// no module resolution in a serialized Pulumi provider, which got needed from the program's folder.
import * as http from "node:http";
import * as https from "node:https";

export interface ExchangeOptions {
  /** Base URL without `/api` (e.g. `https://mail.example.com`, or with a path prefix). */
  baseUrl: string;
  /** Accept any certificate (a test server's own). */
  insecure: boolean;
  /** Extra certificate authorities (PEM), trusted instead of node's own list, as https does. */
  certificateAuthority?: Buffer;
  userAgent: string;
}

export interface ExchangeRequest {
  method: string;
  /** Path and query after the base URL (`/api/...`). */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Whole exchange, from the request to the last byte of the answer. */
  timeoutMs: number;
}

export interface ExchangeAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** No answer came back: a connection error or the time ran out. */
export class ExchangeFailure extends Error {
  readonly code: string | null;
  readonly timeout: boolean;
  constructor(message: string, code: string | null, timeout: boolean) {
    super(message);
    this.name = "ExchangeFailure";
    this.code = code;
    this.timeout = timeout;
  }
}

export type Exchange = (request: ExchangeRequest) => Promise<ExchangeAnswer>;

/**
 * An exchange function bound to one server, over keep-alive connections of its own agent (one per
 * client, so that a client's TLS settings never meet another's connections).
 */
export function createExchange(options: ExchangeOptions): Exchange {
  // The client's configuration (index.ts) has already checked the URL and its protocol.
  const base = new URL(options.baseUrl);
  const secure = base.protocol === "https:";
  const prefix = base.pathname.replace(/\/+$/, "");
  const send = secure ? https.request : http.request;
  const agent = secure
    ? new https.Agent({ keepAlive: true, rejectUnauthorized: !options.insecure, ca: options.certificateAuthority })
    : new http.Agent({ keepAlive: true });
  const target = {
    protocol: base.protocol,
    hostname: base.hostname.replace(/^\[|\]$/g, ""),
    port: base.port || undefined,
    agent,
  };

  return (request) => new Promise<ExchangeAnswer>((resolve, reject) => {
    const headers: Record<string, string | number> = { ...request.headers, "user-agent": options.userAgent };
    if (request.body !== undefined) headers["content-length"] = Buffer.byteLength(request.body);
    let settled = false;
    // Declared before the closures that clear it: Pulumi's closure serializer (docs/pulumi.md §2)
    // cannot capture a variable that is declared after the function using it.
    let timer: NodeJS.Timeout | undefined;
    const fail = (err: unknown, timeout = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const e = err as { code?: unknown; message?: unknown };
      reject(new ExchangeFailure(
        typeof e?.message === "string" ? e.message : String(err), typeof e?.code === "string" ? e.code : null, timeout,
      ));
    };
    const req = send({ ...target, method: request.method, path: prefix + request.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", fail);
      res.on("aborted", () => fail({ code: "ECONNRESET", message: "the connection closed before the whole answer came" }));
      res.on("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    timer = setTimeout(() => {
      fail({ code: "ETIMEDOUT", message: `no answer within ${request.timeoutMs} ms` }, true);
      req.destroy();
    }, request.timeoutMs);
    req.on("error", (err) => fail(err));
    req.end(request.body);
  });
}
