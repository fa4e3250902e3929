// The stack half of the policy pack: each mailshare assembled from its resources and judged whole,
// as the CLI judges a desired mailshare. A mailshare is its Mailshare and the parts that name it: the
// same domain and `mailshare` = its uid, or — when that uid is not known yet — the Mailshare that the
// part's `mailshare` input is taken from (the engine's property dependencies), else its parent (how
// mailsharesProgram declares parts). A part kind no resource declares has its empty default, as
// declareMailshare gives it: a mailshare with no MailshareAcl is shared with nobody. Each finding
// names the resource that carries the field, or the Mailshare when no resource does.
import type { PolicyResource } from "@pulumi/policy";
import { formatPath } from "../desired/errors";
import type { ResourceKind } from "../providers/kinds";
import { checkSubject } from "./evaluate";
import type { PolicySubject, RuleContext, RuleParams, SubjectField } from "./model";
import { RULES } from "./rules";
import { FIELDS_OF, PART_KINDS, defaultsOf, kindCarrying, kindOf, readResource, type ResourceFields } from "./pack-fields";

export interface Declared extends ResourceFields {
  urn: string;
  name: string;
  resource: PolicyResource;
}

interface Assembled {
  mailshare: Declared;
  parts: Map<ResourceKind, Declared[]>;
  /** Part kinds that a resource whose mailshare is not known yet may provide: not judged. */
  undecided: Set<ResourceKind>;
}

export interface Assembly {
  declared: Declared[];
  mailshares: Assembled[];
  /** Parts of no Mailshare of the stack (of a mailshare declared elsewhere, or not known yet): each judged on its own fields. */
  loose: Declared[];
}

export interface StackVerdict {
  findings: { urn: string; message: string }[];
  /** What could not be judged because it is not known yet, as `resource: field`. */
  notKnown: string[];
}

const keyOf = (r: ResourceFields) => (r.domain !== null && r.uid !== null ? `${r.domain}\u0000${r.uid}` : null);

/** Whether nothing known tells `part` from a part of `mailshare` (a domain not given is the provider's default, which the pack does not know). */
const mayBelong = (part: ResourceFields, mailshare: ResourceFields) =>
  (part.uid === null || mailshare.uid === null || part.uid === mailshare.uid) &&
  (!part.domain || !mailshare.domain || part.domain === mailshare.domain);

/** The Mailshare a part's `mailshare` input is taken from, else its parent, if nothing known contradicts it. */
function referenced(part: Declared, byUrn: ReadonlyMap<string, Declared>): Declared | undefined {
  const { propertyDependencies, parent } = part.resource;
  const candidates = [...(propertyDependencies?.mailshare ?? []), ...(parent ? [parent] : [])];
  return candidates.map((r) => byUrn.get(r.urn)).find((m): m is Declared => m?.kind === "Mailshare" && mayBelong(part, m));
}

export function assemble(resources: readonly PolicyResource[]): Assembly {
  const declared = resources.flatMap((resource): Declared[] => {
    const kind = kindOf(resource.type);
    return kind ? [{ ...readResource(kind, resource.props), urn: resource.urn, name: resource.name, resource }] : [];
  });
  const mailshares = declared.filter((d) => d.kind === "Mailshare").map((mailshare): Assembled => ({ mailshare, parts: new Map(), undecided: new Set() }));
  const byKey = new Map<string, Assembled[]>();
  for (const a of mailshares) {
    const key = keyOf(a.mailshare);
    if (key !== null) byKey.set(key, [...(byKey.get(key) ?? []), a]);
  }
  const byUrn = new Map(declared.map((d) => [d.urn, d]));
  const loose: Declared[] = [];
  for (const part of declared.filter((d) => d.kind !== "Mailshare")) {
    const key = keyOf(part);
    let owners = key === null ? [] : byKey.get(key) ?? [];
    if (owners.length === 0) {
      const mailshare = referenced(part, byUrn);
      owners = mailshares.filter((a) => a.mailshare === mailshare);
    }
    if (owners.length === 0) loose.push(part);
    for (const a of owners) a.parts.set(part.kind, [...(a.parts.get(part.kind) ?? []), part]);
  }
  for (const a of mailshares) {
    for (const part of loose) if (!a.parts.has(part.kind) && mayBelong(part, a.mailshare)) a.undecided.add(part.kind);
  }
  return { declared, mailshares, loose };
}

/** Every choice of one item from each list. */
const product = <T>(lists: readonly (readonly T[])[]): T[][] =>
  lists.reduce<T[][]>((combos, list) => combos.flatMap((combo) => list.map((item) => [...combo, item])), [[]]);

/**
 * What rule `id` finds on the stack. `whole`: every mailshare judged whole, and each loose part on
 * its own fields; a mailshare with several resources of one kind (each writes the whole slice, the
 * last one wins) is judged with each of them. `missing`: only what the parts no resource declares
 * break — for a rule whose policy also judges each resource as it is declared.
 */
export function judgeStack(assembly: Assembly, id: string, params: RuleParams, context: RuleContext, scope: "whole" | "missing"): StackVerdict {
  const rule = RULES[id];
  const reads = (fields: readonly SubjectField[]) => fields.filter((f) => rule.fields.includes(f));
  const kindsRead = PART_KINDS.filter((k) => reads(FIELDS_OF[k]!).length > 0);
  const findings = new Map<string, { urn: string; message: string }>();
  const notKnown = new Set<string>();
  const unknownOf = (r: Declared) => {
    if (scope === "whole") for (const field of reads(r.unknown)) notKnown.add(`${r.name}: ${field}`);
  };
  const fieldsOf = (r: Declared) => (r.invalid ? {} : r.fields);
  /**
   * Each finding at the resource that carries its field (`carrierOf`: null when no resource declares
   * it, undefined when that is not known yet — the rule had no value to judge there).
   */
  const judge = (subject: PolicySubject, carrierOf: (field: SubjectField) => Declared | null | undefined, fallback: Declared) => {
    for (const f of checkSubject({ rules: { [id]: params } }, subject, context)) {
      const field = f.path[0] as SubjectField;
      const carrier = carrierOf(field);
      if (carrier === undefined || (scope === "missing" && carrier !== null)) continue;
      const message = carrier
        ? `${carrier.name}: ${formatPath(f.path)}: ${f.message}`
        : `${fallback.name}: ${formatPath(f.path)} (no ${kindCarrying(field)} in the stack): ${f.message}`;
      const at = carrier ?? fallback;
      findings.set(`${at.urn}\u0000${message}`, { urn: at.urn, message });
    }
  };

  for (const { mailshare, parts, undecided } of assembly.mailshares) {
    if (scope === "missing" && kindsRead.every((kind) => parts.has(kind))) continue;
    unknownOf(mailshare);
    for (const combo of product(kindsRead.map((kind) => parts.get(kind) ?? [null]))) {
      const subject: PolicySubject = { domain: mailshare.domain ?? "", ...fieldsOf(mailshare) };
      const carriers = new Map<ResourceKind, Declared | null>([["Mailshare", mailshare]]);
      kindsRead.forEach((kind, i) => {
        const part = combo[i];
        if (part) {
          carriers.set(kind, part);
          Object.assign(subject, fieldsOf(part));
          unknownOf(part);
        } else if (undecided.has(kind)) {
          // A part whose mailshare is not known yet may be this one's: its fields stay unjudged.
          for (const field of reads(FIELDS_OF[kind]!)) notKnown.add(`${mailshare.name}: ${field} (which ${kind} is its own)`);
        } else {
          carriers.set(kind, null);
          Object.assign(subject, defaultsOf(kind));
        }
      });
      judge(subject, (field) => carriers.get(kindCarrying(field)), mailshare);
    }
  }
  if (scope === "whole") {
    for (const part of assembly.loose) {
      unknownOf(part);
      judge({ domain: part.domain ?? "", ...fieldsOf(part) }, () => part, part);
    }
  }
  return { findings: [...findings.values()], notKnown: [...notKnown] };
}

/**
 * The stack's domains, the counterpart of the CLI's files' domains: those of its mailshares and of
 * the parts of none (a mailshare's parts write to its domain). `notKnown` names the resources whose
 * domain is not known yet, or not given (the provider's default, which the pack does not know).
 */
export function stackDomains(assembly: Assembly): { domains: string[]; notKnown: string[] } {
  const domains = new Set<string>();
  const notKnown: string[] = [];
  for (const d of [...assembly.mailshares.map((a) => a.mailshare), ...assembly.loose]) {
    if (d.domain) domains.add(d.domain);
    else notKnown.push(`${d.name}: domain`);
  }
  return { domains: [...domains].sort(), notKnown };
}
