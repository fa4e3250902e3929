// YAML parsing that keeps source positions: the data as plain JSON values, plus a map from every field
// path to the line and column of its value (and of its key, for mapping entries), so that any later
// check can point at the exact place in the file.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { formatPath, type DesiredStateError, type FieldPath } from "./errors";
import type { SourceLocation } from "./model";

interface Place {
  line: number;
  column: number;
  /** Offsets of the node in the source, for placing syntax errors. */
  start: number;
  end: number;
}

const pathKey = (path: FieldPath) => JSON.stringify(path);

export class SourceMap {
  private readonly values = new Map<string, Place>();
  private readonly keys = new Map<string, Place>();

  constructor(readonly file: string) {}

  record(path: FieldPath, value: Place | undefined, key?: Place): void {
    if (value) this.values.set(pathKey(path), value);
    if (key) this.keys.set(pathKey(path), key);
  }

  /**
   * Where a field is written: its value (or its key with `atKey`). A path that is not in the file
   * (a missing key) is placed at its nearest ancestor that is.
   */
  locate(path: FieldPath, atKey = false): SourceLocation {
    for (let n = path.length; n >= 0; n--) {
      const prefix = path.slice(0, n);
      const place = (atKey && n === path.length ? this.keys.get(pathKey(prefix)) : undefined) ?? this.values.get(pathKey(prefix));
      if (place) return { file: this.file, line: place.line, column: place.column };
    }
    return { file: this.file, line: 1, column: 1 };
  }

  /** The deepest recorded path whose node spans `offset` (where a syntax error happened). */
  pathAt(offset: number): FieldPath {
    let best: { path: FieldPath; size: number } | undefined;
    for (const [key, place] of this.values) {
      if (offset < place.start || offset > place.end) continue;
      const size = place.end - place.start;
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

export function parseYaml(file: string, text: string): ParsedFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const map = new SourceMap(file);
  const place = (node: Node | null | undefined): Place | undefined => {
    const range = node?.range;
    if (!range) return undefined;
    const { line, col } = lines.linePos(range[0]);
    return { line, column: col, start: range[0], end: range[2] };
  };
  walk(doc, doc.contents, [], map, place, 0);
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((err): DesiredStateError => {
      const offset = err.pos[0];
      const { line, col } = lines.linePos(offset);
      if (err.code === "DUPLICATE_KEY") {
        const key = (/^[^:\n]*/.exec(text.slice(offset))?.[0] ?? "").trim().replace(/^["']|["']$/g, "");
        return {
          file, line, column: col, path: formatPath([...map.pathAt(offset), key]),
          message: `duplicate key "${key}": a key may appear only once in a mapping`,
        };
      }
      return { file, line, column: col, path: formatPath(map.pathAt(offset)), message: `YAML syntax error: ${err.message}` };
    });
    return { file, data: undefined, map, errors };
  }
  return { file, data: doc.toJS({ maxAliasCount: 1000 }), map, errors: [] };
}

const MAX_DEPTH = 64;

/** Records the position of every node; an alias records its own place, then its anchor's content. */
function walk(
  doc: Document, node: unknown, path: FieldPath, map: SourceMap,
  place: (n: Node | null | undefined) => Place | undefined, depth: number,
): void {
  if (depth > MAX_DEPTH) return;
  if (isAlias(node)) {
    walk(doc, node.resolve(doc), path, map, place, depth + 1);
    map.record(path, place(node));
    return;
  }
  if (isMap(node)) {
    map.record(path, place(node));
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyPlace = place(pair.key as Node);
      const childPath = [...path, key];
      if (pair.value == null) map.record(childPath, keyPlace, keyPlace);
      else {
        walk(doc, pair.value, childPath, map, place, depth + 1);
        map.record(childPath, undefined, keyPlace);
      }
    }
    return;
  }
  if (isSeq(node)) {
    map.record(path, place(node));
    node.items.forEach((item, i) => walk(doc, item, [...path, i], map, place, depth + 1));
    return;
  }
  if (isScalar(node)) map.record(path, place(node));
}
