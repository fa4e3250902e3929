// A bulk list (a domain's mailshares, its mailboxes) read once and then kept current item by item:
// a write to one item marks it stale, and the next read that needs it fetches that item alone. So a
// run of N mailshares reads each list once whatever it writes, instead of once per write (which
// made an apply O(N²)).
//
// Reads are answered from the list as it was read: an item absent from a list that loaded without
// error is absent (the list is the server's answer), a list that failed to load is forgotten and the
// next caller tries again, and a failed refresh of a stale item fails that read (never "absent").
// Every value handed out is a copy, so a caller changing it cannot corrupt what others read.

import { copyOf } from "./copy";

export interface Keyed {
  uid: string;
}

/** Keeps a secondary index of a collection current (by name, by address…). */
export interface Indexer<T extends Keyed> {
  add(item: T): void;
  remove(item: T): void;
  /** Empties it (the list is read again). */
  clear(): void;
}

export class ItemCollection<T extends Keyed> {
  private readonly loadAll: () => Promise<T[]>;
  private readonly loadOne: (uid: string) => Promise<T | null>;
  protected readonly indexers: Indexer<T>[];
  private items: Promise<Map<string, T>> | null;
  private readonly stale: Set<string>;
  private readonly refreshing: Map<string, Promise<void>>;
  /** How many times each item was expired: a fetch started before the last expiry is not used. */
  private readonly expiries: Map<string, number>;

  // Fields are assigned here, never with initializers: see limiter.ts for why.
  constructor(loadAll: () => Promise<T[]>, loadOne: (uid: string) => Promise<T | null>, indexers: Indexer<T>[] = []) {
    this.loadAll = loadAll;
    this.loadOne = loadOne;
    this.indexers = indexers;
    this.items = null;
    this.stale = new Set();
    this.refreshing = new Map();
    this.expiries = new Map();
  }

  /** The item `uid`, or null when the server does not have it. */
  async get(uid: string): Promise<T | null> {
    const items = await this.current(() => [uid]);
    const item = items.get(uid);
    return item === undefined ? null : copyOf(item);
  }

  /** Whether the server has item `uid` (nothing copied). */
  async has(uid: string): Promise<boolean> {
    return (await this.current(() => [uid])).has(uid);
  }

  /** Every item, in the order the server listed them (items created since go last). */
  async all(): Promise<T[]> {
    const items = await this.current(() => this.outdated());
    return [...items.values()].map((item) => copyOf(item));
  }

  /** Runs `query` over the up-to-date items (and their indexes) without copying the whole list. */
  async query<R>(query: (items: ReadonlyMap<string, T>) => R): Promise<R> {
    return query(await this.current(() => this.outdated()));
  }

  /** Item `uid` was written (or may have been): the next read that needs it fetches it again. */
  expire(uid: string): void {
    this.stale.add(uid);
    this.expiries.set(uid, (this.expiries.get(uid) ?? 0) + 1);
  }

  /** Forgets the whole list: the next read loads it again. */
  forget(): void {
    this.items = null;
    this.stale.clear();
  }

  /** The items expired or being fetched again. */
  private outdated(): string[] {
    return [...this.stale, ...this.refreshing.keys()];
  }

  /**
   * The list, loaded if needed, once none of the items `uids()` names is outdated: fetched again
   * first, and again if a write expired them meanwhile (or the list was forgotten).
   */
  private async current(uids: () => readonly string[]): Promise<Map<string, T>> {
    for (;;) {
      const loading = this.load();
      const items = await loading;
      const outdated = uids().filter((uid) => this.stale.has(uid) || this.refreshing.has(uid));
      if (outdated.length === 0 && this.items === loading) return items;
      await Promise.all(outdated.map((uid) => this.refresh(items, uid, loading)));
    }
  }

  private load(): Promise<Map<string, T>> {
    if (this.items === null) {
      // The list shows every write made before it was asked for.
      this.stale.clear();
      const loading = this.loadAll().then((list) => {
        for (const indexer of this.indexers) indexer.clear();
        const map = new Map<string, T>();
        for (const item of list) {
          map.set(item.uid, item);
          for (const indexer of this.indexers) indexer.add(item);
        }
        return map;
      });
      this.items = loading;
      loading.catch(() => {
        if (this.items === loading) this.items = null;
      });
    }
    return this.items;
  }

  /**
   * One fetch per stale item, however many readers wait for it; a failure leaves it stale, and so
   * does an expiry while it was in flight (its answer may predate that write: not used).
   */
  private refresh(items: Map<string, T>, uid: string, loading: Promise<Map<string, T>>): Promise<void> {
    let pending = this.refreshing.get(uid);
    if (!pending) {
      this.stale.delete(uid);
      const expiry = this.expiries.get(uid) ?? 0;
      pending = this.loadOne(uid).then(
        (fresh) => {
          if (this.items !== loading || (this.expiries.get(uid) ?? 0) !== expiry) return;
          const old = items.get(uid);
          if (old !== undefined) for (const indexer of this.indexers) indexer.remove(old);
          // An item keeps its place in the list; a new one goes last.
          if (fresh === null) items.delete(uid);
          else {
            items.set(uid, fresh);
            for (const indexer of this.indexers) indexer.add(fresh);
          }
        },
        (err: unknown) => {
          this.stale.add(uid);
          throw err;
        },
      ).finally(() => this.refreshing.delete(uid));
      this.refreshing.set(uid, pending);
    }
    return pending;
  }
}
