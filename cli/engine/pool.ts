// Bounded concurrency: items worked on in the given order, at most `width` at once. The width may be
// a function, read again whenever an item could start, so that a pool of server work follows the
// process-wide request limiter as it widens and narrows (`poolWidth`): enough items in work to
// keep its width busy, and not the whole list queued behind it. `mayStart` is asked before each
// item starts, so a stop request (Ctrl-C) lets the items in flight finish and starts no other; the
// items never started are returned. When an item fails, no other starts, and the pool rejects
// with that error once the items in flight have settled.
import { sharedLimiter } from "../../bluemind/limiter";

export type PoolWidth = number | (() => number);

/** The most items `poolWidth` lets a pool run at once when `--parallel` sets no cap (its largest value). */
export const MAX_POOL_WIDTH = 64;

/**
 * The width of a pool of server work: the request limiter's current width (each item sends at least
 * one request at a time), capped by `cap` (`--parallel`) when one is given.
 */
export function poolWidth(cap: number = MAX_POOL_WIDTH): () => number {
  return () => Math.min(cap, sharedLimiter().concurrency);
}

/** The largest width `poolWidth(cap)` can reach, for messages ("up to 32 at a time"). */
export function widestPool(cap: number = MAX_POOL_WIDTH): number {
  return Math.min(cap, sharedLimiter().maxConcurrent);
}

export function runPool<T>(
  items: readonly T[],
  width: PoolWidth,
  work: (item: T) => Promise<void>,
  mayStart: () => boolean = () => true,
): Promise<T[]> {
  const widthNow = typeof width === "function" ? width : () => width;
  const notStarted: T[] = [];
  let next = 0;
  let running = 0;
  let failure: { error: unknown } | null = null;
  return new Promise<T[]>((resolve, reject) => {
    const settle = () => {
      if (running > 0) return;
      if (failure) reject(failure.error);
      else if (next >= items.length) resolve(notStarted);
    };
    // At least one item in work whatever the width says, so that a pool always moves.
    const room = () => {
      const w = widthNow();
      return running < (w >= 1 ? w : 1);
    };
    const fill = () => {
      while (failure === null && next < items.length && room()) {
        const item = items[next++];
        if (!mayStart()) {
          notStarted.push(item);
          continue;
        }
        running++;
        let done: Promise<void>;
        try {
          done = work(item);
        } catch (err) {
          done = Promise.reject(err);
        }
        done.then(
          () => {
            running--;
            fill();
          },
          (error: unknown) => {
            running--;
            failure ??= { error };
            settle();
          },
        );
      }
      settle();
    };
    fill();
  });
}

/** `fn` over `items` in a pool of `width`, the results in the order of the items. */
export async function mapPool<T, R>(items: readonly T[], width: PoolWidth, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  await runPool(items.map((item, index) => ({ item, index })), width, async ({ item, index }) => {
    results[index] = await fn(item);
  });
  return results;
}
