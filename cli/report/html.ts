// The access report as one self-contained HTML page: inline CSS only (no script, no external file,
// font or image), readable on screen and printable on A4 — table header repeated on every printed
// page, rows never split, wide matrices cut into parts of a few mailshares each (one part per page),
// colours that survive printing plus the level in words for black-and-white printers.
import { isStandardLevel, type AccessReport, type MailshareColumn, type SubjectRow } from "./access";
import type { AclLevel } from "../../providers/acl";
import { cellParts, reportTitle } from "./text";

/** Mailshare columns per table: what fits across a landscape A4 page next to the subject column. */
export const COLUMNS_PER_TABLE = 8;
/** Up to this many columns, the page prints in portrait. */
const PORTRAIT_COLUMNS = 4;

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** `2026-11-28 14:05 UTC`: readable, and unambiguous for an audit trail. */
const readableTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

const levelClass = (level: AclLevel) => (isStandardLevel(level) ? level : "custom");

function style(landscape: boolean): string {
  return `
  :root { --ink: #1f2933; --muted: #616e7c; --rule: #cbd2d9; --head: #f0f4f8;
          --read: #dbeafe; --write: #fde68a; --manage: #fecaca; --custom: #e9d5ff; }
  * { box-sizing: border-box; }
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
         color: var(--ink); margin: 2rem auto; max-width: 80rem; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
  h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
  .meta { color: var(--muted); margin: 0 0 1rem; }
  .meta code { font-size: .95em; }
  table.matrix { border-collapse: collapse; width: 100%; margin: 0 0 1rem; }
  .matrix th, .matrix td { border: 1px solid var(--rule); padding: .3rem .5rem; text-align: left; vertical-align: top; }
  .matrix thead th { background: var(--head); position: sticky; top: 0; }
  .matrix th small { display: block; font-weight: normal; color: var(--muted); font-size: .8em; overflow-wrap: anywhere; }
  .matrix th[scope=row] { font-weight: 600; min-width: 12rem; }
  .matrix td { white-space: nowrap; }
  .matrix td .via { display: block; font-size: .8em; white-space: normal; }
  .matrix td.none { color: var(--muted); text-align: center; }
  .read { background: var(--read); } .write { background: var(--write); }
  .manage { background: var(--manage); font-weight: 600; } .custom { background: var(--custom); }
  .legend dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
  .legend dt { padding: 0 .5rem; border: 1px solid var(--rule); }
  .legend dd { margin: 0; }
  footer { margin-top: 1.5rem; color: var(--muted); font-size: .85em; }
  @page { size: A4${landscape ? " landscape" : ""}; margin: 12mm 10mm 14mm; }
  @media print {
    body { margin: 0; max-width: none; padding: 0; font-size: 9pt; }
    * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    .matrix thead { display: table-header-group; }
    .matrix thead th { position: static; }
    .matrix tr { break-inside: avoid; page-break-inside: avoid; }
    h1, h2 { break-after: avoid; page-break-after: avoid; }
    section.part + section.part { break-before: page; page-break-before: always; }
    .legend, footer { break-inside: avoid; page-break-inside: avoid; }
  }`;
}

function columnHeader(m: MailshareColumn): string {
  const details = [m.displayName !== m.name ? m.displayName : null, m.email].filter((d): d is string => d !== null);
  return `<th scope="col" data-mailshare="${escapeHtml(m.name)}">${escapeHtml(m.name)}` +
    `${details.map((d) => `<small>${escapeHtml(d)}</small>`).join("")}</th>`;
}

function rowHeader(s: SubjectRow): string {
  const details = [s.displayName && s.displayName !== s.name ? s.displayName : null, s.kind === "user" ? null : s.kind]
    .filter((d): d is string => d !== null);
  return `<th scope="row">${escapeHtml(s.name)}` +
    `${details.map((d) => `<small>${escapeHtml(d)}</small>`).join("")}</th>`;
}

function cell(s: SubjectRow, m: MailshareColumn): string {
  const c = s.access[m.name];
  const where = `data-mailshare="${escapeHtml(m.name)}"`;
  if (!c) return `<td class="none" ${where} data-level=""><span aria-label="no access">·</span></td>`;
  const parts = cellParts(c);
  const title = c.grants.map((g) => `${g.level}: ${g.via === "direct" ? "direct" : `via group ${g.via.group}`}`).join("; ");
  const via = parts.via ? `<span class="via">via ${escapeHtml(parts.via.join(", "))}</span>` : "";
  const extra = parts.extra.map((e) => `<span class="via">+ ${escapeHtml(e)}</span>`).join("");
  return `<td class="${levelClass(c.level)}" ${where} data-level="${escapeHtml(c.level)}" title="${escapeHtml(title)}">` +
    `${escapeHtml(parts.level)}${via}${extra}</td>`;
}

function table(columns: MailshareColumn[], subjects: SubjectRow[]): string {
  const head = `<thead><tr><th scope="col">User or group</th>${columns.map(columnHeader).join("")}</tr></thead>`;
  const body = subjects.map((s) =>
    `<tr data-subject="${escapeHtml(s.name)}" data-kind="${s.kind}">${rowHeader(s)}${columns.map((m) => cell(s, m)).join("")}</tr>`);
  return `<table class="matrix">\n${head}\n<tbody>\n${body.join("\n")}\n</tbody>\n</table>`;
}

/** The mailshares in parts of COLUMNS_PER_TABLE; each part lists only the subjects with access in it. */
function parts(r: AccessReport): string[] {
  if (r.subjects.length === 0) return ["<p>No mailshare is shared with anyone.</p>"];
  const out: string[] = [];
  const split = r.mailshares.length > COLUMNS_PER_TABLE;
  for (let i = 0; i < r.mailshares.length; i += COLUMNS_PER_TABLE) {
    const columns = r.mailshares.slice(i, i + COLUMNS_PER_TABLE);
    const subjects = r.subjects.filter((s) => columns.some((m) => s.access[m.name]));
    const heading = split ? `<h2>Mailshares ${i + 1}–${i + columns.length} of ${r.mailshares.length}</h2>\n` : "";
    out.push(`<section class="part">\n${heading}${table(columns, subjects)}\n</section>`);
  }
  return out;
}

export function renderHtml(r: AccessReport): string {
  const title = reportTitle(r);
  const groups = r.groupsExpanded
    ? "groups expanded into their members (each cell says which group a right comes from; the highest level wins)"
    : "groups shown as groups";
  const who = r.groupsExpanded ? "users" : "users and groups";
  const legend = r.levels.map((l) => `<dt class="${l.level}">${escapeHtml(l.level)}</dt><dd>${escapeHtml(l.meaning)}</dd>`).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="bmshare report access">
<title>${escapeHtml(title)}</title>
<style>${style(r.mailshares.length > PORTRAIT_COLUMNS)}
</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Server <code>${escapeHtml(r.server)}</code> · generated <time datetime="${escapeHtml(r.generatedAt)}">${escapeHtml(readableTime(r.generatedAt))}</time> · ${r.mailshares.length} mailshare${r.mailshares.length === 1 ? "" : "s"}, ${r.subjects.length} ${who} with access · ${escapeHtml(groups)}</p>
</header>
<main>
${parts(r).join("\n")}
<section class="legend">
<h2>Levels</h2>
<dl>
${legend}
</dl>
</section>
</main>
<footer>Generated by <code>bmshare report access</code> from the live ACLs of the mailshares. A level is what BlueMind grants; rights the levels cannot express show as <code>custom(…)</code> with BlueMind's verbs.</footer>
</body>
</html>
`;
}
