// Wire conventions the emulator cannot show on its own, checked against a scripted HTTP server:
// the exact requests the client sends (headers, bodies, encodings; the key only in X-BM-ApiKey),
// how it reads answers (unknown fields kept, raw String results, base64 photos, bad JSON), and the
// error mappings of answers a real server or proxy may give (unknown endpoint, NPE, HTML 502, 429
// with an HTTP-date Retry-After).
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it, expect, beforeAll, afterAll, beforeEach } from "vitest";
import {
  BlueMindClient, InternalServerError, UnavailableError, UnexpectedResponseError, UnknownEndpointError,
} from "../../bluemind";
import { TEST_LIMITS, makePng } from "./support";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

type Answer = { status: number; body?: string | Buffer; headers?: Record<string, string> };

let server: http.Server;
let url: string;
let seen: Seen[] = [];
let answer: (req: Seen, n: number) => Answer = () => ({ status: 200 });
const KEY = "stub-key-0123456789";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      const a = answer(s, seen.length);
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? "");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
});

const client = (extra: Record<string, unknown> = {}) =>
  new BlueMindClient({ url, apiKey: KEY, limits: TEST_LIMITS, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 }, ...extra });
const json = (value: unknown, status = 200): Answer => ({ status, body: JSON.stringify(value), headers: { "Content-Type": "application/json" } });

describe("requests as sent", () => {
  it("puts the key in X-BM-ApiKey only, never in the URL, and asks for JSON", async () => {
    answer = () => ({ status: 200 });
    await client().auth.ping();
    expect(seen[0].headers["x-bm-apikey"]).toBe(KEY);
    expect(seen[0].url).toBe("/api/auth/ping");
    expect(seen[0].url).not.toContain("apikey");
    expect(seen[0].headers.accept).toBe("application/json");
    expect(seen[0].headers["user-agent"]).toBe("bmshare");
  });

  it("sends the login password as a JSON string literal with exactly application/json, and no key", async () => {
    answer = () => json({ status: "Ok", authKey: "session-1", latd: "a@b", message: null, authUser: null });
    const c = new BlueMindClient({ url, login: "a+b@acme.test", password: 'pa"ss+word', limits: TEST_LIMITS });
    expect(await c.login()).toBe("session-1");
    expect(seen[0].method).toBe("POST");
    expect(seen[0].url).toBe("/api/auth/login?login=a%2Bb%40acme.test&origin=bmshare");
    expect(seen[0].headers["content-type"]).toBe("application/json");
    expect(seen[0].body.toString()).toBe(JSON.stringify('pa"ss+word'));
    expect(seen[0].headers["x-bm-apikey"]).toBeUndefined();
  });

  it("uploads a photo as application/octet-stream and downloads it with Accept: image/png", async () => {
    const png = makePng(2, 2, [0, 0, 255, 255]);
    answer = (req) => (req.method === "GET" ? { status: 200, body: png, headers: { "Content-Type": "image/png" } } : { status: 200 });
    const c = client();
    await c.mailshares.setPhoto("acme.test", "u1", png);
    expect(seen[0].headers["content-type"]).toBe("application/octet-stream");
    expect(seen[0].body.equals(png)).toBe(true);
    expect((await c.mailshares.getPhoto("acme.test", "u1")).equals(png)).toBe(true);
    expect(seen[1].headers.accept).toBe("image/png");
  });

  it("reads a photo sent as base64 JSON (what an Accept with application/json produces)", async () => {
    const png = makePng(1, 1, [1, 2, 3, 4]);
    answer = () => json(png.toString("base64"));
    expect((await client().mailshares.getPhoto("acme.test", "u1")).equals(png)).toBe(true);
  });

  it("encodes path segments and the byType / byRouting quirk (enum in a parameter named email)", async () => {
    answer = () => json([]);
    const c = client();
    await c.users.byEmail("acme.test", "A+B@Acme.test");
    await c.mailboxes.byRouting("acme-corp.test", "internal");
    await c.containers.getAccessControlList("mailbox:acls-x/y");
    expect(seen.map((s) => s.url)).toEqual([
      "/api/users/acme.test/byEmail/a%2Bb%40acme.test",
      "/api/mailboxes/acme-corp.test/_byRouting?email=internal",
      "/api/containers/_manage/mailbox%3Aacls-x%2Fy/_acl",
    ]);
  });
});

describe("answers as read", () => {
  it("keeps fields it does not know, and reads 204 as null", async () => {
    answer = (_req, n) => (n === 1 ? json({ uid: "u1", value: { name: "x", futureField: { a: 1 } }, brandNew: true }) : { status: 204 });
    const c = client();
    const item = await c.mailshares.getComplete("acme.test", "u1");
    expect(item).toMatchObject({ brandNew: true, value: { futureField: { a: 1 } } });
    expect(await c.mailshares.getComplete("acme.test", "u2")).toBeNull();
  });

  it("reads a String result JSON-encoded or raw", async () => {
    answer = (_req, n) => (n === 1 ? json("mailbox:acls-u1") : { status: 200, body: "mailbox:acls-u2", headers: { "Content-Type": "application/json" } });
    const c = client();
    expect(await c.containers.getUidForMailbox("u1")).toBe("mailbox:acls-u1");
    expect(await c.containers.getUidForMailbox("u2")).toBe("mailbox:acls-u2");
  });

  it("does not parse the body of a void call, and reports invalid JSON where a value is expected", async () => {
    answer = () => ({ status: 200, body: "not json", headers: { "Content-Type": "application/json" } });
    const c = client();
    await expect(c.mailshares.update("acme.test", "u1", { name: "x", routing: "none", emails: [] })).resolves.toBeUndefined();
    const err = await c.domains.get("acme.test").catch((e) => e);
    expect(err).toBeInstanceOf(UnexpectedResponseError);
    expect(err.endpoint).toBe("IDomains.get");
  });
});

describe("error answers", () => {
  it("maps the {code, message} dump of an unknown path to UnknownEndpointError", async () => {
    answer = () => ({ status: 500, body: JSON.stringify({ code: "UNKNOWN", message: "no service registered on GET /api/x", stackTrace: [] }) });
    const err = await client().servers.allComplete().catch((e) => e);
    expect(err).toBeInstanceOf(UnknownEndpointError);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.errorCode).toBeNull();
    expect(err.serverMessage).toBe("no service registered on GET /api/x");
    expect(err.message).toMatch(/does not know this endpoint/);
    expect(seen).toHaveLength(1); // not retried
  });

  it("maps a bare Java exception (no errorCode, null message) to InternalServerError", async () => {
    answer = () => ({ status: 500, body: JSON.stringify({ errorType: "NullPointerException", message: null }) });
    const err = await client().mailboxes.getMailboxQuota("acme.test", "u1").catch((e) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.errorType).toBe("NullPointerException");
    expect(err.serverMessage).toBeNull();
  });

  it("retries an HTML 502 from a proxy, then reports UnavailableError with a readable excerpt", async () => {
    answer = () => ({ status: 502, body: "<html><body>Bad Gateway</body></html>", headers: { "Content-Type": "text/html" } });
    const err = await client().domains.all().catch((e) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.status).toBe(502);
    expect(err.serverMessage).toContain("Bad Gateway");
    expect(seen).toHaveLength(3);
  });

  it("honours a 429 Retry-After given as an HTTP date, and retries even a create (429 means not processed)", async () => {
    answer = (_req, n) => (n === 1 ? { status: 429, headers: { "Retry-After": new Date(Date.now() + 1500).toUTCString() } } : { status: 200 });
    const started = Date.now();
    await client().mailshares.create("acme.test", "u1", { name: "x", routing: "none", emails: [] });
    // HTTP dates have one-second precision: between ~0.5 s and 1.5 s from now.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(seen.map((s) => s.method)).toEqual(["PUT", "PUT"]);
  });
});
