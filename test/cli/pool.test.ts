// The CLI's pools: items in order, never more in work than the width, a width that may change while
// the pool runs (read again whenever an item could start), and `poolWidth`, which makes it follow
// the process-wide request limiter — so `--max-concurrent 16` lets a pool run 16 items at once.
// Items are held open by hand: nothing depends on timing.
import { describe, expect, it } from "vitest";
import { mapPool, poolWidth, runPool, widestPool } from "../../cli/engine/pool";
import { sharedLimiter, type Completion } from "../../bluemind";

/** A pool whose items stay in work until `finish(item)`. */
function heldPool(items: number[], width: number | (() => number), mayStart?: () => boolean) {
  const open = new Map<number, () => void>();
  let most = 0;
  const started: number[] = [];
  const done = runPool(items, width, (item) => new Promise<void>((resolve) => {
    started.push(item);
    open.set(item, () => {
      open.delete(item);
      resolve();
    });
    most = Math.max(most, open.size);
  }), mayStart);
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    done,
    started,
    inWork: () => [...open.keys()],
    most: () => most,
    async finish(...which: number[]) {
      for (const item of which) open.get(item)!();
      await settle();
    },
    async finishAll() {
      while (open.size > 0) await this.finish(...open.keys());
    },
    settle,
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("runPool", () => {
  it("keeps a fixed width busy, in order", async () => {
    const pool = heldPool(range(10), 3);
    await pool.settle();
    expect(pool.inWork()).toEqual([0, 1, 2]);
    await pool.finish(1);
    expect(pool.inWork()).toEqual([0, 2, 3]);
    await pool.finishAll();
    expect(await pool.done).toEqual([]);
    expect(pool.started).toEqual(range(10));
    expect(pool.most()).toBe(3);
  });

  it("reads a width function again whenever an item could start: wider at once, narrower as items end", async () => {
    let width = 2;
    const pool = heldPool(range(20), () => width);
    await pool.settle();
    expect(pool.inWork()).toEqual([0, 1]);
    width = 5;
    await pool.finish(0);
    expect(pool.inWork()).toEqual([1, 2, 3, 4, 5]);
    width = 2;
    await pool.finish(1, 2);
    expect(pool.inWork()).toEqual([3, 4, 5]); // three still in work: none starts
    await pool.finish(3, 4);
    expect(pool.inWork()).toEqual([5, 6]);
    width = 0; // read as 1: a pool always moves
    await pool.finish(5, 6);
    expect(pool.inWork()).toEqual([7]);
    await pool.finishAll();
    expect(await pool.done).toEqual([]);
  });

  it("returns the items never started once mayStart says stop, after those in work finish", async () => {
    let stop = false;
    const pool = heldPool(range(6), 2, () => !stop);
    await pool.settle();
    stop = true;
    await pool.finishAll();
    expect(await pool.done).toEqual([2, 3, 4, 5]);
  });

  it("starts nothing more after a failure, and rejects with it once the items in work are done", async () => {
    const ended: number[] = [];
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const done = runPool(range(10), 2, async (item) => {
      if (item === 0) await slow;
      if (item === 1) throw new Error("item 1 failed");
      ended.push(item);
    });
    let settled = false;
    done.catch(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false); // item 0 is still in work
    release();
    await expect(done).rejects.toThrow("item 1 failed");
    expect(ended).toEqual([0]);
  });

  it("maps in a pool, the results in the order of the items", async () => {
    const results = await mapPool(range(8), 3, async (i) => {
      await new Promise((resolve) => setImmediate(resolve));
      return i * i;
    });
    expect(results).toEqual(range(8).map((i) => i * i));
  });
});

describe("poolWidth: a pool follows the request limiter", () => {
  const ok: Completion = { signal: "ok", latencyMs: 20, kind: "IDomains.get" };

  /** Widens the shared limiter by full windows of fast successes, as the transport reports them. */
  async function widen(times: number) {
    const limiter = sharedLimiter();
    for (let i = 0; i < times; i++) {
      const slots = await Promise.all(Array.from({ length: limiter.concurrency }, () => limiter.acquire()));
      for (const slot of slots) limiter.release(slot, ok);
    }
  }

  it("with --max-concurrent 16, runs 16 items at once once the limiter has widened, and narrows with it", async () => {
    const limiter = sharedLimiter({ maxConcurrent: 16, initialConcurrent: 4 });
    const width = poolWidth();
    expect(width()).toBe(4);
    expect(widestPool()).toBe(16);
    await widen(2);
    expect(width()).toBe(16);

    const pool = heldPool(range(40), width);
    await pool.settle();
    expect(pool.inWork()).toHaveLength(16);

    // The server pushes back: the limiter halves, and the pool starts nothing until it is below 8.
    const slot = await limiter.acquire();
    limiter.release(slot, { signal: "overloaded", latencyMs: 5, kind: "IDomains.get" });
    expect(width()).toBe(8);
    await pool.finish(...pool.inWork().slice(0, 8));
    expect(pool.inWork()).toHaveLength(8);
    await pool.finish(...pool.inWork().slice(0, 1));
    expect(pool.inWork()).toHaveLength(8);
    await pool.finishAll();
    expect(await pool.done).toEqual([]);
    expect(pool.most()).toBe(16);
  });

  it("is capped by --parallel, and by the limiter's ceiling in messages", async () => {
    sharedLimiter({ maxConcurrent: 16, initialConcurrent: 16 });
    expect(poolWidth(4)()).toBe(4);
    expect(poolWidth()()).toBe(16);
    expect(widestPool(4)).toBe(4);
    sharedLimiter({ maxConcurrent: 2 });
    expect(poolWidth(4)()).toBe(2);
    expect(widestPool()).toBe(2);
  });
});
