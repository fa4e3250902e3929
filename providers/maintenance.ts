// `MailshareMaintenance`: an action, not state — consolidate the mailbox's search index, check it
// (a repair in dry mode: BlueMind has no separate check, docs/bluemind-api.md §2.11) or repair it (the
// console's "Validate and repair"). It runs on create and whenever `trigger` changes, follows the
// task to its end with progress, and keeps the outcome and a log summary as outputs.
//
// Where the last trigger lives: the CLI has no state file, yet must not run the operation on every
// apply. So the trigger and outcome of the last successful run are recorded on the server, in the
// settings of the mailshare's ACL container (`bmshare.maintenance.<operation>.trigger|ranAt|state`),
// and `read` returns the recorded trigger: a new trigger is a change in plan and refresh, the same
// one is none. Those settings go with the container: when it is missing (a broken mailshare, which
// a repair re-creates), nothing is recorded, and read reports a trigger of null ("never ran"), so
// the next plan proposes running the operation again rather than hiding that the record is lost.
import type * as pulumi from "@pulumi/pulumi";
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import { defineProvider, type Props } from "./base";
import type { Runtime } from "./runtime";
import { followTask, mailshareExists, requireMailshare } from "./server";
import { mailshareSettings } from "./marks";
import { validateSlice } from "./validate";
import { isNotFound, isOutcomeUnknown, mailboxAclContainerUid, repairTaskId, type TaskOutcome } from "../bluemind";
import type { TaskRef } from "../bluemind/types";
import { MAINTENANCE_OPERATIONS, type MaintenanceOperation } from "../desired/model";

export interface MailshareMaintenanceInputs extends Props {
  domain: string;
  /** Uid of the mailshare (the `uid` output of a `Mailshare`). */
  mailshare: string;
  operation: MaintenanceOperation;
  /**
   * Free-form: the operation runs when the resource is created and whenever this value changes.
   * Read gives the trigger of the last successful run recorded on the server (null: none).
   */
  trigger: string | null;
}

export interface MailshareMaintenanceOutputs extends Props {
  /**
   * How the last run ended (a run ending InError fails the create / update instead); Unknown: the
   * server's answer to the start was lost, so whether it ran is not known (recorded as run anyway).
   */
  state: RunState | null;
  /** The task's result string. */
  result: string | null;
  /** The last (at most 20) log lines of the task. */
  logSummary: string | null;
  /** When the last run ended (ISO 8601). */
  ranAt: string | null;
  /** The trigger of the last successful run. */
  lastTrigger: string | null;
}

type RunState = "Success" | "InError" | "Unknown";

/** What the server records about the last run of one operation for its trigger. */
interface RunRecord {
  trigger: string;
  ranAt: string | null;
  state: RunState | null;
}

const LOG_SUMMARY_LINES = 20;

const DESCRIPTIONS: Record<MaintenanceOperation, string> = {
  consolidateIndex: "consolidating the mailbox index",
  check: "checking the mailbox",
  repair: "validating and repairing the mailbox",
};

const settingKey = (operation: MaintenanceOperation, field: keyof RunRecord) => `bmshare.maintenance.${operation}.${field}`;

const what = (m: MailshareMaintenanceInputs) => `${DESCRIPTIONS[m.operation]} of mailshare ${m.mailshare}`;

/**
 * The recorded last run, or null (never ran, or the ACL container holding the record is missing):
 * as the run read it (the settings `Mailshare` reads too), or `fresh` before deciding to run.
 */
async function readRecord(rt: Runtime, m: MailshareMaintenanceInputs, fresh: boolean): Promise<RunRecord | null> {
  const settings = await mailshareSettings(rt, m.mailshare, { fresh });
  if (settings === null) {
    rt.report("warn", `mailshare ${m.mailshare} has no ACL container, so no record of its earlier ${m.operation} runs: a repair re-creates it`);
    return null;
  }
  const trigger = settings[settingKey(m.operation, "trigger")];
  if (trigger === undefined) return null;
  const state = settings[settingKey(m.operation, "state")];
  return {
    trigger,
    ranAt: settings[settingKey(m.operation, "ranAt")] ?? null,
    state: state === "Success" || state === "InError" || state === "Unknown" ? state : null,
  };
}

/**
 * Records a successful run. The settings map is replaced as a whole (setSettings), so it is read
 * and written under the mailshare's lock (the other operations record there too), keeping keys
 * set by anyone else.
 */
async function writeRecord(rt: Runtime, m: MailshareMaintenanceInputs, record: RunRecord): Promise<void> {
  const c = rt.client;
  const container = mailboxAclContainerUid(m.mailshare);
  try {
    await rt.lock(m.domain, m.mailshare, async () => {
      const settings = await c.containers.getSettings(container);
      await c.containers.setSettings(container, {
        ...settings,
        [settingKey(m.operation, "trigger")]: record.trigger,
        [settingKey(m.operation, "ranAt")]: record.ranAt ?? "",
        [settingKey(m.operation, "state")]: record.state ?? "",
      });
    });
  } catch (err) {
    if (isNotFound(err)) {
      rt.report("warn", `${what(m)} succeeded but could not be recorded: the mailshare has no ACL container (a repair re-creates it). The next plan will propose running it again`);
      return;
    }
    throw new Error(`${what(m)} succeeded but recording it on the server failed (a re-run will run it again): ${(err as Error).message}`);
  }
}

/** Whether the entry's repair task (deterministic id) is running now. */
async function repairRunning(rt: Runtime, taskId: string): Promise<boolean> {
  try {
    const { state } = await rt.client.tasks.status(taskId);
    return state === "NotStarted" || state === "InProgress";
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

export interface StartOptions {
  /** A log line of an earlier task being waited for. */
  onLine?: (line: string) => void;
  /** A note for the person running it. */
  onNote?: (text: string) => void;
  pollMs?: number;
  /** How long to wait for a check or repair already running (default: the client's, 10 min). */
  timeoutMs?: number;
}

/**
 * Starts one maintenance operation on a mailshare and hands its task to `follow` (the provider and
 * `bmshare maintain` both run operations through this). Check and repair run every available
 * operation, like the console's "Validate and repair". BlueMind runs one repair task per entry
 * (`repair-<uid>@<domain>`) and refuses a second while it runs: one already running (from the
 * console, say) is followed to its end first — it may be a dry check, so following it alone would
 * repair nothing — then ours starts. Start and `follow` run inside one per-mailshare lock of the
 * process: a check and a repair declared together share that one task id, so the second may start
 * only once the first's follower saw its end (else that follower would read the second run's status
 * and logs as its own).
 */
export async function runMaintenance<T>(
  rt: Runtime, domain: string, uid: string, operation: MaintenanceOperation, o: StartOptions, follow: (ref: TaskRef) => Promise<T>,
): Promise<T> {
  const c = rt.client;
  if (operation === "consolidateIndex") return follow(await c.mgmt.consolidateMailbox(domain, uid));
  const caps = await c.capabilities();
  if (caps.maintenance === null) {
    throw new Error(`${operation}: BlueMind ${caps.version} may take either of BlueMind's two forms of the repair call, ` +
      `and bmshare cannot tell which (docs/bluemind-versions.md): run it from the admin console; nothing was started`);
  }
  const sets = caps.maintenance === "operation-sets";
  return rt.lock(domain, `${uid}#repair-task`, async () => {
    // 4.x runs a check as its own task, `check-<uid>@<domain>`.
    const taskId = repairTaskId(domain, uid, sets && operation === "check" ? "check" : "repair");
    if (await repairRunning(rt, taskId)) {
      o.onNote?.(`a check or repair of this mailshare is already running (task ${taskId}): following it to its end first`);
      const earlier = await c.followTask({ id: taskId }, {
        pollMs: o.pollMs, timeoutMs: o.timeoutMs, rejectOnError: false, onProgress: (p) => p.newLogs.forEach((l) => o.onLine?.(l)),
      });
      o.onNote?.(`task ${taskId} ended ${earlier.state}; now starting the ${operation}`);
    }
    const operations = (await c.maintenance.getAvailableOperations(domain, uid)).map((op) => op.identifier);
    const ref = sets
      ? await c.maintenance.runOperations(domain, uid, operation === "check" ? "check" : "repair", operations)
      : await c.maintenance.repair(domain, uid, { opIdentifiers: operations, dry: operation === "check", logToCoreLog: false, verbose: true });
    return follow(ref);
  });
}

/** Runs the operation and follows its task; a task ending InError throws with its last log line. */
async function execute(rt: Runtime, m: MailshareMaintenanceInputs): Promise<TaskOutcome> {
  const note = (text: string) => rt.report("info", `${what(m)}: ${text}`);
  const line = (text: string) => rt.report("detail", `${what(m)}: ${text}`);
  try {
    return await runMaintenance(rt, m.domain, m.mailshare, m.operation, { onNote: note, onLine: line }, (ref) => followTask(rt, ref, what(m)));
  } finally {
    // A repair may re-create the mailbox's record or its ACL container: what the run read of the
    // mailshare is stale once the task ran.
    rt.client.mailshares.expire(m.domain, m.mailshare);
  }
}

function outputsOfRecord(record: RunRecord | null, previous: Partial<MailshareMaintenanceOutputs> = {}): MailshareMaintenanceOutputs {
  // The log and result are not recorded on the server: kept from the previous outputs of the same run.
  const sameRun = record !== null && record.ranAt !== null && previous.ranAt === record.ranAt;
  return {
    state: record?.state ?? null,
    result: sameRun ? previous.result ?? null : null,
    logSummary: sameRun ? previous.logSummary ?? null : null,
    ranAt: record?.ranAt ?? null,
    lastTrigger: record?.trigger ?? null,
  };
}

/**
 * Runs the operation for `m.trigger`, unless the server records a run for that very trigger that
 * succeeded or may have (a re-run after a failure midway, or the CLI already ran it): a trigger runs
 * once. When the answer to the start is lost (consolidation is not repeated blindly: a second call
 * would start a second task), the run is recorded with state Unknown, so that the next plan does not
 * start it again; `bmshare maintain` runs it by hand.
 */
async function runFor(rt: Runtime, m: MailshareMaintenanceInputs): Promise<MailshareMaintenanceOutputs> {
  await requireMailshare(rt, m.domain, m.mailshare);
  const recorded = await readRecord(rt, m, true);
  if (recorded && recorded.trigger === m.trigger && (recorded.state === "Success" || recorded.state === "Unknown")) {
    rt.report("info", `${what(m)}: already ran for trigger ${JSON.stringify(m.trigger)} (at ${recorded.ranAt}${recorded.state === "Unknown" ? ", outcome unknown" : ""}), not run again`);
    return outputsOfRecord(recorded);
  }
  let outcome: TaskOutcome;
  try {
    outcome = await execute(rt, m);
  } catch (err) {
    if (!isOutcomeUnknown(err)) throw err;
    const record: RunRecord = { trigger: m.trigger as string, ranAt: new Date().toISOString(), state: "Unknown" };
    await writeRecord(rt, m, record);
    rt.report("warn", `${what(m)}: the server's answer was lost, so whether it started is not known; recorded as run for trigger ` +
      `${JSON.stringify(m.trigger)} so that it is not started twice (run \`bmshare maintain\` to run it by hand)`);
    return { state: "Unknown", result: null, logSummary: null, ranAt: record.ranAt, lastTrigger: record.trigger };
  }
  const record: RunRecord = { trigger: m.trigger as string, ranAt: new Date().toISOString(), state: outcome.state };
  await writeRecord(rt, m, record);
  return {
    state: outcome.state,
    result: outcome.result,
    logSummary: outcome.logs.slice(-LOG_SUMMARY_LINES).join("\n"),
    ranAt: record.ranAt,
    lastTrigger: record.trigger,
  };
}

const isOperation = (v: unknown): v is MaintenanceOperation => MAINTENANCE_OPERATIONS.includes(v as MaintenanceOperation);

export const mailshareMaintenanceProvider = defineProvider<MailshareMaintenanceInputs, MailshareMaintenanceOutputs>({
  kind: "MailshareMaintenance",
  inputKeys: ["domain", "mailshare", "operation", "trigger"],

  async check(news, _olds, rt, options) {
    const { domain } = news;
    const failures: CheckFailure[] = [];
    if (!isOperation(news.operation)) {
      failures.push({ property: "operation", reason: `expected one of ${MAINTENANCE_OPERATIONS.join(", ")}, found ${JSON.stringify(news.operation ?? null)}` });
      return { inputs: news as MailshareMaintenanceInputs, failures };
    }
    if (news.trigger == null) {
      failures.push({ property: "trigger", reason: "expected a trigger (a text or a number such as 2026-11): the operation runs when it is set and whenever it changes; to never run it, remove the resource" });
      return { inputs: news as MailshareMaintenanceInputs, failures };
    }
    const slice = validateSlice(domain, { maintenance: { [news.operation]: news.trigger } }, ["maintenance"], options);
    const prefix = `maintenance.${news.operation}`;
    failures.push(...slice.failures.map((f) => ({ property: f.property === prefix ? "trigger" : f.property, reason: f.reason })));
    if (failures.length > 0) return { inputs: news as MailshareMaintenanceInputs, failures };
    const inputs: MailshareMaintenanceInputs = {
      domain: domain, mailshare: news.mailshare as string, operation: news.operation,
      trigger: slice.value.maintenance[news.operation],
    };
    return { inputs, failures: [] };
  },

  idOf: (m) => `${m.mailshare}/maintenance/${m.operation}`,

  async create(m, rt) {
    const outs = await runFor(rt, m);
    return { id: `${m.mailshare}/maintenance/${m.operation}`, outs };
  },

  async read(_id, props, rt) {
    if (!(await mailshareExists(rt, props.domain, props.mailshare))) return null;
    const record = await readRecord(rt, props, false);
    const inputs: MailshareMaintenanceInputs = {
      domain: props.domain, mailshare: props.mailshare, operation: props.operation, trigger: record?.trigger ?? null,
    };
    return { inputs, outs: outputsOfRecord(record, props) };
  },

  async update(_id, olds, news, rt) {
    if (olds.trigger === news.trigger) {
      // Only something else changed: the operation does not run again.
      return {
        state: olds.state ?? null, result: olds.result ?? null, logSummary: olds.logSummary ?? null,
        ranAt: olds.ranAt ?? null, lastTrigger: olds.lastTrigger ?? null,
      };
    }
    return runFor(rt, news);
  },

  async delete(id, _props, rt) {
    rt.report("info", `maintenance ${id}: an action, nothing to undo; the record of its last run stays on the mailshare, so declaring the same trigger again does not run it again`);
  },
});

export interface MailshareMaintenanceArgs {
  domain?: pulumi.Input<string>;
  /** The mailshare's uid: pass the `uid` output of a `Mailshare`. */
  mailshare: pulumi.Input<string>;
  operation: pulumi.Input<MaintenanceOperation>;
  /** Runs the operation when set and whenever it changes (a date or a ticket number makes a good trigger). */
  trigger: pulumi.Input<string | number>;
}
