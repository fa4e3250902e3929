// Sanitizer and validators (MailFilterSanitizer, MailFilterValidator, MailFilterForwardRoleValidator).
import { type Action, type Condition, type Filter, type FilterBody, type ForwardingBody, type Rule } from "./model";
import { type Mailbox } from "./storage";
import { defaultForwarding, defaultVacation } from "./codec";
import { each, nonNull } from "../../codec";
import { isEmail, type Forwarding, type Vacation } from "../../model";
import { forbidden, invalid } from "../../faults";
import { own } from "../../table";
import { type DomainState } from "../../store";
import { javaSplitAt } from "../mailboxes";
import { type Ctx } from "../../context";
export const isBlank = (s: string | null | undefined) => s === null || s === undefined || s === "";

export function lowerEmails(action: Action): void {
  if (action.name !== "REDIRECT" && action.name !== "TRANSFER") return;
  const emails = action.emails as (string | null)[] | null;
  if (emails) action.emails = emails.map((e) => nonNull(e).toLowerCase());
}

/** Defaults for nulls, lower-cased addresses, and rules whose MOVE lacks folder or subtree dropped. */
export function sanitize(f: FilterBody): { rules: Rule[]; vacation: Vacation; forwarding: ForwardingBody } {
  const forwarding = f.forwarding ?? defaultForwarding();
  forwarding.emails = [...new Set((forwarding.emails ?? []).map((e) => nonNull(e).toLowerCase()))];
  const rules = (f.rules ?? []).map(nonNull).filter((rule) => {
    const actions = each(rule.actions).map(nonNull);
    actions.forEach(lowerEmails);
    return !actions.some((a) => a.name === "MOVE" && (isBlank(a.folder as string | null) || isBlank(a.subtree as string | null)));
  });
  return { rules, vacation: f.vacation ?? defaultVacation(), forwarding };
}

export function validateEmailList(emails: (string | null)[] | null): void {
  for (const e of each(emails)) {
    if (isBlank(e)) throw invalid("Null or empty email address");
    if (!isEmail(e)) throw invalid(`Invalid email address: ${e}`);
  }
}

/** Every filter of a condition tree (a group with null `conditions` fails like filterStream does). */
export function filtersOf(conditions: (Condition | null)[] | null): Filter[] {
  return each(conditions).flatMap((c) => {
    const condition = nonNull(c);
    return condition.filter !== null ? [condition.filter] : filtersOf(condition.conditions);
  });
}

/** RFC 5322 field name: printable ASCII without space or ':'. */
export function validHeaderName(name: string): boolean {
  return [...name].every((ch) => ch.charCodeAt(0) > 32 && ch.charCodeAt(0) < 127 && ch !== ":");
}

export function validateRule(rule: Rule): void {
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

export function validate(f: { rules: Rule[]; vacation: Vacation; forwarding: ForwardingBody }): void {
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
export function isExternal(d: DomainState, email: string | null): boolean {
  const parts = javaSplitAt(nonNull(email));
  return parts.length === 2 && parts[1] !== d.item.uid && !d.item.value.aliases.includes(parts[1]);
}

export interface ForwardCheck {
  ctx: Ctx;
  mb: Mailbox;
}

export function checkCanForwardExternally({ ctx, mb }: ForwardCheck, emails: (string | null)[]): void {
  if (!emails.some((e) => isExternal(mb.d, e))) return;
  const s = ctx.session;
  // Domain admins (role admin) and holders of mailForwarding may forward outside the domain.
  if (!s || !ctx.emu.sessions.hasRole(s, mb.d.item.uid, "mailForwarding")) {
    throw forbidden("no right to enable forwarding ");
  }
}

/** Only the mailbox's explicit addresses count (allAliases expansions are not compared). */
export function checkNotOwnAddresses({ mb }: ForwardCheck, emails: (string | null)[]): void {
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
export function validateForwardRole(check: ForwardCheck, previous: Forwarding | null, forwarding: ForwardingBody | null, rules: (Rule | null)[]): void {
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
export function validateSingleRule(check: ForwardCheck, rule: Rule): void {
  validateForwardRole(check, null, defaultForwarding(), [rule]);
}
