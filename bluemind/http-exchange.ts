// One HTTP exchange with node's own http / https: a request out, the whole answer back as bytes
// (decompressed), or a failure that keeps only its code, message and whether the time ran out. The
// transport (transport.ts) decides everything else — headers, retries, what an answer means.
//
// Why not got: got (which this client used before) spent about three times node http's CPU on
// each request (an options object, a duplex stream and a cancelable promise each time). Of what it
// adds, only two things were in use, both kept here: compressed answers (a server behind nginx may
// gzip them, asked or not) and dropping idle connections before the server does (node's global
// agent, which got used, drops them after 5 s; a server that closes them first, as nginx does after
// 75 s without saying so, would otherwise meet requests on connections it has just closed). Its
// retries, redirects and hooks were off. At thousands of mailshares got was a third of a no-op
// plan's CPU (README, "Scale"). node's modules also need no module resolution in a serialized
// Pulumi provider, which got needed from the program's folder.
import * as http from "node:http";
import * as https from "node:https";
import * as zlib from "node:zlib";

export interface ExchangeOptions {
  /** Base URL without `/api` (e.g. `https://mail.example.com`, or with a path prefix). */
  baseUrl: string;
  /** Accept any certificate (a test server's own). */
  insecure: boolean;
  /** Extra certificate authorities (PEM), trusted instead of node's own list, as https does. */
  certificateAuthority?: Buffer;
  userAgent: string;
  /** A connection idle this long is closed (default 5000 ms, as node's global agent). */
  idleTimeoutMs?: number;
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

export interface Exchange {
  send(request: ExchangeRequest): Promise<ExchangeAnswer>;
  /** Closes its connections, for when no request is in flight (the client's `close()`). */
  close(): void;
}

/**
 * The content codings the client accepts, and the zlib function undoing each (by name: Pulumi's
 * closure serializer cannot copy zlib's functions, only `require` the module).
 */
const DECODERS: Record<string, "gunzip" | "inflate" | "brotliDecompress"> = {
  gzip: "gunzip",
  "x-gzip": "gunzip",
  deflate: "inflate",
  br: "brotliDecompress",
};
const ACCEPT_ENCODING = "gzip, deflate, br";

/**
 * An exchange bound to one server, over keep-alive connections of its own agent (one per client,
 * so that a client's TLS settings never meet another's connections).
 */
export function createExchange(options: ExchangeOptions): Exchange {
  // The client's configuration (index.ts) has already checked the URL and its protocol.
  const base = new URL(options.baseUrl);
  const secure = base.protocol === "https:";
  const prefix = base.pathname.replace(/\/+$/, "");
  const request = secure ? https.request : http.request;
  // As node's global agent: reuse the most recently used connection, close those idle for 5 s.
  const pool = { keepAlive: true, scheduling: "lifo" as const, timeout: options.idleTimeoutMs ?? 5000 };
  const agent = secure
    ? new https.Agent({ ...pool, rejectUnauthorized: !options.insecure, ca: options.certificateAuthority })
    : new http.Agent(pool);
  const target = {
    protocol: base.protocol,
    hostname: base.hostname.replace(/^\[|\]$/g, ""),
    port: base.port || undefined,
    agent,
  };

  const send = (exchange: ExchangeRequest) => new Promise<ExchangeAnswer>((resolve, reject) => {
    // Copied field by field and the options below spelt out, not spread: spreading objects of
    // varying shapes takes V8's slow path, and this runs once per request.
    const headers: Record<string, string | number> = {};
    for (const name in exchange.headers) headers[name] = exchange.headers[name];
    headers["user-agent"] = options.userAgent;
    headers["accept-encoding"] = ACCEPT_ENCODING;
    if (exchange.body !== undefined) headers["content-length"] = Buffer.byteLength(exchange.body);
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
    const req = request({
      protocol: target.protocol, hostname: target.hostname, port: target.port, agent: target.agent,
      method: exchange.method, path: prefix + exchange.path, headers,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", fail);
      res.on("aborted", () => fail({ code: "ECONNRESET", message: "the connection closed before the whole answer came" }));
      res.on("end", () => {
        if (settled) return;
        const body = Buffer.concat(chunks);
        const answer = (decoded: Buffer) => {
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: decoded });
        };
        const coding = String(res.headers["content-encoding"] ?? "identity").trim().toLowerCase();
        const decoder = Object.hasOwn(DECODERS, coding) ? DECODERS[coding] : undefined;
        // An unknown coding is left as it came: the caller then finds no JSON and says so.
        if (!decoder || body.length === 0) return answer(body);
        zlib[decoder](body, (err: Error | null, out: Buffer) => {
          // The server answered, so a request may have been processed: a cut-off kind of failure.
          if (err) fail({ code: "ERR_CONTENT_DECODING", message: `the ${coding} answer could not be decompressed` });
          else answer(out);
        });
      });
    });
    timer = setTimeout(() => {
      fail({ code: "ETIMEDOUT", message: `no answer within ${exchange.timeoutMs} ms` }, true);
      req.destroy();
    }, exchange.timeoutMs);
    req.on("error", (err) => fail(err));
    req.end(exchange.body);
  });
  return { send, close: () => agent.destroy() };
}
