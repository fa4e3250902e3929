// Files and folders → validated, normalised mailshares, or every error at once. The pipeline per file:
// parse (with positions) → schema → normalise + per-mailshare cross-checks; then the cross-checks
// across all files (a mailshare declared twice, addresses used twice) and, with directory lookups,
// the server cross-checks. Fields with a schema error are set aside before the later stages, so a
// mistake is reported once, not echoed by every later stage, while the rest is still checked.
import * as fs from "node:fs";
import * as path from "node:path";
import { DesiredStateInvalid, formatPath, shorten, sortErrors, type DesiredStateError, type Issue } from "./errors";
import type { DesiredMailshare, RawFile, RawMailshare } from "./model";
import { parseYaml, type ParsedFile, type SourceMap } from "./parse";
import { parseYamlFast } from "./fast-parse";
import { validateAgainstSchema } from "./schema";
import { normaliseMailshare } from "./normalise";
import { checkAcross, checkMailshare, errorAt, locate, type MailshareEntry } from "./crosscheck";
import { checkOnline, type DirectoryLookups, type UnverifiedMailshare } from "./online";
import { checkText, describeFsError, POLICY_FILE_NAME, readDesiredFile } from "./files";

export type { UnverifiedMailshare } from "./online";

export interface LoadOptions {
  /**
   * Directory lookups for the server cross-checks; without them only offline checks run. The
   * server checks run only once the offline checks found no error, so that bad input is reported
   * with nothing sent to the server; given as a function, the lookups are asked for (connected,
   * the server's release read) only then.
   */
  lookups?: DirectoryLookups | (() => Promise<DirectoryLookups>);
  /**
   * What a server cross-check that could not be made (a lookup failed: HTTP 500, a key without
   * directory rights…) does. `error` (default): one error per affected mailshare, so the load fails.
   * `report`: the mailshare is left out of `mailshares` and listed in `unverified`; the rest loads
   * normally and `ok` stays true when nothing else is wrong (drift uses this).
   */
  unverifiedAs?: "error" | "report";
}

export interface LoadResult {
  ok: boolean;
  /** The valid mailshares, sorted by domain then name (all of them when `ok`). */
  mailshares: DesiredMailshare[];
  /** Every problem, in a stable order (file, line, column). */
  errors: DesiredStateError[];
  /** The YAML files read, in order. */
  files: string[];
  /** What a person should know that is no error (subfolders of a folder given, not read). */
  notes?: string[];
  /** The domains the files manage (their `domain:`), even those whose file declares no mailshare. */
  domains: string[];
  /**
   * The owners of the files read (their `owner:`, else the default: the path from the Git work tree's
   * root), sorted, without repeats, including files that declare no mailshare. A run may delete only
   * mailshares recorded with one of these owners.
   */
  owners: string[];
  /**
   * Mailshares whose server cross-checks could not be made (a lookup failed), one each, with the
   * lookup's error. They are never in `mailshares`.
   */
  unverified: UnverifiedMailshare[];
  /** `withheld`: lookups were given, but the files have errors of their own, so none was sent. */
  serverChecks: "done" | "skipped" | "withheld";
}

export interface Source {
  /** The file name as shown in messages. */
  file: string;
  text: string;
  /** Directory photo paths are relative to; default: the file's directory. */
  baseDir?: string;
  /** The owner of the file's mailshares when the file has no `owner:` key; default: `file`, normalised. */
  owner?: string;
}

/** A path as an owner label: `/` separators, no `./` or leading `/` from joining. */
export function normaliseOwnerPath(file: string): string {
  const normal = path.normalize(file).split(path.sep).join("/");
  return normal.replace(/^(\.\/)+/, "");
}

const gitRoots = new Map<string, string | null>();

/** The nearest folder at or above `dir` that holds a `.git` entry (a work tree or a submodule), or null. */
export function gitRootOf(dir: string): string | null {
  const cached = gitRoots.get(dir);
  if (cached !== undefined) return cached;
  let root: string | null;
  if (fs.existsSync(path.join(dir, ".git"))) root = dir;
  else {
    const parent = path.dirname(dir);
    root = parent === dir ? null : gitRootOf(parent);
  }
  gitRoots.set(dir, root);
  return root;
}

/**
 * The default owner of a file: its path from the root of the Git work tree it is in
 * (`teams/a/mailshares.yaml`), or from the current folder when it is in none.
 */
export function defaultOwner(file: string): string {
  const absolute = path.resolve(file);
  const root = gitRootOf(path.dirname(absolute));
  return normaliseOwnerPath(path.relative(root ?? process.cwd(), absolute));
}

const YAML_FILE = /\.ya?ml$/i;

/** Each path is a file or a folder (its `*.yaml` / `*.yml` files, sorted, not recursive). */
export function expandPaths(paths: readonly string[]): { files: string[]; errors: DesiredStateError[]; order: string[]; unread: string[] } {
  const files: string[] = [];
  const unread: string[] = [];
  /** Files and failing paths in the order given, to sort errors by. */
  const order: string[] = [];
  const errors: DesiredStateError[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    const key = path.resolve(file);
    if (!seen.has(key)) {
      seen.add(key);
      files.push(file);
      order.push(file);
    }
  };
  const fail = (file: string, message: string) => {
    order.push(file);
    errors.push({ file, line: 1, column: 1, path: "(document)", message });
  };
  for (const given of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(given);
    } catch (err) {
      fail(given, describeFsError(err));
      continue;
    }
    if (!stat.isDirectory()) {
      // Anything but a folder is read as a file: reading says what it is if it is not one.
      add(given);
      continue;
    }
    let inside: string[];
    try {
      inside = fs.readdirSync(given).filter((name) => YAML_FILE.test(name) && name !== POLICY_FILE_NAME).sort();
    } catch (err) {
      fail(given, `cannot list the folder: ${describeFsError(err, "folder")}`);
      continue;
    }
    unread.push(...foldersWithYaml(given));
    if (inside.length === 0) fail(given, "expected a folder with .yaml or .yml files, found none");
    for (const name of inside) {
      const file = path.join(given, name);
      // bmshare.policy.yml, Bmshare.Policy.YAML…: meant as the policy, which only the exact name is.
      if (/^bmshare\.policy\.ya?ml$/i.test(name)) {
        fail(file, `named like a policy file, but a policy file is named exactly ${POLICY_FILE_NAME}: rename it (as it is, it is no policy and no mailshare file)`);
        continue;
      }
      try {
        // Subfolders are not read; anything else named *.yaml is, and refused if it is no file.
        if (!fs.statSync(file).isDirectory()) add(file);
      } catch (err) {
        fail(file, describeFsError(err, "file"));
      }
    }
  }
  return { files, errors, order, unread };
}

/** The subfolders of `folder` that hold YAML files of their own: `-f folder` does not read them. */
function foldersWithYaml(folder: string): string[] {
  try {
    return fs.readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith("."))
      .map((e) => path.join(folder, e.name))
      .filter((sub) => fs.readdirSync(sub).some((name) => YAML_FILE.test(name)))
      .sort();
  } catch {
    return [];
  }
}

export async function loadDesiredState(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const { files, errors, order, unread } = expandPaths(paths);
  const sources: Source[] = [];
  for (const file of files) {
    const read = readDesiredFile(file);
    if ("error" in read) errors.push({ file, line: read.line ?? 1, column: 1, path: "(document)", message: read.error });
    else sources.push({ file, text: read.text, owner: defaultOwner(file) });
  }
  // A file that cannot be read is bad input too: then nothing goes to the server.
  const withheld = errors.length > 0 && options.lookups !== undefined;
  const result = await checkSources(sources, withheld ? { ...options, lookups: undefined } : options);
  // Subfolders are not read (a folder stands for its own files): said, so that a team's files are never left out unnoticed.
  const notes = unread.map((sub) => `${sub} is not read: -f ${path.dirname(sub)} reads the .yaml files directly in it, not in its subfolders (give -f ${sub} as well)`);
  return {
    ...result, ok: result.ok && errors.length === 0, errors: sortErrors([...errors, ...result.errors], order), notes,
    serverChecks: withheld ? "withheld" : result.serverChecks,
  };
}

/** For the Pulumi program: the mailshares, or a `DesiredStateInvalid` listing every error. */
export async function loadDesiredStateOrThrow(paths: readonly string[], options: LoadOptions = {}): Promise<DesiredMailshare[]> {
  const result = await loadDesiredState(paths, options);
  if (!result.ok) throw new DesiredStateInvalid(result.errors);
  return result.mailshares;
}

/** The whole pipeline over texts already read (tests, editors, stdin). */
export async function checkSources(sources: readonly Source[], options: LoadOptions = {}): Promise<LoadResult> {
  const errors: DesiredStateError[] = [];
  const entries: MailshareEntry[] = [];
  const domains = new Set<string>();
  const owners = new Set<string>();
  const ownerOf = new Map<MailshareEntry, string>();
  for (const source of sources) {
    const checked = checkFile(source);
    append(errors, checked.errors);
    append(entries, checked.entries);
    if (checked.domain !== null) domains.add(checked.domain);
    owners.add(checked.owner);
    for (const entry of checked.entries) ownerOf.set(entry, checked.owner);
  }
  append(errors, checkAcross(entries));
  let serverChecks: LoadResult["serverChecks"] = "skipped";
  const unverified: UnverifiedMailshare[] = [];
  const unverifiedEntries = new Set<MailshareEntry>();
  if (options.lookups && errors.length > 0) serverChecks = "withheld";
  else if (options.lookups) {
    const lookups = typeof options.lookups === "function" ? await options.lookups() : options.lookups;
    const online = await checkOnline(entries, lookups);
    append(errors, online.errors);
    for (const { entry, error } of online.unverified) {
      if (entry.domain === null || unverifiedEntries.has(entry)) continue;
      unverifiedEntries.add(entry);
      const at = locate(entry, []);
      const shown = shorten(error, 500);
      unverified.push({ domain: entry.domain, name: entry.value.name, file: at.file, line: at.line, column: at.column, path: formatPath(entry.path), error: shown });
      if ((options.unverifiedAs ?? "error") === "error") {
        errors.push(errorAt(entry, [], `mailshare "${entry.value.name}" could not be checked against the server: ${shown}`));
      }
    }
    serverChecks = "done";
  }
  const files = sources.map((s) => s.file);
  const mailshares = entries
    .filter((e) => e.domain !== null && !unverifiedEntries.has(e) && !errors.some((error) => concerns(error, e)))
    .map((e): DesiredMailshare => ({
      ...e.value, domain: e.domain as string, owner: ownerOf.get(e) as string, declaredAt: { ...locate(e, []), path: formatPath(e.path) },
    }))
    .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // A last guard: no message echoes more than a line of the file, whatever produced it.
  const bounded = errors.map((e) => (e.message.length > MAX_MESSAGE_LENGTH ? { ...e, message: shorten(e.message, MAX_MESSAGE_LENGTH) } : e));
  return {
    ok: errors.length === 0, mailshares, errors: atMostPerFile(sortErrors(bounded, files)), files, domains: [...domains].sort(),
    owners: [...owners].sort(), unverified, serverChecks,
  };
}

/** `target.push(...items)` without the engine's limit on arguments (a file may have many errors). */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** Errors reported per file: past that, one line says how many more there are. */
export const MAX_ERRORS_PER_FILE = 1000;

function atMostPerFile(sorted: DesiredStateError[]): DesiredStateError[] {
  const counts = new Map<string, number>();
  const out: DesiredStateError[] = [];
  for (const error of sorted) {
    const n = (counts.get(error.file) ?? 0) + 1;
    counts.set(error.file, n);
    if (n <= MAX_ERRORS_PER_FILE) out.push(error);
  }
  for (const [file, n] of counts) {
    if (n <= MAX_ERRORS_PER_FILE) continue;
    const last = out.filter((e) => e.file === file).pop() as DesiredStateError;
    out.splice(out.indexOf(last) + 1, 0, { ...last, message: `${n - MAX_ERRORS_PER_FILE} more errors in this file are not shown: fix the ones above and run again` });
  }
  return out;
}

/** The longest message reported (every value in it is already shortened; this bounds their sum). */
const MAX_MESSAGE_LENGTH = 1000;

/** Whether an error makes a mailshare unusable: it is inside it, or about its file as a whole. */
function concerns(error: DesiredStateError, entry: MailshareEntry): boolean {
  if (error.file !== entry.file) return false;
  const own = formatPath(entry.path);
  return !error.path.startsWith("mailshares[") || error.path === own || error.path.startsWith(`${own}.`) || error.path.startsWith(`${own}[`);
}

interface CheckedFile {
  /** The file's domain, when valid. */
  domain: string | null;
  /** The file's `owner:` when valid, else the source's default owner. */
  owner: string;
  errors: DesiredStateError[];
  /** The mailshares that could be checked (invalid fields set aside; they may have errors). */
  entries: MailshareEntry[];
}

function checkFile(source: Source): CheckedFile {
  const fallbackOwner = source.owner ?? normaliseOwnerPath(source.file);
  const refused = checkText(source.text);
  if (refused) {
    const error = { file: source.file, line: refused.line ?? 1, column: 1, path: "(document)", message: refused.error };
    return { domain: null, owner: fallbackOwner, errors: [error], entries: [] };
  }
  // The fast reading first (fast-parse.ts); a file with any error is read again with positions, so
  // that its messages come from that reading alone.
  const fast = parseYamlFast(source.file, source.text, () => parseYaml(source.file, source.text, { full: true }).map);
  if (fast) {
    const checked = checkParsed(source, fast, fallbackOwner);
    if (checked.errors.length === 0) return checked;
  }
  const parsed = parseYaml(source.file, source.text);
  if (parsed.errors.length > 0) return { domain: null, owner: fallbackOwner, errors: parsed.errors, entries: [] };
  return checkParsed(source, parsed, fallbackOwner);
}

/** Schema, normalisation and the per-mailshare cross-checks of a file read without syntax errors. */
function checkParsed(source: Source, parsed: ParsedFile, fallbackOwner: string): CheckedFile {
  const toError = (map: SourceMap, issue: Issue, base: (string | number)[] = []): DesiredStateError => {
    const full = [...base, ...issue.path];
    return { ...map.locate(full, issue.atKey), path: formatPath(full), message: issue.message };
  };
  const schemaIssues = validateAgainstSchema(parsed.data);
  const errors = schemaIssues.map((issue) => toError(parsed.map, issue));
  const data = parsed.data as Partial<RawFile> | null;
  const ownerInvalid = schemaIssues.some((i) => i.path[0] === "owner" || i.path.length === 0);
  const owner = !ownerInvalid && typeof data?.owner === "string" ? data.owner : fallbackOwner;
  if (!isFileShaped(parsed.data)) return { domain: null, owner, errors, entries: [] };
  const domainInvalid = schemaIssues.some((i) => i.path[0] === "domain" || i.path.length === 0);
  const domain = domainInvalid || typeof parsed.data.domain !== "string" ? null : parsed.data.domain.toLowerCase();
  const baseDir = source.baseDir ?? path.dirname(path.resolve(source.file));
  const entries: MailshareEntry[] = [];
  parsed.data.mailshares.forEach((raw, index) => {
    const entryPath = ["mailshares", index];
    const own = schemaIssues.filter((i) => i.path[0] === "mailshares" && (i.path.length === 1 || i.path[1] === index));
    const invalid = new Set(own.map((i) => i.path[2]).filter((k): k is string => typeof k === "string"));
    // A mailshare that is not a mapping cannot be checked further; otherwise its invalid fields are
    // set aside and the rest is still checked, so one run reports everything. Without a valid name
    // it takes no part in the checks across mailshares, which identify mailshares by name.
    if (own.some((i) => i.path.length <= 2)) return;
    const mailshare = withoutKeys(raw as RawMailshare, invalid);
    const normalised = normaliseMailshare({ ...mailshare, name: String((raw as RawMailshare).name) }, { baseDir });
    const issues = [...normalised.issues, ...checkMailshare(mailshare, normalised.value, invalid)];
    append(errors, issues.map((issue) => toError(parsed.map, issue, entryPath)));
    if (!invalid.has("name")) {
      entries.push({ domain, raw: mailshare, value: normalised.value, file: source.file, path: entryPath, map: parsed.map });
    }
  });
  return { domain, owner, errors, entries };
}

function withoutKeys(raw: RawMailshare, keys: ReadonlySet<string>): RawMailshare {
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !keys.has(key))) as unknown as RawMailshare;
}

function isFileShaped(data: unknown): data is RawFile {
  return typeof data === "object" && data !== null && Array.isArray((data as RawFile).mailshares);
}
