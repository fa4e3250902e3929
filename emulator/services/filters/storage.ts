// A mailbox's stored rules: position order, reads by type then position, inserts and moves. Every
// function takes the store, never the request.
import { type Rule, type StoredRuleBody, TYPE_ORDER } from "./model";
import { defaultVacation } from "./codec";
import { forwardingOf, vacationOf } from "./mapping";
import { type Forwarding, type Vacation } from "../../model";
import { notFound, npe } from "../../faults";
import { type DomainState, type Store } from "../../store";
import { type AnyEntry } from "../../entries";
export interface Mailbox {
  d: DomainState;
  entry: AnyEntry;
}

/** Rules of a mailbox in position order (the array the store keeps). */
export function storedRules(store: Store, mailboxUid: string): StoredRuleBody[] {
  return (store.state.rules[mailboxUid] ??= []) as unknown as StoredRuleBody[];
}

/** Rules as the store returns them: by type (database enum order), then position. */
export function orderedRules(store: Store, mailboxUid: string): StoredRuleBody[] {
  return storedRules(store, mailboxUid)
    .map((r, position) => ({ r, position }))
    .sort((a, b) => TYPE_ORDER[a.r.type!] - TYPE_ORDER[b.r.type!] || a.position - b.position)
    .map(({ r }) => structuredClone(r));
}

/** A rule ready to be stored; its type and trigger are dereferenced by the insert (NPE when null). */
export function toStored(store: Store, rule: Rule, id?: number): StoredRuleBody {
  if (rule.type === null || rule.trigger === null) throw npe();
  return { id: id ?? store.nextRuleId(), ...structuredClone(rule) };
}

export function findRule(store: Store, mailboxUid: string, id: number): StoredRuleBody {
  const rule = storedRules(store, mailboxUid).find((r) => r.id === id);
  if (!rule) throw notFound(`Rule with id ${id} not found`);
  return rule;
}

/** GET _filter: the first VACATION and FORWARD rules become `vacation` and `forwarding`. */
export function filterView(store: Store, mailboxUid: string): { rules: StoredRuleBody[]; vacation: Vacation; forwarding: Forwarding } {
  const rules = orderedRules(store, mailboxUid);
  const vi = rules.findIndex((r) => r.type === "VACATION");
  const vacation = vi >= 0 ? vacationOf(rules.splice(vi, 1)[0]) : defaultVacation();
  const fi = rules.findIndex((r) => r.type === "FORWARD");
  const forwarding = fi >= 0 ? forwardingOf(rules.splice(fi, 1)[0]) : { enabled: false, localCopy: false, emails: [] };
  return { rules, vacation, forwarding };
}

/** addRule: right after the last rule of the same client and type, else at the end. */
export function appendRule(store: Store, mailboxUid: string, rule: Rule): number {
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

export type Position = "BEFORE" | "AFTER";
export type Direction = "UP" | "DOWN" | "TOP" | "BOTTOM";

export function insertRelative(store: Store, mailboxUid: string, rule: Rule, position: Position, anchorId: number): number {
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
export function reorderGroup(store: Store, mailboxUid: string, moved: StoredRuleBody, reorder: (group: StoredRuleBody[]) => StoredRuleBody[]): void {
  if (moved.client === null) return;
  const rules = storedRules(store, mailboxUid);
  const slots = rules.flatMap((r, i) => (r.type === moved.type && r.client === moved.client ? [i] : []));
  const reordered = reorder(slots.map((i) => rules[i]));
  slots.forEach((slot, k) => (rules[slot] = reordered[k]));
}

export function moveRule(store: Store, mailboxUid: string, moved: StoredRuleBody, direction: Direction): void {
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

export function moveRelative(store: Store, mailboxUid: string, moved: StoredRuleBody, position: Position, anchor: StoredRuleBody): void {
  reorderGroup(store, mailboxUid, moved, (group) => {
    if (!group.includes(anchor) || anchor === moved) return group;
    const rest = group.filter((r) => r !== moved);
    const at = rest.indexOf(anchor);
    rest.splice(position === "BEFORE" ? at : at + 1, 0, moved);
    return rest;
  });
}
