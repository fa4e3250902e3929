// The error type of desired-state validation: every problem names the file, line and column, the
// field path inside the file, and a message saying what was expected and what was found.
import type { SourceLocation } from "./model";

/** A field path: keys and list indexes from the top of the file. */
export type FieldPath = readonly (string | number)[];

export interface DesiredStateError extends SourceLocation {
  /** `mailshares[0].shares[1].level`; `(document)` for the file as a whole. */
  path: string;
  message: string;
}

/** A problem found inside one mailshare, before it is placed in its file. */
export interface Issue {
  /** Path relative to the object being checked (a mailshare, or the whole file). */
  path: FieldPath;
  message: string;
  /** Point at the key rather than its value (unknown keys, duplicates of a key). */
  atKey?: boolean;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** The longest text of a file (a key, a value) shown in a message; longer ones are shortened. */
export const MAX_SHOWN_LENGTH = 60;

/** `text` cut to `max` characters (with `...`), so that a message never echoes a huge value. */
export function shorten(text: string, max = MAX_SHOWN_LENGTH): string {
  if (text.length <= max) return text;
  // Cut at a code point boundary: never half of a surrogate pair.
  let cut = max - 3;
  if (cut > 0 && /[\uD800-\uDBFF]/.test(text[cut - 1])) cut--;
  return `${text.slice(0, cut)}...`;
}

/** A text of the file quoted for a message: JSON-quoted, shortened. */
export function quote(text: string): string {
  return JSON.stringify(shorten(text));
}

export function formatPath(path: FieldPath): string {
  if (path.length === 0) return "(document)";
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment) && segment.length <= MAX_SHOWN_LENGTH) out += out === "" ? segment : `.${segment}`;
    else out += `[${quote(segment)}]`;
  }
  return out;
}

/** `file:line:col: path: message` — the one-line form the CLI prints. */
export function formatError(error: DesiredStateError): string {
  return `${error.file}:${error.line}:${error.column}: ${error.path}: ${error.message}`;
}

/** Stable order: by file (in load order), then position, then path and message; exact duplicates dropped. */
export function sortErrors(errors: readonly DesiredStateError[], fileOrder: readonly string[] = []): DesiredStateError[] {
  const rank = (file: string) => {
    const i = fileOrder.indexOf(file);
    return i < 0 ? fileOrder.length : i;
  };
  const sorted = [...errors].sort((a, b) =>
    rank(a.file) - rank(b.file) || a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column ||
    a.path.localeCompare(b.path) || a.message.localeCompare(b.message));
  return sorted.filter((e, i) => i === 0 || formatError(e) !== formatError(sorted[i - 1]));
}

/** Thrown by `loadDesiredStateOrThrow` (Pulumi program): carries every error, one per line in `message`. */
export class DesiredStateInvalid extends Error {
  constructor(readonly errors: readonly DesiredStateError[]) {
    super(`invalid desired state (${errors.length} error${errors.length === 1 ? "" : "s"}):\n${errors.map(formatError).join("\n")}`);
    this.name = "DesiredStateInvalid";
  }
}

/** How a value looks in a message: strings quoted, mappings and lists named, long text shortened. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return quote(value);
  return shorten(String(value));
}

/** Words longer than this get no "did you mean": no key or value of the format is anywhere near as long. */
export const MAX_SUGGESTED_WORD_LENGTH = 64;

/**
 * Edit distance counting a swap of two neighbours as one edit (optimal string alignment), for "did you
 * mean". Three rows of memory; words are bounded by `closest` before they get here.
 */
export function editDistance(a: string, b: string): number {
  let before = Array.from({ length: b.length + 1 }, (_, j) => j);
  let previous = before;
  for (let i = 1; i <= a.length; i++) {
    const current = [i, ...Array<number>(b.length).fill(0)];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j], before[j - 2] + 1);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length];
}

const folded = (s: string) => s.toLowerCase().replace(/[-_ ]/g, "");

/**
 * The candidate a mistyped word was most likely meant to be: same word in another case or with
 * `-`/`_`, or within a small edit distance (1 for short words, a third of the length for long ones).
 * Bounded work: a word longer than `MAX_SUGGESTED_WORD_LENGTH` gets no suggestion, and a candidate
 * whose length differs by more than the allowed distance is not compared.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > MAX_SUGGESTED_WORD_LENGTH) return undefined;
  const target = folded(word);
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate.length > MAX_SUGGESTED_WORD_LENGTH) continue;
    const other = folded(candidate);
    const allowed = Math.max(1, Math.floor(candidate.length / 3));
    if (Math.abs(target.length - other.length) > allowed) continue;
    const distance = editDistance(target, other);
    if (distance <= allowed && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  const suggestion = closest(word, candidates);
  return suggestion === undefined || suggestion === word ? "" : ` (did you mean "${suggestion}"?)`;
}
