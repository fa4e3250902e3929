// IMailboxIdentity — /api/mailboxes/{domainUid}/identity/{mboxUid} (docs/bluemind-api.md §2.5, §3.10):
// sender identities stored on a mailbox, ids chosen by the client. The factory resolves the exact
// domain uid (no aliases), then the mailbox's ACL container, then the mailbox, each with its own
// failure. Because `identity` is a literal segment here, a mailbox uid `identity` cannot be
// addressed through IMailboxes routes (the router's literal-wins rule, faithful to BlueMind).
import type { Router } from "../router";
import type { Ctx } from "../context";
import { isEmail, type Identity } from "../model";
import { denied, invalid, notFound, parseError, unknownFault } from "../faults";
import { table, type Table } from "../table";
import type { AclContainer, DomainState } from "../store";
import { findEntry, type AnyEntry } from "../entries";
import { aclUidOf, callerVerbs, findAclContainer } from "./acl";
import { mailboxOf, type Mailbox } from "./mailboxes";
import { jStr } from "../codec";

interface Target {
  d: DomainState;
  container: AclContainer;
  entry: AnyEntry;
  mailbox: Mailbox;
}

interface IdentityDescription {
  mbox: string;
  id: string | null;
  email: string;
  emailIsDefault: boolean | null;
  name: string | null;
  isDefault: boolean | null;
  displayname: string | null;
  signature: string | null;
  mboxName: string | null;
}

/** MailboxIdentityServiceFactory: domain (404), ACL container (500 UNKNOWN), mailbox (404). */
function target(ctx: Ctx): Target {
  const store = ctx.emu.store;
  const d = store.exactDomain(ctx.params.domainUid);
  const mboxUid = ctx.params.mboxUid;
  const container = findAclContainer(store, aclUidOf(mboxUid));
  if (!container) throw unknownFault(`mbox container ${mboxUid} not found`);
  const entry = findEntry(d, mboxUid);
  if (!entry) throw notFound(`mbox ${mboxUid} not found`);
  return { d, container, entry, mailbox: mailboxOf(entry) };
}

function canManage(ctx: Ctx, t: Target): boolean {
  // Checked on the mailbox's ACL container: roles delegated on the owner's org unit count.
  return ctx.session !== null &&
    ctx.emu.sessions.hasRole(ctx.session, t.container.domainUid, "manageMailboxIdentities", { entry: t.container.owner });
}

function requireManage(ctx: Ctx, t: Target): void {
  if (!canManage(ctx, t)) throw denied(`${ctx.session?.login ?? "anonymous"} may not manage identities of ${t.entry.item.uid}`);
}

/** Reads also accept Read on the mailbox (a user the mailbox is shared with). */
function requireRead(ctx: Ctx, t: Target): void {
  if (!canManage(ctx, t) && !callerVerbs(ctx, t.container).has("Read")) {
    throw denied(`${ctx.session?.login ?? "anonymous"} may not read identities of ${t.entry.item.uid}`);
  }
}

/** The identity table of a mailbox (a null-prototype table: ids are free client strings). */
function identities(ctx: Ctx, mboxUid: string): Table<Identity> {
  return (ctx.emu.store.state.identities[mboxUid] ??= table());
}

/** Identity as the JSON codec builds it: `format` defaults to HTML, `isDefault` to false. */
function parseIdentity(raw: unknown): Identity | null {
  if (raw === null) return null;
  if (typeof raw !== "object" || Array.isArray(raw)) throw parseError();
  const o = raw as Record<string, unknown>;
  let format: Identity["format"] | null = "HTML";
  if (o.format === null) format = null;
  else if (o.format !== undefined) {
    if (o.format !== "PLAIN" && o.format !== "HTML") throw parseError();
    format = o.format;
  }
  let isDefault = false;
  if (o.isDefault !== undefined && o.isDefault !== null) {
    if (typeof o.isDefault !== "boolean") throw parseError();
    isDefault = o.isDefault;
  }
  return {
    email: jStr(o.email) as string, format: format as Identity["format"], signature: jStr(o.signature) as string,
    displayname: jStr(o.displayname), name: jStr(o.name) as string, isDefault, sentFolder: jStr(o.sentFolder),
  };
}

/** The email is one of the mailbox's addresses, or an allAliases local part at the domain or an alias. */
function belongsToMailbox(t: Target, email: string): boolean {
  const [local, domainPart] = email.split("@");
  const names = [t.d.item.value.name, ...t.d.item.value.aliases];
  return t.mailbox.emails.some((m) =>
    m.allAliases ? m.address.split("@")[0] === local && names.includes(domainPart) : m.address === email);
}

/** IdentityValidator, in its order; plain ParametersValidator failures say only "Invalid parameter". */
function validate(t: Target, identity: Identity | null): Identity {
  const missing = () => invalid("Invalid parameter");
  if (identity === null) throw missing();
  if (!identity.name) throw missing();
  if (!identity.email) throw missing();
  if (!isEmail(identity.email)) throw invalid(`Invalid email address: '${identity.email}'`);
  if (identity.format === null) throw missing();
  if (identity.signature === null) throw missing();
  if (!belongsToMailbox(t, identity.email)) throw unknownFault(`email ${identity.email} not found into mailbox emails`);
  return identity;
}

function defaultAddress(t: Target): string | null {
  return t.mailbox.emails.find((m) => m.isDefault)?.address ?? null;
}

function describe(t: Target, id: string, i: Identity): IdentityDescription {
  return {
    mbox: t.entry.item.uid, id, email: i.email, emailIsDefault: i.email === defaultAddress(t), name: i.name,
    isDefault: i.isDefault, displayname: i.displayname, signature: i.signature, mboxName: t.mailbox.name,
  };
}

/**
 * getPossibleIdentities: stored identities plus one id-less entry per mailbox address not already
 * used (an allAliases address expands to every alias and the domain name); `.internal` addresses
 * are skipped, and groups get no implicit identities.
 */
function possible(t: Target, stored: IdentityDescription[]): IdentityDescription[] {
  const out = [...stored];
  if (t.mailbox.type === "group") return out;
  const add = (email: string) => {
    if (email.endsWith(".internal") || out.some((x) => x.email === email)) return;
    out.push({
      mbox: t.entry.item.uid, id: null, email, emailIsDefault: null, name: t.mailbox.name,
      isDefault: null, displayname: null, signature: null, mboxName: null,
    });
  };
  for (const m of t.mailbox.emails) {
    if (!m.allAliases) {
      add(m.address);
      continue;
    }
    const local = m.address.split("@")[0];
    for (const alias of t.d.item.value.aliases) add(`${local}@${alias}`);
    add(`${local}@${t.d.item.value.name}`);
  }
  return out;
}

export function register(r: Router): void {
  const base = "/api/mailboxes/{domainUid}/identity/{mboxUid}";

  r.put(`${base}/{uid}`, (ctx) => {
    const t = target(ctx);
    requireManage(ctx, t);
    const identity = validate(t, parseIdentity(ctx.json()));
    const stored = identities(ctx, t.entry.item.uid);
    // Checked after validation, and reported as a plain ServerFault (UNKNOWN), not ALREADY_EXISTS.
    if (stored[ctx.params.uid]) {
      throw unknownFault(`Identity id ${ctx.params.uid} of mbox ${t.entry.item.uid} already exists`);
    }
    stored[ctx.params.uid] = identity;
  });

  r.post(`${base}/{uid}`, (ctx) => {
    const t = target(ctx);
    requireManage(ctx, t);
    const stored = identities(ctx, t.entry.item.uid);
    if (!stored[ctx.params.uid]) throw notFound(`identity ${ctx.params.uid} doesnt exists`);
    stored[ctx.params.uid] = validate(t, parseIdentity(ctx.json()));
  });

  r.delete(`${base}/{uid}`, (ctx) => {
    const t = target(ctx);
    requireManage(ctx, t);
    const stored = identities(ctx, t.entry.item.uid);
    if (!stored[ctx.params.uid]) throw notFound(`identity ${ctx.params.uid} doesnt exists`);
    delete stored[ctx.params.uid];
  });

  r.get(`${base}/{uid}`, (ctx) => {
    const t = target(ctx);
    requireRead(ctx, t);
    return identities(ctx, t.entry.item.uid)[ctx.params.uid] ?? null;
  });

  const stored = (ctx: Ctx, t: Target) =>
    Object.entries(identities(ctx, t.entry.item.uid)).map(([id, i]) => describe(t, id, i));

  r.get(base, (ctx) => {
    const t = target(ctx);
    requireRead(ctx, t);
    return stored(ctx, t);
  });

  r.get(`${base}/_possible`, (ctx) => {
    const t = target(ctx);
    requireRead(ctx, t);
    return possible(t, stored(ctx, t));
  });
}
