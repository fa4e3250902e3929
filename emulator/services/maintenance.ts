// IDirEntryMaintenance — /api/directory/{domain}/{entryUid}/mgmt (docs/bluemind-api.md §2.11): the
// "Validate and repair" of a directory entry. 5.x has no separate check endpoint: a check is a
// repair with `dry: true`. 4.x has `check` and `repair`, each taking a set of operation ids and
// ending its task with a DiagnosticReport (docs/bluemind-versions.md). Operations run in dependency order (each mailbox operation declares the
// one it must follow, as MailboxMaintenanceOperation does) and report on the emulator's state; the
// ones about things the emulator does not model (search index, IMAP replication, message bodies)
// find nothing to fix.
import type { Router } from "../router";
import type { Ctx } from "../context";
import { notFound, parseError } from "../faults";
import { table, type Table } from "../table";
import type { DirKind } from "../model";
import type { Store, DomainState } from "../store";
import { findEntry, type AnyEntry } from "../entries";
import type { TaskContext } from "../tasks";
import { defaultFolders, mailboxLabel, mailboxOf, type MailboxView } from "./mailboxmgmt";
import { imapServers } from "./mailshares";
import { can, isOrgUnitAdmin, storedRoles } from "../rbac";
import type { Release } from "../releases";

interface RepairConfig {
  opIdentifiers: string[] | null;
  dry: boolean;
  logToCoreLog: boolean;
  verbose: boolean;
}

/** What an operation sees while it runs. */
interface OpRun {
  store: Store;
  d: DomainState;
  entry: AnyEntry;
  mbox: MailboxView;
}

interface RepairOp {
  identifier: string;
  description: string;
  /** Operations that must run before this one (when they apply to the entry kind). */
  after: string[];
  kinds: DirKind[];
  /** Mailbox operations skip mailboxes that are not routed internally ("not managed"). */
  needsInternalMailbox: boolean;
  /** What was verified, for verbose logs. */
  checked: (r: OpRun) => string;
  /** The problem found, or null when the entry is sound. */
  problem: (r: OpRun) => string | null;
  /** Fixes the problem and says what was done; absent when it cannot be fixed automatically. */
  fix?: (r: OpRun) => string;
}

const MAILBOX_KINDS: DirKind[] = ["USER", "GROUP", "MAILSHARE"];
const ok = () => null;
const aclUid = (uid: string) => `mailbox:acls-${uid}`;

/**
 * The operations, declared in dependency order. For MAILSHARE they are exactly the identifiers of
 * §2.11; users additionally get the filter and subscription checks of MailboxRepairSupport.
 */
const OPERATIONS: RepairOp[] = [
  {
    identifier: "mailboxExists", description: "Check the mailbox exists in the database", after: [],
    kinds: MAILBOX_KINDS, needsInternalMailbox: true,
    checked: (r) => `Mailbox ${label(r)} exists`,
    problem: ok,
  },
  {
    identifier: "mailboxIndexExists", description: "Check the mailbox index exists", after: ["mailboxExists"],
    kinds: MAILBOX_KINDS, needsInternalMailbox: true,
    checked: (r) => `Mailbox ${label(r)} index exists`,
    problem: ok,
  },
  {
    identifier: "mailboxAclsContainer", description: "Check the mailbox ACL container exists",
    after: ["mailboxIndexExists"], kinds: MAILBOX_KINDS, needsInternalMailbox: true,
    checked: (r) => `Mailbox ${label(r)} acls container ${aclUid(r.mbox.uid)} exists`,
    problem: (r) => {
      const c = r.store.state.containers[aclUid(r.mbox.uid)];
      if (!c) return `Mailbox ${label(r)} acls container does not exist`;
      if (c.owner !== r.mbox.uid) return `Mailbox ${label(r)} acls container is owned by ${c.owner}`;
      return null;
    },
    fix: (r) => {
      // MailboxesService.Helper.createMailboxesAclsContainer: an empty ACL owned by the mailbox.
      const previous = r.store.state.containers[aclUid(r.mbox.uid)];
      r.store.state.containers[aclUid(r.mbox.uid)] = {
        uid: aclUid(r.mbox.uid), type: "mailboxacl", owner: r.mbox.uid, domainUid: r.d.item.uid, acl: previous?.acl ?? [],
      };
      return `Mailbox ${label(r)} acls container repair finished`;
    },
  },
  {
    identifier: "mailboxPostfixMaps", description: "Check the mail routing maps of the mailbox",
    after: ["mailboxAclsContainer"], kinds: MAILBOX_KINDS, needsInternalMailbox: true,
    checked: (r) => `Postfix maps of mailbox ${label(r)} list ${(r.entry.item.value.emails ?? []).length} address(es)`,
    problem: ok,
  },
  {
    identifier: "mailboxDefaultFolders", description: "Ensure default folders (eg. Trash, Templates) exists",
    after: ["mailboxPostfixMaps"], kinds: MAILBOX_KINDS, needsInternalMailbox: true,
    checked: (r) => `Default folders of mailbox ${label(r)} exist: ${defaultFolders(r.mbox).join(", ")}`,
    problem: ok,
  },
  {
    identifier: "mailboxFilters", description: "Check the mail filters of the mailbox",
    after: ["mailboxDefaultFolders"], kinds: ["USER"], needsInternalMailbox: true,
    checked: (r) => `Mailbox ${label(r)} has ${(r.store.state.rules[r.mbox.uid] ?? []).length} filter rule(s)`,
    problem: ok,
  },
  {
    identifier: "mailboxSubscription", description: "Check the automatic folder subscriptions of the mailbox",
    after: ["mailboxFilters"], kinds: ["USER"], needsInternalMailbox: true,
    checked: (r) => `Mailbox ${label(r)} auto-subscriptions are up to date`,
    problem: ok,
  },
  {
    identifier: "replication.subtree", description: "Check the replicated folder tree of the mailbox",
    after: ["mailboxDefaultFolders"], kinds: MAILBOX_KINDS, needsInternalMailbox: false,
    checked: (r) => `Replicated subtree of ${label(r)} is present`,
    problem: ok,
  },
  {
    identifier: "replication.minbox", description: "Check the replicated mailbox root",
    after: ["replication.subtree"], kinds: MAILBOX_KINDS, needsInternalMailbox: false,
    checked: (r) => `Replicated mailbox root of ${label(r)} is present`,
    problem: ok,
  },
  {
    identifier: "replication.records.in.dir", description: "Check replicated records match the directory",
    after: ["replication.minbox"], kinds: MAILBOX_KINDS, needsInternalMailbox: false,
    checked: (r) => `Replicated records of ${label(r)} match the directory`,
    problem: ok,
  },
  {
    identifier: "message_bodies", description: "Check message bodies referenced by the mailbox exist",
    after: ["replication.records.in.dir"], kinds: MAILBOX_KINDS, needsInternalMailbox: false,
    checked: (r) => `Message bodies of ${label(r)} are all present`,
    problem: ok,
  },
  {
    identifier: "containers", description: "Check the containers of the entry exist", after: [],
    kinds: MAILBOX_KINDS, needsInternalMailbox: false,
    checked: (r) => `Containers of ${label(r)} exist`,
    // Mailshares get a filter store and an identity store at creation; the seed's users and groups
    // never had them, so only mailshares are checked.
    problem: (r) => {
      if (r.mbox.kind !== "mailshare") return null;
      const missing = missingStores(r);
      return missing.length > 0 ? `Entry ${label(r)} misses its ${missing.join(" and ")} container(s)` : null;
    },
    fix: (r) => {
      const missing = missingStores(r);
      r.store.state.rules[r.mbox.uid] ??= [];
      r.store.state.identities[r.mbox.uid] ??= table();
      return `Re-created the ${missing.join(" and ")} container(s) of ${label(r)}`;
    },
  },
  {
    identifier: "containers.sharding.location",
    description: "Check and move data inserted on the wrong shard regarding to the direntry location",
    after: ["containers"], kinds: MAILBOX_KINDS, needsInternalMailbox: false,
    checked: (r) => `Data of ${label(r)} lives on its direntry location ${r.entry.item.value.dataLocation}`,
    problem: (r) => {
      const location = r.entry.item.value.dataLocation;
      if (location && imapServers(r.store, r.d.item.uid).includes(location)) return null;
      return `Direntry location ${location} of ${label(r)} is not a mail/imap server of ${r.d.item.uid} (move it with IDirectory.xfer)`;
    },
  },
  {
    identifier: "mapi.folders", description: "Mapi Folders", after: ["containers"],
    kinds: MAILBOX_KINDS, needsInternalMailbox: false,
    checked: (r) => `MAPI folders of ${label(r)} are consistent`,
    problem: ok,
  },
];

function label(r: OpRun): string {
  return mailboxLabel(r.mbox, r.d.item.uid);
}

function missingStores(r: OpRun): string[] {
  const missing: string[] = [];
  if (!r.store.state.rules[r.mbox.uid]) missing.push("mail filter");
  if (!r.store.state.identities[r.mbox.uid]) missing.push("identities");
  return missing;
}

/** The operations applicable to `kind`, each after the ones it depends on. */
export function operationsFor(kind: DirKind): RepairOp[] {
  const applicable = OPERATIONS.filter((op) => op.kinds.includes(kind));
  const byId = new Map(applicable.map((op) => [op.identifier, op]));
  const ordered: RepairOp[] = [];
  const visit = (op: RepairOp) => {
    if (ordered.includes(op)) return;
    for (const dep of op.after) {
      const before = byId.get(dep);
      if (before) visit(before);
    }
    ordered.push(op);
  };
  applicable.forEach(visit);
  return ordered;
}

function parseRepairConfig(raw: Record<string, any>): RepairConfig {
  const bool = (v: unknown) => {
    if (v === undefined || v === null) return false;
    if (typeof v !== "boolean") throw parseError();
    return v;
  };
  const ids = raw.opIdentifiers ?? null;
  if (ids !== null && (!Array.isArray(ids) || ids.some((id) => typeof id !== "string"))) throw parseError();
  return { opIdentifiers: ids, dry: bool(raw.dry), logToCoreLog: bool(raw.logToCoreLog), verbose: bool(raw.verbose) };
}

/**
 * Runs one operation through its sub-monitor (RepairTaskMonitor over SubTaskMonitor): a problem is
 * notified, so it is logged whatever `verbose` says; what the operation checked and what it fixed
 * are begin / progress messages, logged only when verbose and prefixed `[<op>]: : `.
 */
function runOp(t: TaskContext, op: RepairOp, r: OpRun, config: RepairConfig): void {
  const detail = (message: string) => {
    if (config.verbose) t.log(`[${op.identifier}]: : ${message}`);
  };
  if (op.needsInternalMailbox && r.mbox.routing !== "internal") {
    detail(`Mailbox ${label(r)} not managed, nothing to do`);
    return;
  }
  const problem = op.problem(r);
  if (problem === null) {
    detail(op.checked(r));
    return;
  }
  t.log(problem);
  if (config.dry || !op.fix) return;
  detail(op.fix(r));
}

/**
 * The entry addressed by the path: unknown domain or entry → 404. This factory is not among the
 * alias-resolving ones of §1.1, so the domain is taken as an exact uid (what the console sends).
 */
function entryFor(ctx: Ctx): { d: DomainState; entry: AnyEntry } {
  const d = ctx.emu.store.exactDomain(ctx.params.domain);
  const entry = findEntry(d, ctx.params.entryUid);
  if (!entry) throw notFound(`entry ${ctx.params.entryUid}@${d.item.uid} not found`);
  return { d, entry };
}

/**
 * DirEntryMaintenance's factory runs the calls as the system for domain admins and for
 * administrators of the entry's org unit (or an ancestor unit), with any roles; anybody else keeps
 * their own rights, which the emulator reduces to manageMailbox on the entry.
 */
function elevated(ctx: Ctx, d: DomainState, entry: AnyEntry): boolean {
  const s = ctx.session;
  if (!s) return false;
  if (s.admin0) return true;
  if (s.domainUid !== d.item.uid) return false;
  return storedRoles(d, s.userUid).has("admin") || isOrgUnitAdmin(d, s, entry.item.value.orgUnitUid);
}

/** Who may run the entry's maintenance, as a refusal message (null: allowed). */
function denialOf(ctx: Ctx, d: DomainState, entry: AnyEntry): string | null {
  return elevated(ctx, d, entry) || can(ctx.emu.store, ctx.session, d.item.uid, ["manageMailbox"], { entry: entry.item.uid })
    ? null
    : `${ctx.session?.login ?? "anonymous"} has no role manageMailbox on ${d.item.uid}`;
}

/** A 4.x body: `Set<String>` of operation ids (null = every operation). */
function parseOperationSet(ctx: Ctx): Set<string> | null {
  const raw = ctx.json();
  if (raw === null) return null;
  if (!Array.isArray(raw) || raw.some((id) => typeof id !== "string")) throw parseError();
  return new Set(raw as string[]);
}

/**
 * 4.x DirEntryMaintenance.check / repair: task `check-…` or `repair-…`; every step is logged
 * (`[i/n] <op> step`), every problem becomes a KO entry of the DiagnosticReport (a repaired one an
 * OK entry), and the task ends InError when the report is not all OK, with the report as result.
 */
function registerOperationSets(r: Router, base: string): void {
  for (const kind of ["check", "repair"] as const) {
    r.post(`${base}/${kind}`, (ctx) => {
      const { d, entry } = entryFor(ctx);
      const wanted = parseOperationSet(ctx);
      const denial = denialOf(ctx, d, entry);
      const uid = entry.item.uid;
      return ctx.emu.tasks.start(async (t) => {
        const selected = operationsFor(entry.kind).filter((op) => !wanted || wanted.has(op.identifier));
        const report: { id: string; state: "OK" | "KO"; message: string; timestamp: number; stack: null }[] = [];
        const note = (id: string, state: "OK" | "KO", message: string) => report.push({ id, state, message, timestamp: Date.now(), stack: null });
        t.setSteps(selected.length);
        t.log(`${kind === "check" ? "Check" : "Repair"} ${uid}@${d.item.uid} in ${selected.length} steps`);
        for (const [i, op] of selected.entries()) {
          t.log(`[${i + 1}/${selected.length}] ${op.identifier} step`);
          await t.step();
          if (denial) throw new Error(denial);
          const current = findEntry(d, uid);
          const mbox = mailboxOf(d, uid);
          if (!current || !mbox) throw new Error(`entry ${uid} not found in domain ${d.item.uid}`);
          const run: OpRun = { store: ctx.emu.store, d, entry: current, mbox };
          const problem = op.needsInternalMailbox && mbox.routing !== "internal" ? null : op.problem(run);
          if (problem === null) {
            note(op.identifier, "OK", op.checked(run));
          } else if (kind === "repair" && op.fix) {
            t.log(problem);
            note(op.identifier, "OK", op.fix(run));
          } else {
            t.log(problem);
            note(op.identifier, "KO", problem);
          }
          t.advance(1);
        }
        const result = JSON.stringify({ entries: report });
        if (report.some((e) => e.state !== "OK")) throw Object.assign(new Error(""), { result });
        t.log("");
        return result;
      }, `${kind}-${uid}@${d.item.uid}`);
    });
  }
}

export function register(r: Router, release: Release): void {
  const base = "/api/directory/{domain}/{entryUid}/mgmt/_maintenance";

  // No permission check of its own: anybody may list the operations.
  r.get(base, (ctx) => {
    const { entry } = entryFor(ctx);
    return operationsFor(entry.kind).map((op) => ({ identifier: op.identifier, description: op.description }));
  });

  if (release.maintenance === "operation-sets") return registerOperationSets(r, base);

  r.post(`${base}/repair`, (ctx) => {
    const { d, entry } = entryFor(ctx);
    const config = parseRepairConfig(ctx.object());
    const store = ctx.emu.store;
    const uid = entry.item.uid;
    const denial = denialOf(ctx, d, entry);
    // Deterministic id: a second repair of the same entry while one runs is refused by the runner.
    return ctx.emu.tasks.start(async (t) => {
      // Unknown identifiers are dropped silently (DirEntryRepairSupports.ops filters the known ones).
      const wanted = config.opIdentifiers && config.opIdentifiers.length > 0 ? new Set(config.opIdentifiers) : null;
      const selected = operationsFor(entry.kind).filter((op) => !wanted || wanted.has(op.identifier));
      t.setSteps(selected.length);
      // begin and the per-operation lines go through RepairTaskMonitor: logged only when verbose.
      if (config.verbose) t.log(`Repair ${uid}@${d.item.uid} in ${selected.length} steps`);
      try {
        for (const [i, op] of selected.entries()) {
          if (config.verbose) t.log(`[${i + 1}/${selected.length}] Starting operation ${op.identifier}`);
          await t.step();
          if (denial) throw new Error(denial);
          // Looked up at each step: the entry may have been deleted while the repair runs.
          const current = findEntry(d, uid);
          const mbox = mailboxOf(d, uid);
          if (!current || !mbox) throw new Error(`entry ${uid} not found in domain ${d.item.uid}`);
          runOp(t, op, { store, d, entry: current, mbox }, config);
          t.advance(1);
        }
      } catch (err) {
        // `monitor.end(false, "", "")` after an "Unknown error" line (itself verbose-only).
        if (config.verbose) t.log(`Unknown error: ${(err as Error).message}`);
        throw Object.assign(new Error(""), { result: "" });
      }
      // `monitor.end(true, "", "")`: the end message is an empty log line and the result is empty.
      // logToCoreLog: the emulator has no core log to copy the lines to; the flag is accepted.
      t.log("");
      return "";
    }, `repair-${uid}@${d.item.uid}`);
  });
}
