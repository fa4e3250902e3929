// IMailshare — /api/mailshares/{domainUid} (+ photo support). The create/update pipeline follows
// MailshareService in the order of docs/bluemind-api.md §2.2.
import type { Router } from "../router";
import { PngResult, type Ctx } from "../context";
import {
  ROUTINGS, isEmail, type Email, type ItemValue, type Mailshare, type Routing, type VCard,
} from "../model";
import { JavaException, ServerFault, alreadyExists, invalid, notFound, parseError, unknownFault } from "../faults";
import { table } from "../table";
import { Store, type DomainState } from "../store";
import { checkEmailsFree, checkMailboxName, checkOwnEmails, findEntry } from "../entries";
import { putEntry, removeEntry, replaceEntryValue } from "../entry-index";
import { storedCard, cardDisplayName } from "../vcard";
import { BLANK_PNG, imageFormat, reencodePng } from "../png";
import type { Session } from "../sessions";
import { jBoolOrDefault, jStrStrict } from "../codec";

const MAX_PHOTO = 1024 * 1024;

/** A Mailshare body as the JSON codec builds it: absent fields keep Java defaults, nulls stay null. */
export interface MailshareInput {
  name: string | null;
  routing: Routing | null;
  quota: number | null;
  emails: Email[] | null;
  hidden: boolean;
  archived: boolean;
  system: boolean;
  orgUnitUid: string | null;
  dataLocation: string | null;
  card: VCard | null;
}


export function parseMailshare(raw: Record<string, any>): MailshareInput {
  const routing = raw.routing ?? null;
  if (routing !== null && !ROUTINGS.includes(routing)) throw parseError();
  const quota = raw.quota ?? null;
  if (quota !== null && (typeof quota !== "number" || !Number.isInteger(quota))) throw parseError();
  let emails: Email[] | null = [];
  if (raw.emails === null) emails = null;
  else if (raw.emails !== undefined) {
    if (!Array.isArray(raw.emails)) throw parseError();
    emails = raw.emails.map((e: any) => {
      if (!e || typeof e !== "object") throw parseError();
      return { address: jStrStrict(e.address) as string, allAliases: jBoolOrDefault(e.allAliases, false), isDefault: jBoolOrDefault(e.isDefault, false) };
    });
  }
  if (raw.card !== undefined && raw.card !== null && typeof raw.card !== "object") throw parseError();
  return {
    name: jStrStrict(raw.name), routing, quota, emails,
    hidden: jBoolOrDefault(raw.hidden, false), archived: jBoolOrDefault(raw.archived, false), system: jBoolOrDefault(raw.system, false),
    orgUnitUid: jStrStrict(raw.orgUnitUid), dataLocation: jStrStrict(raw.dataLocation), card: raw.card ?? null,
  };
}

/** mail/imap servers assigned to the domain, the only valid dataLocation values. */
export function imapServers(store: Store, domainUid: string): string[] {
  return store.state.assignments.filter((a) => a.domainUid === domainUid && a.tag === "mail/imap").map((a) => a.serverUid);
}

function quotaSetting(d: DomainState, key: string): number {
  const v = Number(d.settings[key] ?? "0");
  return Number.isFinite(v) ? v : 0;
}

/** Steps 2–6 of the pipeline: returns the sanitized, validated value to store. */
function prepare(store: Store, d: DomainState, uid: string, input: MailshareInput, previous: ItemValue<Mailshare> | null): Mailshare {
  // 2. dataLocation null → round-robin among the domain's mail/imap servers (on update too).
  let dataLocation = input.dataLocation;
  if (dataLocation === null) {
    const servers = imapServers(store, d.item.uid);
    if (servers.length > 0) dataLocation = servers[store.state.seq.roundRobin++ % servers.length];
  }
  // 3. card: new on create, kept on update when null.
  const card = input.card ?? (previous ? previous.value.card : null);
  // 4. MailshareValidator, on the raw input before any lower-casing.
  const name = input.name;
  if (name === null || name.trim() === "") throw invalid("Mailshare.name must be set ");
  if (!isEmail(`${name}@test.com`)) throw invalid(`Mailshare.name (${name}) is not mailbox compatible`);
  if (input.routing === null) throw invalid("Mailshare.routing must be set");
  if (input.emails === null) throw new JavaException("NullPointerException");
  for (const e of input.emails) {
    if (e.address === null) throw new JavaException("NullPointerException");
    if (!isEmail(e.address)) throw invalid(`Invalid email address: '${e.address}'`);
  }
  // 5. Sanitizer: addresses trimmed and lower-cased; quota defaults from the domain settings.
  const emails = input.emails.map((e) => ({ ...e, address: e.address.trim().toLowerCase() }));
  let quota = input.quota;
  if (quota === null) {
    const dflt = quotaSetting(d, "mailbox_default_publicfolder_quota") || quotaSetting(d, "mailbox_max_publicfolder_quota");
    quota = dflt || null;
  }
  // 6. MailboxValidator, in its order: routing (the relay setting only has to exist), name,
  // addresses, data location (blank after trimming = unset; the lookups use it untrimmed), quota.
  if (input.routing === "external" && !Object.hasOwn(d.settings, "mail_routing_relay")) {
    throw unknownFault("Cannot set external routing, relay host is not configured");
  }
  checkMailboxName(d, name, uid, previous === null);
  if (emails.length > 0) {
    checkOwnEmails(emails);
    checkEmailsFree(store, d, uid, name, emails);
  }
  if (dataLocation === null || dataLocation.trim() === "") throw invalid("Datalocation must be set");
  if (!store.state.servers[dataLocation]) throw invalid(`Datalocation ${dataLocation} must exist for mailbox ${name}`);
  if (!imapServers(store, d.item.uid).includes(dataLocation)) {
    throw invalid(`Datalocation ${dataLocation} not assigned to: ${d.item.uid} as mail/imap`);
  }
  const max = quotaSetting(d, "mailbox_max_publicfolder_quota");
  if (max !== 0 && (quota === null || quota === 0 || quota > max)) {
    throw invalid(`Invalid quota for ${uid}. Quota must be less than ${Math.floor(max / 1024)} MiB`);
  }
  // An unknown org unit is silently stored as null (outer join in the directory store).
  const orgUnitUid = input.orgUnitUid && d.orgUnits[input.orgUnitUid] ? input.orgUnitUid : null;
  return {
    name, routing: input.routing, quota, emails, hidden: input.hidden, archived: input.archived, system: input.system,
    orgUnitUid, dataLocation, card: storedCard(d, uid, name, emails, card, previous === null),
  };
}

/** Create, as PUT does: validation, then the directory entry, ACL container and empty filter. */
export function createMailshare(store: Store, d: DomainState, uid: string, input: MailshareInput, by: string | null): void {
  const value = prepare(store, d, uid, input, null);
  if (findEntry(d, uid) || d.orgUnits[uid]) {
    throw alreadyExists(`entry[uid - ${uid}]@${d.item.uid} already exists (${value.name})`);
  }
  putEntry(d, "MAILSHARE", store.newItem(uid, value, by, cardDisplayName(value.card, value.name)));
  store.state.containers[`mailbox:acls-${uid}`] = {
    uid: `mailbox:acls-${uid}`, type: "mailboxacl", owner: uid, domainUid: d.item.uid, acl: [],
  };
  store.state.rules[uid] = [];
  store.state.identities[uid] = table();
}

export function updateMailshare(store: Store, d: DomainState, uid: string, input: MailshareInput, by: string | null): void {
  const item = d.mailshares[uid];
  if (!item) throw notFound(`mailshare ${uid} not found`);
  const value = prepare(store, d, uid, input, item);
  replaceEntryValue(d, "MAILSHARE", item, value);
  item.displayName = cardDisplayName(value.card, value.name);
  store.touch(item, by);
}

/** The mailshare as served: the card's photo flag reflects the stored photo. */
function served(d: DomainState, item: ItemValue<Mailshare>): ItemValue<Mailshare> {
  const out = structuredClone(item);
  out.value.card.identification.photo = d.photos[item.uid] !== undefined;
  return out;
}

function body(ctx: Ctx): MailshareInput {
  return parseMailshare(ctx.object());
}

function by(s: Session): string {
  return s.userUid;
}

/** Deletes everything of a mailshare, as the delete task does. */
function purge(store: Store, d: DomainState, uid: string): void {
  delete store.state.containers[`mailbox:acls-${uid}`];
  delete store.state.rules[uid];
  delete store.state.identities[uid];
  delete d.photos[uid];
  delete d.roles[uid];
  removeEntry(d, "MAILSHARE", uid);
}

/**
 * IMailshare.delete: RBAC, then the asynchronous delete task. Exported because
 * IDirectory.deleteByEntryUid hands MAILSHARE entries to this very call (MailshareDirEntryHandler).
 */
export function startMailshareDelete(ctx: Ctx, d: DomainState, uid: string): { id: string } {
  const store = ctx.emu.store;
  ctx.requireRole(d.item.uid, "manageMailshare", { entry: uid });
  return ctx.emu.tasks.start(async (t) => {
    const item = d.mailshares[uid];
    if (!item) throw Object.assign(new Error(`mailshare ${uid} not found`), { result: "[]" });
    t.setSteps(5);
    t.log(`Deleting mailshare ${item.value.name} (${uid})`, 0);
    await t.step();
    t.log("Removing sharing (ACL) and ACL container", 1);
    await t.step();
    t.log("Removing mail storage", 1);
    await t.step();
    t.log("Removing filters and identities", 1);
    await t.step();
    purge(store, d, uid);
    t.log(`Mailshare ${item.value.name} deleted`, 2);
    return JSON.stringify("");
  });
}

export function register(r: Router): void {
  const base = "/api/mailshares/{domainUid}";

  // Create: manageMailshare on the org unit the mailshare is delegated to (the domain when none).
  r.put(`${base}/{uid}`, (ctx) => {
    const d = ctx.emu.store.domain(ctx.params.domainUid);
    const input = body(ctx);
    const s = ctx.requireRole(d.item.uid, "manageMailshare", { orgUnit: input.orgUnitUid });
    createMailshare(ctx.emu.store, d, ctx.params.uid, input, by(s));
  });

  // Update: manageMailshare on the entry, then on the new org unit when the delegation changes.
  r.post(`${base}/{uid}`, (ctx) => {
    const d = ctx.emu.store.domain(ctx.params.domainUid);
    const input = body(ctx);
    const s = ctx.requireRole(d.item.uid, "manageMailshare", { entry: ctx.params.uid });
    const previous = d.mailshares[ctx.params.uid];
    if (!previous) throw notFound(`mailshare ${ctx.params.uid} not found`);
    if (input.orgUnitUid !== previous.value.orgUnitUid) {
      ctx.requireRole(d.item.uid, "manageMailshare", { orgUnit: input.orgUnitUid });
    }
    updateMailshare(ctx.emu.store, d, ctx.params.uid, input, by(s));
  });

  r.get(`${base}/{uid}/complete`, (ctx) => {
    const d = ctx.emu.store.domain(ctx.params.domainUid);
    ctx.requireRole(d.item.uid, "domainManager", { entry: ctx.params.uid });
    const item = d.mailshares[ctx.params.uid];
    return item ? served(d, item) : null;
  });

  r.get(`${base}/_complete`, (ctx) => {
    const d = ctx.emu.store.domain(ctx.params.domainUid);
    ctx.requireRole(d.item.uid, "manageMailshare");
    return Object.values(d.mailshares).map((item) => served(d, item));
  });

  r.delete(`${base}/{uid}`, (ctx) => startMailshareDelete(ctx, ctx.emu.store.domain(ctx.params.domainUid), ctx.params.uid));

  r.post(`${base}/{uid}/photo`, (ctx) => {
    const d = ctx.emu.store.domain(ctx.params.domainUid);
    ctx.requireRole(d.item.uid, "manageMailshare", { entry: ctx.params.uid });
    const item = d.mailshares[ctx.params.uid];
    if (!item) throw notFound(`user ${ctx.params.uid} not found`);
    const bytes = ctx.bytes();
    if (!bytes) throw new JavaException("NullPointerException");
    const format = imageFormat(bytes);
    if (!format) throw invalid("Invalid photo: not an image");
    // PNGs are re-encoded like ImageIO does. The emulator has no JPEG/GIF/BMP codec: those are
    // stored as uploaded (a real server serves them re-encoded as PNG).
    const stored = format === "png" ? reencodePng(bytes) : bytes;
    if (!stored) throw invalid("Invalid photo: not an image");
    if (stored.length >= MAX_PHOTO) throw new ServerFault("ENTITY_TOO_LARGE", "photo is too large (1 MiB max)");
    d.photos[item.uid] = stored.toString("base64");
    ctx.emu.store.touch(item, ctx.session!.userUid);
  });

  // No RBAC on reading photos; never 204/404 (blank PNG instead). The icon is the photo itself:
  // the emulator does not resample to 22×22.
  const photo = (ctx: Ctx) => {
    const d = ctx.emu.store.findDomain(ctx.params.domainUid);
    const stored = d?.photos[ctx.params.uid];
    return new PngResult(stored ? Buffer.from(stored, "base64") : BLANK_PNG);
  };
  r.get(`${base}/{uid}/photo`, photo);
  r.get(`${base}/{uid}/icon`, photo);

  r.delete(`${base}/{uid}/photo`, (ctx) => {
    const d = ctx.emu.store.domain(ctx.params.domainUid);
    ctx.requireRole(d.item.uid, "manageMailshare", { entry: ctx.params.uid });
    const item = d.mailshares[ctx.params.uid];
    if (item && d.photos[item.uid] !== undefined) {
      delete d.photos[item.uid];
      ctx.emu.store.touch(item, ctx.session!.userUid);
    }
  });
}
