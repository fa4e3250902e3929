// `bmshare maintain NAME --op consolidate-index|check|repair`: runs one maintenance task on a mailshare
// now and follows it — each log line on standard error as it comes, then the whole log and the outcome
// on standard output. Exit 0 when the task ends Success, 1 when it ends InError (or cannot be run).
//
// The operations are the console's (docs/bluemind-api.md §2.10, §2.11): "Consolidate mailbox index"
// (IMailboxMgmt), and "Validate and repair" (IDirEntryMaintenance.repair over every available
// operation), `check` being the same repair in dry mode. BlueMind runs one repair task per entry
// (id `repair-<uid>@<domain>`): one already running is followed to its end first. The
// MailshareMaintenance provider makes the same calls.
import { CONNECTION_HELP, CONNECTION_OPTIONS, UsageError } from "./connection";
import { runServerCommand, type IoDependencies } from "./command";
import { domainNameOf, liveMailshareItems } from "./live-mailshares";
import { TaskTimeoutError, type TaskOutcome } from "../bluemind";
import { runMaintenance } from "../providers/maintenance";
import type { MaintenanceOperation } from "../desired/model";

const OPERATIONS = ["consolidate-index", "check", "repair"] as const;
export type MaintainOperation = (typeof OPERATIONS)[number];

const DESCRIPTIONS: Record<MaintainOperation, string> = {
  "consolidate-index": "consolidating the search index",
  check: "checking (nothing is changed)",
  repair: "validating and repairing",
};

const DEFAULT_TIMEOUT_S = 600;

const HELP = `usage: bmshare maintain NAME --op consolidate-index|check|repair [--domain DOMAIN] [options]

Runs a maintenance task on the mailshare NAME and follows it: log lines on standard error as they
come, then the whole log and the outcome on standard output. Exit 0 when the task succeeds, 1 when
it fails. A check or repair of the mailshare already running (from the console, say) is followed to
its end first.

  --op consolidate-index   re-synchronise the mailbox's search index
  --op check               check the mailbox for inconsistencies, fix nothing (a dry repair)
  --op repair              check and repair ("Validate and repair" in the console)
  --timeout SECONDS        stop following after this long (default ${DEFAULT_TIMEOUT_S}; the task goes on)
  -h, --help               this help

${CONNECTION_HELP}`;

export interface MaintainDependencies extends IoDependencies {
  /** Polling interval of the task follower (tests). */
  pollMs?: number;
}

interface MaintainArgs {
  name: string;
  operation: MaintainOperation;
  timeoutMs: number;
  domain: string | undefined;
}

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  op: { type: "string" },
  timeout: { type: "string" },
} as const;

function parseMaintainArgs(values: Record<string, any>, positionals: string[]): MaintainArgs {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "name the mailshare: bmshare maintain NAME --op OPERATION" : `one mailshare at a time (got ${positionals.join(", ")})`);
  const operation = values.op as MaintainOperation | undefined;
  if (operation === undefined) throw new UsageError(`give the operation: --op ${OPERATIONS.join("|")}`);
  if (!OPERATIONS.includes(operation)) throw new UsageError(`unknown operation "${operation}" (expected one of ${OPERATIONS.join(", ")})`);
  const seconds = values.timeout === undefined ? DEFAULT_TIMEOUT_S : Number(values.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout: expected a number of seconds, found "${values.timeout}"`);
  return { name: positionals[0], operation, timeoutMs: seconds * 1000, domain: values.domain };
}

interface Output {
  /** A note for the person (standard error). */
  note: (text: string) => void;
  /** A task log line as it comes (standard error). */
  line: (text: string) => void;
  pollMs: number | undefined;
}

const PROVIDER_OPERATION: Record<MaintainOperation, MaintenanceOperation> = {
  "consolidate-index": "consolidateIndex", check: "check", repair: "repair",
};

export async function runMaintainCommand(argv: string[], deps: MaintainDependencies = {}): Promise<number> {
  return runServerCommand("maintain", HELP, argv, OPTIONS, deps, async ({ values, positionals, connection, rt, out, err }) => {
    const args = parseMaintainArgs(values, positionals);
    const domain = await domainNameOf(rt, args.domain ?? connection.domain);
    const [mailshare] = await liveMailshareItems(rt, domain, [args.name]);
    const what = `${args.operation} of mailshare ${args.name} (${domain})`;

    const output: Output = { note: (text) => err(`${text}\n`), line: (text) => err(`  ${text}\n`), pollMs: deps.pollMs };
    const outcome = await runMaintenance(rt, domain, mailshare.uid, PROVIDER_OPERATION[args.operation], {
      onNote: output.note, onLine: output.line, pollMs: output.pollMs, timeoutMs: args.timeoutMs,
    }, async (ref): Promise<TaskOutcome> => {
      err(`${DESCRIPTIONS[args.operation]}: mailshare ${args.name} of ${domain}, task ${ref.id}\n`);
      try {
        return await rt.client.followTask(ref, {
          timeoutMs: args.timeoutMs,
          pollMs: deps.pollMs,
          rejectOnError: false,
          onProgress: (p) => p.newLogs.forEach((l) => output.line(l)),
        });
      } catch (e) {
        if (!(e instanceof TaskTimeoutError)) throw e;
        out(`${what}: task ${ref.id}\n${e.logs.map((l) => `  ${l}\n`).join("")}`);
        throw new Error(`task ${ref.id} still runs after ${args.timeoutMs / 1000} s (last state ${e.taskStatus?.state ?? "unknown"}): ` +
          "it goes on on the server; give a longer --timeout to follow it to its end");
      }
    });
    out(`${what}: task ${outcome.taskId}\n`);
    for (const line of outcome.logs) out(`  ${line}\n`);
    if (outcome.result !== null && outcome.result !== "" && outcome.result !== "\"\"") out(`result: ${outcome.result}\n`);
    // BlueMind's last log line may be empty: the last one that says something.
    const last = [outcome.status.lastLogEntry ?? "", ...[...outcome.logs].reverse()].find((l) => l.trim() !== "");
    out(outcome.state === "Success" ? "outcome: Success\n" : `outcome: InError${last ? `: ${last}` : ""}\n`);
    return outcome.state === "Success" ? 0 : 1;
  }, (values, positionals) => void parseMaintainArgs(values, positionals));
}
