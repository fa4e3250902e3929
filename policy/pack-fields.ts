// What the policy pack reads of one of the providers' resources: its kind (from the type token), its
// domain, the mailshare it is or belongs to (a uid), and the mailshare fields it carries, normalised
// by the providers' own slice validation, so that a TypeScript program's `quota: "5 GiB"` is judged
// as the YAML's `5 GiB` is. A value not known during a preview (another resource's output) is set
// apart and judged by no rule: the SDK's proxy tells which values those are.
import { mailshareUid } from "../providers/ids";
import type { ResourceKind } from "../providers/kinds";
import { validateSlice } from "../providers/validate";
import type { PolicySubject, SubjectField } from "./model";

export const TYPE_PREFIX = "pulumi-nodejs:dynamic/bluemind:";

/** The fields of a mailshare each kind of resource carries, as the rules read them. */
export const FIELDS_OF: Partial<Record<ResourceKind, readonly SubjectField[]>> = {
  Mailshare: ["name", "email", "description", "quota"],
  MailshareAliases: ["aliases"],
  MailshareAcl: ["shares"],
  MailshareAutoReply: ["autoReply"],
  MailshareFilters: ["filters", "forwarding"],
};

/** The kinds that carry fields the rules read, the Mailshare first. */
export const KINDS_READ = Object.keys(FIELDS_OF) as ResourceKind[];

/** The parts of a mailshare the rules read: every kind but the Mailshare. */
export const PART_KINDS = KINDS_READ.filter((k) => k !== "Mailshare");

/** The kind whose resources carry `field`. */
export const kindCarrying = (field: SubjectField): ResourceKind => KINDS_READ.find((k) => FIELDS_OF[k]!.includes(field))!;

export const kindOf = (type: string): ResourceKind | null =>
  type.startsWith(TYPE_PREFIX) && (type.slice(TYPE_PREFIX.length) as ResourceKind) in FIELDS_OF ? (type.slice(TYPE_PREFIX.length) as ResourceKind) : null;

/** @pulumi/policy, loaded when a pack runs rather than by every importer of the policy modules. */
const policySdk = () => require("@pulumi/policy") as typeof import("@pulumi/policy");

const NOT_KNOWN = Symbol("not known during the preview");

/**
 * `props[key]` as plain data, or NOT_KNOWN when any part of it is unknown. The SDK hands policies a
 * proxy that throws its UnknownValueError on reading an unknown value; reading the whole value here
 * turns that into a verdict of "not known" instead of failing the whole policy.
 */
function read(props: Record<string, unknown>, key: string): unknown {
  try {
    const value = props[key];
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  } catch (err) {
    if (err instanceof policySdk().UnknownValueError) return NOT_KNOWN;
    throw err;
  }
}

/**
 * The SDK's own error for a value not known during a preview: thrown from a policy, it becomes the
 * advisory "can't run policy … during preview: <message>" (and what the policy reported before stays).
 */
export function notKnownYet(message: string): Error {
  const { unknownValue } = require("@pulumi/pulumi/runtime/rpc") as typeof import("@pulumi/pulumi/runtime/rpc");
  const error = new (policySdk().UnknownValueError)(unknownValue, []);
  error.message = message;
  return error;
}

/** A resource of a kind the rules read, as the pack reads it. */
export interface ResourceFields {
  kind: ResourceKind;
  /** Lower-case; null when not known yet, "" when not given (the provider's default domain, unknown to the pack). */
  domain: string | null;
  /** The mailshare's uid (a Mailshare's own, a part's `mailshare`); null when not known yet. */
  uid: string | null;
  /** The known fields, normalised (a field the resource does not give has its default, as the provider's check gives it). */
  fields: Omit<PolicySubject, "domain">;
  /** The fields whose value is not known yet. */
  unknown: SubjectField[];
  /** The provider's check refuses these inputs (it says why): no rule judges them. */
  invalid: boolean;
}

/** The resource's inputs (or outputs) as the rules read them. */
export function readResource(kind: ResourceKind, props: Record<string, unknown>): ResourceFields {
  const carried = FIELDS_OF[kind]!;
  const given = read(props, "domain");
  const domain = given === NOT_KNOWN ? null : typeof given === "string" ? given.toLowerCase() : "";
  const raw: Record<string, unknown> = {};
  const unknown: SubjectField[] = [];
  for (const field of carried) {
    const value = read(props, field);
    if (value === NOT_KNOWN) unknown.push(field);
    else if (value !== undefined) raw[field] = value;
  }
  const known = carried.filter((f) => !unknown.includes(f));
  const { value, failures } = validateSlice(domain || "unknown.invalid", raw, known);
  const invalid = failures.length > 0;
  const fields: Record<string, unknown> = {};
  if (!invalid) for (const field of known) fields[field] = value[field as keyof typeof value];
  return { kind, domain, uid: uidOf(kind, props, domain, invalid ? undefined : (fields.name as string | undefined)), fields, unknown, invalid };
}

/**
 * A part names its mailshare by uid. A Mailshare carries its uid once its provider has checked it
 * (the preview's state, the outputs); before that it is the one derived from domain and name —
 * except for an adopted mailshare, whose uid is the live one's.
 */
function uidOf(kind: ResourceKind, props: Record<string, unknown>, domain: string | null, name: string | undefined): string | null {
  const uid = read(props, kind === "Mailshare" ? "uid" : "mailshare");
  if (typeof uid === "string" && uid !== "") return uid;
  if (kind !== "Mailshare" || uid === NOT_KNOWN) return null;
  const adopt = read(props, "adopt");
  return domain && name !== undefined && (adopt === undefined || adopt === false || adopt === null) ? mailshareUid(domain, name) : null;
}

/**
 * A resource's inputs as a policy subject: its fields normalised as its provider's check does, or
 * null when they are invalid (the provider's check reports that) or the kind carries no field a rule
 * reads. Fields not known yet are left out (undefined: not judged).
 */
export function subjectOf(type: string, props: Record<string, unknown>): PolicySubject | null {
  const kind = kindOf(type);
  if (!kind) return null;
  const resource = readResource(kind, props);
  return resource.invalid ? null : { domain: resource.domain ?? "", ...resource.fields };
}

const defaults = new Map<ResourceKind, ResourceFields["fields"]>();

/** The fields of a part kind no resource declares: what its provider's check gives empty inputs (no aliases, no shares, …). */
export function defaultsOf(kind: ResourceKind): ResourceFields["fields"] {
  if (!defaults.has(kind)) defaults.set(kind, readResource(kind, {}).fields);
  return defaults.get(kind)!;
}
