// The process-wide limiter: never more than maxConcurrent requests in flight at the server, even
// across clients; at most requestsPerSecond started per second; one instance per process, kept on
// globalThis under Symbol.for("bmshare.limiter").
import { performance } from "node:perf_hooks";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Limiter, sharedLimiter } from "../../bluemind";
import { requestsOutsideContract, startClientEmulator, type ClientEmulator } from "./support";

const D = "acme.test";
let env: ClientEmulator;

beforeAll(async () => {
  env = await startClientEmulator();
});
afterAll(async () => {
  await env.close();
  expect(requestsOutsideContract(env.requests)).toEqual([]);
});

interface Interval {
  start: number;
  end: number;
}

/** Records, at the server, when each request started and ended (end = log time, start = end - duration). */
function recordServerIntervals(): { intervals: Interval[]; stop: () => void } {
  const intervals: Interval[] = [];
  const stop = env.onRequest((line) => {
    const end = performance.now();
    const ms = Number(/ ([\d.]+)ms$/.exec(line)![1]);
    intervals.push({ start: end - ms, end });
  });
  return { intervals, stop };
}

/** Most requests being handled at once, from the server's point of view. */
function maxInFlight(intervals: Interval[]): number {
  // Ends sort before starts at the same instant (0.2 ms slack for the log's 0.1 ms rounding).
  const events = intervals.flatMap((i) => [{ t: i.start + 0.2, d: 1 }, { t: i.end, d: -1 }]).sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of events) max = Math.max(max, (now += e.d));
  return max;
}

describe("process-wide limiter", () => {
  it("keeps at most maxConcurrent requests in flight at the server, across two clients", async () => {
    env.emu.emulator.setFaults({ latencyMs: 30 });
    const a = env.client({ limits: { maxConcurrent: 3, requestsPerSecond: 0 } });
    const b = env.client({ limits: undefined }); // no limits of its own: shares the configured limiter
    const { intervals, stop } = recordServerIntervals();
    await Promise.all([
      ...Array.from({ length: 8 }, () => a.domains.get(D)),
      ...Array.from({ length: 8 }, () => b.servers.getAssignments(D)),
    ]);
    stop();
    env.emu.emulator.setFaults({ latencyMs: 0 });
    expect(intervals).toHaveLength(16);
    expect(maxInFlight(intervals)).toBe(3); // the bound, and reached (the limiter does not serialize)
  });

  it("starts at most requestsPerSecond requests per second once the burst is spent", async () => {
    env.client({ limits: { maxConcurrent: 8, requestsPerSecond: 40, burst: 1 } });
    const client = env.client({ limits: undefined });
    const started = performance.now();
    await Promise.all(Array.from({ length: 9 }, () => client.domains.get(D)));
    // 9 requests at 40/s with a burst of 1: the last one starts 8 × 25 ms after the first.
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    env.client({ limits: { maxConcurrent: 8, requestsPerSecond: 1000, burst: 1000 } });
  });

  it("is one instance per process, on globalThis under Symbol.for(\"bmshare.limiter\")", () => {
    const limiter = sharedLimiter();
    expect(limiter).toBeInstanceOf(Limiter);
    expect((globalThis as any)[Symbol.for("bmshare.limiter")]).toBe(limiter);
    expect(sharedLimiter({ maxConcurrent: 5 })).toBe(limiter);
    expect(limiter.maxConcurrent).toBe(5);
    expect(() => limiter.configure({ maxConcurrent: 0 })).toThrow(RangeError);
  });

  it("lets queued requests through in order and frees slots when requests fail", async () => {
    const limiter = new Limiter({ maxConcurrent: 1, requestsPerSecond: 0 });
    const order: number[] = [];
    const failing = limiter.run(async () => {
      throw new Error("boom");
    });
    const runs = [1, 2, 3].map((n) => limiter.run(async () => void order.push(n)));
    await expect(failing).rejects.toThrow("boom");
    await Promise.all(runs);
    expect(order).toEqual([1, 2, 3]);
    expect(limiter.active).toBe(0);
    expect(limiter.queued).toBe(0);
  });
});
