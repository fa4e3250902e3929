// Bounded concurrency: at most `limit` items in work at once, in the given order. `mayStart` is asked
// before each item starts, so a stop request (Ctrl-C) lets the items in flight finish and starts no
// other; the items never started are returned.
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  mayStart: () => boolean = () => true,
): Promise<T[]> {
  const notStarted: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (!mayStart()) {
        notStarted.push(item);
        continue;
      }
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return items.filter((i) => notStarted.includes(i));
}
