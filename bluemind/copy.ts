// Copies of what the client keeps for the whole run (cache.ts, collection.ts): each reader gets its
// own, so that changing a result cannot corrupt what others read. The values are parsed JSON, for
// which a plain walk costs a fraction of structuredClone (thousands of copies per plan).

/** A deep copy of `value`: JSON data walked, anything else (a Buffer…) given to structuredClone. */
export function copyOf<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copyOf) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const copy: Record<string, unknown> = Object.create(proto);
  for (const key of Object.keys(value)) {
    const item = copyOf((value as Record<string, unknown>)[key]);
    // JSON may hold a "__proto__" key: an own property, as JSON.parse makes it, not a prototype.
    if (key === "__proto__") Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy as T;
}
