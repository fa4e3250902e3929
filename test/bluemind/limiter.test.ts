// The process-wide limiter: an adaptive width of requests in flight (starts at 4, doubles per
// window of fast successes until the first strain, then grows by one; halves on 429 / 502 / 503 /
// 504 / Retry-After / timeouts / connection errors, once per window), between 1 and the ceiling
// maxConcurrent; an optional rate ceiling; one instance per process, on globalThis under
// Symbol.for("bmshare.limiter"). The unit tests drive it with explicit outcome reports and fake
// timers (nothing depends on this machine's speed); the end-to-end ones count at the emulator.
import { describe, it, expect, beforeAll, afterAll, afterEach, vi } from "vitest";
import { Limiter, LATENCY, loadSignalOf, sharedLimiter, type Completion, type LoadSignal, type Slot } from "../../bluemind";
import { probeConcurrency } from "../support/concurrency";
import { requestsOutsideContract, startClientEmulator, type ClientEmulator } from "./support";

const D = "acme.test";

const ok = (latencyMs = 20, kind = "IDomains.get"): Completion => ({ signal: "ok", latencyMs, kind });
const failed = (signal: LoadSignal): Completion => ({ signal, latencyMs: 5, kind: "IDomains.get" });

/** Takes `n` slots at once (no more than the width: they are granted at once). */
const hold = (limiter: Limiter, n: number): Promise<Slot[]> => Promise.all(Array.from({ length: n }, () => limiter.acquire()));

/** One window at the current width, all in use, every request ending with `completion`. */
async function fullWindow(limiter: Limiter, completion: Completion = ok()): Promise<number> {
  for (const slot of await hold(limiter, limiter.concurrency)) limiter.release(slot, completion);
  return limiter.concurrency;
}

describe("adaptive width", () => {
  it("starts at 4, doubles after each window of fast successes, and stops at the ceiling (default 32)", async () => {
    const limiter = new Limiter();
    expect(limiter.concurrency).toBe(4);
    expect(limiter.maxConcurrent).toBe(32);
    expect(limiter.requestsPerSecond).toBe(0);
    expect([await fullWindow(limiter), await fullWindow(limiter), await fullWindow(limiter), await fullWindow(limiter)]).toEqual([8, 16, 32, 32]);
  });

  it("never goes above a ceiling the user set, and starts below it when the ceiling is low", async () => {
    const six = new Limiter({ maxConcurrent: 6 });
    expect([await fullWindow(six), await fullWindow(six), await fullWindow(six)]).toEqual([6, 6, 6]);
    const two = new Limiter({ maxConcurrent: 2 });
    expect(two.concurrency).toBe(2);
    expect(await fullWindow(two)).toBe(2);
  });

  it.each(["overloaded", "timeout", "unreachable"] as const)("halves on %s, once for the requests in flight together, down to 1", async (signal) => {
    const limiter = new Limiter({ initialConcurrent: 16 });
    const slots = await hold(limiter, 16);
    limiter.release(slots[0], failed(signal));
    expect(limiter.concurrency).toBe(8);
    // The other 15 were sent at the old width: the same episode, not fifteen more halvings.
    for (const slot of slots.slice(1)) limiter.release(slot, failed(signal));
    expect(limiter.concurrency).toBe(8);
    const widths: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [slot] = await hold(limiter, 1);
      limiter.release(slot, failed(signal));
      widths.push(limiter.concurrency);
    }
    expect(widths).toEqual([4, 2, 1, 1, 1]);
  });

  it("after a narrowing, grows by one per window instead of doubling", async () => {
    const limiter = new Limiter({ initialConcurrent: 8 });
    const [slot] = await hold(limiter, 1);
    limiter.release(slot, failed("overloaded"));
    expect(limiter.concurrency).toBe(4);
    expect([await fullWindow(limiter), await fullWindow(limiter), await fullWindow(limiter)]).toEqual([5, 6, 7]);
  });

  it("holds while most requests of a window are slower than the factor allows, then grows by one", async () => {
    const limiter = new Limiter();
    expect(await fullWindow(limiter, ok(20))).toBe(8); // fastest IDomains.get: 20 ms
    const slow = ok(20 * LATENCY.factor + 1);
    expect(await fullWindow(limiter, slow)).toBe(8);
    expect(await fullWindow(limiter, slow)).toBe(8);
    expect(await fullWindow(limiter, ok(25))).toBe(9); // latency rose once: no more doubling
  });

  it("compares latencies within an endpoint, and ignores differences below the noise floor", async () => {
    const limiter = new Limiter();
    expect(await fullWindow(limiter, ok(1, "IDomains.get"))).toBe(8);
    // 15 ms is 15 times 1 ms, but under twice the 10 ms floor: noise, not load.
    expect(await fullWindow(limiter, ok(LATENCY.floorMs * LATENCY.factor - 5, "IDomains.get"))).toBe(16);
    // A search taking 400 ms is only compared with other searches.
    expect(await fullWindow(limiter, ok(400, "IDirectory.search"))).toBe(32);
  });

  it("forgets a fastest time after a while: a latency that lasts becomes the new normal", async () => {
    vi.useFakeTimers();
    try {
      const limiter = new Limiter();
      expect(await fullWindow(limiter, ok(20))).toBe(8);
      vi.advanceTimersByTime(LATENCY.memoryMs + 1_000);
      expect(await fullWindow(limiter, ok(45))).toBe(8); // still compared with 20 ms: slow
      vi.advanceTimersByTime(LATENCY.memoryMs + 1_000);
      expect(await fullWindow(limiter, ok(45))).toBe(9); // 20 ms forgotten
    } finally {
      vi.useRealTimers();
    }
  });

  it("grows only when the whole width was in use, and learns nothing from a release without an outcome", async () => {
    const limiter = new Limiter();
    for (let i = 0; i < 12; i++) {
      const [slot] = await hold(limiter, 1);
      limiter.release(slot, ok());
    }
    expect(limiter.concurrency).toBe(4);
    for (const slot of await hold(limiter, 4)) limiter.release(slot);
    await limiter.run(async () => {});
    expect(limiter.concurrency).toBe(4);
    expect(limiter.active).toBe(0);
  });

  it("keeps what it learnt when a client reconfigures it, clamped to a new ceiling; initialConcurrent starts afresh", async () => {
    const limiter = new Limiter();
    await fullWindow(limiter);
    await fullWindow(limiter);
    expect(limiter.concurrency).toBe(16);
    limiter.configure({ maxConcurrent: 32 });
    expect(limiter.concurrency).toBe(16);
    limiter.configure({ maxConcurrent: 3 });
    expect(limiter.concurrency).toBe(3);
    limiter.configure({ maxConcurrent: 32, initialConcurrent: 2 });
    expect(limiter.concurrency).toBe(2);
    expect(await fullWindow(limiter)).toBe(4); // slow start again
    for (const bad of [{ maxConcurrent: 0 }, { maxConcurrent: 2.5 }, { initialConcurrent: 0 }, { requestsPerSecond: -1 }, { burst: 0 }]) {
      expect(() => limiter.configure(bad)).toThrow(RangeError);
    }
  });

  it("starts no more requests than the width, even after a narrowing with more in flight", async () => {
    const limiter = new Limiter({ initialConcurrent: 8 });
    const slots = await hold(limiter, 8);
    let started = 0;
    const more = Array.from({ length: 4 }, () => limiter.acquire().then((slot) => (started++, slot)));
    await Promise.resolve();
    expect(limiter.queued).toBe(4);
    limiter.release(slots[0], failed("overloaded")); // width 4, 7 still in flight
    for (const slot of slots.slice(1, 4)) limiter.release(slot);
    await Promise.resolve();
    expect([limiter.active, started]).toEqual([4, 0]);
    limiter.release(slots[4]);
    await Promise.resolve();
    expect([limiter.active, started]).toEqual([4, 1]);
    for (const slot of slots.slice(5)) limiter.release(slot);
    for (const slot of await Promise.all(more)) limiter.release(slot);
    expect([limiter.active, limiter.queued]).toEqual([0, 0]);
  });
});

describe("load signals of an answer", () => {
  it("asks for less on 429, 502, 503, 504 and on a failure with Retry-After; not on other answers", () => {
    expect([429, 502, 503, 504].map((s) => loadSignalOf(s, undefined))).toEqual(["overloaded", "overloaded", "overloaded", "overloaded"]);
    expect(loadSignalOf(500, "2")).toBe("overloaded");
    expect(loadSignalOf(403, "Wed, 21 Oct 2015 07:28:00 GMT")).toBe("overloaded");
    expect([200, 204, 404, 500].map((s) => loadSignalOf(s, undefined))).toEqual(["ok", "ok", "ok", "ok"]);
    expect(loadSignalOf(500, "soon")).toBe("ok"); // unreadable: as if absent
  });
});

describe("rate ceiling", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("starts at most requestsPerSecond requests per second once the burst is spent, whatever the width", async () => {
    vi.useFakeTimers();
    const limiter = new Limiter({ initialConcurrent: 8, maxConcurrent: 8, requestsPerSecond: 10, burst: 1 });
    const slots: Slot[] = [];
    for (let i = 0; i < 5; i++) void limiter.acquire().then((slot) => slots.push(slot));
    await vi.advanceTimersByTimeAsync(0);
    expect(slots).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(slots).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(slots).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(300);
    expect(slots).toHaveLength(5);
    expect(limiter.active).toBe(5);
    for (const slot of slots) limiter.release(slot, ok());
  });

  it("lets a burst through at once after an idle period", async () => {
    vi.useFakeTimers();
    const limiter = new Limiter({ initialConcurrent: 8, maxConcurrent: 8, requestsPerSecond: 4 });
    expect((await hold(limiter, 4)).length).toBe(4); // burst = requestsPerSecond
    let fifth = false;
    void limiter.acquire().then(() => (fifth = true));
    await vi.advanceTimersByTimeAsync(249);
    expect(fifth).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(fifth).toBe(true);
  });
});

describe("process-wide limiter", () => {
  let env: ClientEmulator;
  beforeAll(async () => {
    env = await startClientEmulator();
  });
  afterAll(async () => {
    await env.close();
    expect(requestsOutsideContract(env.requests)).toEqual([]);
  });

  it("is one instance per process, on globalThis under Symbol.for(\"bmshare.limiter\")", () => {
    const limiter = sharedLimiter();
    expect(limiter).toBeInstanceOf(Limiter);
    expect((globalThis as any)[Symbol.for("bmshare.limiter")]).toBe(limiter);
    expect(sharedLimiter({ maxConcurrent: 5 })).toBe(limiter);
    expect(limiter.maxConcurrent).toBe(5);
    expect(limiter.concurrency).toBeLessThanOrEqual(5);
  });

  it("keeps at most maxConcurrent requests in flight at the server, across two clients", async () => {
    env.emu.emulator.setFaults({ latencyMs: 30 });
    const probe = probeConcurrency(env.emu.emulator);
    const a = env.client({ limits: { maxConcurrent: 3, initialConcurrent: 3, requestsPerSecond: 0 } });
    const b = env.client({ limits: undefined }); // no limits of its own: shares the configured limiter
    try {
      await Promise.all([
        ...Array.from({ length: 8 }, () => a.domains.get(D)),
        ...Array.from({ length: 8 }, () => b.servers.getAssignments(D)),
      ]);
    } finally {
      probe.stop();
      env.emu.emulator.setFaults({ latencyMs: 0 });
    }
    expect(probe.max).toBe(3); // the bound, and reached (the limiter does not serialize)
  });

  it("narrows when the server answers 503, never above the ceiling, and every read still succeeds", async () => {
    const log: string[] = [];
    const client = env.client({
      limits: { maxConcurrent: 16, initialConcurrent: 16, requestsPerSecond: 0 },
      retry: { retries: 12, baseDelayMs: 1, maxDelayMs: 4 },
      logger: { debug: (line) => log.push(line) },
    });
    env.emu.emulator.setFaults({ failRate: 0.25, failStatus: 503, failSeed: 7, latencyMs: 5 });
    const probe = probeConcurrency(env.emu.emulator);
    let domains: unknown[];
    try {
      domains = await Promise.all(Array.from({ length: 48 }, () => client.domains.get(D)));
    } finally {
      probe.stop();
      env.emu.emulator.setFaults({ failRate: 0, latencyMs: 0 });
    }
    expect(domains.every((d) => d !== null)).toBe(true);
    expect(log).toContain("limiter: 16 → 8 requests in flight after overloaded IDomains.get");
    expect(sharedLimiter().concurrency).toBeLessThan(16);
    expect(probe.max).toBeLessThanOrEqual(16);
  });

  it("never has more than a ceiling of 2 in flight at the server, 503s or not", async () => {
    const client = env.client({ limits: { maxConcurrent: 2, requestsPerSecond: 0 }, retry: { retries: 12, baseDelayMs: 1, maxDelayMs: 4 } });
    env.emu.emulator.setFaults({ failRate: 0.2, failStatus: 503, failSeed: 3, latencyMs: 5 });
    const probe = probeConcurrency(env.emu.emulator);
    try {
      await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? client.domains.get(D) : client.servers.getAssignments(D))));
    } finally {
      probe.stop();
      env.emu.emulator.setFaults({ failRate: 0, latencyMs: 0 });
    }
    expect(probe.max).toBeGreaterThanOrEqual(1);
    expect(probe.max).toBeLessThanOrEqual(2);
    expect(sharedLimiter().concurrency).toBeLessThanOrEqual(2);
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
