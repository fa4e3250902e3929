// `bmshare plan -f FILE... [--json | --markdown] [--allow-delete]`: what `apply` would change, per
// mailshare and resource, field by field, with unified diffs for long texts. Read-only. Exit 0 when
// nothing would change, 2 when something would, 1 on any error (nothing is sent then either).
import { UsageError } from "./connection";
import { FILE_HELP, FILE_OPTIONS, runCommand, type CommandDependencies } from "./engine/command";
import { hasChanges } from "./engine/model";
import { planJson, planMarkdown, planText } from "./engine/render";

const HELP = `usage: bmshare plan -f FILE|FOLDER [-f ...] [options]

Shows what \`bmshare apply\` would change on the server, per mailshare and resource, field by field,
with unified diffs for signatures, auto-reply texts and filter sets. Reads only.
Exit code: 0 nothing to change, 2 changes to apply, 1 error.

  --json              machine-readable plan (schema: schemas/plan.schema.json, "version": 1)
  --markdown          Markdown for a pull-request comment
  --allow-delete      include the deletions \`apply --allow-delete\` would make (undeclared
                      mailshares bmshare created with deletionPolicy: delete)
${FILE_HELP}`;

const OPTIONS = {
  ...FILE_OPTIONS,
  json: { type: "boolean" },
  markdown: { type: "boolean" },
  "allow-delete": { type: "boolean" },
} as const;

export async function runPlanCommand(argv: string[], deps: CommandDependencies = {}): Promise<number> {
  return runCommand("plan", HELP, argv, OPTIONS, deps, async (ctx) => {
    if (ctx.values.json && ctx.values.markdown) throw new UsageError("give --json or --markdown, not both");
    const plan = await ctx.plan({ allowDelete: ctx.values["allow-delete"] === true, onUnreadable: "fail" });
    ctx.out(ctx.values.json ? planJson(plan) : ctx.values.markdown ? planMarkdown(plan) : planText(plan));
    return hasChanges(plan.summary) ? 2 : 0;
  });
}
