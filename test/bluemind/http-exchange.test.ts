// The client's one HTTP exchange (bluemind/http-exchange.ts) against a loopback server that
// misbehaves on purpose: an answer cut off halfway is a connection failure at once (not a wait for
// the timeout, not a short body taken as the answer), a silent server ends at the timeout, a base
// URL's path prefix is kept, bodies carry their length, compressed answers are decompressed,
// connections are reused, and closed when idle too long or when the client is done.
import * as http from "node:http";
import * as zlib from "node:zlib";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExchange, ExchangeFailure } from "../../bluemind/http-exchange";

let server: http.Server;
let base: string;
const sockets = new Set<Socket>();
const seen: { url: string; length: string | undefined; body: string; agent: string | undefined; encoding: string | undefined; socket: Socket }[] = [];
const ANSWER = JSON.stringify({ items: Array.from({ length: 50 }, (_, i) => ({ uid: `u${i}`, name: `mailshare ${i}` })) });
const CODED: Record<string, Buffer> = {
  gzip: zlib.gzipSync(ANSWER), deflate: zlib.deflateSync(ANSWER), br: zlib.brotliCompressSync(ANSWER),
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({
        url: req.url ?? "", length: req.headers["content-length"], body, agent: req.headers["user-agent"],
        encoding: req.headers["accept-encoding"], socket: req.socket,
      });
      if (req.url?.endsWith("/silent")) return; // never answers
      const coded = /\/coded\/(\w+)$/.exec(req.url ?? "");
      if (coded) {
        // As a server that compresses whatever the client asked; "broken" is gzip that is not.
        const name = coded[1];
        res.writeHead(200, { "content-type": "application/json", "content-encoding": name === "broken" ? "gzip" : name });
        res.end(name === "broken" ? Buffer.from("not gzip at all") : CODED[name]);
        return;
      }
      if (req.url?.endsWith("/cut")) {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
        res.write('{"half":');
        setImmediate(() => req.socket.destroy());
        return;
      }
      res.writeHead(200, { "content-type": "application/json", "x-answer": "yes" });
      res.end(JSON.stringify({ echo: body }));
    });
  });
  // The server keeps idle connections for 10 minutes: a connection that closes is the client's doing.
  server.keepAliveTimeout = 600_000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

const exchange = (prefix = "", idleTimeoutMs?: number) =>
  createExchange({ baseUrl: base + prefix, insecure: false, userAgent: "bmshare-test", idleTimeoutMs }).send;
const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once("close", () => resolve())));

describe("one HTTP exchange", () => {
  it("sends the body with its length and the user agent, keeps the base URL's path, and returns status, headers and bytes", async () => {
    const send = exchange("/bm");
    const answer = await send({ method: "POST", path: "/api/x?y=1", headers: { "content-type": "application/json" }, body: '"é"', timeoutMs: 5000 });
    expect(answer.status).toBe(200);
    expect(answer.headers["x-answer"]).toBe("yes");
    expect(JSON.parse(answer.body.toString("utf8"))).toEqual({ echo: '"é"' });
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ url: "/bm/api/x?y=1", length: "4", body: '"é"', agent: "bmshare-test", encoding: "gzip, deflate, br" });
  });

  it.each(["gzip", "deflate", "br"])("decompresses a %s answer", async (coding) => {
    const answer = await exchange()({ method: "GET", path: `/api/coded/${coding}`, headers: {}, timeoutMs: 5000 });
    expect(answer.body.toString("utf8")).toBe(ANSWER);
  });

  it("fails an answer that cannot be decompressed as cut off (the request may have been processed)", async () => {
    const err = await exchange()({ method: "GET", path: "/api/coded/broken", headers: {}, timeoutMs: 5000 }).catch((e) => e);
    expect(err).toBeInstanceOf(ExchangeFailure);
    expect(err).toMatchObject({ code: "ERR_CONTENT_DECODING", timeout: false });
  });

  it("closes a connection left idle longer than its idle timeout, before the server would", async () => {
    await exchange("", 50)({ method: "GET", path: "/api/idle", headers: {}, timeoutMs: 5000 });
    await closed(seen[seen.length - 1].socket);
  });

  it("closes its connections when the client is done", async () => {
    const client = createExchange({ baseUrl: base, insecure: false, userAgent: "t" });
    await client.send({ method: "GET", path: "/api/done", headers: {}, timeoutMs: 5000 });
    client.close();
    await closed(seen[seen.length - 1].socket);
  });

  it("reuses its connection for the next request", async () => {
    const send = exchange();
    await send({ method: "GET", path: "/api/a", headers: {}, timeoutMs: 5000 });
    await send({ method: "GET", path: "/api/b", headers: {}, timeoutMs: 5000 });
    const [a, b] = seen.slice(-2);
    expect(a.socket).toBe(b.socket);
  });

  it("fails at once, as a cut connection, when the answer stops halfway", async () => {
    const err = await exchange()({ method: "GET", path: "/api/cut", headers: {}, timeoutMs: 600_000 }).catch((e) => e);
    expect(err).toBeInstanceOf(ExchangeFailure);
    expect(err.timeout).toBe(false);
    expect(err.code).toBe("ECONNRESET");
  });

  it("ends a request the server never answers at its timeout", async () => {
    const err = await exchange()({ method: "GET", path: "/api/silent", headers: {}, timeoutMs: 50 }).catch((e) => e);
    expect(err).toBeInstanceOf(ExchangeFailure);
    expect(err).toMatchObject({ timeout: true, code: "ETIMEDOUT", message: "no answer within 50 ms" });
  });

  it("names the connection error when nothing listens", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const send = createExchange({ baseUrl: `http://127.0.0.1:${port}`, insecure: false, userAgent: "t" }).send;
    const err = await send({ method: "GET", path: "/api/x", headers: {}, timeoutMs: 5000 }).catch((e) => e);
    expect(err).toMatchObject({ code: "ECONNREFUSED", timeout: false });
  });
});
