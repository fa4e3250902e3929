// The wire conventions every service shares: status codes, error bodies, key handling, tolerance,
// and the emulator's operability features (access log, fault injection, latency).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, mailshareBody, TEST_KEY, type TestEmulator } from "../support/emulator";
import { Router } from "../../emulator/router";

let emu: TestEmulator;
const logLines: string[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({ accessLog: (line) => logLines.push(line) });
});
afterAll(async () => {
  await emu.close();
});

describe("status-code conventions", () => {
  it("401 with BlueMind's body and headers for an invalid key", async () => {
    const r = await emu.api("GET", "/api/mailshares/acme.test/_complete", { key: "not-a-session" });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({
      errorCode: "AUTHENTICATION_FAIL", errorType: "ServerFault",
      message: "invalid accesstoken: session id not-a-session is not valid",
    });
    expect(r.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("403 PERMISSION_DENIED without a key (anonymous context)", async () => {
    const r = await emu.api("GET", "/api/mailshares/acme.test/_complete", { key: null });
    expect(r.status).toBe(403);
    expect(r.json.errorCode).toBe("PERMISSION_DENIED");
  });

  it("void is 200 with an empty body; null is 204; values are JSON", async () => {
    const put = await emu.api("PUT", "/api/mailshares/acme.test/conv-1", { body: mailshareBody("conv-one") });
    expect([put.status, put.text, put.headers.get("content-type")]).toEqual([200, "", "application/json"]);
    const none = await emu.api("GET", "/api/mailshares/acme.test/conv-none/complete");
    expect([none.status, none.text]).toEqual([204, ""]);
    const some = await emu.api("GET", "/api/mailshares/acme.test/conv-1/complete");
    expect(some.status).toBe(200);
    expect(some.headers.get("cache-control")).toBe("no-cache, no-store, must-revalidate");
  });

  it("business errors are HTTP 500 with errorCode; error bodies carry no Content-Type", async () => {
    const r = await emu.api("PUT", "/api/mailshares/acme.test/conv-2", { body: mailshareBody("conv-one") });
    expect(r.status).toBe(500);
    expect(r.json.errorCode).toBe("ALREADY_EXISTS");
    expect(r.headers.get("content-type")).toBeNull();
  });

  it("an unknown path or verb is a 500 with a ServerFault dump (code, not errorCode)", async () => {
    const r = await emu.api("GET", "/api/no/such/service");
    expect(r.status).toBe(500);
    expect(r.json.code).toBe("UNKNOWN");
    expect(r.json.message).toBe("no service registered on GET /api/no/such/service");
    expect(r.json.errorCode).toBeUndefined();
    expect((await emu.api("PATCH", "/api/mailshares/acme.test/conv-1")).status).toBe(500);
  });

  it("404 NOT_FOUND for an unknown domain", async () => {
    const r = await emu.api("GET", "/api/mailshares/unknown.test/_complete");
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ errorCode: "NOT_FOUND", errorType: "ServerFault", message: "domain unknown.test not found" });
  });
});

describe("tolerance", () => {
  it("accepts the key as ?apikey=", async () => {
    const r = await emu.api("GET", `/api/mailshares/acme.test/_complete?apikey=${TEST_KEY}`, { key: null });
    expect(r.status).toBe(200);
  });

  it("ignores X-BM-ClientVersion but warns when it differs", async () => {
    const r = await emu.api("GET", "/api/mailshares/acme.test/_complete", { headers: { "X-BM-ClientVersion": "4.1.0" } });
    expect(r.status).toBe(200);
    expect(r.headers.get("x-bm-warnmessage")).toContain("4.1.0");
  });

  it("accepts a body on GET", async () => {
    // fetch refuses GET bodies: send the raw request through node:http.
    const http = await import("node:http");
    const payload = JSON.stringify({ ignored: true });
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${emu.url}/api/mailshares/acme.test/conv-1/complete`, {
        method: "GET",
        headers: { "X-BM-ApiKey": TEST_KEY, "Content-Type": "application/json", "Content-Length": String(payload.length) },
      }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(payload);
    });
    expect(status).toBe(200);
  });

  it("decodes + in a path segment as a space, %2B as a plus", () => {
    const r = new Router();
    r.get("/api/x/{v}", () => 1);
    expect(r.match("GET", "/api/x/a+b")?.params.v).toBe("a b");
    expect(r.match("GET", "/api/x/a%2Bb")?.params.v).toBe("a+b");
  });
});

describe("router: literal segments win, no backtracking", () => {
  it("cannot address a mailshare whose uid is literally _complete", async () => {
    const put = await emu.api("PUT", "/api/mailshares/acme.test/_complete", { body: mailshareBody("literal") });
    expect(put.status).toBe(200); // PUT has no literal _complete route: the uid is accepted
    const get = await emu.api("GET", "/api/mailshares/acme.test/_complete/complete");
    expect(get.status).toBe(500); // GET …/_complete/… walks into the literal branch and finds nothing
  });

  it("names parameters per route even when two routes share the node", () => {
    const r = new Router();
    r.get("/a/{domain}/{uid}/x", () => "x");
    r.get("/a/{domain}/{entryUid}/y", () => "y");
    expect(r.match("GET", "/a/d/u/y")?.params).toEqual({ domain: "d", entryUid: "u" });
    expect(r.match("GET", "/a/d/u/x")?.params).toEqual({ domain: "d", uid: "u" });
  });
});

describe("access log", () => {
  it("logs method, path, status and duration, never the key", async () => {
    logLines.length = 0;
    await emu.api("GET", `/api/mailshares/acme.test/_complete?apikey=${TEST_KEY}`, { key: null });
    await emu.api("GET", "/api/mailshares/acme.test/conv-1/complete");
    expect(logLines).toHaveLength(2);
    expect(logLines[0]).toMatch(/^\S+Z GET \/api\/mailshares\/acme\.test\/_complete 200 \d+\.\dms$/);
    expect(logLines[1]).toMatch(/GET \/api\/mailshares\/acme\.test\/conv-1\/complete 200/);
    expect(logLines.join("\n")).not.toContain(TEST_KEY);
  });
});

describe("fault injection", () => {
  it("fails the configured fraction of requests, deterministically, with Retry-After", async () => {
    const run = async () => {
      emu.emulator.setFaults({ failRate: 0.3, failStatus: 503, retryAfter: 2, failSeed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) statuses.push((await emu.api("GET", "/api/mailshares/acme.test/conv-1/complete")).status);
      emu.emulator.setFaults({ failRate: 0 });
      return statuses;
    };
    const first = await run();
    const failures = first.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(40);
    expect(failures).toBeLessThan(80);
    expect(first.every((s) => s === 200 || s === 503)).toBe(true);
    expect(await run()).toEqual(first);
  });

  it("500 faults look like BlueMind faults and are not processed in 'before' mode", async () => {
    emu.emulator.setFaults({ failRate: 1, failStatus: 500, failMode: "before" });
    const r = await emu.api("PUT", "/api/mailshares/acme.test/conv-fault", { body: mailshareBody("conv-fault") });
    emu.emulator.setFaults({ failRate: 0 });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ errorCode: "UNKNOWN", errorType: "ServerFault", message: "injected fault" });
    expect((await emu.api("GET", "/api/mailshares/acme.test/conv-fault/complete")).status).toBe(204);
  });

  it("'after' mode processes the request and loses the answer", async () => {
    emu.emulator.setFaults({ failRate: 1, failStatus: 503, failMode: "after" });
    const r = await emu.api("PUT", "/api/mailshares/acme.test/conv-after", { body: mailshareBody("conv-after") });
    emu.emulator.setFaults({ failRate: 0, failMode: "before" });
    expect(r.status).toBe(503);
    expect((await emu.api("GET", "/api/mailshares/acme.test/conv-after/complete")).status).toBe(200);
  });

  it("adds latency", async () => {
    emu.emulator.setFaults({ latencyMs: 60 });
    const t0 = Date.now();
    await emu.api("GET", "/api/mailshares/acme.test/conv-1/complete");
    emu.emulator.setFaults({ latencyMs: 0 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
  });
});
