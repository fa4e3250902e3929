// Field-level differences between two normalised values, with paths a person can read:
// `shares[alice@acme.test].level`, `aliases[help@acme.test]`, `filters[invoices].actions[0]`.
// Lists whose items have an identity are compared by that identity (an item edited in place is an
// update of that item, not a delete and an add), other lists by position. Keyed lists keep their
// order meaningful (filter rules apply in order): the same items in another order are one change
// of the list, shown as the two key sequences. Set-like lists are sorted in canonical form, so
// their order never differs.

export type ChangeKind = "add" | "delete" | "update";

export interface Change {
  path: string;
  kind: ChangeKind;
  old?: unknown;
  new?: unknown;
}

/** Item identity for the list at a pattern path (the path without `[...]`, e.g. `filters.actions`). */
export type ListKeys = Record<string, (item: any) => string>;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

const join = (base: string, key: string) => (base === "" ? key : `${base}.${key}`);

export function diffValues(oldValue: unknown, newValue: unknown, keys: ListKeys = {}): Change[] {
  const changes: Change[] = [];
  walk(oldValue, newValue, "", "", keys, changes);
  return changes;
}

function walk(a: unknown, b: unknown, path: string, pattern: string, keys: ListKeys, out: Change[]): void {
  if (deepEqual(a, b)) return;
  if (a === undefined || a === null) {
    if (b !== undefined && b !== null) out.push({ path, kind: a === null && path !== "" ? "update" : "add", old: a, new: b });
    return;
  }
  if (b === undefined || b === null) {
    out.push({ path, kind: b === null && path !== "" ? "update" : "delete", old: a, new: b });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const keyOf = keys[pattern];
    if (keyOf) {
      const oldByKey = new Map(a.map((x) => [keyOf(x), x]));
      const newByKey = new Map(b.map((x) => [keyOf(x), x]));
      for (const [k, x] of oldByKey) {
        if (!newByKey.has(k)) out.push({ path: `${path}[${k}]`, kind: "delete", old: x });
      }
      for (const [k, x] of newByKey) {
        if (!oldByKey.has(k)) out.push({ path: `${path}[${k}]`, kind: "add", new: x });
        else walk(oldByKey.get(k), x, `${path}[${k}]`, pattern, keys, out);
      }
      const oldOrder = [...oldByKey.keys()].filter((k) => newByKey.has(k));
      const newOrder = [...newByKey.keys()].filter((k) => oldByKey.has(k));
      if (!deepEqual(oldOrder, newOrder)) out.push({ path, kind: "update", old: [...oldByKey.keys()], new: [...newByKey.keys()] });
      return;
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (i >= b.length) out.push({ path: `${path}[${i}]`, kind: "delete", old: a[i] });
      else if (i >= a.length) out.push({ path: `${path}[${i}]`, kind: "add", new: b[i] });
      else walk(a[i], b[i], `${path}[${i}]`, pattern, keys, out);
    }
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      walk(a[k], b[k], join(path, k), join(pattern, k), keys, out);
    }
    return;
  }
  out.push({ path, kind: "update", old: a, new: b });
}

/** Pulumi's `detailedDiff` from a change list (inputs diff). */
export function detailedDiff(changes: Change[]): Record<string, { kind: ChangeKind; inputDiff: boolean }> {
  return Object.fromEntries(changes.map((c) => [c.path, { kind: c.kind, inputDiff: true }]));
}
