// `report access --diff BEFORE.json`: who gained and who lost access between an earlier access
// report (its JSON, version 1) and now, for auditors; and, with `--plan FILE` (plan.ts), between now
// and once a saved plan is applied. Subjects are matched by kind and name (a user's address, a
// group's name), as a person reads them; a right's level is the cell's level.
import * as fs from "node:fs";
import { ACCESS_REPORT_VERSION, type AccessReport, type Cell } from "./access";
import { cellText } from "./text";
import type { RefusedChange } from "./plan";

export interface AccessChange {
  subject: string;
  kind: "user" | "group" | "other";
  mailshare: string;
  change: "gained" | "lost" | "changed";
  /** `none` when the subject had (or has) no access. */
  before: string;
  after: string;
}

export interface AccessDiff {
  version: 1;
  domain: string;
  groupsExpanded: boolean;
  /** `--diff`: the earlier report (`file`); `--plan`: the access as the server is now. */
  before: { generatedAt: string; file?: string };
  /** `--diff`: the access now; `--plan`: the access once the saved plan `plan` is applied. */
  after: { generatedAt: string; plan?: string };
  changes: AccessChange[];
  /** `--plan` only: the plan's changes apply would refuse (changed on the server since), not counted. */
  refused?: RefusedChange[];
}

/** The report saved in `file`, or an Error saying why it is not one this bmshare can compare. */
export function readAccessReport(file: string): AccessReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${file}: ${code ? `cannot read it (${code})` : "not JSON"}: give the output of bmshare report access --format json`);
  }
  const r = parsed as Partial<AccessReport> | null;
  if (!r || typeof r !== "object" || !Array.isArray(r.subjects) || !Array.isArray(r.mailshares) || typeof r.domain !== "string") {
    throw new Error(`${file}: not an access report: give the output of bmshare report access --format json`);
  }
  if (r.version !== ACCESS_REPORT_VERSION) throw new Error(`${file}: access report version ${JSON.stringify(r.version)}, this bmshare compares version ${ACCESS_REPORT_VERSION}`);
  return r as AccessReport;
}

/** Level and origin of a cell as the report shows it (`write via support-team`); `none` without one. */
const shown = (cell: Cell | undefined) => (cell ? cellText(cell) : "none");

/**
 * What changed from `before` to `after`, by subject, then mailshare: on the mailshares named in
 * `scope` (`--mailshare`), else on every mailshare of either report, so that access to a mailshare
 * deleted since is lost access too.
 */
export function diffAccess(before: AccessReport, after: AccessReport, file: string, scope: readonly string[] = []): AccessDiff {
  if (before.domain !== after.domain) throw new Error(`${file} is a report of ${before.domain}, not ${after.domain}: give --domain ${before.domain}`);
  if (before.groupsExpanded !== after.groupsExpanded) {
    throw new Error(`${file} was made ${before.groupsExpanded ? "with" : "without"} --expand-groups: compare it with a report made the same way`);
  }
  const covered = new Set(scope.length > 0 ? scope : [...before.mailshares, ...after.mailshares].map((m) => m.name));
  const key = (s: { kind: string; name: string }) => `${s.kind}\n${s.name}`;
  const cells = (r: AccessReport) => new Map(r.subjects.map((s) => [key(s), s]));
  const [was, now] = [cells(before), cells(after)];
  const changes: AccessChange[] = [];
  for (const k of [...new Set([...was.keys(), ...now.keys()])]) {
    const [b, a] = [was.get(k), now.get(k)];
    const subject = (a ?? b)!;
    for (const mailshare of [...new Set([...Object.keys(b?.access ?? {}), ...Object.keys(a?.access ?? {})])].sort()) {
      if (!covered.has(mailshare)) continue;
      const [from, to] = [b?.access[mailshare], a?.access[mailshare]];
      if (from?.level === to?.level) continue;
      changes.push({
        subject: subject.name, kind: subject.kind, mailshare, change: !from ? "gained" : !to ? "lost" : "changed", before: shown(from), after: shown(to),
      });
    }
  }
  changes.sort((x, y) => x.subject.localeCompare(y.subject) || x.mailshare.localeCompare(y.mailshare));
  return {
    version: 1, domain: after.domain, groupsExpanded: after.groupsExpanded,
    before: { generatedAt: before.generatedAt, file }, after: { generatedAt: after.generatedAt }, changes,
  };
}

const line = (c: AccessChange) => `${c.subject}${c.kind === "user" ? "" : ` (${c.kind})`} on ${c.mailshare}: ${c.change === "gained" ? c.after : c.change === "lost" ? c.before : `${c.before} → ${c.after}`}`;

function counts(d: AccessDiff): string {
  const n = (change: AccessChange["change"]) => d.changes.filter((c) => c.change === change).length;
  return `${n("gained")} gained, ${n("lost")} lost, ${n("changed")} changed`;
}

const SECTIONS: [AccessChange["change"], string][] = [["gained", "Gained access"], ["lost", "Lost access"], ["changed", "Level changed"]];

/** What is compared: since an earlier report, or if a saved plan is applied; `code` formats a file name. */
const scopeOf = (d: AccessDiff, code: (file: string) => string) => (d.after.plan !== undefined
  ? `if ${code(d.after.plan)} is applied (the server as read at ${d.after.generatedAt})`
  : `since ${code(d.before.file ?? "")} (${d.before.generatedAt})`);

const REFUSED = "Not counted: apply would refuse these changes of the plan (changed on the server since it was made)";

export function diffText(d: AccessDiff): string {
  let out = `Access changes to the mailshares of ${d.domain} ${scopeOf(d, (f) => f)}\n`;
  for (const [change, title] of SECTIONS) {
    const of = d.changes.filter((c) => c.change === change);
    if (of.length > 0) out += `\n${title}:\n${of.map((c) => `  ${line(c)}\n`).join("")}`;
  }
  if (d.refused && d.refused.length > 0) out += `\n${REFUSED}:\n${d.refused.map((r) => `  ${r.resource}: ${r.detail}\n`).join("")}`;
  return `${out}\n${d.changes.length === 0 ? "No change" : counts(d)}.\n`;
}

export function diffMarkdown(d: AccessDiff): string {
  const scope = scopeOf(d, (f) => `\`${f}\``);
  let out = `### Access changes to the mailshares of ${d.domain}\n\n${scope[0].toUpperCase()}${scope.slice(1)}: **${d.changes.length === 0 ? "no change" : counts(d)}**.\n`;
  if (d.changes.length > 0) {
    out += "\n| subject | mailshare | change | before | after |\n|---|---|---|---|---|\n";
    for (const c of d.changes) out += `| ${c.subject}${c.kind === "user" ? "" : ` (${c.kind})`} | ${c.mailshare} | ${c.change} | ${c.before} | ${c.after} |\n`;
  }
  if (d.refused && d.refused.length > 0) out += `\n${REFUSED}:\n\n${d.refused.map((r) => `- \`${r.resource}\`: ${r.detail}\n`).join("")}`;
  return out;
}
