// Reading filter bodies with Jackson's semantics (MailFilter, MailFilterRule, Vacation, Forwarding).
import { type Action, type Condition, type Filter, type FilterBody, type ForwardingBody, type Obj, type Rule, type StrMap } from "./model";
import { type Vacation } from "../../model";
import { npe, parseError } from "../../faults";
import { isObj, jStr, jBool, jEnum, jStrList, jStrMap, jLong, jDate, jList } from "../../codec";
import { own } from "../../table";
export const ACTION_FIELDS: Record<string, (raw: Obj) => Obj> = {
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
export function parseAction(raw: unknown): Action {
  if (!isObj(raw)) throw parseError();
  const name = raw.name;
  // Own keys only: a type id such as `constructor` is unknown, not Object.prototype's.
  const fields = typeof name === "string" ? own(ACTION_FIELDS, name) : undefined;
  if (typeof name !== "string" || !fields) throw parseError();
  return { name, clientProperties: jStrMap(raw.clientProperties, {}), ...fields(raw) };
}

export const FILTER_FIELDS: Record<string, (raw: Obj) => Obj> = {
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
export function parseFilter(raw: unknown): Filter {
  if (!isObj(raw)) throw parseError();
  const operator = raw.operator;
  const fields = typeof operator === "string" ? own(FILTER_FIELDS, operator) : undefined;
  if (typeof operator !== "string" || !fields) throw parseError();
  return { operator, fields: jStrList(raw.fields, null), ...fields(raw) };
}

/** Built through a JSON creator: absent `operator` and `conditions` become null (not the defaults). */
export function parseCondition(raw: unknown): Condition {
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
export function parseRule(raw: unknown): Rule {
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

export function parseVacation(raw: unknown): Vacation {
  if (!isObj(raw)) throw parseError();
  return {
    enabled: jBool(raw.enabled, false), start: jDate(raw.start), end: jDate(raw.end),
    subject: jStr(raw.subject), text: jStr(raw.text), textHtml: jStr(raw.textHtml),
  };
}

/** `emails` is a Set on the server: duplicates collapse. */
export function parseForwarding(raw: unknown): ForwardingBody {
  if (!isObj(raw)) throw parseError();
  const emails = jStrList(raw.emails, []);
  return { enabled: jBool(raw.enabled, false), localCopy: jBool(raw.localCopy, false), emails: emails && [...new Set(emails)] };
}

export function parseMailFilter(raw: Obj): FilterBody {
  return {
    rules: jList(raw.rules, [], parseRule),
    vacation: raw.vacation === undefined ? defaultVacation() : raw.vacation === null ? null : parseVacation(raw.vacation),
    forwarding: raw.forwarding === undefined ? defaultForwarding() : raw.forwarding === null ? null : parseForwarding(raw.forwarding),
  };
}

export function defaultVacation(): Vacation {
  return { enabled: false, start: null, end: null, subject: null, text: null, textHtml: null };
}

export function defaultForwarding(): ForwardingBody {
  return { enabled: false, localCopy: false, emails: [] };
}

