// A resource's changes as a person reviews them: a create or delete is every field it sets or
// removes, a list item is named by its key (`shares[user:alice@acme.test]`), an object split into
// its fields (`autoReply.subject`).
import type { BmshareProvider, Props } from "../../providers/base";
import type { Change, ListKeys } from "../../providers/diff";

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isEmpty = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0);

/** The parts of a sub-resource that say what it is rather than what it holds. */
export const REFERENCE_KEYS = new Set(["domain", "mailshare"]);

/**
 * A change that adds or removes a whole object or list, as one change per field or item
 * (`autoReply.subject`, `shares[user:alice@acme.test]`), so that a person sees everything a create
 * or delete sets. List items are named by the provider's list keys (else by position).
 */
export function explode(change: Change, listKeys: ListKeys, pattern = change.path.replace(/\[[^\]]*\]/g, "")): Change[] {
  const adding = change.old === null || change.old === undefined;
  const removing = change.new === null || change.new === undefined;
  // A list item stays whole: `shares[user:alice@acme.test]: {"user": …, "level": "read"}`.
  if (adding === removing || change.path.endsWith("]")) return [change];
  const value = adding ? change.new : change.old;
  const child = (path: string, v: unknown, childPattern: string) =>
    explode(adding ? { path, kind: "add", new: v } : { path, kind: "delete", old: v }, listKeys, childPattern);
  if (Array.isArray(value) && value.length > 0) {
    const keyOf = listKeys[pattern];
    return value.map((item, i) => (adding ? { path: `${change.path}[${keyOf ? keyOf(item) : i}]`, kind: "add", new: item } as Change
      : { path: `${change.path}[${keyOf ? keyOf(item) : i}]`, kind: "delete", old: item } as Change));
  }
  if (!isPlainObject(value)) return [change];
  return Object.entries(value)
    .filter(([, v]) => !isEmpty(v))
    .flatMap(([k, v]) => child(`${change.path}.${k}`, v, `${pattern}.${k}`));
}

/** Every field a create sets (or a delete removes): what a person needs to review a new resource. */
export function wholeResource(provider: BmshareProvider, inputs: Props, kind: "add" | "delete"): Change[] {
  const listKeys = provider.definition.listKeys ?? {};
  return provider.definition.inputKeys
    .filter((k) => !REFERENCE_KEYS.has(k) && !isEmpty(inputs[k]))
    .flatMap((k) => explode(kind === "add" ? { path: k, kind, new: inputs[k] } : { path: k, kind, old: inputs[k] }, listKeys));
}


/**
 * The changes a plan shows for a resource it creates or updates, computed from what apply will send
 * (`inputs`) and the live state the plan read (`live`), as the plan computes them (plan.ts).
 */
export function changesFromInputs(provider: BmshareProvider, action: "create" | "update", inputs: Props, live: Props | null): Change[] {
  if (action === "create" || live === null) return wholeResource(provider, inputs, "add");
  return provider.changes(live, inputs).flatMap((c) => explode(c, provider.definition.listKeys ?? {}));
}
