// Small formatting helpers shared by the text and Markdown renderings: values as the files write
// them (not JSON), paths relative to the working folder, Markdown escaping.
import type { Change } from "../../providers/diff";
import { coveredByDiff } from "./texts";
import type { TextDiff } from "./model";
import * as path from "node:path";
import { formatSize } from "../../desired/sizes";
import { formatDate } from "../../desired/dates";
import { PLAIN, type Style } from "../style";
import { yamlLibrary } from "../../desired/yaml-library";

/** YAML text of a value (`yaml` is loaded when a plan first shows one). */
const stringify = (value: unknown, options: import("yaml").ToStringOptions): string => yamlLibrary().stringify(value, options);

/** Above this length, a value that is also shown as a diff is only named. */
const SHORT = 60;

/** Where the renderings run: file paths are shown relative to `cwd` (never the machine's absolute paths). */
export interface RenderContext {
  cwd: string;
  style: Style;
}

export const plainContext = (): RenderContext => ({ cwd: process.cwd(), style: PLAIN });

/** A path as the reader typed it: relative to the working folder. */
export function displayPath(file: string, cwd: string): string {
  return path.isAbsolute(file) ? path.relative(cwd, file) || "." : file;
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

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * A leaf as people write it in the files: sizes (KiB) human first (`5 GiB (5242880 KiB)`), dates
 * (epoch ms) as dates, the photo's file relative to the working folder; other values unchanged.
 */
function asWritten(value: unknown, fieldPath: string, cwd: string): unknown {
  if (typeof value === "number" && /(^|\.)quota$/.test(fieldPath)) {
    const size = formatSize(value);
    return size.endsWith(" KiB") ? size : `${size} (${value} KiB)`;
  }
  if (typeof value === "number" && /(^|\.)autoReply\.(start|end)$/.test(fieldPath)) return formatDate(value);
  if (typeof value === "string" && /(^|\.)photo\.path$/.test(fieldPath)) return displayPath(value, cwd);
  return value;
}

/** `value` ready to print: nulls dropped, leaves as written, long strings shortened. */
function readable(value: unknown, fieldPath: string, cwd: string): unknown {
  if (Array.isArray(value)) return value.map((v) => readable(v, `${fieldPath}[]`, cwd));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, readable(v, `${fieldPath}.${k}`, cwd)]));
  }
  return shortened(asWritten(value, fieldPath, cwd));
}

/**
 * The fields of a list item that its key in the path already names: `shares[user:alice]` names the
 * user, `aliases[help@acme.test]` the address, `information.phones[+33 …]` the number.
 */
function withoutKeyFields(item: Record<string, unknown>, path: string): Record<string, unknown> {
  const key = /\[([^\]]*)\]$/.exec(path)?.[1];
  if (key === undefined) return item;
  const named = (k: string, v: unknown) => (typeof v === "string" || typeof v === "number") && (String(v) === key || `${k}:${v}` === key);
  return Object.fromEntries(Object.entries(item).filter(([k, v]) => !named(k, v)));
}

/** A string as YAML writes it (quoted only when it must be), on one line, never mistaken for the `→` of a change. */
function scalarText(v: unknown): string {
  if (typeof v !== "string") return String(v);
  if (v.includes("\n") || v.includes("→")) return JSON.stringify(v);
  return stringify(v, { lineWidth: 0 }).trimEnd();
}

/**
 * A value on one line as the files write it: `manage`, `5 GiB (5242880 KiB)`, `2026-12-24`,
 * `{ street: 12 rue de la Paix, locality: Paris }` — no JSON, no nulls. A list item whose key says
 * all it holds is its key alone (the empty text).
 */
export function valueText(value: unknown, path: string, cwd: string): string {
  if (value === undefined || value === null) return "(none)";
  const fieldPath = path.replace(/\[[^\]]*\]/g, "[]");
  let shown = readable(value, fieldPath, cwd);
  if (isObject(shown)) {
    shown = withoutKeyFields(shown, path);
    const fields = Object.values(shown as Record<string, unknown>);
    if (fields.length === 0 && path.endsWith("]")) return "";
    if (fields.length === 1 && (typeof fields[0] === "string" || typeof fields[0] === "number")) return scalarText(fields[0]);
  }
  if (isObject(shown) || Array.isArray(shown)) return stringify(shown, { collectionStyle: "flow", lineWidth: 0 }).trimEnd();
  return scalarText(shown);
}

/** A value on one line (`valueText`), except long texts the plan shows as a diff. */
export function formatValue(value: unknown, path: string, diffs: readonly TextDiff[], cwd: string): string {
  const text = valueText(value, path, cwd);
  if (value !== undefined && value !== null && coveredByDiff(path, diffs)) {
    if (typeof value === "string" && value.includes("\n")) {
      const lines = value.replace(/\n$/, "").split("\n").length;
      return `(text, ${lines} line${lines === 1 ? "" : "s"}: see the diff)`;
    }
    if (text.length > SHORT) return "(see the diff)";
  }
  return text;
}

/** Whether a change's line shows its values whole (else the diff holds them). */
export function shownInline(c: Change, diffs: readonly TextDiff[], cwd: string): boolean {
  return [c.old, c.new].every((v) => v === undefined || v === null || !formatValue(v, c.path, diffs, cwd).startsWith("("));
}

export const CHANGE_MARK: Record<Change["kind"], string> = { add: "+", delete: "-", update: "~" };

/** `+ path: value`, `- path: value` or `~ path: old → new`, coloured by kind. */
export function formatChange(c: Change, diffs: readonly TextDiff[], ctx: RenderContext): string {
  const value = (v: unknown) => formatValue(v, c.path, diffs, ctx.cwd);
  const { style } = ctx;
  const named = (mark: string, v: unknown) => {
    const text = value(v);
    return `${mark} ${c.path}${text === "" ? "" : `: ${text}`}`;
  };
  if (c.kind === "add") return style.added(named("+", c.new));
  if (c.kind === "delete") return style.removed(named("-", c.old));
  if (!shownInline(c, diffs, ctx.cwd) && coveredByDiff(c.path, diffs)) return style.changed(`~ ${c.path}: changed (see the diff)`);
  return style.changed(`~ ${c.path}: ${value(c.old)} → ${value(c.new)}`);
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

/** A code span inside a table cell: GitHub splits cells on `|` even there, unless escaped (mdText escapes its own). */
export const mdCell = (markdown: string): string => markdown.replace(/\|/g, "\\|");

/** A fenced Markdown block that survives fences in its text. */
export function mdFence(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${lang}\n${text.replace(/\n$/, "")}\n${fence}\n`;
}

/** Text safe inside a Markdown table cell or list item (no table breaks, no stray markup). */
export const mdText = (text: string) => text.replace(/([\\`|*_<>[\]])/g, "\\$1").replace(/\n/g, " ");
