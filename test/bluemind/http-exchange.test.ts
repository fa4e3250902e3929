// The client's one HTTP exchange (bluemind/http-exchange.ts) against a loopback server that
// misbehaves on purpose: an answer cut off halfway is a connection failure at once (not a wait for
// the timeout, not a short body taken as the answer), a silent server ends at the timeout, a base
// URL's path prefix is kept, bodies carry their length, and connections are reused.
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExchange, ExchangeFailure } from "../../bluemind/http-exchange";

let server: http.Server;
let base: string;
const sockets = new Set<Socket>();
const seen: { url: string; length: string | undefined; body: string; agent: string | undefined; socket: Socket }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ url: req.url ?? "", length: req.headers["content-length"], body, agent: req.headers["user-agent"], socket: req.socket });
      if (req.url?.endsWith("/silent")) return; // never answers
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

const exchange = (prefix = "") => createExchange({ baseUrl: base + prefix, insecure: false, userAgent: "bmshare-test" });

describe("one HTTP exchange", () => {
  it("sends the body with its length and the user agent, keeps the base URL's path, and returns status, headers and bytes", async () => {
    const send = exchange("/bm");
    const answer = await send({ method: "POST", path: "/api/x?y=1", headers: { "content-type": "application/json" }, body: '"é"', timeoutMs: 5000 });
    expect(answer.status).toBe(200);
    expect(answer.headers["x-answer"]).toBe("yes");
    expect(JSON.parse(answer.body.toString("utf8"))).toEqual({ echo: '"é"' });
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ url: "/bm/api/x?y=1", length: "4", body: '"é"', agent: "bmshare-test" });
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
    const send = createExchange({ baseUrl: `http://127.0.0.1:${port}`, insecure: false, userAgent: "t" });
    const err = await send({ method: "GET", path: "/api/x", headers: {}, timeoutMs: 5000 }).catch((e) => e);
    expect(err).toMatchObject({ code: "ECONNREFUSED", timeout: false });
  });
});
