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

export function formatPath(path: FieldPath): string {
  if (path.length === 0) return "(document)";
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
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
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  return String(value);
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

const folded = (s: string) => s.toLowerCase().replace(/[-_ ]/g, "");

/**
 * The candidate a mistyped word was most likely meant to be: same word in another case or with
 * `-`/`_`, or within a small edit distance (1 for short words, a third of the length for long ones).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const target = folded(word);
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(target, folded(candidate));
    const allowed = Math.max(1, Math.floor(candidate.length / 3));
    if (distance <= allowed && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  const suggestion = closest(word, candidates);
  return suggestion === undefined || suggestion === word ? "" : ` (did you mean "${suggestion}"?)`;
}
