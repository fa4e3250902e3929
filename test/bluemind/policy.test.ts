// The retry policy and the task log parser as pure functions: which failures may be repeated by
// which calls, Retry-After parsing, exponential backoff with jitter and its caps.
import { describe, it, expect } from "vitest";
import {
  DEFAULT_RETRY, backoffDelay, classifyNetworkCode, classifyStatus, mayRepeat, parseRetryAfter, retryDelay,
} from "../../bluemind/retry";
import { parseJsonSequence } from "../../bluemind/tasks";

describe("retry policy", () => {
  it("classifies failures: refused / 429 not processed, resets / timeouts / 502-504 ambiguous, the rest fatal", () => {
    expect(classifyNetworkCode("ECONNREFUSED")).toBe("not-processed");
    expect(classifyNetworkCode("ECONNRESET")).toBe("ambiguous");
    expect(classifyNetworkCode("ETIMEDOUT")).toBe("ambiguous");
    expect(classifyNetworkCode("DEPTH_ZERO_SELF_SIGNED_CERT")).toBe("fatal");
    expect(classifyNetworkCode(null)).toBe("fatal");
    expect(classifyStatus(429)).toBe("not-processed");
    expect([502, 503, 504].map(classifyStatus)).toEqual(["ambiguous", "ambiguous", "ambiguous"]);
    expect([400, 401, 403, 404, 500].map(classifyStatus)).toEqual(["fatal", "fatal", "fatal", "fatal", "fatal"]);
  });

  it("repeats reads and full replaces after any transient failure, 'once' writes only when nothing was processed", () => {
    expect(mayRepeat("read", "ambiguous")).toBe(true);
    expect(mayRepeat("replace", "ambiguous")).toBe(true);
    expect(mayRepeat("once", "ambiguous")).toBe(false);
    expect(mayRepeat("once", "not-processed")).toBe(true);
    expect(mayRepeat("read", "fatal")).toBe(false);
  });

  it("parses Retry-After as seconds or an HTTP date; ignores garbage", () => {
    const now = Date.parse("2026-11-28T12:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter("0.5", now)).toBe(500);
    expect(parseRetryAfter("Sat, 28 Nov 2026 12:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Sat, 28 Nov 2026 11:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(["3"], now)).toBe(3000);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it("backs off exponentially with equal jitter, capped at maxDelayMs", () => {
    const options = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, options, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, options, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(3, options);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });

  it("waits for Retry-After when it asks for longer than the backoff, up to maxRetryAfterMs", () => {
    const options = { ...DEFAULT_RETRY, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 3000 };
    expect(retryDelay(1, 2000, options)).toBe(2000);
    expect(retryDelay(1, 60_000, options)).toBe(3000);
    expect(retryDelay(1, 0, options)).toBeLessThanOrEqual(10);
  });
});

describe("task log stream parsing", () => {
  it("reads newline-separated, concatenated or array-wrapped JSON objects, strings with braces included", () => {
    const a = { done: 0, total: 2, message: "step {1}", end: false };
    const b = { done: 2, total: 2, message: 'say "}"', end: true, status: "Success" };
    expect(parseJsonSequence(`${JSON.stringify(a)}\n${JSON.stringify(b)}\n`)).toEqual([a, b]);
    expect(parseJsonSequence(JSON.stringify(a) + JSON.stringify(b))).toEqual([a, b]);
    expect(parseJsonSequence(JSON.stringify([a, b]))).toEqual([a, b]);
    expect(parseJsonSequence("")).toEqual([]);
  });
});
