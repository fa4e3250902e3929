// Vacation and forwarding <-> rule mapping (MailFilterRuleVacationMapper, MailFilterRuleForwardingMapper).
import { type Action, type Condition, type Filter, type ForwardingBody, type Rule } from "./model";
import { each, nonNull } from "../../codec";
import { type Forwarding, type Vacation } from "../../model";
/**
 * Vacation bounds are written as `yyyy-MM-dd HH:mm:ss` in the server's default time zone; the
 * emulator's server time zone is UTC. Seconds precision: milliseconds are lost on the round trip.
 */
export function formatRuleDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** The reverse; anything unparsable reads back as null, like a DateTimeParseException there. */
export function parseRuleDate(s: string | null | undefined): number | null {
  if (typeof s !== "string") return null;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s);
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return formatRuleDate(ms) === s ? ms : null;
}

export function emptyCondition(filter: Filter): Condition {
  return { operator: "AND", filter, conditions: [], negate: false, clientProperties: {} };
}

export function vacationRule(v: Vacation): Rule {
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

export function forwardingRule(f: ForwardingBody): Rule {
  const actions: Action[] = f.emails === null ? [] : [{ name: "REDIRECT", clientProperties: {}, emails: [...f.emails], keepCopy: f.localCopy }];
  return {
    client: "bluemind", type: "FORWARD", trigger: "IN", deferred: false, active: f.enabled, name: "",
    clientProperties: {}, conditions: [], actions, stop: false,
  };
}

export function firstAction(rule: Rule, name: string): Action | undefined {
  return each(rule.actions).map(nonNull).find((a) => a.name === name);
}

/** Without a REPLY action subject, text and textHtml read back as "" (not null). */
export function vacationOf(rule: Rule): Vacation {
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

export function forwardingOf(rule: Rule): Forwarding {
  const redirect = firstAction(rule, "REDIRECT");
  if (!redirect) return { enabled: rule.active, localCopy: false, emails: [] };
  const emails = each(redirect.emails as (string | null)[] | null);
  return { enabled: rule.active, localCopy: redirect.keepCopy as boolean, emails: [...new Set(emails)] as string[] };
}
