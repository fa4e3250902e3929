// `bmshare plan -f FILE... [--json | --markdown] [--allow-delete]`: what `apply` would change, per
// mailshare and resource, field by field, with unified diffs for long texts. Read-only. Exit 0 when
// nothing would change, 2 when something would, 1 on any error (nothing is sent then either).
import { UsageError } from "./connection";
import { FILE_HELP, FILE_OPTIONS, runCommand, type CommandDependencies } from "./engine/command";
import { hasChanges } from "./engine/model";
import { planJson, planMarkdown, planText } from "./engine/render";
import { writeSavedPlan } from "./engine/saved-plan";

const HELP = `usage: bmshare plan -f FILE|FOLDER [-f ...] [options]

Shows what \`bmshare apply\` would change on the server, per mailshare and resource, field by field,
with unified diffs for signatures, auto-reply texts and filter sets. Reads only.
Exit code: 0 nothing to change, 2 changes to apply, 1 error.

  --json              machine-readable plan (schema: schemas/plan.schema.json, "version": 1)
  --markdown          Markdown for a pull-request comment
  --allow-delete      include the deletions \`apply --allow-delete\` would make (undeclared
                      mailshares of these files' owners that bmshare created with
                      deletionPolicy: delete)
  --out FILE          also save the plan to FILE, for \`bmshare apply --plan FILE\` (applies
                      exactly this plan, and refuses what changed on the server since)
${FILE_HELP}`;

const OPTIONS = {
  ...FILE_OPTIONS,
  json: { type: "boolean" },
  markdown: { type: "boolean" },
  "allow-delete": { type: "boolean" },
  out: { type: "string" },
} as const;

export async function runPlanCommand(argv: string[], deps: CommandDependencies = {}): Promise<number> {
  return runCommand("plan", HELP, argv, OPTIONS, deps, async (ctx) => {
    if (ctx.values.json && ctx.values.markdown) throw new UsageError("give --json or --markdown, not both");
    const allowDelete = ctx.values["allow-delete"] === true;
    const plan = await ctx.plan({ allowDelete, onUnreadable: "fail" });
    if (ctx.values.out !== undefined) {
      try {
        writeSavedPlan(ctx.values.out, plan, { url: ctx.connection.url, allowDelete });
      } catch (err) {
        throw new Error(`cannot save the plan to ${ctx.values.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    ctx.out(ctx.values.json ? planJson(plan) : ctx.values.markdown ? planMarkdown(plan) : planText(plan));
    if (ctx.values.out !== undefined) ctx.err(`note: plan saved to ${ctx.values.out}: apply it with bmshare apply --plan ${ctx.values.out}\n`);
    return hasChanges(plan.summary) ? 2 : 0;
  });
}
