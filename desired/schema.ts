// Validation against schemas/mailshares.schema.json (ajv, draft 2020-12) and translation of ajv's
// errors into messages a person can act on: the field path, what was expected, what was found, and a
// "did you mean" for unknown keys and enum values close to a known one.
//
// The schema uses three composite patterns and the translator handles each (schema-sync.test.ts checks
// that no other kind appears): `anyOf: [{$ref}, {type: "null"}]` (a nullable field), `oneOf` whose
// branches are all `{required: [key]}` (exactly one of several keys), and `if`/`then`/`else` (whose
// own "must match then" error says nothing the inner errors do not). `errorMessage`,
// `patternErrorMessage`, `defaultSnippets` and `markdownDescription` are editor annotations (VS Code /
// yaml-language-server);
// the first two also supply the "expected" half of our messages.
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020";
import { describeValue, didYouMean, shorten, type FieldPath, type Issue } from "./errors";
import { parseSize } from "./sizes";
import { parseDate } from "./dates";
import { MAILSHARES_SCHEMA, SCHEMA_ANNOTATIONS, loadPrecompiled, newAjv } from "./schema-validators";

export { MAILSHARES_SCHEMA, SCHEMA_ANNOTATIONS };

type JsonSchema = { [keyword: string]: any };

let allErrorsAjv: ReturnType<typeof newAjv> | undefined;
/** The one ajv that collects every error (file, mailshare and field validators): each new ajv validates the schema against the meta-schema again (~0.15 s). */
const allErrors = () => (allErrorsAjv ??= newAjv(true));
let firstErrorAjv: ReturnType<typeof newAjv> | undefined;
/** The one ajv that stops at the first error, when nothing is precompiled (the sources run). */
const firstError = () => (firstErrorAjv ??= newAjv(false));

let precompiled: Record<string, ValidateFunction> | null | undefined;
/** A first-error validator (`file`, `field:KEY`): precompiled in dist/, else compiled on first use (ajv caches it). */
function firstErrorValidator(name: string, ref: string): ValidateFunction | undefined {
  if (precompiled === undefined) precompiled = loadPrecompiled(require);
  if (precompiled) return precompiled[name];
  return firstError().getSchema(ref);
}

/** Stops at the first error: most files are valid, and this answers in linear time. */
const firstFileValidator = () => firstErrorValidator("file", "mailshares")!;
/** Every error of a file (its mailshares are checked one by one, see below). */
const fileValidator = () => allErrors().getSchema("mailshares")!;
/** Every error of one mailshare. */
const mailshareValidator = () => allErrors().getSchema("mailshares#/$defs/mailshare")!;

const fieldValidators = { first: new Map<string, ValidateFunction>(), all: new Map<string, ValidateFunction>() };

/** The schema of one mailshare field (`aliases`, `shares`…), compiled once: stopping at its first error, or collecting all. */
function fieldValidator(key: string, errors: "first" | "all"): ValidateFunction | undefined {
  const compiledFields = fieldValidators[errors];
  if (!compiledFields.has(key)) {
    const ref = `mailshares#/$defs/mailshare/properties/${key}`;
    // Own keys only: a field named like an Object.prototype member is unknown, not a validator.
    const known = Object.hasOwn(MAILSHARES_SCHEMA.$defs.mailshare.properties, key);
    const v = !known ? undefined : errors === "first" ? firstErrorValidator(`field:${key}`, ref) : allErrors().getSchema(ref);
    if (v) compiledFields.set(key, v);
  }
  return compiledFields.get(key);
}

/**
 * Schema problems of some fields of one mailshare (what one provider resource owns), paths relative
 * to the mailshare (`aliases[1]`). Keys the mailshare schema does not have are problems too.
 */
export function validateMailshareFields(fields: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  for (const [key, value] of Object.entries(fields)) {
    const quick = fieldValidator(key, "first");
    if (!quick) {
      issues.push({ path: [key], atKey: true, message: `unknown field ${key}` });
      continue;
    }
    const { lists, nul } = scanValues(value, { parent: null, key });
    const pruned = lists.length > 0 ? pruneLists(value) : value;
    if (!quick(pruned)) {
      const validate = fieldValidator(key, "all") as ValidateFunction;
      if (!validate(pruned)) issues.push(...translateErrors(validate.errors ?? [], pruned, [key]));
    }
    issues.push(...lists, ...nul);
  }
  return issues;
}

/** Items per list (aliases, shares, filters, identities, conditions...): bmshare's bound, BlueMind has none. */
export const MAX_LIST_ITEMS = 1000;

/**
 * Schema problems of a whole parsed file, paths from the top of the file. Empty when valid.
 *
 * Bounded work: ajv's time grows with the square of the number of errors it collects in one call, so
 * a file with errors is checked mailshare by mailshare, lists longer than `MAX_LIST_ITEMS` are
 * reported and checked on their first items only, and checking stops after `MAX_SCHEMA_ISSUES`.
 */
export function validateAgainstSchema(data: unknown): Issue[] {
  const { lists, nul } = scanValues(data);
  // Lists are cut only when one is too long: a copy of every file would cost as much as the check.
  const pruned = lists.length > 0 ? pruneLists(data) : data;
  if (firstFileValidator()(pruned)) return [...lists, ...nul];
  const [file, mailshare] = [fileValidator(), mailshareValidator()];
  const issues: Issue[] = [];
  const shaped = pruned && typeof pruned === "object" && !Array.isArray(pruned) && Array.isArray((pruned as { mailshares?: unknown }).mailshares);
  if (!shaped) {
    if (!file(pruned)) issues.push(...translateErrors(file.errors ?? [], pruned));
  } else {
    const items = (pruned as { mailshares: unknown[] }).mailshares;
    if (!file({ ...(pruned as object), mailshares: [] })) issues.push(...translateErrors(file.errors ?? [], pruned));
    for (let i = 0; i < items.length; i++) {
      if (issues.length >= MAX_SCHEMA_ISSUES) {
        issues.push({ path: ["mailshares", i], message: `schema errors from here on are not shown (more than ${MAX_SCHEMA_ISSUES} in this file): fix the ones above and run again` });
        break;
      }
      if (!mailshare(items[i])) issues.push(...translateErrors(mailshare.errors ?? [], items[i], ["mailshares", i]));
    }
  }
  return [...issues, ...lists, ...nul];
}

/** A copy of `value` whose lists keep at most `MAX_LIST_ITEMS` items. */
function pruneLists(value: unknown): unknown {
  if (Array.isArray(value)) return value.slice(0, MAX_LIST_ITEMS).map(pruneLists);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pruneLists(v)]));
  return value;
}

/** A path built only when an issue needs it: each value visited links to its parent's. */
interface PathLink {
  parent: PathLink | null;
  key: string | number;
}

function linkedPath(link: PathLink | null): (string | number)[] {
  const path: (string | number)[] = [];
  for (let l = link; l; l = l.parent) path.push(l.key);
  return path.reverse();
}

/**
 * One walk over the data for the issues the schema cannot express:
 * - `lists`: lists longer than `MAX_LIST_ITEMS` (checked on their first items only);
 * - `nul`: texts holding a NUL character (YAML's "\0" or "\x00" escapes): BlueMind keeps every text
 *   of a mailshare in PostgreSQL, whose text type cannot hold NUL, so the write would fail on the server.
 * Aliased blocks are visited at every use (the parser bounds how far aliases expand), so that each
 * mailshare using one has the error and is set aside.
 */
function scanValues(data: unknown, at: PathLink | null = null): { lists: Issue[]; nul: Issue[] } {
  const lists: Issue[] = [];
  const nul: Issue[] = [];
  /** `cut`: inside an item past a list's bound, which the schema does not check either. */
  const visit = (value: unknown, link: PathLink | null, cut: boolean) => {
    if (typeof value === "string") {
      if (value.includes("\u0000")) {
        nul.push({ path: linkedPath(link), message: "expected a text without NUL characters (\\0), found one: BlueMind stores texts in PostgreSQL, which refuses them" });
      }
    } else if (Array.isArray(value)) {
      if (value.length > MAX_LIST_ITEMS && !cut) {
        lists.push({ path: linkedPath(link), message: `expected at most ${MAX_LIST_ITEMS} items (bmshare's bound for a list), found ${value.length}` });
      }
      for (let i = 0; i < value.length; i++) visit(value[i], { parent: link, key: i }, cut || i >= MAX_LIST_ITEMS);
    } else if (value && typeof value === "object") {
      for (const k in value) {
        if (!Object.hasOwn(value, k)) continue;
        const child = { parent: link, key: k };
        if (k.includes("\u0000")) nul.push({ path: linkedPath(child), atKey: true, message: "expected a key without NUL characters (\\0), found one" });
        visit((value as Record<string, unknown>)[k], child, cut);
      }
    }
  };
  visit(data, at, false);
  return { lists, nul };
}

function isNullBranch(s: JsonSchema): boolean {
  return s && s.type === "null" && Object.keys(s).length === 1;
}

/** `anyOf: [X, {type: "null"}]`: the field may be null, else it must be X. */
export function isNullableAnyOf(s: JsonSchema): boolean {
  return Array.isArray(s.anyOf) && s.anyOf.length === 2 && s.anyOf.some(isNullBranch) && !s.anyOf.every(isNullBranch);
}

/** `oneOf: [{required: [a]}, {required: [b]}, ...]`: exactly one of the keys. */
export function isOneKeyOf(s: JsonSchema): boolean {
  return Array.isArray(s.oneOf) && s.oneOf.every((b: JsonSchema) =>
    Object.keys(b).length === 1 && Array.isArray(b.required) && b.required.length === 1);
}

function pathOf(instancePath: string, data: unknown): (string | number)[] {
  if (instancePath === "") return [];
  const out: (string | number)[] = [];
  let node: any = data;
  for (const raw of instancePath.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const segment = Array.isArray(node) ? Number(key) : key;
    out.push(segment);
    node = node == null ? undefined : node[segment];
  }
  return out;
}

/** Schema problems reported per file; the rest are counted in one last message (they are usually the same mistake). */
export const MAX_SCHEMA_ISSUES = 200;

export function translateErrors(errors: ErrorObject[], data: unknown, prefix: (string | number)[] = []): Issue[] {
  // Errors that only restate others: the null branch of a nullable field, `if`, and the branch
  // errors of exactly-one-key choices (re-stated by the oneOf message, at the same instance path).
  const nullableAt = new Set<string>();
  const oneKeyOfAt = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword === "anyOf" && isNullableAnyOf(e.parentSchema as JsonSchema)) nullableAt.add(`${e.instancePath}|${e.schemaPath}`);
    if (e.keyword === "oneOf" && isOneKeyOf(e.parentSchema as JsonSchema)) {
      const list = oneKeyOfAt.get(e.instancePath) ?? [];
      list.push(`${e.schemaPath}/`);
      oneKeyOfAt.set(e.instancePath, list);
    }
  }
  const restates = (e: ErrorObject) => {
    if (e.keyword === "if") return true;
    if (e.keyword === "anyOf" && nullableAt.has(`${e.instancePath}|${e.schemaPath}`)) return true;
    if (e.keyword === "type" && (e.params as { type: string }).type === "null") {
      const anyOfPath = e.schemaPath.replace(/\/\d+\/type$/, "");
      if (nullableAt.has(`${e.instancePath}|${anyOfPath}`)) return true;
    }
    return (oneKeyOfAt.get(e.instancePath) ?? []).some((p) => e.schemaPath.startsWith(p));
  };
  const issues: Issue[] = [];
  let more = 0;
  for (const e of errors) {
    if (restates(e)) continue;
    const path = () => [...prefix, ...pathOf(e.instancePath, data)];
    if (issues.length < MAX_SCHEMA_ISSUES) issues.push(translate(e, path()));
    else if (more++ === 0) issues.push({ ...translate(e, path()), message: "" });
  }
  if (more > 0) {
    issues[issues.length - 1].message = `${more} more schema errors in this file are not shown: fix the ones above and run again`;
  }
  return issues;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a text", number: "a number", integer: "a whole number", boolean: "true or false",
  object: "a mapping", array: "a list", null: "nothing (null)",
};

function typeText(type: string | string[]): string {
  const types = (Array.isArray(type) ? type : [type]).filter((t, _, all) => t !== "null" || all.length === 1);
  const names = types.map((t) => TYPE_NAMES[t] ?? t);
  return names.length <= 2 ? names.join(" or ") : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

function expectedFound(expected: string, found: unknown, hint = ""): string {
  return `expected ${expected}, found ${describeValue(found)}${hint}`;
}

function translate(e: ErrorObject, path: FieldPath): Issue {
  const parent = e.parentSchema as JsonSchema;
  const params = e.params as Record<string, any>;
  const custom: string | undefined = parent?.errorMessage;
  if (parent === MAILSHARES_SCHEMA.$defs.size) return { path, message: parseSizeMessage(e.data) };
  if (parent === MAILSHARES_SCHEMA.$defs.date) return { path, message: parseDateMessage(e.data) };
  switch (e.keyword) {
    case "additionalProperties": {
      const key: string = params.additionalProperty;
      const known = Object.keys(parent.properties ?? {});
      const hint = didYouMean(key, known);
      return {
        path: [...path, key], atKey: true,
        message: hint ? `unknown key "${shorten(key)}"${hint}` : `unknown key "${shorten(key)}"; expected one of: ${known.join(", ")}`,
      };
    }
    case "required":
      return { path: [...path, params.missingProperty], message: `required key is missing${custom ? `: expected ${custom}` : ""}` };
    case "oneOf":
      return { path, message: oneKeyOfMessage(parent, e.data) };
    case "not": {
      const forbidden: string[] | undefined = (e.schema as JsonSchema)?.required;
      if (forbidden?.length === 1) {
        const key = forbidden[0];
        return { path: [...path, key], atKey: true, message: `unexpected key "${key}": expected ${custom ?? `no "${key}" here`}` };
      }
      return { path, message: custom ? expectedFound(custom, e.data) : `must not match ${JSON.stringify(e.schema)}` };
    }
    case "dependentRequired":
      return {
        path: [...path, params.property], atKey: true,
        message: `"${params.property}" only goes with "${params.missingProperty}" in the same item, which is missing`,
      };
    case "type":
      return { path, message: expectedFound(custom ?? typeText(params.type), e.data) };
    case "enum": {
      const allowed: unknown[] = params.allowedValues;
      const hint = typeof e.data === "string" ? didYouMean(e.data, allowed.map(String)) : "";
      return { path, message: expectedFound(custom ?? `one of ${allowed.join(", ")}`, e.data, hint) };
    }
    case "const":
      return { path, message: expectedFound(custom ?? JSON.stringify(params.allowedValue), e.data) };
    case "pattern":
      return { path, message: expectedFound(custom ?? parent.patternErrorMessage ?? `a text matching ${params.pattern}`, e.data) };
    case "maxLength": {
      const length = [...String(e.data)].length;
      const reason: string | undefined = parent?.limitReason;
      return { path, message: `expected at most ${params.limit} characters${reason ? ` (${reason})` : ""}, found ${length} characters` };
    }
    case "minLength":
      return { path, message: expectedFound(custom ?? (params.limit === 1 ? "a non-empty text" : `at least ${params.limit} characters`), e.data) };
    case "minItems": {
      const count = (e.data as unknown[]).length;
      const items = `${params.limit} item${params.limit === 1 ? "" : "s"}`;
      return { path, message: `expected at least ${items}, found ${count === 0 ? "an empty list" : count}` };
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { path, message: expectedFound(custom ?? `a number ${params.comparison} ${params.limit}`, e.data) };
    case "multipleOf":
      return { path, message: expectedFound(custom ?? `a multiple of ${params.multipleOf}`, e.data) };
    default:
      return { path, message: `${e.message ?? "invalid"} (${e.keyword})` };
  }
}

function oneKeyOfMessage(parent: JsonSchema, data: unknown): string {
  const keys: string[] = parent.oneOf.map((b: JsonSchema) => b.required[0]);
  const present = data && typeof data === "object" ? keys.filter((k) => k in (data as object)) : [];
  const list = keys.map((k) => `"${k}"`).join(", ");
  if (present.length === 0) return `expected exactly one of the keys ${list}, found none`;
  return `expected exactly one of the keys ${list}, found ${present.length}: ${present.join(", ")} (write each as its own item)`;
}

function parseSizeMessage(value: unknown): string {
  const parsed = parseSize(value);
  return "error" in parsed ? parsed.error : expectedFound("a size", value);
}

function parseDateMessage(value: unknown): string {
  const parsed = parseDate(value);
  return "error" in parsed ? parsed.error : expectedFound("a date", value);
}
