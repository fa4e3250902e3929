// Long texts are shown as unified diffs rather than as two quoted values: signatures, the
// auto-reply's message and HTML, and a mailshare's filter set (as YAML, in rule order).
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import type { Props } from "../../providers/base";
import type { ResourceKind } from "../../providers/kinds";
import type { TextDiff } from "./model";
import { yamlLibrary } from "../../desired/yaml-library";

interface LongText {
  path: string;
  text(inputs: Props): string;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

const LONG_TEXTS: Partial<Record<ResourceKind, readonly LongText[]>> = {
  MailshareIdentity: [{ path: "signature", text: (i) => str(i.signature) }],
  MailshareAutoReply: [
    { path: "autoReply.message", text: (i) => str((i.autoReply as Props | null)?.message) },
    { path: "autoReply.html", text: (i) => str((i.autoReply as Props | null)?.html) },
  ],
  MailshareFilters: [
    {
      path: "filters",
      text: (i) => (Array.isArray(i.filters) && i.filters.length > 0 ? yamlLibrary().stringify(i.filters, { lineWidth: 0 }) : ""),
    },
  ],
};

/** A diff reads better when both sides end with a newline (no "\ No newline at end of file"). */
const terminated = (t: string) => (t === "" || t.endsWith("\n") ? t : `${t}\n`);

/**
 * Texts longer than this are not compared line by line: a line diff costs up to the product of the
 * sizes, and a reviewer cannot read it anyway. The plan then says how long both sides are.
 */
const MAX_DIFFED = 64 * 1024;

/** Unified diffs of the long texts of a resource that differ between `live` and `desired` (either may be absent). */
export function textDiffs(kind: ResourceKind, name: string, live: Props | null, desired: Props | null): TextDiff[] {
  const diffs: TextDiff[] = [];
  for (const t of LONG_TEXTS[kind] ?? []) {
    const before = live ? t.text(live) : "";
    const after = desired ? t.text(desired) : "";
    if (before === after) continue;
    const label = `${name} ${t.path}`;
    if (before.length > MAX_DIFFED || after.length > MAX_DIFFED) {
      const size = (text: string) => `${text.length.toLocaleString("en")} characters`;
      diffs.push({ path: t.path, patch: `--- ${label} (live)\n+++ ${label} (desired)\n@@ too long to compare line by line: ${size(before)} → ${size(after)} @@\n` });
      continue;
    }
    const patch = createTwoFilesPatch(`${label} (live)`, `${label} (desired)`, terminated(before), terminated(after),
      undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
    diffs.push({ path: t.path, patch });
  }
  return diffs;
}

/** Whether a change at `path` is (part of) a text shown as a diff: its value is summarised, not printed. */
export function coveredByDiff(path: string, diffs: readonly TextDiff[]): boolean {
  return diffs.some((d) => path === d.path || path.startsWith(`${d.path}.`) || path.startsWith(`${d.path}[`)
    || d.path.startsWith(`${path}.`) || d.path.startsWith(`${path}[`));
}
