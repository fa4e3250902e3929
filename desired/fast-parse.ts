// A fast first reading of a desired-state file. The position-keeping reading (parse.ts, the `yaml`
// library) costs about 1 ms per mailshare and most of a run's memory; js-yaml reads the same text
// ten times faster. It is used only where both libraries are known to read a text the same way, and
// a file read this way is used only when it turns out valid: any error in it sends the file through
// parse.ts again, so every message and position comes from one reading (load.ts).
//
// What keeps the two readings the same:
// - plain scalars resolve with the YAML 1.2 core schema's own patterns (`CORE_1_2`), as `yaml` does
//   (js-yaml's core schema also reads `0b101` as a number and `+.5` as a string);
// - texts that use anchors, aliases, tags, directives, tabs or explicit indentation indicators, whose
//   bounds and edge cases parse.ts owns, are not read here at all (`usesFeaturesLeftToParse`);
// - while reading, a structure where the two libraries are known to differ sends the file back:
//   a mapping key that is not a scalar, a pair written inside a flow sequence (`[a: b]`), a quoted or
//   plain scalar or a flow collection over several lines (the libraries judge their indentation differently), nesting
//   deeper than the format allows, anything but one mapping at the root.
// test/desired/fast-parse.test.ts holds both readings side by side on every fixture and on mutations of them.
import { FAILSAFE_SCHEMA, load, Type, type State } from "js-yaml";
import { countValueStarts, MAX_DEPTH, SourceMap, type ParsedFile, type Place } from "./parse";

const scalarType = (tag: string, pattern: RegExp, construct: (text: string) => unknown, empty = false) =>
  new Type(`tag:yaml.org,2002:${tag}`, {
    kind: "scalar",
    resolve: (text: string | null) => (text === null ? empty : pattern.test(text)),
    construct: (text: string | null) => construct(text ?? ""),
  });

/** The YAML 1.2 core schema, with the patterns `yaml` uses (its schema/core modules). */
const CORE_1_2 = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalarType("null", /^(?:~|[Nn]ull|NULL)?$/, () => null, true),
    scalarType("bool", /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (t) => t[0] === "t" || t[0] === "T"),
    scalarType("int", /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, (t) =>
      t.startsWith("0o") ? parseInt(t.slice(2), 8) : t.startsWith("0x") ? parseInt(t.slice(2), 16) : parseInt(t, 10)),
    scalarType(
      "float",
      /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/,
      (t) => (/nan$/i.test(t) ? NaN : /inf$/i.test(t) ? (t[0] === "-" ? -Infinity : Infinity) : parseFloat(t)),
    ),
  ],
});

/**
 * Anchors `&a`, aliases `*a`, tags `!t` and explicit keys `? ` where a value may start, directives
 * `%`, a `#` right after a closing bracket or quote (js-yaml takes it for a comment), tabs, and
 * block scalars with an indentation indicator (`|2`). A text inside quotes may match
 * too: such a file is then only read the slow way.
 */
const LEFT_TO_PARSE = /(?:^|[\s[\]{},])(?:[&*!]|\?(?:\s|$))|[\]}"']#|^%|\t|(?:^|\s)[|>](?:[-+]?[1-9]|[1-9][-+])(?=\s|$)/m;

export function usesFeaturesLeftToParse(text: string): boolean {
  return LEFT_TO_PARSE.test(text);
}

/** One node being read: where it starts, and the kinds of the children read so far. */
interface Frame {
  start: number;
  line: number;
  lineStart: number;
  depth: number;
  children: Frame[];
  kind?: string;
  result?: unknown;
}

/** The fast reading gives the file back (its message says why, for whoever debugs it; parse.ts then reads the file). */
class GiveBack extends Error {}

/** Depth of the places kept (as SourceMap keeps for a valid file: the file's keys and each mailshare). */
const KEPT_DEPTH = 2;

/**
 * The file read the fast way, with the places of its top-level values and of its mailshares, or
 * null when it must be read by parse.ts (see the top of this file). Its map finds deeper places by
 * `full()`, as parse.ts's shallow map does.
 */
export function parseYamlFast(file: string, text: string, full: () => SourceMap): ParsedFile | null {
  // js-yaml drops a byte order mark, and its offsets with it.
  if (text.charCodeAt(0) === 0xfeff || usesFeaturesLeftToParse(text)) return null;
  if (countValueStarts(text).overAt !== undefined) return null; // parse.ts's bound, and its message
  const stack: Frame[] = [];
  let root: Frame | undefined;
  const listener = (event: "open" | "close", state: State): void => {
    if (event === "open") {
      const parent = stack[stack.length - 1];
      const frame: Frame = { start: state.position, line: state.line, lineStart: state.lineStart, depth: stack.length, children: [] };
      if (frame.depth > MAX_DEPTH) throw new GiveBack("too deep");
      parent?.children.push(frame);
      stack.push(frame);
      root ??= frame;
      return;
    }
    const frame = stack.pop() as Frame;
    frame.kind = state.kind ?? undefined;
    frame.result = state.result;
    // js-yaml reads a flow collection in a block context as a node inside a node with the same result.
    const only = frame.children.length === 1 ? frame.children[0] : undefined;
    if (only && only.result === frame.result && only.kind === frame.kind) frame.children = only.children;
    checkFrame(frame, state, text);
    // Places are kept down to the mailshares (the root's grandchildren): deeper frames go once checked.
    if (frame.depth > 0) for (const child of frame.children) child.children = [];
  };
  let data: unknown;
  try {
    data = load(text, { schema: CORE_1_2, listener, json: false });
  } catch {
    return null; // a syntax error, or a structure given back: parse.ts says what it is
  }
  if (root === undefined || root.kind !== "mapping" || data === null || typeof data !== "object" || Array.isArray(data)) return null;
  const map = new SourceMap(file, { shallow: { depth: KEPT_DEPTH, full } });
  if (!recordPlaces(map, root, data as Record<string, unknown>, text)) return null;
  return { file, data, map, errors: [] };
}

/** Gives the file back where the two libraries are known to read a node differently. */
function checkFrame(frame: Frame, state: State, text: string): void {
  const count = frame.children.length;
  if (frame.kind === "mapping") {
    const result = state.result as Record<string, unknown>;
    // Each pair is a key node then a value node; a key must be a scalar.
    if (count !== 2 * Object.keys(result).length) throw new GiveBack("mapping shape");
    for (let i = 0; i < count; i += 2) if (frame.children[i].kind !== "scalar") throw new GiveBack("complex key");
  } else if (frame.kind === "sequence") {
    if (count !== (state.result as unknown[]).length) throw new GiveBack("pair in a flow sequence");
  }
  if (state.line !== frame.line) {
    // Over several lines: only block scalars and block collections, whose indentation both judge alike.
    const c = text.charCodeAt(contentStart(text, frame).offset);
    const flowCollection = c === 0x5b /* [ */ || c === 0x7b /* { */;
    const blockScalar = c === 0x7c /* | */ || c === 0x3e /* > */;
    if (flowCollection || (frame.kind === "scalar" && !blockScalar)) throw new GiveBack("flow node over several lines");
  }
}

/** Where a node's content starts: a value's open event comes before the spaces, line breaks and comments that lead to it. */
function contentStart(text: string, frame: Frame): { offset: number; line: number; lineStart: number } {
  let { start: offset, line, lineStart } = frame;
  while (offset < text.length) {
    const c = text.charCodeAt(offset);
    if (c === 0x20 || c === 0x0d) offset++;
    else if (c === 0x0a) {
      offset++;
      line++;
      lineStart = offset;
    } else if (c === 0x23 /* # */) {
      while (offset < text.length && text.charCodeAt(offset) !== 0x0a) offset++;
    } else break;
  }
  return { offset, line, lineStart };
}

function placeOf(text: string, frame: Frame): Place {
  const at = contentStart(text, frame);
  return { line: at.line + 1, column: at.offset - at.lineStart + 1, start: at.offset, end: at.offset };
}

/**
 * Records the places parse.ts's shallow map keeps: the document, each top-level key and value, each
 * mailshare. An empty top-level value (never valid) has no content to place: the file is given back.
 */
function recordPlaces(map: SourceMap, root: Frame, data: Record<string, unknown>, text: string): boolean {
  map.record([], placeOf(text, root));
  const keys = Object.keys(data);
  for (let i = 0; i < keys.length; i++) {
    const value = data[keys[i]];
    if (value === null) return false;
    const valueFrame = root.children[2 * i + 1];
    map.record([keys[i]], placeOf(text, valueFrame), placeOf(text, root.children[2 * i]));
    if (Array.isArray(value)) valueFrame.children.forEach((item, index) => map.record([keys[i], index], placeOf(text, item)));
  }
  return true;
}
