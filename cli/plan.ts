// `bmshare plan -f FILE... [--json | --markdown] [--allow-delete]`: what `apply` would change, per
// mailshare and resource, field by field, with unified diffs for long texts. Read-only. Exit 0 when
// nothing would change, 2 when something would, 1 on any error (nothing is sent then either).
import * as fs from "node:fs";
import { UsageError } from "./connection";
import { PLAIN } from "./style";
import { FILE_HELP, FILE_OPTIONS, runCommand, type CommandDependencies } from "./engine/command";
import { hasChanges } from "./engine/model";
import { planJson, planText } from "./engine/render";
import { DEFAULT_MARKDOWN_LIMIT, planMarkdown } from "./engine/markdown";
import { discardSavedPlan, writeSavedPlan } from "./engine/saved-plan";
import { POLICY_HELP, POLICY_OPTIONS, violationCounts } from "./policy";
import { isMandatory } from "../policy/evaluate";

const HELP = `usage: bmshare plan -f FILE|FOLDER [-f ...] [options]

Shows what \`bmshare apply\` would change on the server, per mailshare and resource, field by field,
with unified diffs for signatures, auto-reply texts and filter sets, and first the policy files
that apply (bmshare.policy.yaml at the root of the Git work tree and in the folders down to the
files) and what they find in the files. Each changed mailshare's impact follows its changes (who
gains or loses access, groups expanded; mail that starts leaving the organisation; what a deletion
loses), and the plan ends with a summary of it. Reads only.
Exit code: 0 nothing to change, 2 changes to apply, 1 error or a mandatory policy violation.

  --json              machine-readable plan (schema: schemas/plan.schema.json, "version": 1)
  --markdown          Markdown for a pull-request comment: the impact summary, a table of what
                      changes, the details of each mailshare collapsed, kept under GitHub's 65,536
                      characters (the note at the end says what did not fit)
  --markdown-limit N  at most N bytes of Markdown (default ${DEFAULT_MARKDOWN_LIMIT}; 0 = the whole plan)
  --markdown-full FILE  also write the whole plan as Markdown to FILE, and name FILE in the
                      comment's note (a pipeline keeps it as an artifact)
  --allow-delete      include the deletions \`apply --allow-delete\` would make (undeclared
                      mailshares of these files' owners that bmshare created with
                      deletionPolicy: delete)
  --out FILE          also save the plan to FILE, for \`bmshare apply --plan FILE\` (applies
                      exactly this plan, and refuses what changed on the server since, or a
                      policy file changed since); a plan with a mandatory violation is not
                      saved, and an earlier saved plan at FILE is removed first
${POLICY_HELP}
${FILE_HELP}`;

const OPTIONS = {
  ...FILE_OPTIONS,
  json: { type: "boolean" },
  markdown: { type: "boolean" },
  "markdown-limit": { type: "string" },
  "markdown-full": { type: "string" },
  "allow-delete": { type: "boolean" },
  out: { type: "string" },
  ...POLICY_OPTIONS,
} as const;

function markdownLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MARKDOWN_LIMIT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || (n > 0 && n < 4_000)) throw new UsageError(`--markdown-limit must be 0 (no limit) or a whole number of bytes from 4000, found "${value}"`);
  return n;
}

function writeOutput(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (err) {
    throw new Error(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export async function runPlanCommand(argv: string[], deps: CommandDependencies = {}): Promise<number> {
  return runCommand("plan", HELP, argv, OPTIONS, deps, async (ctx) => {
    if (ctx.values.json && ctx.values.markdown) throw new UsageError("give --json or --markdown, not both");
    const limit = markdownLimit(ctx.values["markdown-limit"]);
    const full: string | undefined = ctx.values["markdown-full"];
    if ((ctx.values["markdown-limit"] !== undefined || full !== undefined) && !ctx.values.markdown) {
      throw new UsageError("--markdown-limit and --markdown-full go with --markdown");
    }
    const allowDelete = ctx.values["allow-delete"] === true;
    // An earlier plan at --out goes first: a run that saves none (an error, a mandatory violation) leaves none behind.
    const discarded = ctx.values.out !== undefined && discardSavedPlan(ctx.values.out);
    const plan = await ctx.plan({ allowDelete, onUnreadable: "fail", policies: ctx.policies(), impact: true });
    const blocked = isMandatory(plan.violations);
    if (ctx.values.out !== undefined && !blocked) {
      try {
        writeSavedPlan(ctx.values.out, plan, { url: ctx.connection.url, allowDelete });
      } catch (err) {
        throw new Error(`cannot save the plan to ${ctx.values.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    if (ctx.values.json) ctx.out(planJson(plan));
    else if (ctx.values.markdown) {
      const markdown = { cwd: ctx.render.cwd, style: PLAIN };
      if (full !== undefined) writeOutput(full, planMarkdown(plan, markdown, { limit: 0 }));
      ctx.out(planMarkdown(plan, markdown, { limit, fullPlan: full }));
    } else ctx.out(planText(plan, ctx.render));
    if (blocked) {
      ctx.err(`${ctx.styles.err.error(`bmshare plan: ${violationCounts(plan.violations)}: apply refuses these files until the mandatory ones are fixed`)}\n`);
      if (ctx.values.out !== undefined) ctx.err(`note: the plan was not saved to ${ctx.values.out}${discarded ? " (the earlier plan there was removed)" : ""}\n`);
      return 1;
    }
    if (ctx.values.out !== undefined) ctx.err(`note: plan saved to ${ctx.values.out}: apply it with bmshare apply --plan ${ctx.values.out}\n`);
    return hasChanges(plan.summary) ? 2 : 0;
  });
}
