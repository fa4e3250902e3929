// Small formatting helpers shared by the text and Markdown renderings.
import type { Change } from "../../providers/diff";
import { coveredByDiff } from "./texts";
import type { TextDiff } from "./model";
import { formatSize } from "../../desired/sizes";
import { formatDate } from "../../desired/dates";

/** Above this length, a value that is also shown as a diff is only named. */
const SHORT = 60;

/** Sizes (KiB) and dates (epoch ms) as people write them in the files. */
function annotation(value: unknown, path: string): string {
  if (typeof value !== "number") return "";
  if (/(^|\.)quota$/.test(path)) return ` (${formatSize(value)})`;
  if (/^autoReply\.(start|end)$/.test(path)) return ` (${formatDate(value)})`;
  return "";
}

/** Above this length a string is shortened in text and Markdown plans (the JSON plan keeps it whole). */
const LONG_STRING = 200;

/** A copy of `value` whose long strings are cut, saying how long they were. */
export function shortened(value: unknown): unknown {
  if (typeof value === "string") {
    return value.length > LONG_STRING ? `${value.slice(0, LONG_STRING - 40)}… (${value.length.toLocaleString("en")} characters)` : value;
  }
  if (Array.isArray(value)) return value.map(shortened);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortened(v)]));
  return value;
}

/** A value on one line (as JSON, strings quoted, long strings shortened), except long texts the plan shows as a diff. */
export function formatValue(value: unknown, path: string, diffs: readonly TextDiff[]): string {
  if (value === undefined) return "(none)";
  const json = JSON.stringify(shortened(value));
  if (coveredByDiff(path, diffs)) {
    if (typeof value === "string" && value.includes("\n")) {
      const lines = value.replace(/\n$/, "").split("\n").length;
      return `(text, ${lines} line${lines === 1 ? "" : "s"}: see the diff)`;
    }
    if (json.length > SHORT) return "(see the diff)";
  }
  return `${json}${annotation(value, path)}`;
}

export const CHANGE_MARK: Record<Change["kind"], string> = { add: "+", delete: "-", update: "~" };

/** `+ path: value`, `- path: value` or `~ path: old → new`. */
export function formatChange(c: Change, diffs: readonly TextDiff[]): string {
  if (c.kind === "add") return `+ ${c.path}: ${formatValue(c.new, c.path, diffs)}`;
  if (c.kind === "delete") return `- ${c.path}: ${formatValue(c.old, c.path, diffs)}`;
  const [before, after] = [formatValue(c.old, c.path, diffs), formatValue(c.new, c.path, diffs)];
  if (before.startsWith("(") && after.startsWith("(") && coveredByDiff(c.path, diffs)) return `~ ${c.path}: changed (see the diff)`;
  return `~ ${c.path}: ${before} → ${after}`;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export const indent = (text: string, by: string) =>
  text.replace(/\n$/, "").split("\n").map((l) => (l === "" ? l : by + l)).join("\n") + "\n";

/** A Markdown code span that survives backticks in its text. */
export function mdCode(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced Markdown block that survives fences in its text. */
export function mdFence(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${lang}\n${text.replace(/\n$/, "")}\n${fence}\n`;
}

/** Text safe inside a Markdown table cell or list item (no table breaks, no stray markup). */
export const mdText = (text: string) => text.replace(/([\\`|*_<>[\]])/g, "\\$1").replace(/\n/g, " ");
