// The mail filter of a 4.x release: `MailFilter.Rule { name, criteria, star, read, delete, discard,
// forward, deliver, active, stop }` (MailFilter.java before 2022-10), one `FIELD:MATCHTYPE: value`
// condition per line of `criteria` (RuleParser), checked as MailFilterValidator does. Only the
// whole-filter endpoints exist there; the vacation and forwarding are kept as 5.x keeps them, in
// the mailbox's typed rules, so that the rest of the emulator sees one store.
import type { Ctx } from "../../context";
import { invalid, npe, parseError } from "../../faults";
import { table } from "../../table";
import type { StoredRule } from "../../store";
import { filterView, toStored } from "./storage";
import { forwardingRule, vacationRule } from "./mapping";
import { parseForwarding, parseVacation } from "./codec";
import { checkCanForwardExternally, validateForwardRole } from "./validate";
import type { Mailbox } from "./storage";

interface CriteriaRule {
  name: string | null;
  criteria: string | null;
  star: boolean;
  read: boolean;
  delete: boolean;
  discard: boolean;
  forward: { enabled: boolean; localCopy: boolean; emails: string[] };
  deliver: string | null;
  active: boolean;
  stop: boolean;
}

/** MailFilterValidator's address pattern. */
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-z0-9-]+\.)+[a-z]{2,}$/;

const bool = (v: unknown, fallback: boolean): boolean => {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "boolean") throw parseError();
  return v;
};
const str = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw parseError();
  return v;
};

/** One rule as Jackson reads it into MailFilter.Rule (defaults: active and stop true). */
function parseRule(raw: unknown): CriteriaRule {
  if (raw === null) throw npe();
  if (typeof raw !== "object" || Array.isArray(raw)) throw parseError();
  const r = raw as Record<string, unknown>;
  const known = ["name", "criteria", "star", "read", "delete", "discard", "forward", "deliver", "active", "stop"];
  // The 4.x codec fails on a property the class does not have (a 5.x rule's conditions, actions…).
  if (Object.keys(r).some((k) => !known.includes(k))) throw parseError();
  const f = (r.forward ?? {}) as Record<string, unknown>;
  if (typeof f !== "object" || Array.isArray(f)) throw parseError();
  const emails = f.emails ?? [];
  if (!Array.isArray(emails) || emails.some((e) => e !== null && typeof e !== "string")) throw parseError();
  return {
    name: str(r.name), criteria: str(r.criteria), star: bool(r.star, false), read: bool(r.read, false),
    delete: bool(r.delete, false), discard: bool(r.discard, false),
    forward: { enabled: bool(f.enabled, false), localCopy: bool(f.localCopy, false), emails: [...new Set(emails as string[])] },
    // MailFilterSanitizer: an empty deliver is none.
    deliver: str(r.deliver) || null, active: bool(r.active, true), stop: bool(r.stop, true),
  };
}

/** MailFilterValidator.validateRule: inactive rules are not checked. */
function validateRule(rule: CriteriaRule): void {
  if (!rule.active) return;
  if (rule.criteria === "") throw invalid("Invalid parameter"); // ParametersValidator.nullOrNotEmpty
  for (const line of (rule.criteria ?? "").split("\n")) {
    const parts = line.split(":");
    if (parts.length > 1 && ![...parts[0]].every((c) => c > " " && c < "\x7f")) {
      throw invalid(`header name ${parts[0]} contains invalid characters`);
    }
  }
  for (const e of rule.forward.emails) {
    if (!e) throw invalid("Null or empty email address");
    if (!EMAIL.test(e)) throw invalid(`Invalid email address: ${e}`);
  }
  if (!rule.delete && !rule.discard && !rule.read && !rule.star && rule.forward.emails.length === 0 && !rule.deliver) {
    throw invalid("no action for the rule");
  }
}

const rulesOf = (ctx: Ctx, uid: string): unknown[] => ((ctx.emu.store.state.criteriaRules ??= table())[uid] ?? []);

/** GET _filter on 4.x. */
export function criteriaFilterView(ctx: Ctx, uid: string): Record<string, unknown> {
  const { vacation, forwarding } = filterView(ctx.emu.store, uid);
  return { rules: structuredClone(rulesOf(ctx, uid)), vacation, forwarding };
}

/** POST _filter on 4.x: the whole filter replaced. */
export function setCriteriaFilter(ctx: Ctx, mb: Mailbox): void {
  const raw = ctx.object();
  if (raw.rules === null) throw npe();
  if (raw.rules !== undefined && !Array.isArray(raw.rules)) throw parseError();
  const rules = ((raw.rules ?? []) as unknown[]).map(parseRule);
  const vacation = parseVacation(raw.vacation ?? {});
  const forwarding = parseForwarding(raw.forwarding ?? {});
  for (const e of forwarding.emails ?? []) if (e && !EMAIL.test(e)) throw invalid(`Invalid email address: ${e}`);
  rules.forEach(validateRule);
  const store = ctx.emu.store;
  const uid = mb.entry.item.uid;
  validateForwardRole({ ctx, mb }, filterView(store, uid).forwarding, forwarding, []);
  // MailFilterForwardRoleValidator of 4.x: an active rule forwarding outside the domain needs the right.
  for (const rule of rules) if (rule.active) checkCanForwardExternally({ ctx, mb }, rule.forward.emails);
  store.state.rules[uid] = [vacationRule(vacation), forwardingRule(forwarding)].map((r) => toStored(store, r)) as unknown as StoredRule[];
  (store.state.criteriaRules ??= table())[uid] = rules;
}
