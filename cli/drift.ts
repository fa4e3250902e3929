// `bmshare drift -f FILE... [--json] [--ignore-unmanaged]`: how the server differs from the files,
// classified as changed / missing / unmanaged / unreadable. Read-only. Exit code for CI gates:
// 0 no drift, 2 drift, 1 error — including a read that failed, since the answer is then incomplete.
import { FILE_HELP, FILE_OPTIONS, runCommand, type CommandDependencies } from "./engine/command";
import { driftExitCode, driftJson, driftOf, driftText } from "./engine/drift";

const HELP = `usage: bmshare drift -f FILE|FOLDER [-f ...] [options]

Compares the server with the files and classifies every difference:
  changed     a declared resource differs (field by field, with diffs for long texts)
  missing     a declared resource is not on the server
  unmanaged   on the server but not in the files: mailshares of the files' domains, identities
  unreadable  a read failed: whether it drifted is unknown (never reported as missing)
Reads only. Exit code: 0 no drift, 2 drift, 1 error or anything unreadable.

  --json              machine-readable report (schema: schemas/plan.schema.json, "command": "drift")
  --ignore-unmanaged  list unmanaged objects but do not count them as drift in the exit code
${FILE_HELP}`;

const OPTIONS = {
  ...FILE_OPTIONS,
  json: { type: "boolean" },
  "ignore-unmanaged": { type: "boolean" },
} as const;

export async function runDriftCommand(argv: string[], deps: CommandDependencies = {}): Promise<number> {
  return runCommand("drift", HELP, argv, OPTIONS, deps, async (ctx) => {
    const report = driftOf(await ctx.plan({ allowDelete: false, onUnreadable: "record" }));
    ctx.out(ctx.values.json ? driftJson(report) : driftText(report));
    return driftExitCode(report, ctx.values["ignore-unmanaged"] === true);
  });
}
