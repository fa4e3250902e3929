// A plan as a person reads it (text), as a pull-request comment (Markdown) and as the versioned JSON
// of schemas/plan.schema.json; and the account of an apply. Output is deterministic: plan order
// (domain, mailshare, declaration order), no timestamps, no secrets (inputs hold none: the API key
// never reaches them).
import type { Change } from "../../providers/diff";
import { formatChange, formatValue, indent, mdCode, mdFence, mdText, plural } from "./format";
import { hasChanges, summaryLine, type Action, type MailsharePlan, type Plan, type ResourcePlan } from "./model";
import type { ApplyOutcome, OperationResult } from "./apply";

/** Version of the JSON documents (plan and drift); bumped on any incompatible change. */
export const JSON_VERSION = 1;

const ACTION_MARK: Record<Action, string> = { create: "+", update: "~", delete: "-", unchanged: "=" };

function location(m: MailsharePlan): string {
  return m.declaredAt ? `${m.declaredAt.file}:${m.declaredAt.line}:${m.declaredAt.column}` : "not declared";
}

function mailshareHeadline(m: MailsharePlan): string {
  const changed = m.resources.filter((r) => r.action !== "unchanged").length;
  const detail = m.action === "unchanged"
    ? `unchanged (${plural(m.resources.length, "resource")})`
    : m.action === "update" ? `update (${changed} of ${plural(m.resources.length, "resource")})` : m.action;
  const adopted = m.adopted ? ", adopted" : "";
  return `${ACTION_MARK[m.action]} ${m.domain}/${m.name}  ${detail}${adopted}  [${location(m)}]`;
}

function resourceText(r: ResourcePlan): string {
  let out = `    ${ACTION_MARK[r.action]} ${r.kind} ${r.name}: ${r.reason}\n`;
  for (const c of r.changes) out += `        ${formatChange(c, r.diffs)}\n`;
  for (const d of r.diffs) out += indent(d.patch, "        ");
  return out;
}

/** The plan as text: changed mailshares in detail, unchanged ones on one line, then what is left alone. */
export function planText(plan: Plan): string {
  let out = "";
  for (const m of plan.mailshares) {
    out += `${mailshareHeadline(m)}\n`;
    for (const r of m.resources) if (r.action !== "unchanged") out += resourceText(r);
  }
  out += unmanagedText(plan);
  out += `\nPlan: ${summaryLine(plan.summary)}.\n`;
  return out;
}

export function unmanagedText(plan: Plan): string {
  const { mailshares, identities } = plan.unmanaged;
  if (mailshares.length + identities.length === 0) return "";
  let out = "\nUnmanaged (left alone):\n";
  for (const u of mailshares) out += `  ${u.domain}/${u.name}${u.hidden ? " (hidden)" : ""}: ${u.note}\n`;
  for (const u of identities) out += `  ${u.domain}/${u.mailshare} identity ${JSON.stringify(u.name)} <${u.email}> (id ${u.id}): ${u.note}\n`;
  return out;
}

function changeMarkdown(c: Change, r: ResourcePlan): string {
  const value = (v: unknown) => mdCode(formatValue(v, c.path, r.diffs));
  if (c.kind === "update" && formatChange(c, r.diffs).endsWith(": changed (see the diff)")) return `  - ${mdCode(c.path)}: changed (see the diff)`;
  if (c.kind === "add") return `  - ${mdCode(c.path)}: ${value(c.new)} (added)`;
  if (c.kind === "delete") return `  - ${mdCode(c.path)}: ${value(c.old)} (removed)`;
  return `  - ${mdCode(c.path)}: ${value(c.old)} → ${value(c.new)}`;
}

/** The plan as a pull-request comment: a summary table, then each change with its diffs. */
export function planMarkdown(plan: Plan): string {
  const s = plan.summary;
  let out = `### bmshare plan\n\n**${summaryLine(s)}**${hasChanges(s) ? "" : " — nothing to change"}\n\n`;
  out += `Files: ${plan.files.map(mdCode).join(", ")}\n\n`;
  if (plan.mailshares.length > 0) {
    out += "| | mailshare | action | resources changed |\n|---|---|---|---|\n";
    for (const m of plan.mailshares) {
      const changed = m.resources.filter((r) => r.action !== "unchanged");
      const kinds = changed.map((r) => `${r.kind} ${r.action}`).join(", ");
      out += `| ${ACTION_MARK[m.action]} | ${mdCode(`${m.domain}/${m.name}`)} | ${m.action}${m.adopted ? " (adopted)" : ""} | ${mdText(kinds)} |\n`;
    }
  }
  for (const m of plan.mailshares.filter((x) => x.action !== "unchanged")) {
    out += `\n#### ${ACTION_MARK[m.action]} ${mdCode(`${m.domain}/${m.name}`)}: ${m.action}\n\n`;
    out += m.declaredAt ? `Declared at ${mdCode(location(m))}.\n\n` : "Not declared in the files.\n\n";
    for (const r of m.resources.filter((x) => x.action !== "unchanged")) {
      out += `- **${r.kind}** ${mdCode(r.name)} — ${r.action}: ${mdText(r.reason)}\n`;
      for (const c of r.changes) out += `${changeMarkdown(c, r)}\n`;
      for (const d of r.diffs) out += `\n  ${mdCode(d.path)}:\n\n${indent(mdFence(d.patch, "diff"), "  ")}\n`;
    }
  }
  const { mailshares, identities } = plan.unmanaged;
  if (mailshares.length + identities.length > 0) {
    out += "\n#### Unmanaged (left alone)\n\n";
    for (const u of mailshares) out += `- ${mdCode(`${u.domain}/${u.name}`)}${u.hidden ? " (hidden)" : ""}: ${mdText(u.note)}\n`;
    for (const u of identities) out += `- ${mdCode(`${u.domain}/${u.mailshare}`)} identity ${mdCode(u.name)} ${mdCode(u.email)}: ${mdText(u.note)}\n`;
  }
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
export function resultLine(r: OperationResult): string {
  const what = `${r.resource.kind} ${r.resource.name}`;
  if (r.status === "applied") return `${STATUS_WORD.applied.padEnd(13)} ${what}: ${r.message ?? VERB[r.resource.action]}`;
  return `${STATUS_WORD[r.status].padEnd(13)} ${what} (${r.resource.action}): ${r.message ?? ""}`;
}

/** The account after an apply: counts, and on failure or interruption exactly what was and was not done. */
export function applyAccount(outcome: ApplyOutcome): string {
  const by = (status: OperationResult["status"]) => outcome.results.filter((r) => r.status === status);
  const applied = by("applied");
  const refused = by("refused");
  const failed = by("failed");
  const skipped = by("not-attempted");
  const counts = `${applied.length} applied, ${refused.length > 0 ? `${refused.length} refused, ` : ""}${failed.length} failed, ${skipped.length} not attempted`;
  if (refused.length + failed.length + skipped.length === 0) return `\nApply complete: ${counts}.\n`;
  let out = `\nApply ${outcome.interrupted ? "interrupted" : "incomplete"}: ${counts}.\n`;
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
