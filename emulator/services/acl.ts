// Sharing ACLs of mailboxes (docs/bluemind-api.md §2.4): IContainerManagement
// `/api/containers/_manage/{containerUid}` (`_acl`, `_descriptor`, `_canAccess`, `_settings`), the IMailboxes view
// `/api/mailboxes/{d}/{mailboxUid}/_acls` of the same data, and IMailboxAclUids. A mailbox's ACL lives
// on the container `mailbox:acls-<uid>` (type mailboxacl, owner = the mailbox uid). Writes are
// validated against the release's verbs; since 5.x (2023-10/11) a mailshare's get the SendAs
// automation, and ACLs are stored compacted and read expanded (emulator/releases.ts).
import type { Router } from "../router";
import { StringResult, type Ctx } from "../context";
import type { AccessControlEntry, Verb } from "../model";
import { denied, forbidden, notFound, npe, parseError, ServerFault } from "../faults";
import { table, type Table } from "../table";
import type { AclContainer, DomainState, Store } from "../store";
import type { Session } from "../sessions";
import { dirEntry, findEntry } from "../entries";
import { mailboxOf } from "./mailboxes";
import { CONTAINER_MANAGE_ROLES, can } from "../rbac";
import type { Verbs } from "../verbs";

/** IMailboxAclUids.uidForMailbox. */
export function aclUidOf(mailboxUid: string): string {
  return `mailbox:acls-${mailboxUid}`;
}

/**
 * The ACL container `containerUid`, or undefined. Real BlueMind creates one for every mailbox; the
 * emulator's store has them for mailshares (created with the mailshare) and materialises the ones
 * of users and groups on first use, so seeded and service-created users behave alike.
 */
export function findAclContainer(store: Store, containerUid: string): AclContainer | undefined {
  return store.state.containers[containerUid];
}

function requireContainer(store: Store, containerUid: string): AclContainer {
  const c = findAclContainer(store, containerUid);
  if (!c) throw notFound(`container ${containerUid} not found`);
  return c;
}

/** Groups `memberUid` belongs to, directly or through nested groups. */
function groupsOf(d: DomainState, memberUid: string): Set<string> {
  const found = new Set<string>();
  const visit = (uid: string) => {
    for (const [groupUid, members] of Object.entries(d.members)) {
      if (found.has(groupUid) || !members.some((m) => m.uid === uid)) continue;
      found.add(groupUid);
      visit(groupUid);
    }
  };
  visit(memberUid);
  return found;
}

/**
 * The verbs the caller holds on a container: admin0 everything; the owner All; ACL entries naming
 * the caller, one of its groups or its domain; and Manage through any role carrying the container
 * role Manage (manageMailshareSharings, manageMailshare, manageMailbox…), held on the domain or on
 * the owner's org unit (RBACManager.forContainer resolves the owner entry's permissions too).
 */
export function callerVerbs(ctx: Ctx, c: AclContainer): Set<Verb> {
  const s = ctx.session;
  const held = new Set<Verb>();
  if (!s) return held;
  const verbs = ctx.emu.verbs;
  if (s.admin0 || s.userUid === c.owner) return new Set(verbs.all);
  if (s.domainUid !== c.domainUid) return held;
  const d = ctx.emu.store.state.domains[c.domainUid];
  const subjects = new Set([s.userUid, c.domainUid, ...(d ? groupsOf(d, s.userUid) : [])]);
  for (const e of c.acl) if (subjects.has(e.subject)) verbs.expand(e.verb).forEach((v) => held.add(v));
  if (can(ctx.emu.store, s, c.domainUid, CONTAINER_MANAGE_ROLES, { entry: c.owner })) held.add("Manage");
  return held;
}

function requireVerb(ctx: Ctx, c: AclContainer, ...wanted: Verb[]): void {
  const held = callerVerbs(ctx, c);
  if (!wanted.some((v) => ctx.emu.verbs.anyImplies(held, v))) {
    const who = ctx.session ? ctx.session.login : "anonymous";
    throw denied(`${who} has none of ${wanted.join(", ")} on container ${c.uid}`);
  }
}

function ownerKind(store: Store, c: AclContainer): "user" | "group" | "mailshare" | undefined {
  return store.locateMailbox(c.owner)?.kind;
}

/**
 * Read view: since 2023-10 expanded, and a user's own mailbox also lists the owner with All (not
 * for mailshares); before, the entries exactly as stored.
 */
export function readAcl(ctx: Ctx, c: AclContainer): AccessControlEntry[] {
  if (!ctx.emu.release.compactAndExpand) return c.acl.map((e) => ({ ...e }));
  const entries = [...c.acl];
  if (ownerKind(ctx.emu.store, c) === "user") entries.push({ subject: c.owner, verb: "All" });
  return ctx.emu.verbs.expandAcl(entries);
}

/**
 * An ACL body as the JSON codec reads it: verb must be a constant of the release's Verb enum (or
 * null; 4.x has no SendAs), subject a string; anything else fails to parse.
 */
function parseAcl(verbs: Verbs, raw: unknown[]): { subject: string | null; verb: Verb | null }[] {
  return raw.map((e: any) => {
    if (e === null) throw npe();
    if (typeof e !== "object" || Array.isArray(e)) throw parseError();
    const subject = e.subject ?? null;
    const verb = e.verb ?? null;
    if (subject !== null && typeof subject !== "string") throw parseError();
    if (verb !== null && !verbs.isVerb(verb)) throw parseError();
    return { subject, verb };
  });
}

/** AccessControlEntryValidator: public sharing first, then each entry's verb and subject. */
function validateAcl(c: AclContainer, entries: { subject: string | null; verb: Verb | null }[]): AccessControlEntry[] {
  if (c.type === "mailboxacl" && entries.some((e) => e.subject === c.domainUid)) {
    throw forbidden("Public sharing for user mailbox is forbidden");
  }
  for (const e of entries) {
    if (e.verb === null) throw new ServerFault("FAILURE", "AccessControlEntry#Verb is required");
    if (!e.subject) throw new ServerFault("FAILURE", "AccessControlEntry#subject is required");
  }
  return entries as AccessControlEntry[];
}

function subjectsWithWrite(verbs: Verbs, entries: readonly AccessControlEntry[]): Set<string> {
  return new Set(entries.filter((e) => verbs.implies(e.verb, "Write")).map((e) => e.subject));
}

/**
 * MailshareAclSanitize: a subject that lost a verb implying Write loses its SendAs entries; one
 * that newly has such a verb gets a SendAs entry. A subject that kept Write is left as sent.
 */
function sendAsAutomation(verbs: Verbs, previous: readonly AccessControlEntry[], current: AccessControlEntry[]): AccessControlEntry[] {
  const before = subjectsWithWrite(verbs, previous);
  const after = subjectsWithWrite(verbs, current);
  const lost = [...before].filter((s) => !after.has(s));
  const gained = [...after].filter((s) => !before.has(s));
  const kept = current.filter((e) => !(e.verb === "SendAs" && lost.includes(e.subject)));
  return [...kept, ...gained.map((subject): AccessControlEntry => ({ subject, verb: "SendAs" }))];
}

/**
 * Writes an ACL: validate, de-duplicate, then (5.x) SendAs automation for mailshares and
 * compaction; before 2023-10 the entries are stored as sent.
 */
export function writeAcl(ctx: Ctx, c: AclContainer, raw: unknown[]): void {
  const { release, verbs, store } = ctx.emu;
  const entries = validateAcl(c, parseAcl(verbs, raw));
  const distinct = entries.filter((e, i) => entries.findIndex((o) => o.subject === e.subject && o.verb === e.verb) === i);
  const sanitized = release.sendAsWithWrite && ownerKind(store, c) === "mailshare" ? sendAsAutomation(verbs, c.acl, distinct) : distinct;
  c.acl = release.compactAndExpand ? verbs.compactAcl(sanitized) : sanitized;
}

/** ContainerDescriptor of a mailbox ACL container, with the caller's verbs. */
function descriptor(ctx: Ctx, c: AclContainer): Record<string, unknown> {
  const d = ctx.emu.store.state.domains[c.domainUid];
  const owner = d ? findEntry(d, c.owner) : undefined;
  const verbs = ctx.emu.verbs.all.filter((v) => callerVerbs(ctx, c).has(v));
  return {
    // The emulator keeps no separate container ids: the owner's directory item id stands in.
    internalId: owner?.item.internalId ?? 0,
    uid: c.uid,
    name: owner ? mailboxOf(owner).name : c.owner,
    owner: c.owner,
    type: c.type,
    defaultContainer: true,
    readOnly: false,
    domainUid: c.domainUid,
    ownerDisplayname: owner?.item.displayName ?? null,
    ownerDirEntryPath: owner && d ? dirEntry(d, owner).path : null,
    settings: { ...(c.settings ?? {}) },
    deleted: false,
    datalocation: owner?.item.value.dataLocation ?? null,
    writable: verbs.includes("Write"),
    verbs,
    offlineSync: false,
  };
}

/**
 * A `Map<String, String>` body as Jackson reads it: an object whose scalar values become strings;
 * null values are dropped (the settings store keeps no null), nested objects fail to parse.
 */
function settingsBody(ctx: Ctx): Table<string> {
  const raw = ctx.object();
  const out = table<string>();
  for (const [key, value] of Object.entries(raw)) {
    if (value === null) continue;
    if (typeof value === "object") throw parseError();
    out[key] = String(value);
  }
  return out;
}

/** Whether the caller holds any of the verbs or roles (canAccess takes both kinds of names). */
function canAccess(ctx: Ctx, c: AclContainer, names: unknown[]): boolean {
  const s: Session | null = ctx.session;
  if (!s) return false;
  const held = callerVerbs(ctx, c);
  return names.some((name) => {
    if (typeof name !== "string") throw parseError();
    return ctx.emu.verbs.isVerb(name) ? held.has(name) : ctx.emu.sessions.hasRole(s, c.domainUid, name, { entry: c.owner });
  });
}

export function register(r: Router): void {
  const manage = "/api/containers/_manage/{containerUid}";

  r.get(`${manage}/_acl`, (ctx) => {
    const c = requireContainer(ctx.emu.store, ctx.params.containerUid);
    requireVerb(ctx, c, "Manage");
    return readAcl(ctx, c);
  });

  r.put(`${manage}/_acl`, (ctx) => {
    const c = requireContainer(ctx.emu.store, ctx.params.containerUid);
    // The container owner may always set its ACL; anybody else needs Manage.
    if (ctx.session?.userUid !== c.owner && !callerVerbs(ctx, c).has("Manage")) {
      throw denied(`container ${c.uid} is not manageable`);
    }
    writeAcl(ctx, c, ctx.list());
  });

  r.get(`${manage}/_descriptor`, (ctx) => {
    const c = requireContainer(ctx.emu.store, ctx.params.containerUid);
    requireVerb(ctx, c, "Manage", "Read");
    return descriptor(ctx, c);
  });

  // ContainerManagement.getSettings / setSettings: reading needs Read or Manage, writing Manage;
  // setSettings replaces the whole map (keys left out are removed).
  r.get(`${manage}/_settings`, (ctx) => {
    const c = requireContainer(ctx.emu.store, ctx.params.containerUid);
    requireVerb(ctx, c, "Manage", "Read");
    return { ...(c.settings ?? {}) };
  });

  r.put(`${manage}/_settings`, (ctx) => {
    const c = requireContainer(ctx.emu.store, ctx.params.containerUid);
    requireVerb(ctx, c, "Manage");
    c.settings = settingsBody(ctx);
  });

  r.post(`${manage}/_canAccess`, (ctx) => {
    const c = requireContainer(ctx.emu.store, ctx.params.containerUid);
    return canAccess(ctx, c, ctx.list());
  });

  // IMailboxes view: the same container, Manage checked first, POST instead of PUT.
  const mailboxAcl = (ctx: Ctx): AclContainer => {
    ctx.emu.store.domain(ctx.params.domainUid);
    const c = requireContainer(ctx.emu.store, aclUidOf(ctx.params.mailboxUid));
    requireVerb(ctx, c, "Manage");
    return c;
  };
  r.get("/api/mailboxes/{domainUid}/{mailboxUid}/_acls", (ctx) => readAcl(ctx, mailboxAcl(ctx)));
  r.post("/api/mailboxes/{domainUid}/{mailboxUid}/_acls", (ctx) => {
    writeAcl(ctx, mailboxAcl(ctx), ctx.list());
  });

  // Computed, no lookup and no RBAC (IMailboxAclUids is a pure naming helper).
  r.get("/api/mailbox/uids/{uid}/_mailbox_acl", (ctx) => new StringResult(aclUidOf(ctx.params.uid)));
}
