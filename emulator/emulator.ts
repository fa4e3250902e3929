// The emulator: state, sessions, tasks and the HTTP front that speaks BlueMind's wire conventions
// (statuses, error bodies, void/null results, key headers), plus operability (access log, fault
// injection, persistence). Start it with `startEmulator`; services live in ./services/.
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { Router } from "./router";
import { Ctx, PngResult, StreamResult, StringResult } from "./context";
import { JavaException, ServerFault, bodyOf, statusOf } from "./faults";
import { Store } from "./store";
import { Sessions, ADMIN0_UID, GLOBAL_DOMAIN, type Session } from "./sessions";
import { Tasks } from "./tasks";
import { applySeed, loadSeedFile, defaultSeed, type Seed } from "./seed";
import { registerServices } from "./services";
import { releaseNamed, type Release } from "./releases";
import { Verbs } from "./verbs";

export interface FaultOptions {
  /** Fraction of /api requests (0..1) that fail. */
  failRate?: number;
  failStatus?: 500 | 503;
  /** Seconds sent in a Retry-After header with injected failures. */
  retryAfter?: number;
  /** "before": the request is not processed (default); "after": processed, then the answer is lost. */
  failMode?: "before" | "after";
  /** Seed of the pseudo-random generator that picks the failing requests (deterministic tests). */
  failSeed?: number;
  /** Added delay per request in ms. */
  latencyMs?: number;
}

export interface EmulatorOptions extends FaultOptions {
  port?: number;
  host?: string;
  /** A seed file (YAML), a seed object, or the default seed when absent. */
  seed?: string | Seed;
  /** Persist state to DIR/state.json (loaded at start when present; the seed is then not applied). */
  dataDir?: string;
  /** A key that is valid for admin0 for the emulator's lifetime. */
  apiKey?: string;
  /** admin0's password; generated when absent. */
  adminPassword?: string;
  /** Access log file, or a callback receiving each line. */
  accessLog?: string | ((line: string) => void);
  /** Duration of one emulated task step (ms). */
  taskStepMs?: number;
  /** The BlueMind release to be (emulator/releases.ts): `4.8`, `5.0` or `5.1` (default). */
  bluemindVersion?: string;
}

export interface RunningEmulator {
  url: string;
  port: number;
  adminPassword: string;
  emulator: Emulator;
  close(): Promise<void>;
}

/** Mulberry32: small deterministic PRNG for fault injection (and the tests' random walks). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Emulator {
  readonly router = new Router();
  readonly sessions: Sessions;
  readonly tasks: Tasks;
  /** The release this emulator is: its endpoints, models and verbs. */
  readonly release: Release;
  readonly verbs: Verbs;
  private faults: Required<Omit<FaultOptions, "retryAfter">> & { retryAfter?: number };
  private random: () => number;
  private accessLog?: (line: string) => void;

  constructor(readonly store: Store, readonly adminPassword: string, options: EmulatorOptions) {
    this.release = releaseNamed(options.bluemindVersion);
    this.verbs = new Verbs(this.release.lattice);
    this.sessions = new Sessions(store);
    this.tasks = new Tasks(options.taskStepMs ?? 25, () => store.save());
    this.faults = { failRate: 0, failStatus: 500, failMode: "before", failSeed: 1, latencyMs: 0 };
    this.random = prng(1);
    this.setFaults(options);
    registerServices(this.router, this.release);
  }

  /** Changes fault injection at run time (tests switch it on and off without a restart). */
  setFaults(f: FaultOptions): void {
    this.faults = { ...this.faults, ...Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) };
    if (f.failSeed !== undefined || f.failRate !== undefined) this.random = prng(this.faults.failSeed);
  }

  setAccessLog(sink: ((line: string) => void) | undefined): void {
    this.accessLog = sink;
  }

  /** Handles one HTTP request end to end. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? "/", "http://emulator");
    const method = req.method ?? "GET";
    res.on("finish", () => {
      if (!this.accessLog) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // Never the key: only the path is logged, and the query without `apikey`.
      url.searchParams.delete("apikey");
      const query = url.searchParams.toString();
      this.accessLog(`${new Date().toISOString()} ${method} ${url.pathname}${query ? `?${query}` : ""} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    const body = await readBody(req);
    if (body === "too-large") return send(res, 413, "", undefined);
    res.setHeader("Cache-Control", "no-cache, no-store, must-revalidate");
    res.setHeader("Pragma", "no-cache");
    // A different X-BM-ClientVersion only earns a warning header.
    const clientVersion = req.headers["x-bm-clientversion"];
    const coreVersion = this.release.softwareVersion;
    if (clientVersion && clientVersion !== coreVersion) {
      res.setHeader("X-BM-WarnMessage", `client version ${clientVersion} differs from core version ${coreVersion}`);
    }
    if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    const inject = url.pathname.startsWith("/api/") && this.faults.failRate > 0 && this.random() < this.faults.failRate;
    if (inject && this.faults.failMode === "before") return this.sendInjected(res);

    const key = headerValue(req.headers["x-bm-apikey"]) ?? url.searchParams.get("apikey") ?? undefined;
    let session: Session | null = null;
    if (key !== undefined && key !== "") {
      const resolved = this.sessions.resolve(key);
      if (!resolved) return this.sendInvalidKey(res, key);
      session = resolved;
    }

    const match = this.router.match(method, url.pathname);
    if (!match) {
      // Unknown path or verb: a Jackson dump of a ServerFault (note `code`, not `errorCode`).
      return send(res, 500, JSON.stringify({
        code: "UNKNOWN", message: `no service registered on ${method} ${url.pathname}`, stackTrace: [],
        localizedMessage: `no service registered on ${method} ${url.pathname}`, suppressed: [],
      }), undefined);
    }
    const ctx = new Ctx(this, method, url.pathname, match.params, url.searchParams, req.headers, body, session);
    let result: unknown;
    try {
      result = await match.handler(ctx);
    } catch (err) {
      if (method !== "GET") this.store.save();
      if (inject) return this.sendInjected(res);
      if (err instanceof ServerFault || err instanceof JavaException) {
        return send(res, statusOf(err), JSON.stringify(bodyOf(err)), undefined);
      }
      const message = err instanceof Error ? err.message : String(err);
      return send(res, 500, JSON.stringify({ errorType: "RuntimeException", message }), undefined);
    }
    if (method !== "GET") this.store.save();
    if (inject) return this.sendInjected(res);
    await this.sendResult(req, res, result);
  }

  private async sendResult(req: http.IncomingMessage, res: http.ServerResponse, result: unknown): Promise<void> {
    const accept = headerValue(req.headers.accept) ?? "";
    if (result === undefined) return send(res, 200, "", "application/json");
    if (result === null) return send(res, 204, "", undefined);
    if (result instanceof StringResult) {
      return send(res, 200, accept !== "" ? JSON.stringify(result.value) : result.value, "application/json");
    }
    if (result instanceof PngResult) {
      if (accept.split(", ").includes("application/json")) {
        return send(res, 200, JSON.stringify(result.png.toString("base64")), "application/json");
      }
      return send(res, 200, result.png, "image/png");
    }
    if (result instanceof StreamResult) {
      res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
      await result.pump((chunk) => res.write(chunk));
      res.end();
      return;
    }
    send(res, 200, JSON.stringify(result), "application/json");
  }

  private sendInjected(res: http.ServerResponse): void {
    if (this.faults.retryAfter !== undefined) res.setHeader("Retry-After", String(this.faults.retryAfter));
    if (this.faults.failStatus === 503) {
      send(res, 503, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", "text/html");
    } else {
      send(res, 500, JSON.stringify({ errorCode: "UNKNOWN", errorType: "ServerFault", message: "injected fault" }), undefined);
    }
  }

  private sendInvalidKey(res: http.ServerResponse, key: string): void {
    res.setHeader("WWW-authenticate", "Bearer");
    res.setHeader("Set-Cookie", ["OpenIdToken=; Path=/; Max-Age=0", "RefreshToken=; Path=/; Max-Age=0"]);
    // BlueMind echoes the key in this message; it is the caller's own key, sent back only to it.
    send(res, 401, JSON.stringify({
      errorCode: "AUTHENTICATION_FAIL", errorType: "ServerFault",
      message: `invalid accesstoken: session id ${key} is not valid`,
    }), undefined);
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

const MAX_BODY = 10 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(c);
    });
    req.on("end", () => resolve(tooLarge ? "too-large" : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: http.ServerResponse, status: number, body: string | Buffer, contentType: string | undefined): void {
  if (contentType) res.setHeader("Content-Type", contentType);
  res.statusCode = status;
  res.end(body);
}

/** Starts an emulator in this process. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  releaseNamed(options.bluemindVersion); // an unknown version fails before anything is opened
  const { store, loaded } = Store.open(options.dataDir);
  if (!loaded) {
    const seed = typeof options.seed === "string" ? loadSeedFile(options.seed) : options.seed ?? defaultSeed();
    applySeed(store, seed);
    store.save();
  }
  const adminPassword = options.adminPassword ?? randomBytes(12).toString("base64url");
  const emulator = new Emulator(store, adminPassword, options);
  if (options.apiKey) emulator.sessions.open(ADMIN0_UID, GLOBAL_DOMAIN, `admin0@${GLOBAL_DOMAIN}`, options.apiKey, true);
  let logStream: fs.WriteStream | undefined;
  if (typeof options.accessLog === "string") {
    logStream = fs.createWriteStream(options.accessLog, { flags: "a" });
    emulator.setAccessLog((line) => logStream!.write(line + "\n"));
  } else if (options.accessLog) {
    emulator.setAccessLog(options.accessLog);
  }

  const server = http.createServer((req, res) => {
    emulator.handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ errorType: "RuntimeException", message: String(err) }), undefined);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    adminPassword,
    emulator,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await emulator.tasks.drain();
      store.save();
      if (logStream) await new Promise((r) => logStream!.end(r));
    },
  };
}
