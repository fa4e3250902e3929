// Writing a live mailshare down as a short, readable desired-state file: fields whose absence means
// the same left out (the loader's normaliser and the schema decide, so defaults are exactly the
// loader's), sizes, dates and addresses in the forms people write, keys in the schema's order, short
// items on one line, and what the format cannot express kept as read and reported.
import * as path from "node:path";
import { Document, isPair, isScalar, isSeq, visit, type YAMLMap } from "yaml";
import { deepEqual } from "../../providers/diff";
import { formatError, formatPath, type DesiredStateError } from "../../desired/errors";
import { normaliseMailshare } from "../../desired/normalise";
import { MAILSHARES_SCHEMA, validateAgainstSchema } from "../../desired/schema";
import { formatSize } from "../../desired/sizes";
import { formatDate } from "../../desired/dates";
import type { CanonicalMailshare, RawMailshare } from "../../desired/model";
import { PROJECT_DIR } from "../../project-dir";

const SCHEMA_FILE = path.join(PROJECT_DIR, "schemas", "mailshares.schema.json");

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/** The canonical form of a raw mailshare, or undefined when it cannot be normalised. */
function canonicalOf(raw: unknown): CanonicalMailshare | undefined {
  try {
    return normaliseMailshare(raw as RawMailshare, { baseDir: process.cwd() }).value;
  } catch {
    return undefined;
  }
}

/** How many schema problems a raw mailshare has (zero for anything the format can express). */
const schemaProblems = (raw: unknown) => validateAgainstSchema({ domain: "example.test", mailshares: [raw] }).length;

/**
 * Leaves out every field whose absence means the same (defaults, nulls, empty lists and objects),
 * deepest first. The normaliser and the schema are the judges, so the defaults are exactly the
 * loader's and no required key goes (`discard: true` is an action, not a default). Keys the schema
 * does not know (an `unsupported` marker of a filter read) are kept: the normaliser ignores them.
 */
function leaveOutDefaults(node: unknown, schema: any, unchanged: () => boolean): void {
  const s = resolveSchema(schema);
  if (Array.isArray(node)) {
    for (const item of node) leaveOutDefaults(item, s.items, unchanged);
    return;
  }
  if (!isObject(node)) return;
  for (const key of Object.keys(node)) {
    if (!s.properties || !(key in s.properties)) continue;
    leaveOutDefaults(node[key], s.properties[key], unchanged);
    // A key the schema requires always stays: no need to ask the judges (each asking normalises
    // and validates the whole mailshare).
    if (s.required?.includes(key)) continue;
    const kept = node[key];
    delete node[key];
    if (!unchanged()) node[key] = kept;
  }
}

/** An address as written by people: a plain string unless `allDomains` is set. */
const addressForm = (a: unknown) => (isObject(a) && Object.keys(a).length === 1 && typeof a.address === "string" ? a.address : a);

/** Sizes as `5 GiB`, dates as `2026-12-24`, addresses as strings: the forms the docs use. */
function humanise(raw: Json): void {
  if (typeof raw.quota === "number") raw.quota = formatSize(raw.quota);
  if (raw.email !== undefined) raw.email = addressForm(raw.email);
  if (Array.isArray(raw.aliases)) raw.aliases = raw.aliases.map(addressForm);
  if (isObject(raw.autoReply)) {
    for (const key of ["start", "end"]) if (typeof raw.autoReply[key] === "number") raw.autoReply[key] = formatDate(raw.autoReply[key] as number);
  }
  for (const filter of Array.isArray(raw.filters) ? raw.filters : []) {
    for (const condition of isObject(filter) && Array.isArray(filter.conditions) ? filter.conditions : []) {
      if (isObject(condition) && condition.field === "size" && typeof condition.value === "number") condition.value = formatSize(condition.value);
    }
  }
}

/** A schema node with `$ref` and nullable `anyOf` followed to the object or array it describes. */
function resolveSchema(schema: any): any {
  if (!schema) return {};
  if (typeof schema.$ref === "string") return resolveSchema(MAILSHARES_SCHEMA.$defs[schema.$ref.split("/").pop()]);
  if (Array.isArray(schema.anyOf)) return resolveSchema(schema.anyOf.find((s: any) => s.type !== "null"));
  return schema;
}

/** Keys in the order of the schema's `properties` (the order the docs and editors show), at every level. */
export function inSchemaOrder(value: unknown, schema: any = MAILSHARES_SCHEMA): unknown {
  const s = resolveSchema(schema);
  if (Array.isArray(value)) return value.map((v) => inSchemaOrder(v, s.items));
  if (!isObject(value)) return value;
  const known: string[] = Object.keys(s.properties ?? {});
  const keys = [...known.filter((k) => k in value), ...Object.keys(value).filter((k) => !known.includes(k))];
  return Object.fromEntries(keys.map((k) => [k, inSchemaOrder(value[k], s.properties?.[k])]));
}

export interface RawExport {
  raw: RawMailshare;
  /** Whether the written form normalises back to exactly the live value (false: a bug to report). */
  exact: boolean;
}

/**
 * The raw form of a live mailshare: only what differs from the defaults, in human units, keys in
 * schema order. `photo` is the path to write for the photo (null: none written).
 */
export function rawMailshareOf(value: CanonicalMailshare, photo: string | null): RawExport {
  const raw = structuredClone({ ...value, information: { ...value.information, photo: null } }) as unknown as Json;
  const baseline = canonicalOf(raw);
  const problems = schemaProblems(raw);
  leaveOutDefaults(raw, MAILSHARES_SCHEMA.$defs.mailshare, () => baseline !== undefined && deepEqual(canonicalOf(raw), baseline) && schemaProblems(raw) <= problems);
  humanise(raw);
  const exact = baseline !== undefined && deepEqual(canonicalOf(raw), baseline);
  if (photo !== null) raw.information = { ...(isObject(raw.information) ? raw.information : {}), photo };
  return { raw: inSchemaOrder(raw, MAILSHARES_SCHEMA.$defs.mailshare) as RawMailshare, exact };
}

// ---------------------------------------------------------------------------------------------
// The YAML text.

/** A short map of scalars inside a list reads best on one line: `- { user: alice@acme.test, level: manage }`. */
const FLOW_MAX = 76;

function suitsOneLine(map: YAMLMap, parentKey: unknown): boolean {
  if (parentKey === "mailshares") return false;
  let length = 4;
  for (const pair of map.items) {
    const v = pair.value;
    if (!isScalar(pair.key) || !isScalar(v) || (typeof v.value === "string" && v.value.includes("\n"))) return false;
    length += String(pair.key.value).length + String(v.value).length + 4;
  }
  return length <= FLOW_MAX;
}

/** Words YAML 1.1 tools read as booleans: quoted, so that every editor reads the text. */
const YAML11_BOOLEAN = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** Where the schema comment points: relative when the file lives in this project (or the one it is installed in). */
export function schemaComment(outputFile: string | null): string[] {
  const note = [
    ` Editor completion: make the first line of this file`,
    `   # yaml-language-server: $schema=${MAILSHARES_SCHEMA.$id}`,
    ` (the published schema of this version; or the path of schemas/mailshares.schema.json in node_modules/bluemind-mailshares)`,
  ];
  if (outputFile === null) return note;
  const projectRoot = path.dirname(path.dirname(SCHEMA_FILE));
  const installedIn = path.basename(path.dirname(projectRoot)) === "node_modules" ? path.dirname(path.dirname(projectRoot)) : projectRoot;
  const target = path.resolve(outputFile);
  const inside = (dir: string) => !path.relative(dir, target).startsWith("..") && !path.isAbsolute(path.relative(dir, target));
  if (!inside(projectRoot) && !inside(installedIn)) return note;
  const relative = path.relative(path.dirname(target), SCHEMA_FILE).split(path.sep).join("/");
  return [` yaml-language-server: $schema=${relative}`];
}

export interface YamlInput {
  /** The file's `owner:` key, when one is written. */
  owner?: string;
  domain: string;
  mailshares: RawMailshare[];
  header: string[];
  /** Comment lines to put above a mailshare, by index. */
  notes: Map<number, string[]>;
}

export function exportYaml({ owner, domain, mailshares, header, notes }: YamlInput): string {
  const doc = new Document(owner === undefined ? { domain, mailshares } : { owner, domain, mailshares }, { aliasDuplicateObjects: false });
  doc.commentBefore = header.join("\n");
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && YAML11_BOOLEAN.test(node.value)) node.type = "QUOTE_DOUBLE";
    },
    Map(_key, node, ancestors) {
      const parent = ancestors[ancestors.length - 1];
      const owner = ancestors[ancestors.length - 2];
      const parentKey = isPair(owner) && isScalar(owner.key) ? owner.key.value : undefined;
      if (isSeq(parent) && suitsOneLine(node, parentKey)) node.flow = true;
    },
    Seq(_key, node) {
      const items = node.items as unknown[];
      if (!items.every((i) => isScalar(i) && !String(i.value).includes("\n"))) return;
      const length = items.reduce<number>((n, i) => n + String((i as { value: unknown }).value).length + 2, 2);
      if (length <= FLOW_MAX - 16) node.flow = true;
    },
  });
  const list = doc.get("mailshares", true);
  if (isSeq(list)) {
    for (const [index, lines] of notes) {
      const item = list.items[index] as YAMLMap;
      item.commentBefore = lines.map((l) => ` ${l}`).join("\n");
    }
  }
  return doc.toString({ lineWidth: 0, minContentWidth: 0, blockQuote: "literal", indentSeq: true });
}

// ---------------------------------------------------------------------------------------------
// What the format cannot express.

interface Marker {
  path: string;
  what: string;
}

/** The `{ unsupported: "<what BlueMind holds>" }` markers a read leaves where the format has no word. */
export function unsupportedMarkers(value: unknown, at: (string | number)[] = []): Marker[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => unsupportedMarkers(v, [...at, i]));
  if (!isObject(value)) return [];
  if (typeof value.unsupported === "string") return [{ path: formatPath(at), what: value.unsupported }];
  return Object.entries(value).flatMap(([k, v]) => unsupportedMarkers(v, [...at, k]));
}

/**
 * One warning per value the format cannot express (a custom ACL level, a filter rule part another
 * client made...): written as read, so the loader refuses the file until a person decides. The
 * loader's errors give the line; the several errors of one marker make one warning that says what
 * BlueMind holds there.
 */
export function inexpressible(errors: readonly DesiredStateError[], markers: readonly Marker[]): string[] {
  const warnings: string[] = [];
  const told = new Set<Marker>();
  const inside = (path: string, m: Marker) => path === m.path || path.startsWith(`${m.path}.`) || path.startsWith(`${m.path}[`);
  for (const e of errors) {
    const marker = markers.find((m) => inside(e.path, m));
    if (!marker) {
      warnings.push(`${formatError(e)} (not expressible in the format: written as read; fix it before applying)`);
    } else if (!told.has(marker)) {
      told.add(marker);
      warnings.push(`${formatError({ ...e, path: marker.path, message: `BlueMind holds ${marker.what}` })} ` +
        "(not expressible in the format: written as read; fix it before applying)");
    }
  }
  return warnings;
}
