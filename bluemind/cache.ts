// A per-run cache of bulk reads (`_complete` lists, directory searches and `_mget` lookups,
// servers, domains, org unit trees). Entries are promises, so concurrent callers share one
// request; a failed load is forgotten so that the next caller tries again. Entries are tagged with
// a domain (or none for installation-wide data) so that `invalidate(domain)` after a write drops
// exactly what may have changed. Domain aliases seen in domain reads are remembered, so that
// invalidating `acme-corp.test` also drops what was cached under `acme.test`.

interface Entry {
  /** Canonical domain uid, or null for installation-wide data. */
  domain: string | null;
  value: Promise<unknown>;
}

export class RunCache {
  private readonly entries: Map<string, Entry>;
  /** alias (lower case) → domain uid */
  private readonly aliases: Map<string, string>;

  // Fields are assigned here, never with initializers: see limiter.ts for why.
  constructor() {
    this.entries = new Map();
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
   * caller gets its own copy, so that changing a result cannot corrupt what others read.
   */
  get<T>(domain: string | null, key: string, load: () => Promise<T>, refresh = false): Promise<T> {
    const fullKey = this.fullKey(domain, key);
    if (refresh || !this.entries.has(fullKey)) this.put(domain, key, load());
    return this.entries.get(fullKey)!.value.then((v) => structuredClone(v) as T);
  }

  /** Whether `key` is cached (loaded or loading). */
  has(domain: string | null, key: string): boolean {
    return this.entries.has(this.fullKey(domain, key));
  }

  /** Stores a value being loaded elsewhere (e.g. one item of a batch read). */
  put<T>(domain: string | null, key: string, value: Promise<T>): void {
    const fullKey = this.fullKey(domain, key);
    const entry: Entry = { domain: domain === null ? null : this.canonical(domain), value };
    this.entries.set(fullKey, entry);
    value.catch(() => {
      if (this.entries.get(fullKey) === entry) this.entries.delete(fullKey);
    });
  }

  private fullKey(domain: string | null, key: string): string {
    return `${domain === null ? "*" : this.canonical(domain)}\u0000${key}`;
  }

  /** Drops the entries of one domain (name or alias), or everything when called without one. */
  invalidate(domain?: string): void {
    if (domain === undefined) {
      this.entries.clear();
      return;
    }
    const scope = this.canonical(domain);
    for (const [key, entry] of this.entries) {
      // Re-canonicalized: an alias learnt after the entry was stored must still match it.
      if (entry.domain !== null && this.canonical(entry.domain) === scope) this.entries.delete(key);
    }
  }

  /** Number of cached entries (for diagnostics and tests). */
  get size(): number {
    return this.entries.size;
  }
}
