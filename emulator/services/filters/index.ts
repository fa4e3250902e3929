// Mailbox filters — IMailboxes `/api/mailboxes/{domainUid}/{mailboxUid}/_filter|_vacation|_forwarding|
// _rules…` (docs/bluemind-api.md §2.3 "Filter semantics", models §3.6–3.9). Rules are stored per mailbox in
// position order; reads order them by type (GENERIC, FORWARD, VACATION — the database enum order)
// then position. `_filter` reads split the first VACATION and FORWARD rules out; `_filter` writes go
// through sanitizer → validator → forward-role validator and re-create every rule with new ids. The
// per-rule endpoints and `_vacation`/`_forwarding` run only the forward-role validator.
import { type Direction, type Mailbox, type Position, appendRule, filterView, findRule, insertRelative, moveRelative, moveRule, orderedRules, storedRules, toStored } from "./storage";
import { type Filter, type Rule } from "./model";
import { forwardingRule, vacationRule } from "./mapping";
import { parseForwarding, parseMailFilter, parseRule, parseVacation } from "./codec";
import { sanitize, validate, validateForwardRole, validateSingleRule } from "./validate";
import { invalid, notFound, npe, parseError } from "../../faults";
import { type DomainState, type StoredRule } from "../../store";
import { findEntry } from "../../entries";
import { type Router } from "../../router";
import { type Ctx } from "../../context";
import type { Release } from "../../releases";
import { criteriaFilterView, setCriteriaFilter } from "./criteria";
/** `forEntry(mailboxUid).check(manageMailboxFilter)`: roles delegated on the mailbox's org unit count. */
export function domainFor(ctx: Ctx): DomainState {
  const d = ctx.emu.store.domain(ctx.params.domainUid);
  ctx.requireRole(d.item.uid, "manageMailboxFilter", { entry: ctx.params.mailboxUid });
  return d;
}

/** Every path but POST _filter reads the filter of a missing mailbox: NullPointerException. */
export function mailboxOrNpe(ctx: Ctx): Mailbox {
  const d = domainFor(ctx);
  const entry = findEntry(d, ctx.params.mailboxUid);
  if (!entry) throw npe();
  return { d, entry };
}

/** A numeric path parameter (Java long); anything else fails to parse. */
export function longParam(ctx: Ctx, name: string): number {
  const v = ctx.params[name];
  if (!/^-?\d+$/.test(v)) throw parseError(name);
  return Number(v);
}

export function enumParam<T extends string>(ctx: Ctx, name: string, allowed: readonly T[]): T {
  const v = ctx.params[name];
  if (!(allowed as readonly string[]).includes(v)) throw parseError(name);
  return v as T;
}

/** Filter changes bump the mailbox's directory item version (§3.1). */
export function touched(ctx: Ctx, mb: Mailbox): void {
  ctx.emu.store.touch(mb.entry.item, ctx.session?.userUid ?? null);
}

/** setMailboxVacation / setMailboxForwarding: update the first rule of that type, or add one. */
export function upsertTypedRule(ctx: Ctx, mb: Mailbox, rule: Rule): void {
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

/** POST _filter's mailbox: a missing one is a 404 (unlike the other paths). */
function filterMailbox(ctx: Ctx): Mailbox {
  const d = domainFor(ctx);
  const entry = findEntry(d, ctx.params.mailboxUid);
  if (!entry) throw notFound(`Mailbox ${ctx.params.mailboxUid} not found`);
  return { d, entry };
}

export function register(r: Router, release: Release): void {
  const base = "/api/mailboxes/{domainUid}/{mailboxUid}";

  // 4.x: MailFilter.Rule with a criteria string, and only the whole-filter endpoints.
  if (release.filterModel === "criteria") {
    r.get(`${base}/_filter`, (ctx) => criteriaFilterView(ctx, mailboxOrNpe(ctx).entry.item.uid));
    r.post(`${base}/_filter`, (ctx) => {
      const mb = filterMailbox(ctx);
      setCriteriaFilter(ctx, mb);
      touched(ctx, mb);
    });
    return;
  }

  r.get(`${base}/_filter`, (ctx) => filterView(ctx.emu.store, mailboxOrNpe(ctx).entry.item.uid));

  r.post(`${base}/_filter`, (ctx) => {
    const mb = filterMailbox(ctx);
    const entry = mb.entry;
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
