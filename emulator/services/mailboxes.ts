// IMailboxes — /api/mailboxes/{domainUid}: lookups and settings of any mailbox kind (docs/bluemind-api.md
// §2.3, model §3.4). Users, groups and mailshares are mailboxes with the same uid as their directory
// entry; the Mailbox value is derived from the entry the way each kind's adapter builds it.
// Filters live in ./filters.ts, ACLs in ./acl.ts, identities in ./identities.ts. The raw mailbox
// CRUD (`PUT/POST/DELETE {uid}`) and the domain-wide `_filter`/`_rules` are deliberately not served.
import type { Router } from "../router";
import type { Ctx } from "../context";
import type { Email, ItemValue, Routing } from "../model";
import { npe, invalid, notFound, parseError } from "../faults";
import type { DomainState } from "../store";
import { entriesOf, entryByEmail, entryByMailboxName, findEntry, type AnyEntry } from "../entries";

export type MailboxType = "user" | "mailshare" | "group" | "resource";
const MAILBOX_TYPES: readonly MailboxType[] = ["user", "mailshare", "group", "resource"];
const ROUTINGS: readonly Routing[] = ["internal", "external", "none"];

/** Mailbox (§3.4), field names as the Java model spells them. */
export interface Mailbox {
  name: string;
  system: boolean;
  hidden: boolean;
  archived: boolean;
  type: MailboxType;
  routing: Routing;
  emails: Email[];
  dataLocation: string | null;
  quota: number | null;
}

/**
 * The maximum message size reported by `_config` (system configuration `message_size_limit`, bytes).
 * The emulator has no system configuration; 10 MiB is the value a fresh installation plausibly
 * carries (the contract does not say).
 */
export const MESSAGE_SIZE_LIMIT = 10 * 1024 * 1024;

/** The Mailbox a directory entry carries (UserMailboxAdapter, GroupHelper.groupToMailbox, Mailshare). */
export function mailboxOf(e: AnyEntry): Mailbox {
  const v = e.item.value as AnyEntry["item"]["value"] & {
    routing?: Routing; quota?: number | null; mailArchived?: boolean;
  };
  const emails = v.emails ?? [];
  if (e.kind === "GROUP") {
    // A group mailbox is hidden, named `_<normalized name>`, and routed only when its mail is archived.
    return {
      name: e.mailboxName, system: false, hidden: true, archived: false, type: "group",
      routing: v.mailArchived && emails.length > 0 ? "internal" : "none", emails, dataLocation: v.dataLocation, quota: null,
    };
  }
  return {
    name: e.mailboxName, system: v.system, hidden: v.hidden, archived: v.archived,
    type: e.kind === "USER" ? "user" : "mailshare",
    routing: v.routing ?? "none", emails, dataLocation: v.dataLocation, quota: v.quota ?? null,
  };
}

/** The mailbox as an ItemValue: the directory item's metadata (same uid, version, dates). */
export function mailboxItem(e: AnyEntry): ItemValue<Mailbox> {
  return { ...structuredClone(e.item), value: structuredClone(mailboxOf(e)) };
}

/** Java's String.split("@"): trailing empty strings are dropped. */
export function javaSplitAt(s: string): string[] {
  const parts = s.split("@");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** A query enum (exact constant name); missing → null, invalid → parse error on that parameter. */
function queryEnum<T extends string>(ctx: Ctx, name: string, allowed: readonly T[]): T | null {
  const v = ctx.query.get(name);
  if (v === null) return null;
  if (!(allowed as readonly string[]).includes(v)) throw parseError(name);
  return v as T;
}

function managed(ctx: Ctx): DomainState {
  const d = ctx.emu.store.domain(ctx.params.domainUid);
  ctx.requireRole(d.item.uid, "manageMailbox");
  return d;
}

/**
 * `_quota` and `_config` check `Read` on the domain (which every user of the domain holds on its own
 * directory) or the domainManager / manageMailbox roles: any authenticated user of the domain passes.
 */
function readable(ctx: Ctx): DomainState {
  const d = ctx.emu.store.domain(ctx.params.domainUid);
  const s = ctx.requireSession();
  if (!s.admin0 && s.domainUid !== d.item.uid) ctx.requireRole(d.item.uid, "manageMailbox");
  return d;
}

function byEmail(d: DomainState, email: string | null): ItemValue<Mailbox> | null {
  if (email === null) throw npe();
  const parts = javaSplitAt(email);
  if (parts.length !== 2) throw invalid("email is not valid");
  if (parts[1] !== d.item.uid && !d.item.value.aliases.includes(parts[1])) return null;
  // Not lower-cased: the address is compared as sent.
  const e = entryByEmail(d, email);
  return e ? mailboxItem(e) : null;
}

export function register(r: Router): void {
  const base = "/api/mailboxes/{domainUid}";

  r.get(`${base}/{uid}/complete`, (ctx) => {
    const d = ctx.emu.store.domain(ctx.params.domainUid);
    ctx.requireRole(d.item.uid, "manageMailbox", { entry: ctx.params.uid });
    const e = findEntry(d, ctx.params.uid);
    return e ? mailboxItem(e) : null;
  });

  r.get(`${base}/_byname`, (ctx) => {
    const d = managed(ctx);
    const name = ctx.query.get("name");
    // Exact and case-sensitive, like the mailbox name column.
    const e = entryByMailboxName(d, name);
    return e ? mailboxItem(e) : null;
  });

  r.get(`${base}/_byemail`, (ctx) => byEmail(managed(ctx), ctx.query.get("email")));

  // Quirk (§1.1): both enums are read from a query parameter named `email`.
  r.get(`${base}/_byType`, (ctx) => {
    const d = managed(ctx);
    const type = queryEnum(ctx, "email", MAILBOX_TYPES);
    return entriesOf(d).filter((e) => mailboxOf(e).type === type).map((e) => e.item.uid);
  });

  r.get(`${base}/_byRouting`, (ctx) => {
    const d = managed(ctx);
    const routing = queryEnum(ctx, "email", ROUTINGS);
    return entriesOf(d).filter((e) => mailboxOf(e).routing === routing).map((e) => e.item.uid);
  });

  r.get(`${base}/_list`, (ctx) => entriesOf(managed(ctx)).map(mailboxItem));

  r.get(`${base}/_listUids`, (ctx) => entriesOf(managed(ctx)).map((e) => e.item.uid));

  r.post(`${base}/_mget`, (ctx) => {
    const d = managed(ctx);
    const uids = ctx.list<unknown>();
    return uids.flatMap((uid) => {
      const e = typeof uid === "string" ? findEntry(d, uid) : undefined;
      return e ? [mailboxItem(e)] : [];
    });
  });

  r.get(`${base}/{uid}/_quota`, (ctx) => {
    const d = readable(ctx);
    const e = findEntry(d, ctx.params.uid);
    // getMailboxQuota dereferences the missing mailbox: a bare NullPointerException.
    if (!e) throw npe();
    // No messages are stored: what a mailbox holds is what the seed or a test says (State.mailUsage).
    return { used: ctx.emu.store.state.mailUsage?.[e.item.uid] ?? 0, quota: mailboxOf(e).quota };
  });

  r.get(`${base}/{uid}/_config`, (ctx) => {
    const d = readable(ctx);
    const e = findEntry(d, ctx.params.uid);
    if (!e) throw notFound(`mailbox ${ctx.params.uid} doesnt exists`);
    return { quota: mailboxOf(e).quota, messageMaxSize: MESSAGE_SIZE_LIMIT };
  });
}
