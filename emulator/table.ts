// Keyed tables of the emulator's state. Keys are client-chosen strings (uids, API keys, setting
// names, identity ids), so a plain object would answer `constructor`, `toString` or `__proto__`
// from Object.prototype. Tables are null-prototype objects: every key is an ordinary own property,
// they still serialise as JSON objects, and `t[key]` / `delete t[key]` keep working.

declare const TABLE: unique symbol;

/** A null-prototype string-keyed table. The brand keeps plain `{}` literals from being stored. */
export type Table<T> = { [key: string]: T } & { readonly [TABLE]: true };

/** An empty table, or a copy of `entries` as one. */
export function table<T>(entries?: Record<string, T> | Iterable<[string, T]>): Table<T> {
  const t = Object.create(null) as Table<T>;
  if (!entries) return t;
  const pairs = Symbol.iterator in entries ? (entries as Iterable<[string, T]>) : Object.entries(entries);
  // Plain assignment is safe on a null-prototype object, `__proto__` included.
  for (const [k, v] of pairs) t[k] = v;
  return t;
}

/** The value of an own key (also safe on a plain object that came from elsewhere). */
export function own<T>(t: Record<string, T> | undefined, key: string): T | undefined {
  return t !== undefined && Object.hasOwn(t, key) ? t[key] : undefined;
}
