// `bmshare drift -f FILE... [--json] [--fail-on-unmanaged]`: how the server differs from the files,
// classified as changed / missing / unmanaged / unreadable. Read-only. Exit code for CI gates:
// 0 no drift, 2 drift, 1 error — including a read that failed, since the answer is then incomplete.
// Unmanaged objects count only with --fail-on-unmanaged (engine/drift.ts, driftExitCode).
import { UsageError } from "./connection";
import { FILE_HELP, FILE_OPTIONS, runCommand, type CommandDependencies } from "./engine/command";
import { driftExitCode, driftJson, driftOf, driftText } from "./engine/drift";

const HELP = `usage: bmshare drift -f FILE|FOLDER [-f ...] [options]

Compares the server with the files and classifies every difference:
  changed     a declared resource differs (field by field, with diffs for long texts)
  missing     a declared resource is not on the server
  unmanaged   on the server but not in the files: mailshares of the files' domains, identities
  unreadable  a read failed: whether it drifted is unknown (never reported as missing)
Reads only. Exit code: 0 no drift, 2 drift (changed or missing), 1 error or anything unreadable.
Unmanaged objects are listed but do not count: apply leaves them alone, so a gate failing on them
could not be cleared by applying.

  --json              machine-readable report (schema: schemas/plan.schema.json, "command": "drift")
  --fail-on-unmanaged count unmanaged objects as drift too (exit 2): for files that declare a
                      whole domain, where a mailshare made in the console is a finding
  --ignore-unmanaged  the default (kept for pipelines written before it was)
${FILE_HELP}`;

const OPTIONS = {
  ...FILE_OPTIONS,
  json: { type: "boolean" },
  "ignore-unmanaged": { type: "boolean" },
  "fail-on-unmanaged": { type: "boolean" },
} as const;

export async function runDriftCommand(argv: string[], deps: CommandDependencies = {}): Promise<number> {
  return runCommand("drift", HELP, argv, OPTIONS, deps, async (ctx) => {
    const report = driftOf(await ctx.plan({ allowDelete: false, onUnreadable: "record" }));
    if (ctx.values["ignore-unmanaged"] && ctx.values["fail-on-unmanaged"]) throw new UsageError("give --fail-on-unmanaged or --ignore-unmanaged, not both");
    const failOnUnmanaged = ctx.values["fail-on-unmanaged"] === true;
    ctx.out(ctx.values.json ? driftJson(report, failOnUnmanaged) : driftText(report, failOnUnmanaged, ctx.render));
    return driftExitCode(report, failOnUnmanaged);
  });
}
