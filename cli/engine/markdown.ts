// The plan as a pull-request comment. GitHub refuses a comment over 65,536 characters, and a plan of
// fifty new mailshares in full is twice that; so the comment is built to a budget:
//   1. the counts; the plan-wide impact (mail deletions lose, mail starting to leave the
//      organisation, access gained and lost in people), its lists cut to what fits; the policy's
//      violations (a mandatory one blocks the apply); and a table naming every mailshare that
//      changes (unchanged ones are counted);
//   2. per changed mailshare, its changes in a collapsed <details>, diffs in ```diff blocks, in plan
//      order for as long as they fit;
//   3. what is left alone;
//   4. when something did not fit, a note saying what was left out and where the whole plan is.
// Sizes are counted in UTF-8 bytes, which is never less than the characters GitHub counts.
import { displayPath, formatValue, mdCell, mdCode, mdFence, mdText, plural, shownInline, type RenderContext } from "./format";
import { hasChanges, summaryLine, type MailsharePlan, type Plan, type ResourcePlan } from "./model";
import { ACTION_MARK, impactLines, location, mailshareDetail, resourceEntries, shownDiffs, type ResourceEntry } from "./render";
import { coveredByDiff } from "./texts";
import { accessLine, deletionEntry, deletionsHeadline, hasImpact, impactSummary, outsideEntry, outsideHeadline, type EntryStyle } from "./impact-summary";
import { violationCounts } from "../policy";
import { isMandatory } from "../../policy/evaluate";
import type { Violation } from "../../policy/model";

/** GitHub's limit for a comment, less room for what a pipeline adds (a hidden marker, a heading). */
export const DEFAULT_MARKDOWN_LIMIT = 60_000;

export interface MarkdownOptions {
  /** Most bytes of the comment; 0 = no limit (the whole plan). */
  limit: number;
  /** Where the whole plan is, named in the truncation note (`--markdown-full FILE`). */
  fullPlan?: string;
}

const size = (text: string) => Buffer.byteLength(text, "utf8");

/**
 * A resource's field changes as the lines of a ```diff block, which GitHub and GitLab colour: an
 * added field `+`, a removed one `-`, a changed one its old value `-` then its new one `+`.
 */
function fieldDiff(r: ResourcePlan, cwd: string): string {
  const lines: string[] = [];
  for (const c of r.changes) {
    const line = (mark: string, v: unknown) => {
      const text = formatValue(v, c.path, r.diffs, cwd);
      lines.push(`${mark} ${c.path}${text === "" ? "" : `: ${text}`}`);
    };
    if (c.kind === "add") line("+", c.new);
    else if (c.kind === "delete") line("-", c.old);
    else if (!shownInline(c, r.diffs, cwd) && coveredByDiff(c.path, r.diffs)) lines.push(`~ ${c.path}: changed (see the diff below)`);
    else {
      line("-", c.old);
      line("+", c.new);
    }
  }
  return lines.length === 0 ? "" : mdFence(`${lines.join("\n")}\n`, "diff");
}

function entryMarkdown(entry: ResourceEntry, cwd: string): string {
  const r = entry.first;
  const what = entry.kinds.length > 1 ? entry.kinds.map((k) => `**${k}**`).join(", ") : `**${r.kind}** ${mdCode(r.name)}`;
  let out = `${what} — ${r.action}: ${mdText(r.reason)}\n\n`;
  const fields = fieldDiff(r, cwd);
  if (fields !== "") out += `${fields}\n`;
  for (const d of shownDiffs(r, cwd)) out += `${mdFence(d.patch, "diff")}\n`;
  return out;
}

/** One mailshare's changes, collapsed: the summary line says what it is, the body what changes. */
function mailshareSection(m: MailsharePlan, cwd: string): string {
  let out = `<details><summary><code>${ACTION_MARK[m.action]} ${escapeHtml(`${m.domain}/${m.name}`)}</code>: ${escapeHtml(mailshareDetail(m))}</summary>\n\n`;
  out += m.declaredAt ? `Declared at ${mdCode(location(m, cwd))}.\n\n` : "Not declared in the files.\n\n";
  for (const entry of resourceEntries(m)) out += entryMarkdown(entry, cwd);
  if (m.impact) out += `**Impact**\n\n${impactLines(m.impact).map((l) => `- ${mdText(l)}\n`).join("")}\n`;
  return `${out}\n</details>\n`;
}

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function whatChanges(m: MailsharePlan): string {
  const changed = m.resources.filter((r) => r.action !== "unchanged");
  if (m.action === "create" || m.action === "delete") return plural(changed.length, "resource");
  return changed.map((r) => r.kind === "MailshareIdentity" || r.kind === "MailshareMaintenance" ? `${r.kind} ${r.name.split("/").pop()}` : r.kind).join(", ");
}

function violationRow(v: Violation, cwd: string, named: boolean): string {
  const rule = named ? `${mdCode(v.rule)} (${mdCode(displayPath(v.policy, cwd))})` : mdCode(v.rule);
  return `| ${v.level} | ${mdCell(rule)} | ${mdCell(`${mdCode(`${displayPath(v.file, cwd)}:${v.line}`)} ${mdCode(v.path)}`)} | ${mdText(v.message)} |\n`;
}

function unmanagedLines(plan: Plan): string[] {
  const { mailshares, identities } = plan.unmanaged;
  return [
    ...mailshares.map((u) => `- ${mdCode(`${u.domain}/${u.name}`)}${u.hidden ? " (hidden)" : ""}: ${mdText(u.note)}\n`),
    ...identities.map((u) => `- ${mdCode(`${u.domain}/${u.mailshare}`)} identity ${mdCode(u.name)} ${mdCode(u.email)}: ${mdText(u.note)}\n`),
  ];
}

/** Entries listed per part of the impact summary, at most (fewer when the budget runs short). */
const SUMMARY_SHOWN = 10;

const MD_ENTRY: EntryStyle = { name: mdCode, words: mdText };

/**
 * The plan-wide impact above the table: each part's headline always, then its entries while they
 * fit (`fits`, `take`: the comment's budget), then how many more there are.
 */
function impactMarkdown(plan: Plan, fits: (text: string) => boolean, take: (text: string) => string): string {
  const s = impactSummary(plan);
  if (!hasImpact(s)) return "";
  let out = take("#### Impact\n\n");
  const part = (headline: string, items: string[]) => {
    out += take(`${headline}\n`);
    let shown = 0;
    for (const item of items) {
      const line = `  - ${item}\n`;
      if (shown === SUMMARY_SHOWN || !fits(line)) break;
      out += take(line);
      shown++;
    }
    if (shown < items.length) out += take(`  - … and ${items.length - shown} more (in each mailshare's details, and in \`plan --json\`)\n`);
  };
  if (s.deletions.length > 0) {
    part(`- **Mail lost**: ${mdText(deletionsHeadline(s.deletions))}`, s.deletions.map((d) => deletionEntry(d, MD_ENTRY)));
  }
  if (s.outside.length > 0) {
    part(`- **Mail starting to leave the organisation**: ${mdText(outsideHeadline(s.outside))}`, s.outside.map((o) => outsideEntry(o, MD_ENTRY)));
  }
  if (s.access.mailshares > 0) out += take(`- **Access**: ${mdText(accessLine(s.access))}\n`);
  return out + take("\n");
}

/** The plan as Markdown for a pull-request comment, within `options.limit` bytes (see the top of this file). */
export function planMarkdown(plan: Plan, ctx: RenderContext, options: MarkdownOptions): string {
  const limit = options.limit > 0 ? options.limit : Infinity;
  const s = plan.summary;
  const changed = plan.mailshares.filter((m) => m.action !== "unchanged");
  const unchanged = plan.mailshares.length - changed.length;

  let head = `### bmshare plan\n\n**${summaryLine(s)}**${hasChanges(s) ? "" : " — nothing to change"}\n\n`;
  head += `Files: ${plan.files.map((f) => mdCode(displayPath(f, ctx.cwd))).join(", ")}\n\n`;
  if (plan.policies.length > 0) head += `Policy: ${plan.policies.map((p) => mdCode(displayPath(p.file, ctx.cwd))).join(", ")}${plan.violations.length > 0 ? "" : " — no violations"}\n\n`;

  // What may be left out, and the note that then says so (sized for the worst case).
  const leftOut = { violations: 0, rows: 0, sections: [] as string[], unmanaged: 0 };
  const note = () => {
    const parts = [
      leftOut.violations > 0 ? `${plural(leftOut.violations, "policy violation")}` : "",
      leftOut.rows > 0 ? `${plural(leftOut.rows, "changed mailshare")} not listed in the table` : "",
      leftOut.sections.length > 0 ? `the details of ${plural(leftOut.sections.length, "mailshare")}` : "",
      leftOut.unmanaged > 0 ? `${plural(leftOut.unmanaged, "unmanaged object")}` : "",
    ].filter((p) => p !== "");
    if (parts.length === 0) return "";
    const where = options.fullPlan
      ? `The whole plan is in ${mdCode(options.fullPlan)} (kept with this pipeline's artifacts).`
      : "Run `bmshare plan --markdown --markdown-limit 0` for the whole plan, or save it with `--markdown-full FILE`.";
    return `\n> [!NOTE]\n> **This plan is too long for one comment**: left out are ${parts.join(", ")}. ${where}\n`;
  };
  const reserve = 1_000 + size(options.fullPlan ?? "");
  let used = size(head) + reserve;
  const fits = (text: string) => used + size(text) <= limit;
  const take = (text: string) => {
    used += size(text);
    return text;
  };

  const impact = impactMarkdown(plan, fits, take);

  let policy = "";
  if (plan.violations.length > 0) {
    const blocks = isMandatory(plan.violations)
      ? `> [!CAUTION]\n> **${violationCounts(plan.violations)}**: \`bmshare apply\` refuses this plan until the mandatory ones are fixed.\n\n`
      : `**${violationCounts(plan.violations)}** (advisory: they do not block the apply).\n\n`;
    policy += take(`#### Policy\n\n${blocks}| level | rule | where | what |\n|---|---|---|---|\n`);
    for (const v of plan.violations) {
      const row = violationRow(v, ctx.cwd, plan.policies.length > 1);
      if (leftOut.violations === 0 && fits(row)) policy += take(row);
      else leftOut.violations++;
    }
    policy += take("\n");
  }

  let table = "";
  if (changed.length > 0) {
    table += take("| | mailshare | action | what changes |\n|---|---|---|---|\n");
    for (const m of changed) {
      const row = `| ${ACTION_MARK[m.action]} | ${mdCell(mdCode(`${m.domain}/${m.name}`))} | ${m.action}${m.adopted ? " (adopted)" : ""} | ${mdText(whatChanges(m))} |\n`;
      if (leftOut.rows === 0 && fits(row)) table += take(row);
      else leftOut.rows++;
    }
    table += "\n";
  }
  if (unchanged > 0) table += take(`${plural(unchanged, "unchanged mailshare")} (${plural(s.unchanged, "resource")} in all that match the files) ${unchanged === 1 ? "is" : "are"} not listed.\n`);

  let details = "";
  if (changed.length > 0) details += take("\n#### Changes\n\n");
  for (const m of changed) {
    const section = mailshareSection(m, ctx.cwd);
    if (leftOut.sections.length === 0 && fits(section)) details += take(section);
    else leftOut.sections.push(`${m.domain}/${m.name}`);
  }

  let unmanaged = "";
  const lines = unmanagedLines(plan);
  if (lines.length > 0) unmanaged += take("\n#### Unmanaged (left alone)\n\n");
  for (const line of lines) {
    if (leftOut.unmanaged === 0 && fits(line)) unmanaged += take(line);
    else leftOut.unmanaged++;
  }
  return head + impact + policy + table + details + unmanaged + note();
}
