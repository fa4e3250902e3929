// A plan as a person reads it (text), as a pull-request comment (Markdown) and as the versioned JSON
// of schemas/plan.schema.json; and the account of an apply. Output is deterministic: plan order
// (domain, mailshare, declaration order), no timestamps, no secrets (inputs hold none: the API key
// never reaches them).
import type { Change } from "../../providers/diff";
import { displayPath, formatChange, indent, plainContext, plural, shownInline, type RenderContext } from "./format";
import { coveredByDiff } from "./texts";
import { PLAIN, styledPatch, type Style } from "../style";
import { hasChanges, summaryLine, type Action, type MailsharePlan, type Plan, type ResourcePlan, type TextDiff } from "./model";
import type { ApplyOutcome, OperationResult } from "./apply";
import { policyFiles, violationCounts, violationLine } from "../policy";
import type { Impact, OutsideMail } from "./impact";
import {
  accessLine, deletionEntry, deletionsHeadline, hasImpact, impactSummary, mailText, outsideEntry, outsideHeadline, outsideMeans, readableSize,
} from "./impact-summary";
import { isMandatory } from "../../policy/evaluate";

/** Version of the JSON documents (plan and drift); bumped on any incompatible change. */
export const JSON_VERSION = 1;

export const ACTION_MARK: Record<Action, string> = { create: "+", update: "~", delete: "-", unchanged: "=" };

export function location(m: MailsharePlan, cwd: string): string {
  return m.declaredAt ? `${displayPath(m.declaredAt.file, cwd)}:${m.declaredAt.line}:${m.declaredAt.column}` : "not declared";
}

/** Colour of an action: added, removed, changed, or nothing to see. */
function actionStyle(action: Action, style: Style): (text: string) => string {
  return { create: style.added, delete: style.removed, update: style.changed, unchanged: style.dim }[action];
}

export function mailshareDetail(m: MailsharePlan): string {
  const changed = m.resources.filter((r) => r.action !== "unchanged").length;
  const detail = m.action === "unchanged"
    ? `unchanged (${plural(m.resources.length, "resource")})`
    : m.action === "update" ? `update (${changed} of ${plural(m.resources.length, "resource")})` : m.action;
  return `${detail}${m.adopted ? ", adopted" : ""}`;
}

function mailshareHeadline(m: MailsharePlan, ctx: RenderContext): string {
  const paint = actionStyle(m.action, ctx.style);
  const head = `${ACTION_MARK[m.action]} ${m.domain}/${m.name}`;
  return `${paint(m.action === "unchanged" ? head : ctx.style.bold(head))}  ${paint(mailshareDetail(m))}  ${ctx.style.dim(`[${location(m, ctx.cwd)}]`)}`;
}

/** One line of a mailshare's plan: a resource, or several with nothing to show (`kinds`). */
export interface ResourceEntry {
  first: ResourcePlan;
  kinds: string[];
}

/** A resource with no field to show (a new mailshare's empty parts): these share one line per reason. */
const bare = (r: ResourcePlan) => r.changes.length === 0 && r.diffs.length === 0;

/**
 * A mailshare's changed resources, each with its field changes and diffs, in plan order; resources
 * with nothing to show that share an action and a reason are one entry (`kinds` lists them).
 */
export function resourceEntries(m: MailsharePlan): ResourceEntry[] {
  const entries: ResourceEntry[] = [];
  const grouped = new Map<string, ResourceEntry>();
  for (const r of m.resources) {
    if (r.action === "unchanged") continue;
    if (!bare(r)) {
      entries.push({ first: r, kinds: [r.kind] });
      continue;
    }
    const key = `${r.action}\n${r.reason}`;
    const entry = grouped.get(key);
    if (entry) entry.kinds.push(r.kind);
    else {
      const created = { first: r, kinds: [r.kind] };
      grouped.set(key, created);
      entries.push(created);
    }
  }
  return entries;
}

/**
 * The diffs worth showing: a text set or removed whole whose change line already shows it (a
 * one-line signature) is not repeated as a diff from nothing; an edit keeps its diff, for context.
 */
export function shownDiffs(r: ResourcePlan, cwd: string): TextDiff[] {
  return r.diffs.filter((d) => !r.changes.every((c) => !coveredByDiff(c.path, [d]) || (c.kind !== "update" && shownInline(c, r.diffs, cwd))));
}

function resourceText(entry: ResourceEntry, ctx: RenderContext): string {
  const r = entry.first;
  const paint = actionStyle(r.action, ctx.style);
  const what = entry.kinds.length > 1 ? entry.kinds.join(", ") : `${r.kind} ${r.name}`;
  let out = `    ${paint(`${ACTION_MARK[r.action]} ${what}`)}: ${r.reason}\n`;
  for (const c of r.changes) out += `        ${formatChange(c, r.diffs, ctx)}\n`;
  for (const d of shownDiffs(r, ctx.cwd)) out += indent(styledPatch(d.patch, ctx.style), "        ");
  return out;
}

/** People lines shown in text and Markdown (the JSON plan lists them all). */
const MAX_PEOPLE_SHOWN = 20;

const via = (v: string) => (v === "direct" ? "direct" : `via ${v}`);

/** A plan's impact in sentences: group reach, each person's level, mail leaving, what a deletion takes. */
export function impactLines(impact: Impact): string[] {
  const lines: string[] = [];
  for (const g of impact.groups) {
    const who = `${plural(g.members, "member")} of ${g.group}`;
    const [gain, lose] = g.members === 1 ? ["gains", "loses"] : ["gain", "lose"];
    lines.push(g.before === "none" ? `${who} ${gain} ${g.after}` : g.after === "none" ? `${who} ${lose} ${g.before}` : `${who}: ${g.before} → ${g.after}`);
  }
  for (const p of impact.people.slice(0, MAX_PEOPLE_SHOWN)) lines.push(`${p.user}: ${p.before} → ${p.after} (${via(p.via)})`);
  if (impact.people.length > MAX_PEOPLE_SHOWN) lines.push(`… and ${`${impact.people.length - MAX_PEOPLE_SHOWN} more`} (plan --json lists everyone)`);
  lines.push(...impact.outside.map(outsideLine));
  const loss = impact.loss;
  if (loss) {
    const quota = loss.quotaKiB ? ` of a ${readableSize(loss.quotaKiB)} quota` : "";
    const parts = [`${mailText(loss.usedKiB, loss.messages)}${quota}`, `${loss.identities} ${loss.identities === 1 ? "identity" : "identities"}`, plural(loss.filters, "filter rule")];
    if (loss.forwarding.length > 0) parts.push(`the mailbox's forwarding to ${loss.forwarding.join(", ")}`);
    for (const r of loss.ruleForwards) parts.push(`filter rule ${JSON.stringify(r.rule)} ${r.keepCopy ? "forwarding" : "redirecting"} to ${r.to.join(", ")}`);
    lines.push(`deleting it loses ${parts.join(", ")}`);
    if (loss.messagesNote) lines.push(`message count not shown: ${loss.messagesNote}`);
  }
  return lines;
}

/** One outside destination of a mailshare's impact, new or already there. */
function outsideLine(mail: OutsideMail): string {
  if (mail.kind === "auto-reply") {
    return mail.starts === "now" ? "the auto-reply starts answering every sender, outside the organisation too" : "the auto-reply goes on answering every sender, outside the organisation too";
  }
  return mail.starts === "now"
    ? `starts sending mail outside the organisation to ${mail.address} (${outsideMeans(mail)})`
    : `still sends mail outside the organisation to ${mail.address} (${outsideMeans(mail)}), as before`;
}

/** Entries listed per part of the plan-wide summary in text (the mailshares above have them all). */
const SUMMARY_SHOWN = 20;

/** The plan-wide impact (impact-summary.ts), in text: what a reviewer must not miss, before the totals. */
export function impactSummaryText(plan: Plan, ctx: RenderContext = plainContext()): string {
  const s = impactSummary(plan);
  if (!hasImpact(s)) return "";
  const list = (items: string[]) => [...items.slice(0, SUMMARY_SHOWN), ...(items.length > SUMMARY_SHOWN ? [`… and ${items.length - SUMMARY_SHOWN} more`] : [])]
    .map((l) => `    ${l}\n`).join("");
  let out = `\n${ctx.style.bold("Impact")}:\n`;
  if (s.deletions.length > 0) {
    out += `  ${ctx.style.removed(`mail lost: ${deletionsHeadline(s.deletions)}`)}\n`;
    out += list(s.deletions.map((d) => deletionEntry(d)));
  }
  if (s.outside.length > 0) {
    out += `  ${ctx.style.changed(`mail starting to leave the organisation: ${outsideHeadline(s.outside)}`)}\n`;
    out += list(s.outside.map((o) => outsideEntry(o)));
  }
  if (s.access.mailshares > 0) out += `  access: ${accessLine(s.access)}\n`;
  return out;
}

/** The plan as text: changed mailshares in detail, unchanged ones on one line, then what is left alone. */
export function planText(plan: Plan, ctx: RenderContext = plainContext()): string {
  let out = violationsText(plan, ctx);
  for (const m of plan.mailshares) {
    out += `${mailshareHeadline(m, ctx)}\n`;
    for (const entry of resourceEntries(m)) out += resourceText(entry, ctx);
    if (m.impact) out += `    ${ctx.style.bold("impact")}:\n${impactLines(m.impact).map((l) => `        ${l}\n`).join("")}`;
  }
  out += unmanagedText(plan, ctx);
  out += impactSummaryText(plan, ctx);
  out += `\nPlan: ${summaryLine(plan.summary)}.\n`;
  return out;
}

/**
 * The policy files the plan was checked against and their violations, first: a mandatory one means
 * apply refuses the plan. With several files, each violation names its own.
 */
export function violationsText(plan: Plan, ctx: RenderContext = plainContext()): string {
  if (plan.policies.length === 0) return "";
  const found = plan.violations.length > 0 ? violationCounts(plan.violations) : "no violations";
  let out = `${ctx.style.bold(`Policy (${policyFiles(plan.policies, ctx.cwd)}): ${found}`)}${isMandatory(plan.violations) ? ctx.style.error(" (apply refuses this plan)") : ""}\n`;
  for (const v of plan.violations) out += `  ${violationLine(v, ctx.style, ctx.cwd, plan.policies.length > 1)}\n`;
  return `${out}\n`;
}

export function unmanagedText(plan: Plan, ctx: RenderContext = plainContext()): string {
  const { mailshares, identities } = plan.unmanaged;
  if (mailshares.length + identities.length === 0) return "";
  let out = "\nUnmanaged (left alone):\n";
  for (const u of mailshares) out += `  ${u.domain}/${u.name}${u.hidden ? " (hidden)" : ""}: ${ctx.style.dim(u.note)}\n`;
  for (const u of identities) out += `  ${u.domain}/${u.mailshare} identity ${JSON.stringify(u.name)} <${u.email}> (id ${u.id}): ${ctx.style.dim(u.note)}\n`;
  return out;
}

/** The plan as JSON (schemas/plan.schema.json): everything but the providers' raw inputs. */
export function planJson(plan: Plan): string {
  const doc = {
    version: JSON_VERSION,
    command: "plan",
    files: plan.files,
    summary: plan.summary,
    changes: hasChanges(plan.summary),
    policies: plan.policies,
    violations: plan.violations,
    mailshares: plan.mailshares.map((m) => ({
      domain: m.domain,
      name: m.name,
      uid: m.uid,
      declaredAt: m.declaredAt ? { file: m.declaredAt.file, line: m.declaredAt.line, column: m.declaredAt.column } : null,
      adopted: m.adopted,
      action: m.action,
      resources: m.resources.map((r) => ({
        kind: r.kind, name: r.name, id: r.id, action: r.action, reason: r.reason,
        changes: r.changes.map(jsonChange), diffs: r.diffs,
      })),
      ...(m.impact ? { impact: m.impact } : {}),
    })),
    unmanaged: plan.unmanaged,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function jsonChange(c: Change): Record<string, unknown> {
  const out: Record<string, unknown> = { path: c.path, kind: c.kind };
  if (c.kind !== "add") out.old = c.old ?? null;
  if (c.kind !== "delete") out.new = c.new ?? null;
  return out;
}

const STATUS_WORD: Record<OperationResult["status"], string> = {
  applied: "applied", refused: "REFUSED", failed: "FAILED", "not-attempted": "not attempted",
};

const VERB: Record<Action, string> = { create: "created", update: "updated", delete: "deleted", unchanged: "unchanged" };

/** One line per finished operation (what CI logs show, and what the TTY display scrolls). */
export function resultLine(r: OperationResult, style: Style = PLAIN): string {
  const what = `${r.resource.kind} ${r.resource.name}`;
  if (r.status === "applied") return `${style.added(STATUS_WORD.applied.padEnd(13))} ${what}: ${r.message ?? VERB[r.resource.action]}`;
  const word = STATUS_WORD[r.status].padEnd(13);
  return `${r.status === "not-attempted" ? style.dim(word) : style.error(word)} ${what} (${r.resource.action}): ${r.message ?? ""}`;
}

/** The account after an apply: counts, and on failure or interruption exactly what was and was not done. */
export function applyAccount(outcome: ApplyOutcome, style: Style = PLAIN): string {
  const by = (status: OperationResult["status"]) => outcome.results.filter((r) => r.status === status);
  const applied = by("applied");
  const refused = by("refused");
  const failed = by("failed");
  const skipped = by("not-attempted");
  const counts = `${applied.length} applied, ${refused.length > 0 ? `${refused.length} refused, ` : ""}${failed.length} failed, ${skipped.length} not attempted`;
  if (refused.length + failed.length + skipped.length === 0) return `\n${style.added(`Apply complete: ${counts}.`)}\n`;
  let out = `\n${style.error(`Apply ${outcome.interrupted ? "interrupted" : "incomplete"}: ${counts}.`)}\n`;
  const section = (title: string, rs: OperationResult[]) => {
    if (rs.length === 0) return;
    out += `${title}:\n`;
    for (const r of rs) out += `  ${r.resource.kind} ${r.resource.name} (${r.resource.action})${r.message ? `: ${r.message}` : ""}\n`;
  };
  section("Applied", applied);
  section("Refused (changed on the server since the plan)", refused);
  section("Failed", failed);
  section("Not attempted", skipped);
  out += refused.length > 0
    ? "Changes made on the server since the plan were kept: run `bmshare plan` to see them, then apply again.\n"
    : "Every change is idempotent: run `bmshare apply` again to converge from here.\n";
  return out;
}
