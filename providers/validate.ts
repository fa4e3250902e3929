// Provider `check` reuses the desired-state rules (schema, normalisation, offline cross-checks)
// on the slice of a mailshare a resource owns, so TypeScript users get the same validation and
// the same canonical values as YAML users (docs/architecture.md, "Layers": one implementation of each rule).
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import { validateMailshareFields } from "../desired/schema";
import { normaliseMailshare } from "../desired/normalise";
import { checkMailshare } from "../desired/crosscheck";
import { formatPath, type Issue } from "../desired/errors";
import { SCHEMA_OBJECT_KEYS, type CanonicalMailshare, type RawMailshare } from "../desired/model";

/** A domain name as the schema and BlueMind accept it. */
const DOMAIN_RE = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

export interface SliceResult {
  value: CanonicalMailshare;
  failures: CheckFailure[];
}

/** How a resource's inputs came to its check. */
export interface CheckOptions {
  /**
   * The inputs were declared (providers/declarations.ts) from a mailshare that the desired-state
   * loader has validated whole: schema, normalisation and every cross-check, with the folder of
   * its file for relative paths. Their slices are canonical already, so they are taken as they are
   * instead of validated a second time (a tenth of a no-op plan's time at 1000 mailshares). Only
   * the CLI's engine, which gets its mailshares from the loader, says so; inputs from the Pulumi
   * host are always validated.
   */
  validated?: boolean;
}

/**
 * Validates the fields of a mailshare that one resource owns (`owned`, taken from `raw`) and
 * normalises them. Cross-checks that read fields the resource does not own are skipped (the YAML
 * loader runs them on whole mailshares). Failure properties are the mailshare field paths. With
 * `options.validated` the owned fields are the value as they are: a kind reads only its own.
 */
export function validateSlice(domain: unknown, raw: Record<string, unknown>, owned: readonly string[], options: CheckOptions = {}): SliceResult {
  const failures: CheckFailure[] = [];
  if (typeof domain !== "string" || !DOMAIN_RE.test(domain)) {
    failures.push({ property: "domain", reason: `expected a lower-case domain name such as acme.test, found ${JSON.stringify(domain ?? null)}` });
  }
  const fields: Record<string, unknown> = {};
  for (const key of owned) if (raw[key] !== undefined) fields[key] = raw[key];
  if (options.validated) return { value: fields as unknown as CanonicalMailshare, failures };
  // desired/ checks the fields directly: its paths are mailshare field paths, the providers' properties.
  const toFailure = (i: Issue): CheckFailure => ({ property: formatPath(i.path), reason: i.message });
  const schemaIssues = validateMailshareFields(fields);
  failures.push(...schemaIssues.map(toFailure));
  // Normalising needs schema-valid input for the fields it reads: skip it when the slice is invalid.
  if (schemaIssues.length > 0) return { value: undefined as unknown as CanonicalMailshare, failures };
  const notOwned = new Set(SCHEMA_OBJECT_KEYS.mailshare.filter((k) => !owned.includes(k)));
  // A part's fields alone, with the name normalising needs (a part owns no name: nothing reads it).
  const mailshare = { name: typeof raw.name === "string" ? raw.name : "", ...fields } as unknown as RawMailshare;
  const { value, issues } = normaliseMailshare(mailshare, { baseDir: process.cwd() });
  failures.push(...issues.map(toFailure));
  failures.push(...checkMailshare(mailshare, value, notOwned).map(toFailure));
  return { value, failures };
}

/**
 * A copy of `value` as JSON would carry it: `undefined` removed everywhere (the host's Struct
 * encoding refuses it, docs/pulumi.md §3). A walk over plain data (every input and output is), a
 * fraction of a JSON round trip's cost; anything else is given to that round trip.
 */
export function clean<T>(value: T): T {
  return (cleanValue(value) ?? null) as T;
}

function cleanValue(value: unknown): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value + 0 : null; // -0 + 0 is 0, as JSON writes it
  if (value === undefined || typeof value === "function" || typeof value === "symbol") return undefined;
  if (Array.isArray(value)) return value.map((item) => cleanValue(item) ?? null);
  const proto = typeof value === "object" ? Object.getPrototypeOf(value) : undefined;
  if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return JSON.parse(JSON.stringify(value) ?? "null");
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value as object)) {
    const item = cleanValue((value as Record<string, unknown>)[key]);
    if (item === undefined) continue;
    // As JSON.parse makes it: a "__proto__" key is an own property, not a prototype.
    if (key === "__proto__") Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy;
}

/** The domain of a resource (its own, else the configured default), or the check failure saying why not. */
export function resolveDomain(domain: unknown, defaultDomain: string | undefined): { domain: string } | { failure: CheckFailure } {
  if (typeof domain === "string" && domain !== "") return { domain };
  if (defaultDomain) return { domain: defaultDomain };
  return { failure: { property: "domain", reason: "no domain: give `domain` or set `pulumi config set domain …` / BLUEMIND_DOMAIN" } };
}

/** A part of a mailshare names it by uid (a Mailshare's `uid` output). */
export function mailshareRefFailures(mailshare: unknown): CheckFailure[] {
  if (typeof mailshare === "string" && mailshare !== "") return [];
  return [{ property: "mailshare", reason: `expected the uid of a mailshare (the uid output of a Mailshare), found ${JSON.stringify(mailshare ?? null)}` }];
}
