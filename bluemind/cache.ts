// The run-wide read model: what a run has read of the server, shared by every caller of one client
// (the CLI's engine and every resource of a Pulumi deployment alike, since the host calls one
// provider process for all of them). Two kinds of content:
//   - keyed reads (directory searches, `_mget` lookups, a mailbox's filter, a container's
//     settings, servers, domains): promises, so concurrent callers share one request; a failed
//     load is forgotten so that the next caller tries again;
//   - collections (collection.ts): the bulk lists a run reads once — a domain's mailshares, its
//     mailboxes — kept current item by item.
// A write names what it changes (`Invalidation`), and only that is dropped: the written entry's
// items in the collections (read again alone when next needed), and the keyed reads tagged with
// it. Entries belong to a domain (or none for installation-wide data); domain aliases seen in
// domain reads are remembered, so that a write through `acme-corp.test` reaches what was read
// under `acme.test`.
import type { ItemCollection, Keyed } from "./collection";
import { copyOf } from "./copy";

/** What a write makes stale. */
export interface Invalidation {
  /** The domain (name or alias) written in; null for installation-wide data (containers). */
  domain: string | null;
  /**
   * The directory entry written (a mailshare's uid): its items in the domain's collections are
   * read again when next needed, and the reads derived from entries (by address, directory
   * searches) are dropped.
   */
  entry?: string;
  /** Keyed reads it changes, by tag (`filter:<uid>`, `container:<uid>`). */
  tags?: readonly string[];
}

/** Tags of keyed reads that any entry write may change. */
export const ENTRY_DERIVED_TAGS = ["addresses", "directory"] as const;

interface Entry {
  /** Canonical domain uid, or null for installation-wide data. */
  domain: string | null;
  tags: readonly string[];
  value: Promise<unknown>;
}

export class RunCache {
  private readonly entries: Map<string, Entry>;
  /** tag → full keys of the entries carrying it (a write then costs what it drops, not the cache's size) */
  private readonly tagged: Map<string, Set<string>>;
  private readonly collections: Map<string, { domain: string | null; collection: ItemCollection<Keyed> }>;
  /** alias (lower case) → domain uid */
  private readonly aliases: Map<string, string>;

  // Fields are assigned here, never with initializers: see limiter.ts for why.
  constructor() {
    this.entries = new Map();
    this.tagged = new Map();
    this.collections = new Map();
    this.aliases = new Map();
  }

  /** Records a domain's aliases so that any of its names invalidates the same entries. */
  noteDomain(domainUid: string, aliases: readonly string[]): void {
    this.aliases.set(domainUid.toLowerCase(), domainUid);
    for (const alias of aliases) this.aliases.set(alias.toLowerCase(), domainUid);
  }

  /** The domain uid for a name or alias seen before, else the name as given. */
  canonical(domain: string): string {
    return this.aliases.get(domain.toLowerCase()) ?? domain.toLowerCase();
  }

  /**
   * The cached value of `key`, loading it with `load` on a miss (or always with `refresh`). Each
   * caller gets its own copy, so that changing a result cannot corrupt what others read. `tags`
   * name the writes that make it stale (see `Invalidation`).
   */
  get<T>(domain: string | null, key: string, load: () => Promise<T>, refresh = false, tags: readonly string[] = []): Promise<T> {
    const fullKey = this.fullKey(domain, key);
    if (refresh || !this.entries.has(fullKey)) this.put(domain, key, load(), tags);
    return this.entries.get(fullKey)!.value.then((v) => copyOf(v) as T);
  }

  /** Whether `key` is cached (loaded or loading). */
  has(domain: string | null, key: string): boolean {
    return this.entries.has(this.fullKey(domain, key));
  }

  /** Stores a value being loaded elsewhere (e.g. one item of a batch read). */
  put<T>(domain: string | null, key: string, value: Promise<T>, tags: readonly string[] = []): void {
    const fullKey = this.fullKey(domain, key);
    const entry: Entry = { domain: domain === null ? null : this.canonical(domain), tags, value };
    this.entries.set(fullKey, entry);
    for (const tag of tags) {
      let keys = this.tagged.get(tag);
      if (!keys) this.tagged.set(tag, (keys = new Set()));
      keys.add(fullKey);
    }
    value.catch(() => {
      if (this.entries.get(fullKey) === entry) this.entries.delete(fullKey);
    });
  }

  /** The collection `key` of `domain`, made by `make` on first use (the same object afterwards). */
  collection<C extends ItemCollection<Keyed>>(domain: string, key: string, make: () => C): C {
    const fullKey = this.fullKey(domain, key);
    let found = this.collections.get(fullKey);
    if (!found) {
      found = { domain: this.canonical(domain), collection: make() };
      this.collections.set(fullKey, found);
    }
    return found.collection as C;
  }

  private fullKey(domain: string | null, key: string): string {
    return `${domain === null ? "*" : this.canonical(domain)}\u0000${key}`;
  }

  /** Drops what a write changed (see `Invalidation`). */
  invalidateAfter(write: Invalidation): void {
    const scope = write.domain === null ? null : this.canonical(write.domain);
    const tags = new Set(write.tags ?? []);
    if (write.entry !== undefined) {
      tags.add(`entry:${write.entry}`);
      for (const tag of ENTRY_DERIVED_TAGS) tags.add(tag);
      for (const { domain, collection } of this.collections.values()) {
        if (domain !== null && this.canonical(domain) === scope) collection.expire(write.entry);
      }
    }
    for (const tag of tags) {
      const keys = this.tagged.get(tag);
      for (const key of keys ?? []) {
        const entry = this.entries.get(key);
        if (!entry || !entry.tags.includes(tag)) {
          keys!.delete(key); // replaced or dropped since
          continue;
        }
        // Tags naming one object (`entry:<uid>`, `filter:<uid>`) reach it wherever it was read; the
        // shared ones only within the domain written.
        const scoped = (ENTRY_DERIVED_TAGS as readonly string[]).includes(tag);
        const inScope = !scoped || (entry.domain === null ? scope === null : this.canonical(entry.domain) === scope);
        if (inScope) {
          this.entries.delete(key);
          keys!.delete(key);
        }
      }
    }
  }

  /** Drops everything of one domain (name or alias), or everything when called without one. */
  invalidate(domain?: string): void {
    if (domain === undefined) {
      this.entries.clear();
      this.tagged.clear();
      for (const { collection } of this.collections.values()) collection.forget();
      return;
    }
    const scope = this.canonical(domain);
    for (const [key, entry] of this.entries) {
      // Re-canonicalized: an alias learnt after the entry was stored must still match it.
      if (entry.domain !== null && this.canonical(entry.domain) === scope) this.entries.delete(key);
    }
    for (const { domain: d, collection } of this.collections.values()) {
      if (d !== null && this.canonical(d) === scope) collection.forget();
    }
  }

  /** Number of cached keyed entries (for diagnostics and tests). */
  get size(): number {
    return this.entries.size;
  }
}
