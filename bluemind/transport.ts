// The only code that speaks HTTP to BlueMind. Every call names its endpoint (`IService.method`,
// see endpoints.ts) and the transport applies BlueMind's wire conventions once, centrally
// (docs/bluemind-api.md §1): encoded path segments, the key in `X-BM-ApiKey` only, JSON bodies (String
// bodies as JSON string literals, byte[] as application/octet-stream), 204 → null, void → no body
// parsed, String results JSON-decoded, errors mapped to typed BlueMindErrors. Each attempt holds
// a slot of the process-wide limiter and reports to it how the server answered and how fast, so
// that the limiter can adapt its width; failures are retried as retry.ts explains.
//
// The bytes go out through http-exchange.ts (node's own http / https), created on first use, never
// at module load: a serialized Pulumi provider holds no connection (docs/pulumi.md §2).
import { promises as fsp } from "node:fs";
import { createExchange, type Exchange } from "./http-exchange";
import { ENDPOINTS, fillPath, queryString, type EndpointName, type PathParams, type QueryParams } from "./endpoints";
import {
  BlueMindError, ClientConfigError, OutcomeUnknownError, RequestTimeoutError, TransportError,
  UnexpectedResponseError, errorFromResponse, isAlreadyExists, type CallSite,
} from "./errors";
import type { Completion, Limiter } from "./limiter";
import type { Invalidation, RunCache } from "./cache";
import type { Credentials } from "./credentials";
import {
  classifyNetworkCode, classifyStatus, loadSignalOf, mayRepeat, parseRetryAfter, retryDelay, sleep,
  type FailureKind, type Repeat, type RetryOptions,
} from "./retry";

/** Where the client writes what it does. Lines never contain the key, the password or bodies. */
export interface BlueMindLogger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
}

export type RequestBody =
  /** Any JSON value, `Content-Type: application/json`. */
  | { kind: "json"; value: unknown }
  /** A Java `String` parameter: sent as a JSON string literal with `application/json`. */
  | { kind: "string"; value: string }
  /** A Java `byte[]` parameter: raw bytes with `application/octet-stream` (§1.3). */
  | { kind: "bytes"; value: Buffer };

export interface CallSpec<E extends EndpointName> {
  endpoint: E;
  params: PathParams<E>;
  query?: QueryParams<E>;
  body?: RequestBody;
  /** Accept header; default `application/json`. */
  accept?: string;
  /** How the call may be repeated (retry.ts). */
  repeat: Repeat;
  /**
   * For "once" writes: after an ambiguous failure, tells whether the write landed (a read). When it
   * did, the call succeeds; when it did not, the write is sent again.
   */
  verify?: () => Promise<boolean>;
  /** What this write makes stale in the run cache (cache.ts), or "all". */
  invalidates?: Invalidation | "all";
  /** Overrides the per-request timeout (a log stream lasts as long as its task). */
  timeoutMs?: number;
  /** Send no key (login). */
  anonymous?: boolean;
  /** Extra values to scrub from logs and errors (the login password). */
  secrets?: readonly string[];
}

/** A call to any endpoint (a union discriminated by `endpoint`, so path parameters are checked). */
export type AnyCall = { [E in EndpointName]: CallSpec<E> }[EndpointName];

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface TransportOptions {
  /** Base URL without `/api` (e.g. `https://mail.example.com`). */
  baseUrl: string;
  timeoutMs: number;
  insecure: boolean;
  caFile?: string;
  userAgent: string;
  retry: RetryOptions;
  limiter: Limiter;
  cache: RunCache;
  credentials: Credentials;
  logger?: BlueMindLogger;
}

/** What went wrong when no HTTP answer came back. */
interface NetworkFailure {
  code: string | null;
  message: string;
  timeout: boolean;
}

type Attempt = { reply: Reply; failure?: undefined } | { reply?: undefined; failure: NetworkFailure };

const VERIFIED: Reply = { status: 200, headers: {}, body: Buffer.alloc(0) };

export class Transport {
  private readonly options: TransportOptions;
  private http: Promise<Exchange> | null;

  // Fields are assigned here, never with initializers: see limiter.ts for why.
  constructor(options: TransportOptions) {
    this.options = options;
    this.http = null;
  }

  get credentials(): Credentials {
    return this.options.credentials;
  }

  get cache(): RunCache {
    return this.options.cache;
  }

  // -------------------------------------------------------------------------------------------
  // Typed results

  /** A JSON result; null for 204 (BlueMind's "none") or an empty body. */
  async json<T>(spec: AnyCall): Promise<T | null> {
    const reply = await this.send(spec);
    return this.parseJson<T>(spec, reply);
  }

  /** A JSON result that must be present (TaskRef, TaskStatus, LoginResponse, …). */
  async required<T>(spec: AnyCall): Promise<T> {
    const value = await this.json<T>(spec);
    if (value === null) {
      throw new UnexpectedResponseError(`${spec.endpoint}: the server answered no value (HTTP 204 or empty body)`, {
        site: this.site(spec.endpoint),
      });
    }
    return value;
  }

  /** A JSON list; a 204 reads as an empty list. */
  async list<T>(spec: AnyCall): Promise<T[]> {
    const value = await this.json<T[]>(spec);
    if (value === null) return [];
    if (!Array.isArray(value)) {
      throw new UnexpectedResponseError(`${spec.endpoint}: expected a JSON array`, { site: this.site(spec.endpoint) });
    }
    return value;
  }

  /** A `void` result: 200 with an empty body that must not be parsed. */
  async void(spec: AnyCall): Promise<void> {
    await this.send(spec);
  }

  /**
   * A `void` "once" write that says how it ended: true when the server answered it, false when its
   * answer was lost and the verifying read found it landed — then what the server held before is
   * not known (the object may have been there already).
   */
  async answered(spec: AnyCall): Promise<boolean> {
    return (await this.send(spec)) !== VERIFIED;
  }

  /**
   * A Java `String` result: JSON-encoded because the client always sends an Accept header, raw
   * when a server sends it unencoded (§1.4). 204 → null.
   */
  async string(spec: AnyCall): Promise<string | null> {
    const reply = await this.send(spec);
    if (reply.status === 204 || reply.body.length === 0) return null;
    const text = reply.body.toString("utf8");
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === "string") return value;
    } catch {
      // not JSON: the raw form
    }
    return text;
  }

  /** A `byte[]` result (PNG): raw bytes, or the base64 JSON string some Accept headers produce. */
  async bytes(spec: AnyCall): Promise<Buffer> {
    const reply = await this.send(spec);
    const type = String(reply.headers["content-type"] ?? "");
    if (type.startsWith("application/json")) {
      const value = this.parseJson<unknown>(spec, reply);
      if (typeof value !== "string") {
        throw new UnexpectedResponseError(`${spec.endpoint}: expected bytes`, { site: this.site(spec.endpoint) });
      }
      return Buffer.from(value, "base64");
    }
    return reply.body;
  }

  /** The raw body as text (chunked `Stream` results). */
  async text(spec: AnyCall): Promise<string> {
    const reply = await this.send(spec);
    return reply.body.toString("utf8");
  }

  private parseJson<T>(spec: AnyCall, reply: Reply): T | null {
    if (reply.status === 204 || reply.body.length === 0) return null;
    try {
      return JSON.parse(reply.body.toString("utf8")) as T;
    } catch {
      throw new UnexpectedResponseError(`${spec.endpoint}: the answer is not valid JSON (HTTP ${reply.status})`, {
        site: this.site(spec.endpoint),
        status: reply.status,
      });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Sending, with retries

  site(endpoint: EndpointName): CallSite {
    const def = ENDPOINTS[endpoint];
    return { endpoint, method: def.method, path: def.path };
  }

  /** Sends a call; resolves with a 2xx reply or throws a BlueMindError. */
  async send(spec: AnyCall): Promise<Reply> {
    const def = ENDPOINTS[spec.endpoint];
    const site = this.site(spec.endpoint);
    const path = fillPath(def.path, spec.params as Record<string, string | number>) + queryString(spec.query);
    try {
      return await this.sendWithRetries(site, path, spec);
    } finally {
      // A write that failed may still have changed the server: drop the stale entries either way.
      if (spec.invalidates !== undefined && spec.repeat !== "read") {
        if (spec.invalidates === "all") this.cache.invalidate();
        else this.cache.invalidateAfter(spec.invalidates);
      }
    }
  }

  private async sendWithRetries(site: CallSite, path: string, spec: AnyCall): Promise<Reply> {
    const retry = this.options.retry;
    let retries = 0;
    let reloggedIn = false;
    /** An earlier attempt of a "once" write failed ambiguously and verification said "not landed". */
    let uncertain = false;
    for (;;) {
      const key = spec.anonymous ? null : await this.credentials.key(this);
      const attempt = await this.attempt(site, path, spec, key);
      let failure: BlueMindError;
      let kind: FailureKind;
      let retryAfterMs: number | null = null;
      if (attempt.reply) {
        const reply = attempt.reply;
        if (reply.status >= 200 && reply.status < 300) return reply;
        if (reply.status === 401 && key !== null && !reloggedIn && this.credentials.canLogin()) {
          // Our own session expired: log in again and repeat (a 401 is answered before any work).
          reloggedIn = true;
          this.log("info", `${site.endpoint}: session expired, logging in again`, spec);
          await this.credentials.refresh(this, key);
          continue;
        }
        failure = errorFromResponse(site, reply.status, reply.body.toString("utf8"), (s) => this.scrub(s, spec));
        if (uncertain && spec.verify && isAlreadyExists(failure)) {
          // The earlier, ambiguous attempt landed after all.
          if (await this.verify(site, spec, "ALREADY_EXISTS after an ambiguous attempt")) return VERIFIED;
        }
        kind = classifyStatus(reply.status);
        retryAfterMs = parseRetryAfter(reply.headers["retry-after"]);
      } else {
        failure = this.networkError(site, attempt.failure, spec);
        kind = attempt.failure.timeout ? "ambiguous" : classifyNetworkCode(attempt.failure.code);
      }
      if (kind === "fatal") throw failure;
      if (kind === "ambiguous" && spec.repeat === "once") {
        const reason = failure.message;
        if (!spec.verify) throw this.outcomeUnknown(site, reason, failure);
        if (await this.verify(site, spec, reason)) return VERIFIED;
        uncertain = true;
      }
      if (!mayRepeat(spec.repeat, kind) && !uncertain) throw failure;
      if (retries >= retry.retries) throw failure;
      retries++;
      const delay = retryDelay(retries, retryAfterMs, retry);
      this.log("warn", `${site.endpoint} ${site.method} ${path}: ${failure.status ?? (failure as TransportError).code ?? "failed"}; retry ${retries}/${retry.retries} in ${delay} ms`, spec);
      await sleep(delay);
    }
  }

  /** Runs a "once" write's verification read; its failure leaves the outcome unknown. */
  private async verify(site: CallSite, spec: AnyCall, reason: string): Promise<boolean> {
    let landed: boolean;
    try {
      landed = await spec.verify!();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw this.outcomeUnknown(site, `${reason}; the verification read failed too (${why})`, null);
    }
    this.log("info", `${site.endpoint}: ambiguous failure (${reason}); verification read says the write ${landed ? "landed" : "did not land"}`, spec);
    return landed;
  }

  private outcomeUnknown(site: CallSite, reason: string, failure: BlueMindError | null): OutcomeUnknownError {
    return new OutcomeUnknownError(
      `${site.endpoint} (${site.method} ${site.path}): the server may or may not have applied this write, which is ` +
        `not repeated blindly; re-read the state before retrying (${reason})`,
      reason,
      { site, status: failure?.status ?? null, errorCode: failure?.errorCode ?? null, serverMessage: failure?.serverMessage ?? null },
    );
  }

  private networkError(site: CallSite, failure: NetworkFailure, spec: AnyCall): TransportError {
    const fields = { site };
    if (failure.timeout) {
      return new RequestTimeoutError(
        `${site.endpoint} (${site.method} ${site.path}): no answer within ${spec.timeoutMs ?? this.options.timeoutMs} ms`, failure.code, fields,
      );
    }
    return new TransportError(`${site.endpoint} (${site.method} ${site.path}) failed: ${failure.message}`, failure.code, fields);
  }

  /** One HTTP exchange inside a limiter slot. */
  private async attempt(site: CallSite, path: string, spec: AnyCall, key: string | null): Promise<Attempt> {
    const exchange = await this.exchange();
    const headers: Record<string, string> = { accept: spec.accept ?? "application/json" };
    if (key !== null) headers["x-bm-apikey"] = key;
    let body: string | Buffer | undefined;
    if (spec.body) {
      if (spec.body.kind === "bytes") {
        headers["content-type"] = "application/octet-stream";
        body = spec.body.value;
      } else {
        // Exactly `application/json`: BlueMind compares the whole header value (§1.3).
        headers["content-type"] = "application/json";
        body = JSON.stringify(spec.body.value);
      }
    }
    const limiter = this.options.limiter;
    const slot = await limiter.acquire();
    const started = Date.now();
    // A call with a timeout of its own lasts as long as its task: its latency says nothing of load.
    const latency = () => (spec.timeoutMs === undefined ? Date.now() - started : null);
    let completion: Completion | undefined;
    try {
      const reply = await exchange.send({
        method: site.method, path, headers, body, timeoutMs: spec.timeoutMs ?? this.options.timeoutMs,
      });
      completion = { signal: loadSignalOf(reply.status, reply.headers["retry-after"]), latencyMs: latency(), kind: site.endpoint };
      this.log("debug", `${site.endpoint} ${site.method} ${path} → ${reply.status} (${Date.now() - started} ms)`, spec);
      return { reply };
    } catch (err) {
      const failure = this.describeNetworkFailure(err, spec);
      completion = { signal: failure.timeout ? "timeout" : "unreachable", latencyMs: latency(), kind: site.endpoint };
      this.log("debug", `${site.endpoint} ${site.method} ${path} → ${failure.code ?? "error"} (${Date.now() - started} ms)`, spec);
      return { failure };
    } finally {
      const before = limiter.concurrency;
      limiter.release(slot, completion);
      if (limiter.concurrency !== before) {
        const why = completion?.signal === "ok" ? "" : ` after ${completion?.signal} ${site.endpoint}`;
        this.log("debug", `limiter: ${before} → ${limiter.concurrency} requests in flight${why}`, spec);
      }
    }
  }

  /** Keeps only the code and message of the failure, the message scrubbed. */
  private describeNetworkFailure(err: unknown, spec: AnyCall): NetworkFailure {
    const e = (err ?? {}) as { code?: unknown; timeout?: unknown; message?: unknown };
    const code = typeof e.code === "string" ? e.code : null;
    // One line: OpenSSL's messages end with a newline.
    const message = this.scrub(typeof e.message === "string" ? e.message : String(err), spec).replace(/\s+/g, " ").trim();
    return { code, message: code && !message.includes(code) ? `${code}: ${message}` : message, timeout: e.timeout === true };
  }

  private exchange(): Promise<Exchange> {
    if (!this.http) {
      this.http = this.createExchange();
      this.http.catch(() => {
        this.http = null;
      });
    }
    return this.http;
  }

  private async createExchange(): Promise<Exchange> {
    let certificateAuthority: Buffer | undefined;
    if (this.options.caFile) {
      try {
        certificateAuthority = await fsp.readFile(this.options.caFile);
      } catch (err) {
        throw new ClientConfigError(`cannot read caFile ${this.options.caFile}: ${(err as NodeJS.ErrnoException).code ?? err}`);
      }
      // node ignores a file without a certificate, and the handshake then fails as if none were given.
      if (!certificateAuthority.includes("-----BEGIN CERTIFICATE-----")) {
        throw new ClientConfigError(`caFile ${this.options.caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
      }
    }
    return createExchange({ ...this.options, certificateAuthority });
  }

  /** Closes the connections to the server (a later request opens new ones). */
  async closeConnections(): Promise<void> {
    const open = this.http;
    this.http = null;
    if (open) await open.then((exchange) => exchange.close(), () => undefined);
  }

  log(level: "debug" | "info" | "warn", message: string, spec?: AnyCall): void {
    const logger = this.options.logger;
    const write = logger?.[level];
    if (!write) return;
    write.call(logger, this.scrub(message, spec));
  }

  scrub(text: string, spec?: AnyCall): string {
    return this.credentials.scrub(text, spec?.secrets ?? []);
  }
}
