// Canonical filters and forwarding (desired/model.ts) ↔ BlueMind mail filter rules and forwarding
// (docs/bluemind-api.md §2.3, §3.7–3.9), in the shapes the admin console writes, so that a rule
// made in the console and the same rule declared in YAML read back alike.
//
// Writing maps every canonical value. Reading maps back what the format can express; BlueMind can
// store more (rules of other clients, OUT triggers, nested condition groups, other fields, operators
// and actions…). Such a part is never dropped: it reads back as an `{ unsupported: "<what BlueMind
// stores>" }` marker in place of the condition or action (a rule-level one is put first among the
// conditions). No desired filter can contain a marker (the schema allows no `unsupported` key, and
// TypeScript's Condition / Action types have none), so the rule always differs from the desired
// one: the plan names what is there, and an apply replaces it with the declared rule.
import type {
  Action, Condition, Filter, Forwarding, MatchMode, PresenceOp, SizeOp, TextField, TextOp,
} from "../desired/model";
import type {
  Forwarding as WireForwarding, MailFilterRule, MailFilterRuleAction, MailFilterRuleCondition, MailFilterRuleFilter,
} from "../bluemind/types";
import { addressSet } from "../desired/normalise";

/** Something BlueMind stores that the desired-state format cannot express, described. */
export interface Unsupported {
  unsupported: string;
}

/** A filter as read from the server: canonical, except for unsupported markers. */
export interface LiveFilter extends Omit<Filter, "conditions" | "actions"> {
  conditions: (Condition | Unsupported)[];
  actions: (Action | Unsupported)[];
}

export const isUnsupported = (part: object): part is Unsupported => "unsupported" in part;

/** Every unsupported part of a filter read from the server (empty for a canonical filter). */
export function unsupportedParts(filter: LiveFilter): string[] {
  return [...filter.conditions, ...filter.actions].filter(isUnsupported).map((p) => p.unsupported);
}

/** The client tag of the rules the admin console (and bmshare) writes. */
const CLIENT = "bluemind";
/** MOVE / COPY targets: `user` = the subtree of the mailbox being delivered to (docs/bluemind-api.md §5). */
const OWN_SUBTREE = "user";
const HEADER_FIELD_PREFIX = "headers.";
/** A header name as the desired-state schema accepts it: printable ASCII without space or ':'. */
const HEADER_NAME = /^[!-9;-~]+$/;
/** `size` RANGE bounds are bytes; canonical sizes are KiB. */
const BYTES_PER_KIB = 1024;

/** The BlueMind fields of each text field; toOrCc is the console's "To" criterion. */
const WIRE_FIELDS: Record<TextField, readonly string[]> = {
  from: ["from.email"],
  to: ["to.email"],
  cc: ["cc.email"],
  toOrCc: ["to.email", "cc.email"],
  subject: ["subject"],
  body: ["part.content"],
};

type TextOperator = "EQUALS" | "CONTAINS" | "MATCHES" | "EXISTS";

/** Each text / presence op as a BlueMind operator, the `not…` ones negated. */
const WIRE_OPS: Record<TextOp | PresenceOp, { operator: TextOperator; negate: boolean }> = {
  is: { operator: "EQUALS", negate: false },
  isNot: { operator: "EQUALS", negate: true },
  contains: { operator: "CONTAINS", negate: false },
  notContains: { operator: "CONTAINS", negate: true },
  matches: { operator: "MATCHES", negate: false },
  notMatches: { operator: "MATCHES", negate: true },
  exists: { operator: "EXISTS", negate: false },
  notExists: { operator: "EXISTS", negate: true },
};

const opOf = (operator: string, negate: boolean): TextOp | PresenceOp | undefined =>
  (Object.keys(WIRE_OPS) as (TextOp | PresenceOp)[]).find((op) => WIRE_OPS[op].operator === operator && WIRE_OPS[op].negate === negate);

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

/** Forwarding addresses as the canonical form keeps them (BlueMind lower-cases them, stores a set). */
/** The addresses of a BlueMind list (nulls dropped) as a canonical set. */
const addressesOf = (emails: readonly (string | null)[]): string[] => addressSet(emails.filter((e): e is string => typeof e === "string"));

// ---------------------------------------------------------------------------------------------
// Canonical → BlueMind.

function refuseMarker(part: object): void {
  // Writes take checked inputs, which are canonical; a marker here means a read value was replayed.
  if (isUnsupported(part)) throw new Error(`cannot write a filter part read from the server: ${part.unsupported}`);
}

function wireFilter(c: Condition): { filter: MailFilterRuleFilter; negate: boolean } {
  if ("field" in c && c.field === "size") {
    const bytes = String(c.value * BYTES_PER_KIB);
    return {
      negate: false,
      filter: {
        operator: "RANGE", fields: ["size"], inclusive: false,
        lowerBound: c.op === "greaterThan" ? bytes : null, upperBound: c.op === "lessThan" ? bytes : null,
      },
    };
  }
  const fields = "header" in c ? [`${HEADER_FIELD_PREFIX}${c.header}`] : [...WIRE_FIELDS[c.field as TextField]];
  const { operator, negate } = WIRE_OPS[c.op as TextOp | PresenceOp];
  if (operator === "EXISTS" || !("value" in c)) return { negate, filter: { operator: "EXISTS", fields } };
  const values = [String(c.value)];
  if (operator === "CONTAINS") return { negate, filter: { operator, fields, values, comparator: "SUBSTRING", modifier: "NONE" } };
  return { negate, filter: { operator: operator as "EQUALS" | "MATCHES", fields, values } };
}

function wireAction(a: Action): MailFilterRuleAction {
  refuseMarker(a);
  if ("markAsRead" in a) return { name: "MARK_AS_READ", clientProperties: {} };
  if ("markAsImportant" in a) return { name: "MARK_AS_IMPORTANT", clientProperties: {} };
  if ("delete" in a) return { name: "MARK_AS_DELETED", clientProperties: {} };
  if ("moveTo" in a) return { name: "MOVE", subtree: OWN_SUBTREE, id: null, folder: a.moveTo, clientProperties: {} };
  if ("copyTo" in a) return { name: "COPY", subtree: OWN_SUBTREE, id: null, folder: a.copyTo, clientProperties: {} };
  if ("forwardTo" in a) {
    return a.asAttachment
      ? { name: "TRANSFER", emails: [...a.forwardTo], asAttachment: true, keepCopy: a.keepCopy, clientProperties: {} }
      : { name: "REDIRECT", emails: [...a.forwardTo], keepCopy: a.keepCopy, clientProperties: {} };
  }
  return { name: "DISCARD", clientProperties: {} };
}

/**
 * The rule the admin console would write for `f`. Every condition is a leaf carrying the match
 * mode as its operator (BlueMind folds the list left to right with each element's operator), and
 * always sends `operator` and `conditions: []` (absent, they become null on the server: §3.8).
 */
export function filterToRule(f: Filter): MailFilterRule {
  const operator = f.match === "all" ? "AND" : "OR";
  return {
    id: null, client: CLIENT, type: "GENERIC", trigger: "IN", deferred: false, active: f.active, name: f.name,
    clientProperties: {},
    conditions: f.conditions.map((c): MailFilterRuleCondition => {
      refuseMarker(c);
      return { operator, ...wireFilter(c), conditions: [], clientProperties: {} };
    }),
    actions: f.actions.map(wireAction),
    stop: f.stop,
  };
}

/** Forwarding as BlueMind stores it; none = disabled without addresses. */
export function forwardingToWire(f: Forwarding | null): WireForwarding {
  return f === null ? { enabled: false, localCopy: true, emails: [] } : { enabled: f.enabled, localCopy: f.localCopy, emails: [...f.to] };
}

// ---------------------------------------------------------------------------------------------
// BlueMind → canonical.

const marker = (what: string): Unsupported => ({ unsupported: what });

/** `subject CONTAINS {"values":["x"],…}`; a group as `(a AND b)`, with the operators that join them. */
function describeCondition(c: MailFilterRuleCondition): string {
  const not = c.negate ? "not " : "";
  const nested = (c.conditions ?? []).map((child, i) => `${i > 0 ? `${child.operator} ` : ""}${describeCondition(child)}`).join(" ");
  if (!c.filter) return `${not}(${nested})`;
  const { operator, fields, ...rest } = c.filter as unknown as Record<string, unknown>;
  const details = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : "";
  const leaf = `${not}${((fields as string[] | null) ?? []).join(" or ")} ${operator}${details}`;
  return nested === "" ? leaf : `${leaf} with (${nested})`;
}

function describeAction(a: MailFilterRuleAction): string {
  const { name, clientProperties: _, internalFlags: __, ...rest } = a as Record<string, unknown>;
  return `${name}${Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : ""}`;
}

type Subject = { field: TextField } | { header: string } | { field: "size" };

function subjectOf(fields: readonly string[] | null): Subject | null {
  if (!fields || fields.length === 0) return null;
  if (fields.length === 1 && fields[0] === "size") return { field: "size" };
  if (fields.length === 1 && fields[0].startsWith(HEADER_FIELD_PREFIX)) {
    const header = fields[0].slice(HEADER_FIELD_PREFIX.length);
    return HEADER_NAME.test(header) ? { header } : null;
  }
  const field = (Object.keys(WIRE_FIELDS) as TextField[]).find((f) => sameSet(WIRE_FIELDS[f], fields));
  return field ? { field } : null;
}

/** A size condition: one bound, exclusive, a whole number of KiB, not negated. */
function sizeCondition(c: MailFilterRuleCondition): Condition | null {
  const f = c.filter as MailFilterRuleFilter;
  if (f.operator !== "RANGE" || c.negate || f.inclusive) return null;
  const bounds: [SizeOp, string | null][] = [["greaterThan", f.lowerBound], ["lessThan", f.upperBound]];
  const set = bounds.filter(([, bound]) => bound !== null && bound !== undefined);
  if (set.length !== 1) return null;
  const [op, bound] = set[0];
  if (!/^\d+$/.test(bound!) || Number(bound) % BYTES_PER_KIB !== 0) return null;
  return { field: "size", op, value: Number(bound) / BYTES_PER_KIB };
}

/** A text or presence condition on a field or header. */
function textCondition(c: MailFilterRuleCondition, subject: { field: TextField } | { header: string }): Condition | null {
  const f = c.filter as MailFilterRuleFilter;
  const op = opOf(f.operator, c.negate);
  if (op === undefined) return null;
  if (f.operator === "EXISTS") return { ...subject, op: op as PresenceOp } as Condition;
  const values = (f as { values?: unknown }).values;
  if (!Array.isArray(values) || values.length !== 1 || typeof values[0] !== "string") return null;
  if (f.operator === "CONTAINS" && ((f.comparator ?? "SUBSTRING") !== "SUBSTRING" || (f.modifier ?? "NONE") !== "NONE")) return null;
  return { ...subject, op: op as TextOp, value: values[0] } as Condition;
}

function conditionOf(c: MailFilterRuleCondition): Condition | Unsupported {
  const leaf = c.filter !== null && c.filter !== undefined && (c.conditions ?? []).length === 0;
  const subject = leaf ? subjectOf(c.filter!.fields) : null;
  let condition: Condition | null = null;
  if (subject && "field" in subject && subject.field === "size") condition = sizeCondition(c);
  else if (subject) condition = textCondition(c, subject as { field: TextField } | { header: string });
  return condition ?? marker(`condition ${describeCondition(c)}`);
}

function actionOf(a: MailFilterRuleAction): Action | Unsupported {
  switch (a.name) {
    case "MARK_AS_READ": return { markAsRead: true };
    case "MARK_AS_IMPORTANT": return { markAsImportant: true };
    case "MARK_AS_DELETED": return { delete: true };
    case "DISCARD": return { discard: true };
    case "MOVE":
    case "COPY":
      // Another subtree is another mailbox's folder; a folder id wins over the name at delivery.
      if (a.subtree === OWN_SUBTREE && a.id === null && a.folder) return a.name === "MOVE" ? { moveTo: a.folder } : { copyTo: a.folder };
      break;
    case "REDIRECT":
      if ((a.emails ?? []).length > 0) return { forwardTo: addressesOf(a.emails), keepCopy: a.keepCopy === true, asAttachment: false };
      break;
    case "TRANSFER":
      // A TRANSFER without asAttachment (forwarded inline) has no canonical form.
      if (a.asAttachment === true && (a.emails ?? []).length > 0) {
        return { forwardTo: addressesOf(a.emails), keepCopy: a.keepCopy === true, asAttachment: true };
      }
      break;
  }
  return marker(`action ${describeAction(a)}`);
}

/** What makes a rule as a whole inexpressible (its conditions and actions aside). */
function ruleProblems(rule: MailFilterRule): string[] {
  const problems: string[] = [];
  if (rule.client !== CLIENT) problems.push(`client ${JSON.stringify(rule.client)} (another application's rule)`);
  if (rule.type !== "GENERIC") problems.push(`an extra ${rule.type} rule (BlueMind uses only the first one)`);
  if (rule.trigger !== "IN") problems.push(`trigger ${rule.trigger} (runs on outgoing mail)`);
  if (rule.deferred) problems.push("deferred rule");
  return problems;
}

/**
 * The match mode of a rule's condition list. Only the operators of the second element on decide it
 * (the first starts the fold). With fewer than two conditions the mode changes nothing, so the
 * desired rule's mode is taken when known: `any` with one condition is no drift.
 */
function matchOf(conditions: readonly MailFilterRuleCondition[], desired: MatchMode | undefined): { match: MatchMode; problem?: string } {
  const joins = new Set(conditions.slice(1).map((c) => c.operator));
  if (joins.size === 0) return { match: desired ?? (conditions[0]?.operator === "OR" ? "any" : "all") };
  if (joins.size === 1 && joins.has("AND")) return { match: "all" };
  if (joins.size === 1 && joins.has("OR")) return { match: "any" };
  return { match: "all", problem: `conditions joined by ${[...joins].map(String).join(" and ")} (one match mode per rule)` };
}

/**
 * One rule as a canonical filter, markers where BlueMind stores more than the format says.
 * `desired` is the declared filter of the same name, if any (for the match mode only).
 */
export function ruleToFilter(rule: MailFilterRule, desired?: Filter): LiveFilter {
  const conditions = rule.conditions ?? [];
  const { match, problem } = matchOf(conditions, desired?.match);
  const problems = [...ruleProblems(rule), ...(problem ? [problem] : [])];
  return {
    name: rule.name ?? "",
    active: rule.active,
    match,
    conditions: [...problems.map((p) => marker(`rule: ${p}`)), ...conditions.map(conditionOf)],
    actions: (rule.actions ?? []).map(actionOf),
    stop: rule.stop,
  };
}

/**
 * The rules of a filter (ids ignored: they change on every save) as canonical filters, in order.
 */
export function rulesToFilters(rules: readonly MailFilterRule[], desired: readonly Filter[] = []): LiveFilter[] {
  return withDistinctNames(rules.map((rule) => ruleToFilter(rule, desired.find((f) => f.name === rule.name))));
}

/**
 * Filters read from the server with distinct names. Names key the filters in plans, so a missing
 * or repeated name (possible in the console) gets a marker and a distinct name, instead of hiding
 * a rule behind another one of the same name.
 */
export function withDistinctNames(filters: readonly LiveFilter[]): LiveFilter[] {
  const seen = new Set<string>();
  return filters.map((filter) => {
    const problems: string[] = [];
    let name = filter.name;
    if (name === "") {
      problems.push("rule without a name");
      name = "(unnamed)";
    }
    if (seen.has(name)) {
      problems.push(`another rule is also named ${JSON.stringify(name)}`);
      let n = 2;
      while (seen.has(`${name} (${n})`)) n++;
      name = `${name} (${n})`;
    }
    seen.add(name);
    return { ...filter, name, conditions: [...problems.map((p) => marker(`rule: ${p}`)), ...filter.conditions] };
  });
}

/** Forwarding as the canonical form has it: disabled without addresses = none. */
export function forwardingOf(w: WireForwarding): Forwarding | null {
  const to = addressesOf(w.emails ?? []);
  if (!w.enabled && to.length === 0) return null;
  return { enabled: w.enabled, to, localCopy: w.localCopy };
}
