// Drift: the differences between the server and the files, classified (docs/architecture.md, rule 5: never
// guessed) — changed (a declared resource differs), missing (a declared resource is absent),
// unmanaged (on the server, not in the files: undeclared mailshares, undeclared identities), and
// unreadable (a read failed: whether it drifted is unknown, and it is never reported as absent).
import type { Change } from "../../providers/diff";
import type { ResourceKind } from "../../providers/kinds";
import { formatChange, indent, plainContext, plural, type RenderContext } from "./format";
import { styledPatch, type Style } from "../style";
import type { Plan, TextDiff } from "./model";
import { JSON_VERSION, jsonChange } from "./render";

export const DRIFT_CLASSES = ["changed", "missing", "unmanaged", "unreadable"] as const;
export type DriftClass = (typeof DRIFT_CLASSES)[number];

export interface DriftItem {
  class: DriftClass;
  domain: string;
  /** The mailshare concerned; null for a domain-wide read. */
  mailshare: string | null;
  kind: ResourceKind | null;
  /** The resource (`acme.test/support/acl`), or what could not be read. */
  name: string;
  id: string | null;
  /** Why it is in this class: the plan's reason, the unmanaged note, or the read error. */
  detail: string;
  changes: Change[];
  diffs: TextDiff[];
}

export interface DriftReport {
  files: string[];
  items: DriftItem[];
  summary: Record<DriftClass, number>;
  /** Resources found as declared. */
  inSync: number;
}

export function driftOf(plan: Plan): DriftReport {
  const items: DriftItem[] = [];
  for (const m of plan.mailshares) {
    for (const r of m.resources) {
      const base = { domain: m.domain, mailshare: m.name, kind: r.kind, name: r.name, id: r.id, detail: r.reason };
      if (r.action === "update") items.push({ ...base, class: "changed", changes: r.changes, diffs: r.diffs });
      else if (r.action === "create") items.push({ ...base, class: "missing", changes: [], diffs: [] });
      else if (r.action === "delete") {
        items.push({ ...base, class: "unmanaged", detail: `${r.reason}: apply deletes it`, changes: [], diffs: [] });
      }
    }
  }
  for (const u of plan.unmanaged.mailshares) {
    items.push({
      class: "unmanaged", domain: u.domain, mailshare: u.name, kind: "Mailshare", name: `${u.domain}/${u.name}`, id: u.uid,
      detail: u.note, changes: [], diffs: [],
    });
  }
  for (const u of plan.unmanaged.identities) {
    items.push({
      class: "unmanaged", domain: u.domain, mailshare: u.mailshare, kind: "MailshareIdentity",
      name: `${u.domain}/${u.mailshare}/identity/${u.name}`, id: u.id, detail: `<${u.email}>: ${u.note}`, changes: [], diffs: [],
    });
  }
  for (const u of plan.unreadable) {
    items.push({ class: "unreadable", domain: u.domain, mailshare: u.mailshare, kind: u.kind, name: u.name, id: null, detail: u.error, changes: [], diffs: [] });
  }
  const rank = (c: DriftClass) => DRIFT_CLASSES.indexOf(c);
  items.sort((a, b) => rank(a.class) - rank(b.class) || a.domain.localeCompare(b.domain) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const summary = Object.fromEntries(DRIFT_CLASSES.map((c) => [c, items.filter((i) => i.class === c).length])) as Record<DriftClass, number>;
  return { files: plan.files, items, summary, inSync: plan.summary.unchanged };
}

export const driftSummaryLine = (s: Record<DriftClass, number>) => DRIFT_CLASSES.map((c) => `${s[c]} ${c}`).join(", ");

/**
 * Exit code for CI gates: 1 when something could not be read (the answer is incomplete), 2 when
 * the server differs from what the files manage, 0 otherwise. Unmanaged objects are what `apply`
 * leaves alone, so a gate that failed on them could not be cleared by applying: they count only
 * with `failOnUnmanaged` (a team that declares its whole domain).
 */
export function driftExitCode(report: DriftReport, failOnUnmanaged: boolean): 0 | 1 | 2 {
  if (report.summary.unreadable > 0) return 1;
  return hasDrift(report, failOnUnmanaged) ? 2 : 0;
}

/** Whether what was read differs from the files: changed or missing items, unmanaged ones only with `failOnUnmanaged`. */
const hasDrift = (report: DriftReport, failOnUnmanaged: boolean): boolean =>
  report.summary.changed + report.summary.missing + (failOnUnmanaged ? report.summary.unmanaged : 0) > 0;

const CLASS_STYLE: Record<DriftClass, keyof Style> = { changed: "changed", missing: "removed", unmanaged: "dim", unreadable: "error" };

export function driftText(report: DriftReport, failOnUnmanaged: boolean, ctx: RenderContext = plainContext()): string {
  const paint = (c: DriftClass, text: string) => (ctx.style[CLASS_STYLE[c]] as (t: string) => string)(text);
  let out = "";
  // A mailshare missing as a whole is one line, not one per part.
  const wholeMissing = new Set(report.items.filter((i) => i.class === "missing" && i.kind === "Mailshare").map((i) => `${i.domain}\n${i.mailshare}`));
  for (const item of report.items) {
    const key = `${item.domain}\n${item.mailshare}`;
    if (item.class === "missing" && wholeMissing.has(key)) {
      if (item.kind !== "Mailshare") continue;
      const parts = report.items.filter((i) => i.class === "missing" && `${i.domain}\n${i.mailshare}` === key).length;
      out += `${paint("missing", "missing".padEnd(11))} ${item.name}: the whole mailshare (${plural(parts, "resource")}) is not on the server\n`;
      continue;
    }
    out += `${paint(item.class, item.class.padEnd(11))} ${item.name}${item.kind ? ` (${item.kind})` : ""}: ${item.detail}\n`;
    for (const c of item.changes) out += `              ${formatChange(c, item.diffs, ctx)}\n`;
    for (const d of item.diffs) out += indent(styledPatch(d.patch, ctx.style), "              ");
  }
  const s = report.summary;
  if (report.items.length === 0) return `${out}No drift: the server matches the files (${plural(report.inSync, "resource")} checked).\n`;
  out += `\nDrift: ${driftSummaryLine(s)} (${report.inSync} in sync).\n`;
  if (s.unmanaged > 0 && !failOnUnmanaged) {
    out += s.changed + s.missing + s.unreadable === 0 ? "No drift in what the files manage. " : "";
    out += `Unmanaged objects are left alone by apply and not counted in the exit code (--fail-on-unmanaged counts them).\n`;
  }
  return out;
}

/**
 * The drift report as JSON (schemas/plan.schema.json, `command: "drift"`). `drift` counts what the
 * exit code counts: unmanaged objects only with `failOnUnmanaged`.
 */
export function driftJson(report: DriftReport, failOnUnmanaged: boolean): string {
  const doc = {
    version: JSON_VERSION,
    command: "drift",
    files: report.files,
    summary: { ...report.summary, inSync: report.inSync },
    drift: hasDrift(report, failOnUnmanaged),
    items: report.items.map((i) => ({ ...i, changes: i.changes.map(jsonChange) })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
