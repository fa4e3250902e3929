// Mailbox filters — IMailboxes `/api/mailboxes/{domainUid}/{mailboxUid}/_filter|_vacation|_forwarding|
// _rules…` (bluemind-api.md §2.3 "Filter semantics", models §3.6–3.9). Rules are stored per mailbox in
// position order; reads order them by type (GENERIC, FORWARD, VACATION — the database enum order)
// then position. `_filter` reads split the first VACATION and FORWARD rules out; `_filter` writes go
// through sanitizer → validator → forward-role validator and re-create every rule with new ids. The
// per-rule endpoints and `_vacation`/`_forwarding` run only the forward-role validator.
import type { Router } from "../router";
import type { Ctx } from "../context";
import { isEmail, type Forwarding, type Vacation } from "../model";
import { forbidden, invalid, notFound, npe, parseError } from "../faults";
import { own } from "../table";
import type { DomainState, Store, StoredRule } from "../store";
import { findEntry, type AnyEntry } from "../entries";
import { javaSplitAt } from "./mailboxes";

// ---------------------------------------------------------------------------------------------
// Wire model as the Jackson codec builds it: absent fields keep the Java initializer, explicit nulls
// stay null (even where that later ends in a NullPointerException, as on the server).

type Obj = Record<string, unknown>;
type StrMap = Record<string, string | null>;

interface Filter extends Obj {
  operator: string;
  fields: (string | null)[] | null;
}

interface Condition {
  operator: "AND" | "OR" | null;
  filter: Filter | null;
  conditions: (Condition | null)[] | null;
  negate: boolean;
  clientProperties: StrMap | null;
}

interface Action extends Obj {
  name: string;
  clientProperties: StrMap | null;
}

type RuleType = "GENERIC" | "FORWARD" | "VACATION";

interface Rule {
  client: string | null;
  type: RuleType | null;
  trigger: "IN" | "OUT" | null;
  deferred: boolean;
  active: boolean;
  name: string | null;
  clientProperties: StrMap | null;
  conditions: (Condition | null)[] | null;
  actions: (Action | null)[] | null;
  stop: boolean;
}

type StoredRuleBody = Rule & { id: number };

interface FilterBody {
  rules: (Rule | null)[] | null;
  vacation: Vacation | null;
  forwarding: ForwardingBody | null;
}

interface ForwardingBody {
  enabled: boolean;
  localCopy: boolean;
  emails: (string | null)[] | null;
}

/** GENERIC, FORWARD, VACATION: the order of the database enum the rules are sorted by. */
const TYPE_ORDER: Record<RuleType, number> = { GENERIC: 0, FORWARD: 1, VACATION: 2 };

// ---------------------------------------------------------------------------------------------
// Codec helpers (Jackson semantics).

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A String field: scalars are coerced, objects and arrays refused. */
function jStr(v: unknown, dflt: string | null = null): string | null {
  if (v === undefined) return dflt;
  if (v === null) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw parseError();
}

/** A primitive boolean: an explicit null becomes false, whatever the initializer. */
function jBool(v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (v === null) return false;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw parseError();
}

function jEnum<T extends string>(v: unknown, allowed: readonly T[], dflt: T | null): T | null {
  if (v === undefined) return dflt;
  if (v === null) return null;
  if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
  throw parseError();
}

function jStrList(v: unknown, dflt: (string | null)[] | null): (string | null)[] | null {
  if (v === undefined) return dflt;
  if (v === null) return null;
  if (!Array.isArray(v)) throw parseError();
  return v.map((x) => jStr(x));
}

function jStrMap(v: unknown, dflt: StrMap | null): StrMap | null {
  if (v === undefined) return dflt;
  if (v === null) return null;
  if (!isObj(v)) throw parseError();
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jStr(x)]));
}

function jLong(v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  throw parseError();
}

/** java.util.Date: epoch milliseconds, or a string Jackson understands (digits or ISO-8601). */
function jDate(v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "number" && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v))) return Date.parse(v);
  throw parseError();
}

/** A nested list, null elements kept (they fail later, where the server dereferences them). */
function jList<T>(v: unknown, dflt: T[] | null, item: (x: unknown) => T): (T | null)[] | null {
  if (v === undefined) return dflt;
  if (v === null) return null;
  if (!Array.isArray(v)) throw parseError();
  return v.map((x) => (x === null ? null : item(x)));
}

const ACTION_FIELDS: Record<string, (raw: Obj) => Obj> = {
  MOVE: (raw) => ({ subtree: jStr(raw.subtree), id: jLong(raw.id), folder: jStr(raw.folder) }),
  COPY: (raw) => ({ subtree: jStr(raw.subtree), id: jLong(raw.id), folder: jStr(raw.folder) }),
  REDIRECT: (raw) => ({ emails: jStrList(raw.emails, null), keepCopy: jBool(raw.keepCopy, false) }),
  TRANSFER: (raw) => ({
    emails: jStrList(raw.emails, null), asAttachment: jBool(raw.asAttachment, false), keepCopy: jBool(raw.keepCopy, false),
  }),
  REPLY: (raw) => ({ subject: jStr(raw.subject), plainBody: jStr(raw.plainBody), htmlBody: jStr(raw.htmlBody) }),
  DISCARD: () => ({}),
  DEFERRED_ACTION: () => ({}),
  // `flags` is ignored on these three (@JsonIgnoreProperties): the implied flags are not serialized.
  MARK_AS_READ: (raw) => ({ internalFlags: jStrList(raw.internalFlags, []) }),
  MARK_AS_IMPORTANT: (raw) => ({ internalFlags: jStrList(raw.internalFlags, []) }),
  MARK_AS_DELETED: (raw) => ({ internalFlags: jStrList(raw.internalFlags, ["\\Expunged"]) }),
  SET_FLAGS: (raw) => ({ flags: jStrList(raw.flags, null), internalFlags: jStrList(raw.internalFlags, null) }),
  ADD_HEADER: (raw) => ({ headers: jStrMap(raw.headers, null) }),
  CATEGORIZE: (raw) => ({ headers: jStrMap(raw.headers, null) }),
  PRIORITIZE: (raw) => ({ headers: jStrMap(raw.headers, null) }),
  REMOVE_HEADERS: (raw) => ({ headerNames: jStrList(raw.headerNames, null) }),
  UNCATEGORIZE: (raw) => ({ headerNames: jStrList(raw.headerNames, ["X-Bm-Otlk-Name-Keywords"]) }),
  UNFOLLOW: (raw) => ({
    headerNames: jStrList(raw.headerNames, [
      "X-Bm-Otlk-Reminder-Set", "X-Bm-Otlk-Flag-Request", "X-Bm-Otlk-Flag-Status", "X-Bm-Otlk-Flag-Color",
      "X-Bm-Otlk-Task-Ordinal-Date", "X-Bm-Otlk-Common-Start", "X-Bm-Otlk-Task-Due-Date",
    ]),
  }),
  CUSTOM: (raw) => ({ kind: jStr(raw.kind), parameters: jStrMap(raw.parameters, {}) }),
};

/** Polymorphic on `name`: missing or unknown type id → parse error. */
function parseAction(raw: unknown): Action {
  if (!isObj(raw)) throw parseError();
  const name = raw.name;
  // Own keys only: a type id such as `constructor` is unknown, not Object.prototype's.
  const fields = typeof name === "string" ? own(ACTION_FIELDS, name) : undefined;
  if (typeof name !== "string" || !fields) throw parseError();
  return { name, clientProperties: jStrMap(raw.clientProperties, {}), ...fields(raw) };
}

const FILTER_FIELDS: Record<string, (raw: Obj) => Obj> = {
  EXISTS: () => ({}),
  EQUALS: (raw) => ({ values: jStrList(raw.values, null) }),
  CONTAINS: (raw) => ({
    values: jStrList(raw.values, null),
    comparator: jEnum(raw.comparator, ["FULLSTRING", "SUBSTRING", "PREFIX"], "SUBSTRING"),
    modifier: jEnum(raw.modifier, ["NONE", "CASE_INSENSITIVE", "IGNORE_NONSPACING_MARK", "LOOSE"], "NONE"),
  }),
  MATCHES: (raw) => ({ values: jStrList(raw.values, null) }),
  RANGE: (raw) => ({ lowerBound: jStr(raw.lowerBound), upperBound: jStr(raw.upperBound), inclusive: jBool(raw.inclusive, false) }),
};

/** Polymorphic on `operator`: missing or unknown type id → parse error. */
function parseFilter(raw: unknown): Filter {
  if (!isObj(raw)) throw parseError();
  const operator = raw.operator;
  const fields = typeof operator === "string" ? own(FILTER_FIELDS, operator) : undefined;
  if (typeof operator !== "string" || !fields) throw parseError();
  return { operator, fields: jStrList(raw.fields, null), ...fields(raw) };
}

/** Built through a JSON creator: absent `operator` and `conditions` become null (not the defaults). */
function parseCondition(raw: unknown): Condition {
  if (!isObj(raw)) throw parseError();
  return {
    operator: jEnum(raw.operator, ["AND", "OR"], null),
    filter: raw.filter === undefined || raw.filter === null ? null : parseFilter(raw.filter),
    conditions: jList(raw.conditions, null, parseCondition),
    negate: jBool(raw.negate, false),
    clientProperties: jStrMap(raw.clientProperties, {}),
  };
}

/** MailFilterRule with the §3.7 defaults; `id` is ignored on input. */
function parseRule(raw: unknown): Rule {
  if (!isObj(raw)) throw parseError();
  return {
    client: jStr(raw.client),
    type: jEnum(raw.type, ["GENERIC", "FORWARD", "VACATION"], "GENERIC"),
    trigger: jEnum(raw.trigger, ["IN", "OUT"], "IN"),
    deferred: jBool(raw.deferred, false),
    active: jBool(raw.active, true),
    name: jStr(raw.name),
    clientProperties: jStrMap(raw.clientProperties, {}),
    conditions: jList(raw.conditions, [], parseCondition),
    actions: jList(raw.actions, [], parseAction),
    stop: jBool(raw.stop, true),
  };
}

function parseVacation(raw: unknown): Vacation {
  if (!isObj(raw)) throw parseError();
  return {
    enabled: jBool(raw.enabled, false), start: jDate(raw.start), end: jDate(raw.end),
    subject: jStr(raw.subject), text: jStr(raw.text), textHtml: jStr(raw.textHtml),
  };
}

/** `emails` is a Set on the server: duplicates collapse. */
function parseForwarding(raw: unknown): ForwardingBody {
  if (!isObj(raw)) throw parseError();
  const emails = jStrList(raw.emails, []);
  return { enabled: jBool(raw.enabled, false), localCopy: jBool(raw.localCopy, false), emails: emails && [...new Set(emails)] };
}

function parseMailFilter(raw: Obj): FilterBody {
  return {
    rules: jList(raw.rules, [], parseRule),
    vacation: raw.vacation === undefined ? defaultVacation() : raw.vacation === null ? null : parseVacation(raw.vacation),
    forwarding: raw.forwarding === undefined ? defaultForwarding() : raw.forwarding === null ? null : parseForwarding(raw.forwarding),
  };
}

function defaultVacation(): Vacation {
  return { enabled: false, start: null, end: null, subject: null, text: null, textHtml: null };
}

function defaultForwarding(): ForwardingBody {
  return { enabled: false, localCopy: false, emails: [] };
}

/** A collection the Java code iterates: null there is a NullPointerException. */
function each<T>(list: T[] | null): T[] {
  if (list === null) throw npe();
  return list;
}

/** Elements the Java code dereferences. */
function nonNull<T>(v: T | null): T {
  if (v === null) throw npe();
  return v;
}

// ---------------------------------------------------------------------------------------------
// Vacation and forwarding ↔ rule mapping (MailFilterRuleVacationMapper, MailFilterRuleForwardingMapper).

/**
 * Vacation bounds are written as `yyyy-MM-dd HH:mm:ss` in the server's default time zone; the
 * emulator's server time zone is UTC. Seconds precision: milliseconds are lost on the round trip.
 */
function formatRuleDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** The reverse; anything unparsable reads back as null, like a DateTimeParseException there. */
function parseRuleDate(s: string | null | undefined): number | null {
  if (typeof s !== "string") return null;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s);
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return formatRuleDate(ms) === s ? ms : null;
}

function emptyCondition(filter: Filter): Condition {
  return { operator: "AND", filter, conditions: [], negate: false, clientProperties: {} };
}

function vacationRule(v: Vacation): Rule {
  const conditions: Condition[] = [];
  if (v.start !== null || v.end !== null) {
    conditions.push(emptyCondition({
      operator: "RANGE", fields: ["date"], inclusive: false,
      lowerBound: v.start !== null ? formatRuleDate(v.start) : null,
      upperBound: v.end !== null ? formatRuleDate(v.end) : null,
    }));
  }
  const actions: Action[] = [];
  if (v.subject !== null && (v.text !== null || v.textHtml !== null)) {
    actions.push({ name: "REPLY", clientProperties: {}, subject: v.subject, plainBody: v.text, htmlBody: v.textHtml });
  }
  return {
    client: "bluemind", type: "VACATION", trigger: "IN", deferred: false, active: v.enabled, name: "",
    clientProperties: {}, conditions, actions, stop: false,
  };
}

function forwardingRule(f: ForwardingBody): Rule {
  const actions: Action[] = f.emails === null ? [] : [{ name: "REDIRECT", clientProperties: {}, emails: [...f.emails], keepCopy: f.localCopy }];
  return {
    client: "bluemind", type: "FORWARD", trigger: "IN", deferred: false, active: f.enabled, name: "",
    clientProperties: {}, conditions: [], actions, stop: false,
  };
}

function firstAction(rule: Rule, name: string): Action | undefined {
  return each(rule.actions).map(nonNull).find((a) => a.name === name);
}

/** Without a REPLY action subject, text and textHtml read back as "" (not null). */
function vacationOf(rule: Rule): Vacation {
  const reply = firstAction(rule, "REPLY");
  const vacation: Vacation = {
    enabled: rule.active, start: null, end: null,
    text: reply ? (reply.plainBody as string | null) : "",
    textHtml: reply ? (reply.htmlBody as string | null) : "",
    subject: reply ? (reply.subject as string | null) : "",
  };
  const range = each(rule.conditions).map(nonNull).find((c) =>
    c.filter !== null && each(c.filter.fields).includes("date") && c.filter.operator === "RANGE");
  if (range?.filter) {
    vacation.start = parseRuleDate(range.filter.lowerBound as string | null);
    vacation.end = parseRuleDate(range.filter.upperBound as string | null);
  }
  return vacation;
}

function forwardingOf(rule: Rule): Forwarding {
  const redirect = firstAction(rule, "REDIRECT");
  if (!redirect) return { enabled: rule.active, localCopy: false, emails: [] };
  const emails = each(redirect.emails as (string | null)[] | null);
  return { enabled: rule.active, localCopy: redirect.keepCopy as boolean, emails: [...new Set(emails)] as string[] };
}

// ---------------------------------------------------------------------------------------------
// Storage.

interface Mailbox {
  d: DomainState;
  entry: AnyEntry;
}

/** Rules of a mailbox in position order (the array the store keeps). */
function storedRules(store: Store, mailboxUid: string): StoredRuleBody[] {
  return (store.state.rules[mailboxUid] ??= []) as unknown as StoredRuleBody[];
}

/** Rules as the store returns them: by type (database enum order), then position. */
function orderedRules(store: Store, mailboxUid: string): StoredRuleBody[] {
  return storedRules(store, mailboxUid)
    .map((r, position) => ({ r, position }))
    .sort((a, b) => TYPE_ORDER[a.r.type!] - TYPE_ORDER[b.r.type!] || a.position - b.position)
    .map(({ r }) => structuredClone(r));
}

/** A rule ready to be stored; its type and trigger are dereferenced by the insert (NPE when null). */
function toStored(store: Store, rule: Rule, id?: number): StoredRuleBody {
  if (rule.type === null || rule.trigger === null) throw npe();
  return { id: id ?? store.nextRuleId(), ...structuredClone(rule) };
}

function findRule(store: Store, mailboxUid: string, id: number): StoredRuleBody {
  const rule = storedRules(store, mailboxUid).find((r) => r.id === id);
  if (!rule) throw notFound(`Rule with id ${id} not found`);
  return rule;
}

/** GET _filter: the first VACATION and FORWARD rules become `vacation` and `forwarding`. */
function filterView(store: Store, mailboxUid: string): { rules: StoredRuleBody[]; vacation: Vacation; forwarding: Forwarding } {
  const rules = orderedRules(store, mailboxUid);
  const vi = rules.findIndex((r) => r.type === "VACATION");
  const vacation = vi >= 0 ? vacationOf(rules.splice(vi, 1)[0]) : defaultVacation();
  const fi = rules.findIndex((r) => r.type === "FORWARD");
  const forwarding = fi >= 0 ? forwardingOf(rules.splice(fi, 1)[0]) : { enabled: false, localCopy: false, emails: [] };
  return { rules, vacation, forwarding };
}

/** addRule: right after the last rule of the same client and type, else at the end. */
function appendRule(store: Store, mailboxUid: string, rule: Rule): number {
  const rules = storedRules(store, mailboxUid);
  const stored = toStored(store, rule);
  let anchor = -1;
  // `client = ?` in SQL: a null client never matches, so such rules always go to the end.
  rules.forEach((r, i) => {
    if (rule.client !== null && r.client === rule.client && r.type === rule.type) anchor = i;
  });
  rules.splice(anchor >= 0 ? anchor + 1 : rules.length, 0, stored);
  return stored.id;
}

type Position = "BEFORE" | "AFTER";
type Direction = "UP" | "DOWN" | "TOP" | "BOTTOM";

function insertRelative(store: Store, mailboxUid: string, rule: Rule, position: Position, anchorId: number): number {
  const rules = storedRules(store, mailboxUid);
  const stored = toStored(store, rule);
  const at = rules.findIndex((r) => r.id === anchorId);
  rules.splice(position === "BEFORE" ? at : at + 1, 0, stored);
  return stored.id;
}

/**
 * Moves only reorder the rules sharing the moved rule's type and client (the SQL shifts that group
 * only): the group's members are permuted within the positions the group occupies. A null client
 * matches no group (SQL `client = NULL`), so such a rule never moves.
 */
function reorderGroup(store: Store, mailboxUid: string, moved: StoredRuleBody, reorder: (group: StoredRuleBody[]) => StoredRuleBody[]): void {
  if (moved.client === null) return;
  const rules = storedRules(store, mailboxUid);
  const slots = rules.flatMap((r, i) => (r.type === moved.type && r.client === moved.client ? [i] : []));
  const reordered = reorder(slots.map((i) => rules[i]));
  slots.forEach((slot, k) => (rules[slot] = reordered[k]));
}

function moveRule(store: Store, mailboxUid: string, moved: StoredRuleBody, direction: Direction): void {
  const rules = storedRules(store, mailboxUid);
  const at = rules.indexOf(moved);
  const sameGroup = (r: StoredRuleBody | undefined) => r !== undefined && r.type === moved.type && r.client === moved.client;
  if (direction === "UP" || direction === "DOWN") {
    // Swapped with the immediate neighbour, and only when it belongs to the same group.
    const other = direction === "UP" ? at - 1 : at + 1;
    if (moved.client !== null && sameGroup(rules[other])) [rules[at], rules[other]] = [rules[other], rules[at]];
    return;
  }
  reorderGroup(store, mailboxUid, moved, (group) => {
    const rest = group.filter((r) => r !== moved);
    return direction === "TOP" ? [moved, ...rest] : [...rest, moved];
  });
}

function moveRelative(store: Store, mailboxUid: string, moved: StoredRuleBody, position: Position, anchor: StoredRuleBody): void {
  reorderGroup(store, mailboxUid, moved, (group) => {
    if (!group.includes(anchor) || anchor === moved) return group;
    const rest = group.filter((r) => r !== moved);
    const at = rest.indexOf(anchor);
    rest.splice(position === "BEFORE" ? at : at + 1, 0, moved);
    return rest;
  });
}

// ---------------------------------------------------------------------------------------------
// Sanitizer and validators (MailFilterSanitizer, MailFilterValidator, MailFilterForwardRoleValidator).

const isBlank = (s: string | null | undefined) => s === null || s === undefined || s === "";

function lowerEmails(action: Action): void {
  if (action.name !== "REDIRECT" && action.name !== "TRANSFER") return;
  const emails = action.emails as (string | null)[] | null;
  if (emails) action.emails = emails.map((e) => nonNull(e).toLowerCase());
}

/** Defaults for nulls, lower-cased addresses, and rules whose MOVE lacks folder or subtree dropped. */
function sanitize(f: FilterBody): { rules: Rule[]; vacation: Vacation; forwarding: ForwardingBody } {
  const forwarding = f.forwarding ?? defaultForwarding();
  forwarding.emails = [...new Set((forwarding.emails ?? []).map((e) => nonNull(e).toLowerCase()))];
  const rules = (f.rules ?? []).map(nonNull).filter((rule) => {
    const actions = each(rule.actions).map(nonNull);
    actions.forEach(lowerEmails);
    return !actions.some((a) => a.name === "MOVE" && (isBlank(a.folder as string | null) || isBlank(a.subtree as string | null)));
  });
  return { rules, vacation: f.vacation ?? defaultVacation(), forwarding };
}

function validateEmailList(emails: (string | null)[] | null): void {
  for (const e of each(emails)) {
    if (isBlank(e)) throw invalid("Null or empty email address");
    if (!isEmail(e)) throw invalid(`Invalid email address: ${e}`);
  }
}

/** Every filter of a condition tree (a group with null `conditions` fails like filterStream does). */
function filtersOf(conditions: (Condition | null)[] | null): Filter[] {
  return each(conditions).flatMap((c) => {
    const condition = nonNull(c);
    return condition.filter !== null ? [condition.filter] : filtersOf(condition.conditions);
  });
}

/** RFC 5322 field name: printable ASCII without space or ':'. */
function validHeaderName(name: string): boolean {
  return [...name].every((ch) => ch.charCodeAt(0) > 32 && ch.charCodeAt(0) < 127 && ch !== ":");
}

function validateRule(rule: Rule): void {
  if (!rule.active) return;
  for (const filter of filtersOf(rule.conditions)) {
    for (const field of each(filter.fields)) {
      if (field === null || !field.startsWith("headers.")) continue;
      const header = field.slice("headers.".length);
      if (!validHeaderName(header)) throw invalid(`header name ${header} contains invalid characters`);
    }
  }
  const actions = each(rule.actions).map(nonNull);
  for (const a of actions) {
    if (a.name === "REDIRECT" || a.name === "TRANSFER") validateEmailList(a.emails as (string | null)[] | null);
  }
  if (actions.length === 0) throw invalid("No action for the rule");
  for (const a of actions) {
    // The wording of this message is the emulator's (the contract gives only the rule).
    if ((a.name === "MOVE" || a.name === "COPY") && isBlank(a.folder as string | null)) {
      throw invalid(`${a.name} action needs a destination folder`);
    }
  }
}

function validate(f: { rules: Rule[]; vacation: Vacation; forwarding: ForwardingBody }): void {
  if (f.forwarding.enabled) {
    if (each(f.forwarding.emails).length === 0) throw invalid("Try to activate forward but email lists is empty");
    validateEmailList(f.forwarding.emails);
  }
  const v = f.vacation;
  if (v.enabled) {
    if (v.start !== null && v.end !== null && v.start > v.end) throw invalid("end date is before start date of vacation");
    if (isBlank(v.subject)) throw invalid("Invalid parameter");
  }
  f.rules.forEach(validateRule);
}

/** An address outside the domain: its domain part is neither the domain uid nor an alias. */
function isExternal(d: DomainState, email: string | null): boolean {
  const parts = javaSplitAt(nonNull(email));
  return parts.length === 2 && parts[1] !== d.item.uid && !d.item.value.aliases.includes(parts[1]);
}

interface ForwardCheck {
  ctx: Ctx;
  mb: Mailbox;
}

function checkCanForwardExternally({ ctx, mb }: ForwardCheck, emails: (string | null)[]): void {
  if (!emails.some((e) => isExternal(mb.d, e))) return;
  const s = ctx.session;
  // Domain admins (role admin) and holders of mailForwarding may forward outside the domain.
  if (!s || !ctx.emu.sessions.hasRole(s, mb.d.item.uid, "mailForwarding")) {
    throw forbidden("no right to enable forwarding ");
  }
}

/** Only the mailbox's explicit addresses count (allAliases expansions are not compared). */
function checkNotOwnAddresses({ mb }: ForwardCheck, emails: (string | null)[]): void {
  const own = (mb.entry.item.value.emails ?? []).map((m) => m.address);
  const hits = emails.filter((e) => e !== null && own.includes(e)).map((e) => e!.toLowerCase());
  if (hits.length > 0) throw forbidden(`Forwarding to own user emails is not authorized: ${hits.join(",")}`);
}

/**
 * MailFilterForwardRoleValidator. Forwarding: when enabled, addresses that are new compared with the
 * previous forwarding (all of them when there is no previous filter) need the external-forwarding
 * right if outside the domain, and no address may be one of the mailbox's own. Active rules: the
 * same checks on every REDIRECT and TRANSFER action.
 */
function validateForwardRole(check: ForwardCheck, previous: Forwarding | null, forwarding: ForwardingBody | null, rules: (Rule | null)[]): void {
  const fwd = nonNull(forwarding);
  if (fwd.enabled) {
    const emails = each(fwd.emails);
    const added = emails.filter((e) => !(previous?.emails ?? []).includes(e as string));
    checkCanForwardExternally(check, added);
    if (emails.length > 0) checkNotOwnAddresses(check, emails);
  }
  for (const rule of rules.map(nonNull)) {
    if (!rule.active) continue;
    for (const a of each(rule.actions).map(nonNull)) {
      if (a.name !== "REDIRECT" && a.name !== "TRANSFER") continue;
      const emails = each(a.emails as (string | null)[] | null);
      if (emails.length === 0) continue;
      checkCanForwardExternally(check, emails);
      checkNotOwnAddresses(check, emails);
    }
  }
}

/** The validation the single-rule endpoints run: forward-role only, nothing to compare with. */
function validateSingleRule(check: ForwardCheck, rule: Rule): void {
  validateForwardRole(check, null, defaultForwarding(), [rule]);
}

// ---------------------------------------------------------------------------------------------
// Endpoints.

/** `forEntry(mailboxUid).check(manageMailboxFilter)`: roles delegated on the mailbox's org unit count. */
function domainFor(ctx: Ctx): DomainState {
  const d = ctx.emu.store.domain(ctx.params.domainUid);
  ctx.requireRole(d.item.uid, "manageMailboxFilter", { entry: ctx.params.mailboxUid });
  return d;
}

/** Every path but POST _filter reads the filter of a missing mailbox: NullPointerException. */
function mailboxOrNpe(ctx: Ctx): Mailbox {
  const d = domainFor(ctx);
  const entry = findEntry(d, ctx.params.mailboxUid);
  if (!entry) throw npe();
  return { d, entry };
}

/** A numeric path parameter (Java long); anything else fails to parse. */
function longParam(ctx: Ctx, name: string): number {
  const v = ctx.params[name];
  if (!/^-?\d+$/.test(v)) throw parseError(name);
  return Number(v);
}

function enumParam<T extends string>(ctx: Ctx, name: string, allowed: readonly T[]): T {
  const v = ctx.params[name];
  if (!(allowed as readonly string[]).includes(v)) throw parseError(name);
  return v as T;
}

/** Filter changes bump the mailbox's directory item version (§3.1). */
function touched(ctx: Ctx, mb: Mailbox): void {
  ctx.emu.store.touch(mb.entry.item, ctx.session?.userUid ?? null);
}

/** setMailboxVacation / setMailboxForwarding: update the first rule of that type, or add one. */
function upsertTypedRule(ctx: Ctx, mb: Mailbox, rule: Rule): void {
  const store = ctx.emu.store;
  const uid = mb.entry.item.uid;
  validateSingleRule({ ctx, mb }, rule);
  const existing = orderedRules(store, uid).find((r) => r.type === rule.type);
  if (existing) {
    const rules = storedRules(store, uid);
    rules[rules.findIndex((r) => r.id === existing.id)] = toStored(store, rule, existing.id);
  } else {
    appendRule(store, uid, rule);
  }
  touched(ctx, mb);
}

export function register(r: Router): void {
  const base = "/api/mailboxes/{domainUid}/{mailboxUid}";

  r.get(`${base}/_filter`, (ctx) => filterView(ctx.emu.store, mailboxOrNpe(ctx).entry.item.uid));

  r.post(`${base}/_filter`, (ctx) => {
    const d = domainFor(ctx);
    const entry = findEntry(d, ctx.params.mailboxUid);
    if (!entry) throw notFound(`Mailbox ${ctx.params.mailboxUid} not found`);
    const mb = { d, entry };
    const store = ctx.emu.store;
    const previous = filterView(store, entry.item.uid);
    const filter = sanitize(parseMailFilter(ctx.object()));
    validate(filter);
    validateForwardRole({ ctx, mb }, previous.forwarding, filter.forwarding, filter.rules);
    // Everything is deleted and re-inserted, vacation and forwarding always appended: new ids.
    const all = [...filter.rules, vacationRule(filter.vacation), forwardingRule(filter.forwarding)];
    const stored = all.map((rule) => toStored(store, rule));
    store.state.rules[entry.item.uid] = stored as unknown as StoredRule[];
    touched(ctx, mb);
  });

  r.get(`${base}/_vacation`, (ctx) => filterView(ctx.emu.store, mailboxOrNpe(ctx).entry.item.uid).vacation);

  r.post(`${base}/_vacation`, (ctx) => {
    const mb = mailboxOrNpe(ctx);
    const raw = ctx.json();
    // A null vacation maps to no rule: nothing happens.
    if (raw === null) return;
    upsertTypedRule(ctx, mb, vacationRule(parseVacation(raw)));
  });

  r.get(`${base}/_forwarding`, (ctx) => filterView(ctx.emu.store, mailboxOrNpe(ctx).entry.item.uid).forwarding);

  r.post(`${base}/_forwarding`, (ctx) => {
    const mb = mailboxOrNpe(ctx);
    const raw = ctx.json();
    const forwarding = raw === null ? null : parseForwarding(raw);
    validateForwardRole({ ctx, mb }, null, forwarding, []);
    upsertTypedRule(ctx, mb, forwardingRule(forwarding!));
  });

  r.get(`${base}/_rules`, (ctx) => orderedRules(ctx.emu.store, mailboxOrNpe(ctx).entry.item.uid));

  r.get(`${base}/_rulesByClient`, (ctx) => {
    const mb = mailboxOrNpe(ctx);
    const client = ctx.query.get("client");
    if (client === null) throw npe();
    return orderedRules(ctx.emu.store, mb.entry.item.uid).filter((rule) => rule.client === client);
  });

  r.get(`${base}/_rules/{id}`, (ctx) => {
    const mb = mailboxOrNpe(ctx);
    return structuredClone(findRule(ctx.emu.store, mb.entry.item.uid, longParam(ctx, "id")));
  });

  r.put(`${base}/_rules`, (ctx) => {
    const mb = mailboxOrNpe(ctx);
    const rule = parseRule(ctx.object());
    validateSingleRule({ ctx, mb }, rule);
    const id = appendRule(ctx.emu.store, mb.entry.item.uid, rule);
    touched(ctx, mb);
    return id;
  });

  r.put(`${base}/_rules/{position}/{anchorId}`, (ctx) => {
    const mb = mailboxOrNpe(ctx);
    const position = enumParam<Position>(ctx, "position", ["BEFORE", "AFTER"]);
    const anchorId = longParam(ctx, "anchorId");
    const rule = parseRule(ctx.object());
    const anchor = findRule(ctx.emu.store, mb.entry.item.uid, anchorId);
    if (rule.client === null) throw npe();
    if (rule.client !== anchor.client) {
      throw invalid(`New rule can't be added relative to rule id=${anchorId} as they don't share the same client`);
    }
    validateSingleRule({ ctx, mb }, rule);
    const id = insertRelative(ctx.emu.store, mb.entry.item.uid, rule, position, anchorId);
    touched(ctx, mb);
    return id;
  });

  r.post(`${base}/_rules/{id}`, (ctx) => {
    const mb = mailboxOrNpe(ctx);
    const id = longParam(ctx, "id");
    const rule = parseRule(ctx.object());
    findRule(ctx.emu.store, mb.entry.item.uid, id);
    validateSingleRule({ ctx, mb }, rule);
    const rules = storedRules(ctx.emu.store, mb.entry.item.uid);
    rules[rules.findIndex((x) => x.id === id)] = toStored(ctx.emu.store, rule, id);
    touched(ctx, mb);
  });

  r.delete(`${base}/_rules/{id}`, (ctx) => {
    const mb = mailboxOrNpe(ctx);
    const id = longParam(ctx, "id");
    const rules = storedRules(ctx.emu.store, mb.entry.item.uid);
    const at = rules.findIndex((x) => x.id === id);
    // No error for an unknown id.
    if (at >= 0) rules.splice(at, 1);
    touched(ctx, mb);
  });

  r.post(`${base}/_rules/{id}/{direction}`, (ctx) => {
    const mb = mailboxOrNpe(ctx);
    const id = longParam(ctx, "id");
    const direction = enumParam<Direction>(ctx, "direction", ["UP", "DOWN", "TOP", "BOTTOM"]);
    moveRule(ctx.emu.store, mb.entry.item.uid, findRule(ctx.emu.store, mb.entry.item.uid, id), direction);
    touched(ctx, mb);
  });

  r.post(`${base}/_rules/{id}/{position}/{anchorId}`, (ctx) => {
    const mb = mailboxOrNpe(ctx);
    const id = longParam(ctx, "id");
    const position = enumParam<Position>(ctx, "position", ["BEFORE", "AFTER"]);
    const anchorId = longParam(ctx, "anchorId");
    const store = ctx.emu.store;
    const moved = findRule(store, mb.entry.item.uid, id);
    const anchor = storedRules(store, mb.entry.item.uid).find((x) => x.id === anchorId);
    // Quirk: the server's message for a missing anchor names the moved rule's id.
    if (!anchor) throw notFound(`Rule with id ${id} not found`);
    if (moved.client === null) throw npe();
    if (moved.client !== anchor.client) {
      throw invalid(`Rule with id ${id} can't be ordered relative to rule id=${anchorId} as they don't share the same client`);
    }
    moveRelative(store, mb.entry.item.uid, moved, position, anchor);
    touched(ctx, mb);
  });
}
