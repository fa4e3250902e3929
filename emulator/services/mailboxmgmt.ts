// IMailboxMgmt — /api/mgmt/mailbox/{domainUid} (docs/bluemind-api.md §2.10): the search-index
// maintenance jobs behind the admin console's "Consolidate mailbox index" button. The emulator
// stores no messages, so every index it rebuilds or deletes holds zero records; the jobs still
// walk the mailbox's folders so that clients see realistic progress and logs.
import type { Router } from "../router";
import type { Ctx } from "../context";
import { invalid, notFound } from "../faults";
import type { Routing } from "../model";
import type { DomainState } from "../store";
import type { TaskContext } from "../tasks";
import type { Release } from "../releases";

export type MailboxKind = "user" | "group" | "mailshare";

/** A directory entry seen as a mailbox (IMailboxes' view of users, groups and mailshares). */
export interface MailboxView {
  uid: string;
  kind: MailboxKind;
  name: string;
  routing: Routing;
}

const USER_FOLDERS = ["INBOX", "Sent", "Drafts", "Trash", "Junk", "Outbox", "Templates"];
/** Shared mailboxes (mailshares, group mailboxes) get their folders under a root named after them. */
const SHARED_FOLDERS = ["Sent", "Trash"];

/**
 * The mailbox of an entry of `d`, or undefined. A group has a mailbox routed `internal` only
 * when it is mail-archived (GroupMailboxAdapter), `none` otherwise.
 */
export function mailboxOf(d: DomainState, uid: string): MailboxView | undefined {
  const share = d.mailshares[uid];
  if (share) return { uid, kind: "mailshare", name: share.value.name, routing: share.value.routing };
  const user = d.users[uid];
  if (user) return { uid, kind: "user", name: user.value.login, routing: user.value.routing };
  const group = d.groups[uid];
  if (group) return { uid, kind: "group", name: group.value.name, routing: group.value.mailArchived ? "internal" : "none" };
  return undefined;
}

/** Every mailbox of the domain, in directory order (users, groups, mailshares). */
export function mailboxesOf(d: DomainState): MailboxView[] {
  const uids = [...Object.keys(d.users), ...Object.keys(d.groups), ...Object.keys(d.mailshares)];
  return uids.map((uid) => mailboxOf(d, uid)!);
}

/** The default folder tree of a mailbox, as the storage creates it. */
export function defaultFolders(mbox: MailboxView): string[] {
  if (mbox.kind === "user") return [...USER_FOLDERS];
  return [mbox.name, ...SHARED_FOLDERS.map((f) => `${mbox.name}/${f}`)];
}

/** `name@domain (uid: …)`, as MailboxMaintenanceOperation.mailboxToString prints a mailbox. */
export function mailboxLabel(mbox: MailboxView, domainUid: string): string {
  return `${mbox.name}@${domainUid} (uid: ${mbox.uid})`;
}

/** Messages of one folder: the emulator keeps no mail, so every folder is empty. */
function messagesIn(_mbox: MailboxView, _folder: string): number {
  return 0;
}

/** Index records of a mailbox: one per message of each of its folders. */
function indexedRecords(mbox: MailboxView): number {
  return defaultFolders(mbox).reduce((sum, folder) => sum + messagesIn(mbox, folder), 0);
}

/**
 * The mailbox looked up when the job runs (MailboxMgmt reads it inside the task): a mailbox
 * that does not exist makes the task end InError instead of failing the call.
 */
function mailboxAtRun(d: DomainState, uid: string): MailboxView {
  const mbox = mailboxOf(d, uid);
  if (!mbox) throw new Error(`mailbox ${uid} not found in domain ${d.item.uid}`);
  return mbox;
}

/** BoxIndexing.resync: walks every folder and re-indexes its messages. */
async function resync(t: TaskContext, d: DomainState, mbox: MailboxView): Promise<{ folders: number; messages: number }> {
  const folders = defaultFolders(mbox);
  let messages = 0;
  for (const folder of folders) {
    await t.step();
    const count = messagesIn(mbox, folder);
    messages += count;
    t.log(`Re-indexing folder ${folder} of ${mailboxLabel(mbox, d.item.uid)}: ${count} message(s)`, 1);
  }
  return { folders: folders.length, messages };
}

async function deleteIndex(t: TaskContext, d: DomainState, mbox: MailboxView): Promise<number> {
  await t.step();
  const deleted = indexedRecords(mbox);
  t.log(`Deleted ${deleted} index record(s) of mailbox ${mailboxLabel(mbox, d.item.uid)}`, 1);
  return deleted;
}

/**
 * Resolves the domain (IMailboxMgmt takes the domain uid as is, no alias lookup) and checks the
 * caller's manageMailbox role on it.
 */
function domainFor(ctx: Ctx): DomainState {
  const d = ctx.emu.store.exactDomain(ctx.params.domainUid);
  // Per-mailbox calls check the role for that entry (org unit delegation counts), `_consolidate` on the domain.
  const uid = ctx.params.mailboxUid;
  ctx.requireRole(d.item.uid, "manageMailbox", uid === undefined ? null : { entry: uid });
  return d;
}

/** `deleteSource` is a primitive boolean: missing → 500; "true" (any case) is true, the rest false. */
function deleteSourceParam(ctx: Ctx): boolean {
  return ctx.requiredQuery("deleteSource").toLowerCase() === "true";
}

export function register(r: Router, release: Release): void {
  const base = "/api/mgmt/mailbox/{domainUid}";

  r.post(`${base}/{mailboxUid}/_consolidate`, (ctx) => {
    const d = domainFor(ctx);
    const uid = ctx.params.mailboxUid;
    return ctx.emu.tasks.start(async (t) => {
      const mbox = mailboxAtRun(d, uid);
      t.setSteps(defaultFolders(mbox).length);
      t.log(`Consolidate mailbox index of ${mailboxLabel(mbox, d.item.uid)}`);
      const { folders, messages } = await resync(t, d, mbox);
      t.log(`Consolidated ${messages} mail index record(s), mailbox ${mbox.name}`);
      return JSON.stringify({ mailboxUid: uid, folders, messages });
    });
  });

  // `_reset` and `_respawn` came with 5.x (2022-09): a 4.x server does not know these paths.
  if (release.indexReset) registerIndexReset(r, base);

  r.post(`${base}/_consolidate`, (ctx) => {
    const d = domainFor(ctx);
    return ctx.emu.tasks.start(async (t) => {
      const all = mailboxesOf(d);
      // consolidateDomain lists every mailbox but only resyncs the internally routed ones.
      const internal = all.filter((m) => m.routing === "internal");
      t.setSteps(internal.length);
      t.log(`going to consolidate index for ${all.length} mailboxes`);
      for (const mbox of internal) {
        await t.step();
        t.log(`Resync mail index, mailbox ${mailboxLabel(mbox, d.item.uid)}`, 1);
      }
      return JSON.stringify({ mailboxes: internal.length });
    });
  });

  r.post(`${base}/{mailboxUid}/_move_index`, (ctx) => {
    const deleteSource = deleteSourceParam(ctx);
    const index = ctx.query.get("index") ?? "";
    const d = domainFor(ctx);
    const uid = ctx.params.mailboxUid;
    // MailboxMgmt.moveIndex validates before starting the task: a bad index name is a synchronous
    // 500 INVALID_PARAMETER and an unknown mailbox a 404, not a failed task.
    if (!index.startsWith("mailspool")) throw invalid("index name must start with mailspool");
    const mbox = mailboxOf(d, uid);
    if (!mbox) throw notFound(`mailbox ${uid} not found`);
    // The server runs it under the deterministic id `move-index-<uid>`: one move per mailbox at a time.
    return ctx.emu.tasks.start(async (t) => {
      t.setSteps(deleteSource ? 2 : 1);
      t.log(`Moving index of mailbox ${mailboxLabel(mbox, d.item.uid)} to ${index}`);
      await t.step();
      t.log(`Copied ${indexedRecords(mbox)} index record(s) to ${index}`, 1);
      if (deleteSource) {
        await t.step();
        t.log(`Deleted source index records of mailbox ${mbox.name}`, 1);
      }
      return null;
    }, `move-index-${uid}`);
  });
}

/** IMailboxMgmt `_reset` (delete the index) and `_respawn` (delete, then re-synchronise). */
function registerIndexReset(r: Router, base: string): void {
  r.post(`${base}/{mailboxUid}/_reset`, (ctx) => {
    const d = domainFor(ctx);
    const uid = ctx.params.mailboxUid;
    return ctx.emu.tasks.start(async (t) => {
      const mbox = mailboxAtRun(d, uid);
      t.setSteps(1);
      t.log(`Reset mailbox index of ${mailboxLabel(mbox, d.item.uid)}`);
      return JSON.stringify(await deleteIndex(t, d, mbox));
    });
  });

  r.post(`${base}/{mailboxUid}/_respawn`, (ctx) => {
    const d = domainFor(ctx);
    const uid = ctx.params.mailboxUid;
    return ctx.emu.tasks.start(async (t) => {
      const mbox = mailboxAtRun(d, uid);
      t.setSteps(1 + defaultFolders(mbox).length);
      t.log(`Respawn mailbox index of ${mailboxLabel(mbox, d.item.uid)}`);
      const deleted = await deleteIndex(t, d, mbox);
      const { folders, messages } = await resync(t, d, mbox);
      return JSON.stringify({ mailboxUid: uid, deleted, folders, messages });
    });
  });
}
