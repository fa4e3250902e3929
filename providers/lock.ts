// Per-mailshare mutual exclusion for read-modify-write of server objects that several resources
// share (the mailshare's address list, the mail filter). In-process: the Pulumi host and the CLI
// each run every resource of a deployment in one process. Kept on globalThis so that every copy of
// this module in the process (ts-node, vitest) shares one table.
type Tail = Promise<void>;

function table(): Map<string, Tail> {
  const g = globalThis as Record<string, any>;
  g.__bmshareLocks ??= new Map<string, Tail>();
  return g.__bmshareLocks;
}

/** Runs `fn` once every earlier holder of the lock on `domain/mailshareUid` has finished. */
export async function withMailshareLock<T>(domain: string, mailshareUid: string, fn: () => Promise<T>): Promise<T> {
  const key = `${domain}/${mailshareUid}`;
  const locks = table();
  const previous = locks.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  locks.set(key, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (locks.get(key) === tail) locks.delete(key);
  }
}
