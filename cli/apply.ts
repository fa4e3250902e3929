// `bmshare apply -f FILE... [--yes] [--allow-delete] [--parallel N]`: the plan, a confirmation, then
// the changes in dependency order with progress, and an account of what was applied. Exit 0 when
// everything was applied (or nothing had to be), 1 on any error, refusal or interruption.
import * as readline from "node:readline";
import { FILE_HELP, FILE_OPTIONS, runCommand, type CommandDependencies } from "./engine/command";
import { UsageError } from "./connection";
import { applyPlan, currentOperation } from "./engine/apply";
import { hasChanges, type Plan } from "./engine/model";
import { applyAccount, planText } from "./engine/render";
import { progressDisplay } from "./engine/progress";
import { plural } from "./engine/format";
import { widestPool } from "./engine/pool";
import { setProgressSink, type Runtime } from "../providers/runtime";
import { readSavedPlan, SavedPlanError } from "./engine/saved-plan";
import { ReportedFailure } from "./command";
import type { Style } from "./style";
import { POLICY_HELP, POLICY_OPTIONS, policiesForSavedPlan, violationCounts } from "./policy";
import { savedPlanViolations } from "./engine/saved-plan-policy";
import { bluemindLookups } from "../desired/bluemind-lookups";
import { managementMarks } from "../providers/marks";
import { isMandatory } from "../policy/evaluate";

const HELP = `usage: bmshare apply -f FILE|FOLDER [-f ...] [options]
       bmshare apply --plan PLAN [options]

Shows the plan, asks for confirmation, then makes the server match the files: each mailshare's
changes in dependency order, several mailshares at once. A failure stops that mailshare's later
changes and is reported with the server's message; every change is idempotent, so running apply
again converges. Ctrl-C stops after the changes in flight and reports what was done.
Before writing a resource, apply reads it again: what changed on the server since the plan (a
console edit, say) is refused and kept, never overwritten; a new plan shows it.
The policies are checked first (bmshare.policy.yaml at the root of the Git work tree and in the
folders down to the files): a mandatory violation stops apply before anything is written; advisory
ones are shown with the plan. With --plan, the policy files must be those the plan was made under.
Exit code: 0 applied (or nothing to change), 1 error, refusal or interruption.

  -y, --yes           apply without asking (required when not run from a terminal)
  --allow-delete      delete undeclared mailshares of these files' owners that bmshare created with
                      deletionPolicy: delete (with their mail); without it they are only listed
  --plan PLAN         apply exactly the plan saved by \`bmshare plan --out PLAN\` (no -f: the plan
                      names its files; its deletions are those it was planned with); refused
                      when a policy file changed, appeared or disappeared since
  -v, --verbose       show every line of the maintenance, move and delete tasks' logs (else each
                      task's log is counted under its result)
${POLICY_HELP}
${FILE_HELP}`;

const OPTIONS = {
  ...FILE_OPTIONS,
  yes: { type: "boolean", short: "y" },
  "allow-delete": { type: "boolean" },
  plan: { type: "string" },
  verbose: { type: "boolean", short: "v" },
  ...POLICY_OPTIONS,
} as const;

function askOnTerminal(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
    rl.once("SIGINT", () => {
      rl.close();
      resolve("");
    });
  });
}

/** Ctrl-C: the first stops after the operations in flight, the second quits at once. */
function interruptOnCtrlC(err: (text: string) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) {
      err("\nbmshare apply: interrupted again: quitting now; the changes in flight may or may not have been applied\n");
      process.exit(130);
    }
    err("\nbmshare apply: interrupted: finishing the changes in flight, starting no other (Ctrl-C again to quit now)\n");
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  return { signal: controller.signal, dispose: () => process.off("SIGINT", onSignal) };
}

/** The pool follows the request limiter (engine/pool.ts), so only its largest width is known. */
const atATime = (widest: number) => (widest === 1 ? "1 at a time" : `up to ${widest} at a time`);

const changeCount = (plan: Plan) => plan.summary.create + plan.summary.update + plan.summary.delete;

export interface ApplyRun {
  /** The exit code: 0 everything applied, 1 otherwise. */
  status: number;
}

/**
 * Applies a computed plan with a progress display and prints the account; shared with `start`.
 * Provider messages (task progress) are shown with the operation they belong to.
 */
export async function applyWithProgress(plan: Plan, o: {
  rt: Runtime;
  out: (text: string) => void;
  parallel: number;
  live: boolean;
  verbose: boolean;
  style: Style;
  signal?: AbortSignal;
}): Promise<number> {
  const mailshares = plan.mailshares.filter((m) => m.action !== "unchanged").length;
  o.out(`\nApplying ${plural(changeCount(plan), "change")} to ${plural(mailshares, "mailshare")} (${atATime(widestPool(o.parallel))})…\n`);
  const display = progressDisplay(o.out, { live: o.live, total: changeCount(plan), verbose: o.verbose, style: o.style });
  setProgressSink((level, message) => display.message(currentOperation(), level, message));
  try {
    const outcome = await applyPlan(plan, {
      rt: o.rt, parallel: o.parallel, signal: o.signal,
      onStart: (op) => display.started(op),
      onEnd: (result) => display.finished(result),
    });
    display.close();
    o.out(applyAccount(outcome, o.style));
    return outcome.results.every((r) => r.status === "applied") ? 0 : 1;
  } finally {
    display.close();
  }
}

/**
 * The mailshare deletions of a saved plan the server does not allow now: a plan file says what it
 * deletes, but only the server's marks say what may go — the plan must have been made with
 * --allow-delete, and the mailshare must still carry bmshare's deletionPolicy: delete mark.
 */
async function refusedDeletions(plan: Plan, allowDelete: boolean, rt: Runtime): Promise<string[]> {
  const refused: string[] = [];
  for (const r of plan.mailshares.flatMap((m) => m.resources).filter((r) => r.kind === "Mailshare" && r.action === "delete")) {
    const marks = await managementMarks(rt, r.id);
    if (!allowDelete || marks.deletionPolicy !== "delete") {
      refused.push(`bmshare apply: ${r.name}: the plan deletes it, but ${!allowDelete ? "it was not made with --allow-delete" : "the server does not mark it deletionPolicy: delete"}: it was edited after it was made; plan again`);
    }
  }
  return refused;
}

export async function runApplyCommand(argv: string[], deps: CommandDependencies = {}): Promise<number> {
  return runCommand("apply", HELP, argv, OPTIONS, deps, async (ctx) => {
    const interactive = deps.isTTY ?? (process.stdin.isTTY === true && process.stdout.isTTY === true);
    // Refuse before reading anything: without a terminal nobody can answer the question.
    if (!ctx.values.yes && !interactive) {
      ctx.err("bmshare apply: no terminal to confirm on: review the changes with `bmshare plan`, then run `bmshare apply --yes`\n");
      return 1;
    }
    let plan: Plan;
    if (ctx.values.plan !== undefined) {
      if (ctx.values["allow-delete"]) throw new UsageError("a saved plan already says whether it deletes (plan --allow-delete): do not give --allow-delete with --plan");
      if (ctx.values.policy !== undefined) throw new UsageError("a saved plan records the policy files it was checked against (--policy's too): do not give --policy with --plan");
      let allowDelete: boolean;
      try {
        ({ plan, allowDelete } = readSavedPlan(ctx.values.plan, { url: ctx.connection.url }));
      } catch (err) {
        if (err instanceof SavedPlanError) throw new ReportedFailure([`bmshare apply: ${err.message}`], "nothing was changed");
        throw err;
      }
      // A plan reviewed under other rules (one made mandatory since, one added) is not applied.
      const today = policiesForSavedPlan(plan);
      if ("lines" in today) throw new ReportedFailure(today.lines, today.footer);
      // And those rules judge what it writes: a plan edited after review cannot write what they forbid.
      plan = { ...plan, violations: await savedPlanViolations(plan, today.policies, deps.lookups ?? bluemindLookups(ctx.rt.client)) };
      const refused = await refusedDeletions(plan, allowDelete, ctx.rt);
      if (refused.length > 0) throw new ReportedFailure(refused, "nothing was changed");
    } else {
      plan = await ctx.plan({ allowDelete: ctx.values["allow-delete"] === true, onUnreadable: "fail", policies: ctx.policies(), impact: true });
    }
    ctx.out(planText(plan, ctx.render));
    if (isMandatory(plan.violations)) {
      ctx.err(`${ctx.styles.err.error(`bmshare apply: ${violationCounts(plan.violations)}: nothing was changed (fix the mandatory ones, then apply again)`)}\n`);
      return 1;
    }
    if (!hasChanges(plan.summary)) {
      ctx.out("\nNothing to change: the server matches the files.\n");
      return 0;
    }
    if (!ctx.values.yes) {
      const answer = await (deps.prompt ?? askOnTerminal)(`\nApply ${plural(changeCount(plan), "change")}? Only "y" or "yes" goes ahead. [y/N] `);
      if (!/^y(es)?$/i.test(answer.trim())) {
        ctx.out("Apply cancelled: nothing was changed.\n");
        return 1;
      }
    }
    const ctrlC = deps.signal ? undefined : interruptOnCtrlC(ctx.err);
    try {
      return await applyWithProgress(plan, {
        rt: ctx.rt,
        out: ctx.out,
        parallel: ctx.parallel,
        live: interactive && !ctx.env.CI,
        verbose: ctx.values.verbose === true,
        style: ctx.styles.out,
        signal: deps.signal ?? ctrlC?.signal,
      });
    } finally {
      ctrlC?.dispose();
    }
  }, (values) => values.plan !== undefined);
}
