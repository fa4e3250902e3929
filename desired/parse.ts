// YAML parsing that keeps source positions: the data as plain JSON values, plus a map from every field
// path to the line and column of its value (and of its key, for mapping entries), so that any later
// check can point at the exact place in the file.
import type { Document, Node } from "yaml";
import { yamlLibrary as yaml } from "./yaml-library";
import { formatPath, shorten, type DesiredStateError, type FieldPath } from "./errors";
import type { SourceLocation } from "./model";

export interface Place {
  line: number;
  column: number;
  /** Offsets of the node in the source, for placing syntax errors. */
  start: number;
  end: number;
}

const pathKey = (path: FieldPath) => JSON.stringify(path);

/** A line and column in one number (a file has fewer than 2^29 lines and a line under 2^24 columns). */
const COLUMNS = 2 ** 24;
const pack = (p: Place) => p.line * COLUMNS + p.column;

/** How much of a file a SourceMap holds. */
interface MapOptions {
  /** Keep offsets too (to place syntax errors). */
  spans?: boolean;
  /**
   * Record only paths this deep (the file, its keys, each mailshare); a deeper path is located in
   * the full map, built on first need by `full` (the file parsed again).
   */
  shallow?: { depth: number; full: () => SourceMap };
}

/**
 * Where every field of a file is written. A file of a few thousand mailshares has hundreds of
 * thousands of fields, and a run holds every file's map until all files are checked: so a valid
 * file keeps the places of its mailshares only, and the places of their fields are found again
 * (by parsing the text once more) only for a file that has an error to show. Positions are packed
 * in one number each; offsets (for placing syntax errors) are kept only for a file that has some.
 */
export class SourceMap {
  private readonly values = new Map<string, number>();
  private readonly keys = new Map<string, number>();
  private readonly spans: Map<string, [number, number]> | undefined;
  private readonly shallow: MapOptions["shallow"];
  private full: SourceMap | undefined;

  constructor(readonly file: string, options: MapOptions = {}) {
    this.spans = options.spans ? new Map() : undefined;
    this.shallow = options.shallow;
  }

  record(path: FieldPath, value: Place | undefined, key?: Place): void {
    if (!value && !key) return;
    if (this.shallow && path.length > this.shallow.depth) return;
    const k = pathKey(path);
    if (value) {
      this.values.set(k, pack(value));
      this.spans?.set(k, [value.start, value.end]);
    }
    if (key) this.keys.set(k, pack(key));
  }

  /**
   * Where a field is written: its value (or its key with `atKey`). A path that is not in the file
   * (a missing key) is placed at its nearest ancestor that is.
   */
  locate(path: FieldPath, atKey = false): SourceLocation {
    if (this.shallow && path.length > this.shallow.depth) return (this.full ??= this.shallow.full()).locate(path, atKey);
    for (let n = path.length; n >= 0; n--) {
      const prefix = path.slice(0, n);
      const place = (atKey && n === path.length ? this.keys.get(pathKey(prefix)) : undefined) ?? this.values.get(pathKey(prefix));
      if (place !== undefined) return { file: this.file, line: Math.floor(place / COLUMNS), column: place % COLUMNS };
    }
    return { file: this.file, line: 1, column: 1 };
  }

  /** The deepest recorded path whose node spans `offset` (where a syntax error happened; needs `spans`). */
  pathAt(offset: number): FieldPath {
    let best: { path: FieldPath; size: number } | undefined;
    for (const [key, [start, end]] of this.spans ?? []) {
      if (offset < start || offset > end) continue;
      const size = end - start;
      if (!best || size < best.size) best = { path: JSON.parse(key), size };
    }
    return best?.path ?? [];
  }
}

export interface ParsedFile {
  file: string;
  /** Plain JSON data; undefined when the file has syntax errors. */
  data: unknown;
  map: SourceMap;
  errors: DesiredStateError[];
}

/** How many YAML values aliases may expand to in one file (each value reached through an alias counts). */
export const MAX_ALIAS_EXPANSION = 100_000;
/** How many times aliases may be followed in one file (an alias inside an aliased block counts each time). */
export const MAX_ALIAS_USES = 10_000;
/** How deeply values may nest (the format itself needs 8 levels). */
export const MAX_DEPTH = 64;
/** Syntax errors reported per file: the first few say what is wrong, the rest follow from them. */
export const MAX_SYNTAX_ERRORS = 10;
/**
 * How many values (keys, items, texts) a file may hold, counted before parsing from what can start
 * one: a line with content, `,`, `[`, `{`, `: `, `- ` (an upper bound: a comma inside a text counts
 * too). A mailshare with addresses, sharing, a filter and an identity takes about 40, so this is
 * some 2500 of them; parsing costs memory per value, and this bounds it (and the errors a file can produce).
 */
export const MAX_VALUES = 100_000;

/** The upper bound of the number of values of `text` described at `MAX_VALUES`, and where it passes `limit`. */
export function countValueStarts(text: string, limit = MAX_VALUES): { count: number; overAt?: number } {
  let count = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (lineStart) {
      if (c === 0x20 || c === 0x09) continue; // indentation
      lineStart = false;
      if (c !== 0x0a && c !== 0x0d && c !== 0x23 /* # */) count++;
    }
    if (c === 0x0a) lineStart = true;
    else if (c === 0x2c /* , */ || c === 0x5b /* [ */ || c === 0x7b /* { */) count++;
    else if ((c === 0x3a /* : */ || c === 0x2d /* - */) && text.charCodeAt(i + 1) === 0x20) count++;
    if (count > limit) return { count, overAt: i };
  }
  return { count };
}

/** What the YAML library says, in the words of this format (one document, no tabs). */
function syntaxMessage(code: string, message: string, line: number): string {
  switch (code) {
    case "MULTIPLE_DOCS":
      return `a file holds one YAML document; found a second one at line ${line} (remove the "---" line and merge the two, or move the second into its own file)`;
    case "TAB_AS_INDENT":
      return `the indentation uses a tab at line ${line}: indent with spaces only`;
    default:
      return `YAML syntax error: ${shorten(message, 200)}`;
  }
}

/** Depth of the paths a valid file's map keeps: `mailshares[2]`. */
const SHALLOW_DEPTH = 2;

/**
 * Parses a file with positions. `full` records every field's place (the map built again for a file
 * with an error to show); by default only the places of the mailshares are kept (see SourceMap).
 */
export function parseYaml(file: string, text: string, options: { full?: boolean } = {}): ParsedFile {
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  let map = options.full
    ? new SourceMap(file)
    : new SourceMap(file, { shallow: { depth: SHALLOW_DEPTH, full: () => parseYaml(file, text, { full: true }).map } });
  const fail = (errors: DesiredStateError[]): ParsedFile => ({ file, data: undefined, map, errors });
  const values = countValueStarts(text);
  if (values.overAt !== undefined) {
    let line = 1;
    for (let i = 0; i < values.overAt; i++) if (text.charCodeAt(i) === 0x0a) line++;
    return fail([{
      file, line, column: 1, path: "(document)",
      message: `the file holds more than ${MAX_VALUES} values (keys, list items, texts; the limit is passed at line ${line}), ` +
        "the limit of a desired-state file: split it into several files (a folder of files works with -f)",
    }]);
  }
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    // The library gives up on input such as thousands of nested brackets (its stack overflows).
    const deep = /call stack/i.test((err as Error).message);
    return fail([{
      file, line: 1, column: 1, path: "(document)",
      message: deep ? `values are nested too deeply to read (far more than the ${MAX_DEPTH} levels this format allows)` : `cannot read the YAML: ${shorten((err as Error).message, 200)}`,
    }]);
  }
  const place = (node: Node | null | undefined): Place | undefined => {
    const range = node?.range;
    if (!range) return undefined;
    const { line, col } = lines.linePos(range[0]);
    return { line, column: col, start: range[0], end: range[2] };
  };
  // Offsets are needed only to place syntax errors, known once the document is parsed.
  if (doc.errors.length > 0) map = new SourceMap(file, { spans: true });
  const walked = new Walk(doc, map, place, file);
  walked.visit(doc.contents, [], 0, false);
  const overflow = doc.errors.find((e) => /call stack/i.test(e.message));
  if (overflow) {
    // The library ran out of stack on deeply nested brackets and says so at many places: once is enough.
    const { line, col } = lines.linePos(overflow.pos[0]);
    return fail([{ file, line, column: col, path: "(document)", message: `values are nested too deeply to read (far more than the ${MAX_DEPTH} levels this format allows)` }]);
  }
  if (doc.errors.length > 0) {
    const shown = doc.errors.slice(0, MAX_SYNTAX_ERRORS);
    const errors = shown.map((err): DesiredStateError => {
      const offset = err.pos[0];
      const { line, col } = lines.linePos(offset);
      if (err.code === "DUPLICATE_KEY") {
        const key = shorten((/^[^:\n]*/.exec(text.slice(offset, offset + 1000))?.[0] ?? "").trim().replace(/^["']|["']$/g, ""));
        return {
          file, line, column: col, path: formatPath([...map.pathAt(offset), key]),
          message: `duplicate key "${key}": a key may appear only once in a mapping`,
        };
      }
      const whole = err.code === "MULTIPLE_DOCS" || err.code === "TAB_AS_INDENT";
      return { file, line, column: col, path: whole ? "(document)" : formatPath(map.pathAt(offset)), message: syntaxMessage(err.code, err.message, line) };
    });
    if (doc.errors.length > shown.length) {
      const last = errors[errors.length - 1];
      errors.push({ ...last, message: `${doc.errors.length - shown.length} more YAML syntax errors not shown: fix the first ones and run again` });
    }
    return fail(errors);
  }
  if (walked.error) return fail([walked.error]);
  try {
    // Aliases are bounded by the walk above; the library's own bound counts differently and would
    // refuse ordinary reuse of an anchored block by many mailshares.
    return { file, data: doc.toJS({ maxAliasCount: -1 }), map, errors: [] };
  } catch (err) {
    return fail([{ file, line: 1, column: 1, path: "(document)", message: `cannot read the YAML: ${shorten((err as Error).message, 200)}` }]);
  }
}

const CORE_TAG_PREFIX = "tag:yaml.org,2002:";
/** The tags of values JSON has (`postalCode: !!str 75002`); any other (`!!binary`, `!!set`, `!custom`) is refused. */
const JSON_TAGS = new Set(["str", "int", "float", "bool", "null", "seq", "map"].map((t) => CORE_TAG_PREFIX + t));

/**
 * Records the position of every node; an alias records its own place, then its anchor's content.
 * Bounded: aliases may expand to at most `MAX_ALIAS_EXPANSION` values and be followed at most
 * `MAX_ALIAS_USES` times, values nest at most `MAX_DEPTH` deep; the first excess is the walk's `error`,
 * placed at the alias (the outermost one, as written in the file) or the nested value.
 */
class Walk {
  error: DesiredStateError | undefined;
  private expanded = 0;
  private aliasUses = 0;
  /** The alias of the document (not inside an anchored block) being expanded. */
  private outerAlias: Node | undefined;
  private outerPath: FieldPath = [];

  constructor(
    private readonly doc: Document, private readonly map: SourceMap,
    private readonly place: (n: Node | null | undefined) => Place | undefined, private readonly file: string,
  ) {}

  private stop(node: Node | null | undefined, path: FieldPath, message: string): void {
    const at = this.place(node);
    this.error = { file: this.file, line: at?.line ?? 1, column: at?.column ?? 1, path: formatPath(path), message };
  }

  visit(node: unknown, path: FieldPath, depth: number, viaAlias: boolean): void {
    if (this.error) return;
    const { isAlias, isMap, isPair, isScalar, isSeq, isNode } = yaml();
    const tag = isNode(node) ? node.tag : undefined;
    if (tag !== undefined && !JSON_TAGS.has(tag)) {
      const shown = tag.startsWith(CORE_TAG_PREFIX) ? `!!${tag.slice(CORE_TAG_PREFIX.length)}` : tag;
      this.stop(node as Node, path, `the YAML tag ${shorten(shown)} is not part of this format (its values are texts, numbers, ` +
        "booleans, lists and mappings): remove the tag, and quote the value if it is a text");
      return;
    }
    if (viaAlias && ++this.expanded > MAX_ALIAS_EXPANSION) {
      this.stop(this.outerAlias, this.outerPath, `YAML aliases here expand to more than ${MAX_ALIAS_EXPANSION} values, the limit of a file: ` +
        "an alias of an alias multiplies its size (an alias bomb?); write the repeated blocks out, or reuse fewer");
      return;
    }
    if (depth > MAX_DEPTH) {
      this.stop(node as Node, path, `values are nested more than ${MAX_DEPTH} levels deep, more than this format ever needs`);
      return;
    }
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (target === undefined) {
        this.stop(node, path, `alias *${shorten(node.source)} refers to no anchor: define &${shorten(node.source)} earlier in the same file (an alias can only refer to an anchor above it)`);
        return;
      }
      if (++this.aliasUses > MAX_ALIAS_USES) {
        this.stop(this.outerAlias ?? node, this.outerAlias ? this.outerPath : path, `YAML aliases are followed more than ${MAX_ALIAS_USES} times, the limit of a file: ` +
          "an alias of an alias multiplies the uses (an alias bomb?); write the repeated blocks out, or reuse fewer");
        return;
      }
      const outer = this.outerAlias === undefined;
      if (outer) {
        this.outerAlias = node;
        this.outerPath = path;
      }
      this.visit(target, path, depth + 1, true);
      if (outer) this.outerAlias = undefined;
      this.map.record(path, this.place(node));
      return;
    }
    if (isMap(node)) {
      this.map.record(path, this.place(node));
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyPlace = this.place(pair.key as Node);
        const childPath = [...path, key];
        if (pair.value == null) this.map.record(childPath, keyPlace, keyPlace);
        else {
          this.visit(pair.value, childPath, depth + 1, viaAlias);
          this.map.record(childPath, undefined, keyPlace);
        }
        if (this.error) return;
      }
      return;
    }
    if (isSeq(node)) {
      this.map.record(path, this.place(node));
      for (let i = 0; i < node.items.length && !this.error; i++) this.visit(node.items[i], [...path, i], depth + 1, viaAlias);
      return;
    }
    if (isScalar(node)) this.map.record(path, this.place(node));
  }
}
