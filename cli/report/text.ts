// The access report as plain text (an aligned matrix for terminals and CI logs) and as Markdown
// (ready to paste into an issue or a pull request). Both are deterministic: no timestamp.
import { isStandardLevel, type AccessReport, type Cell, type SubjectRow } from "./access";

export interface CellParts {
  level: string;
  /** The groups the level comes from; null when it is granted directly. */
  via: string[] | null;
  /** Custom grants besides the level. */
  extra: string[];
}

export function cellParts(cell: Cell): CellParts {
  const effective = cell.grants.filter((g) => g.level === cell.level);
  const direct = effective.some((g) => g.via === "direct");
  const groups = [...new Set(effective.flatMap((g) => (g.via === "direct" ? [] : [g.via.group])))];
  const extra = [...new Set(cell.grants.filter((g) => !isStandardLevel(g.level) && g.level !== cell.level).map((g) => g.level))];
  return { level: cell.level, via: direct ? null : groups, extra };
}

/**
 * What a cell says: the level, where it comes from when not granted directly (`write via
 * support-team`), and any custom grant besides (`read + custom(Manage)`).
 */
export function cellText(cell: Cell | undefined): string {
  if (!cell) return "";
  const parts = cellParts(cell);
  return [parts.level, ...(parts.via ? [`via ${parts.via.join(", ")}`] : []), ...parts.extra.map((e) => `+ ${e}`)].join(" ");
}

export const subjectLabel = (s: SubjectRow) => (s.kind === "user" ? s.name : `${s.name} (${s.kind})`);

export function reportTitle(r: AccessReport): string {
  return `Access to the mailshares of ${r.domain}`;
}

/** The report's scope in one line; `server` formats the server's address (code span in Markdown). */
export function reportScope(r: AccessReport, server: (url: string) => string = (url) => url): string {
  const groups = r.groupsExpanded ? "groups expanded into their members" : "groups shown as groups (--expand-groups lists their members)";
  return `server ${server(r.server)}; ${r.mailshares.length} mailshare${r.mailshares.length === 1 ? "" : "s"}; ${groups}`;
}

const NOBODY = "No mailshare is shared with anyone.";

export function renderText(r: AccessReport): string {
  const lines = [reportTitle(r), reportScope(r), ""];
  if (r.subjects.length === 0) {
    lines.push(NOBODY);
  } else {
    const table = [
      ["", ...r.mailshares.map((m) => m.name)],
      ...r.subjects.map((s) => [subjectLabel(s), ...r.mailshares.map((m) => cellText(s.access[m.name]) || "-")]),
    ];
    const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
    for (const row of table) lines.push(row.map((cell, col) => cell.padEnd(widths[col])).join("  ").trimEnd());
  }
  lines.push("", "levels:");
  const width = Math.max(...r.levels.map((l) => l.level.length));
  for (const l of r.levels) lines.push(`  ${l.level.padEnd(width)}  ${l.meaning}`);
  return `${lines.join("\n")}\n`;
}

/** Markdown table cells: pipes escaped, line breaks flattened. */
const md = (text: string) => text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

export function renderMarkdown(r: AccessReport): string {
  const lines = [`## ${md(reportTitle(r))}`, "", reportScope(r, (url) => `\`${url}\``).replace(/\|/g, "\\|"), ""];
  if (r.subjects.length === 0) {
    lines.push(NOBODY);
  } else {
    lines.push(`| user or group | ${r.mailshares.map((m) => md(m.name)).join(" | ")} |`);
    lines.push(`|---|${r.mailshares.map(() => "---").join("|")}|`);
    for (const s of r.subjects) {
      const who = s.displayName && s.displayName !== s.name ? `${md(subjectLabel(s))} — ${md(s.displayName)}` : md(subjectLabel(s));
      lines.push(`| ${who} | ${r.mailshares.map((m) => md(cellText(s.access[m.name]))).join(" | ")} |`);
    }
  }
  lines.push("", "Levels:", "");
  for (const l of r.levels) lines.push(`- **${l.level}**: ${md(l.meaning)}`);
  return `${lines.join("\n")}\n`;
}
