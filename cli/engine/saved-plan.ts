// Saved plans (`plan --out FILE`, `apply --plan FILE`): the plan a reviewer approved is the plan
// that is applied. The file holds the server it was made against, the files and owners, the
// desired inputs and the live values the plan read, and a SHA-256 digest of all of it. Applying it
// checks the digest (a file edited or damaged after review is refused whole), the server, and then
// per resource, as every apply does, that the server still holds what the plan read (freshness.ts).
//
// Nothing secret is in it: inputs never hold the API key, and the connection is recorded as its
// origin and path only (no user info, no query). The digest proves integrity, not authorship: keep
// the file where your CI keeps reviewed artifacts.
//
// Photos are files: their paths are stored relative to the folder the plan was made from (a CI job
// plans and applies from the repository root, at different absolute paths), and a photo whose
// content no longer has the planned SHA-256 refuses its mailshare. So are the policy files the plan
// was checked against (version 2), each with its SHA-256: apply --plan finds the files' policies
// again from that folder and refuses the whole plan when one changed, appeared or disappeared
// (cli/policy.ts).
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Props } from "../../providers/base";
import { PROVIDERS } from "../../providers/registry";
import type { Plan, ResourcePlan } from "./model";
import { changesFromInputs } from "./changes";

export const SAVED_PLAN_FORMAT = "bmshare-plan";
/** 2: the plan records its policy files (`plan.policies`). */
export const SAVED_PLAN_VERSION = 2;
/** A saved plan is read whole: refuse anything bigger than a plan of a very large domain. */
export const MAX_SAVED_PLAN_BYTES = 256 * 1024 * 1024;

export interface SavedPlan {
  format: typeof SAVED_PLAN_FORMAT;
  version: typeof SAVED_PLAN_VERSION;
  /** The BlueMind server the plan was read from (origin and path). */
  server: string;
  /** Whether the plan includes deletions (`plan --allow-delete`). */
  allowDelete: boolean;
  plan: Plan;
  /** `sha256:<hex>` of everything above, in canonical JSON. */
  digest: string;
}

export class SavedPlanError extends Error {}

/** The server a connection URL names, without user info, query or fragment. */
export function serverOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
  } catch {
    return "(not a URL)";
  }
}

/** JSON with object keys sorted at every level: the same content always gives the same digest. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

const digestOf = (body: Omit<SavedPlan, "digest">) => `sha256:${createHash("sha256").update(canonical(body)).digest("hex")}`;

type PathMap = (p: string) => string;

/**
 * A copy of the plan with its local paths mapped: the files, where mailshares are declared, the
 * policy files and the violations' files by `files`, the photos of Mailshare resources by `photos`.
 * Unchanged resources keep no inputs (nothing is sent for them).
 */
function mapPaths(plan: Plan, files: PathMap, photos: PathMap): Plan {
  const mapProps = (props: Props | null): Props | null => {
    const information = props?.information as { photo?: { path?: unknown } | null } | undefined;
    const photo = information?.photo;
    if (!props || !photo || typeof photo.path !== "string" || photo.path.startsWith("(")) return props;
    return { ...props, information: { ...information, photo: { ...photo, path: photos(photo.path) } } };
  };
  const mapResource = (r: ResourcePlan): ResourcePlan => {
    if (r.action === "unchanged") return { ...r, inputs: {}, live: null };
    return r.kind !== "Mailshare" ? r : { ...r, inputs: mapProps(r.inputs) as Props, live: mapProps(r.live) };
  };
  return {
    ...plan,
    files: plan.files.map(files),
    policies: plan.policies.map((p) => ({ ...p, file: files(p.file) })),
    violations: plan.violations.map((v) => ({ ...v, file: files(v.file), policy: files(v.policy) })),
    mailshares: plan.mailshares.map((m) => ({
      ...m,
      declaredAt: m.declaredAt && { ...m.declaredAt, file: files(m.declaredAt.file) },
      resources: m.resources.map(mapResource),
    })),
  };
}

const posix = (p: string) => p.split(path.sep).join("/");

/** Writes the plan to `file` (atomically: a reader never sees half a plan). */
export function writeSavedPlan(file: string, plan: Plan, o: { url: string; allowDelete: boolean; cwd?: string }): void {
  const cwd = o.cwd ?? process.cwd();
  const relative = (p: string) => posix(path.relative(cwd, path.resolve(cwd, p)));
  const body: Omit<SavedPlan, "digest"> = {
    format: SAVED_PLAN_FORMAT,
    version: SAVED_PLAN_VERSION,
    server: serverOf(o.url),
    allowDelete: o.allowDelete,
    plan: mapPaths(plan, relative, relative),
  };
  const saved: SavedPlan = { ...body, digest: digestOf(body) };
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(saved, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/**
 * Removes the saved plan at `file`, if that is what is there (a file beginning as writeSavedPlan
 * begins one), so that a plan command that saves nothing never leaves an earlier plan behind to be
 * applied by mistake; anything else at that path is left alone. Whether one was removed.
 */
export function discardSavedPlan(file: string): boolean {
  const head = `{\n  "format": "${SAVED_PLAN_FORMAT}"`;
  try {
    if (!fs.lstatSync(file).isFile()) return false;
    const fd = fs.openSync(file, "r");
    const buffer = Buffer.alloc(head.length);
    try {
      fs.readSync(fd, buffer, 0, head.length, 0);
    } finally {
      fs.closeSync(fd);
    }
    if (buffer.toString("utf8") !== head) return false;
    fs.rmSync(file);
    return true;
  } catch {
    return false;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Reads a saved plan for the server at `url`: the plan with photo paths resolved from `cwd`, or a
 * SavedPlanError saying why it cannot be applied (nothing has been sent then).
 */
export function readSavedPlan(file: string, o: { url: string; cwd?: string }): SavedPlan {
  const cwd = o.cwd ?? process.cwd();
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new SavedPlanError(`${file}: not a regular file`);
    if (stat.size > MAX_SAVED_PLAN_BYTES) throw new SavedPlanError(`${file}: ${stat.size} bytes, more than a saved plan can be (${MAX_SAVED_PLAN_BYTES})`);
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof SavedPlanError) throw err;
    throw new SavedPlanError(`${file}: cannot read the plan: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let saved: unknown;
  try {
    saved = JSON.parse(text);
  } catch {
    throw new SavedPlanError(`${file}: not a saved plan (not JSON): make one with bmshare plan --out`);
  }
  if (!isObject(saved) || saved.format !== SAVED_PLAN_FORMAT) {
    throw new SavedPlanError(`${file}: not a saved plan (no "format": "${SAVED_PLAN_FORMAT}"): make one with bmshare plan --out`);
  }
  if (saved.version !== SAVED_PLAN_VERSION) {
    const why = saved.version === 1 ? " (version 1 does not record the policy files it was checked against)" : "";
    throw new SavedPlanError(`${file}: saved plan version ${JSON.stringify(saved.version)}, this bmshare reads version ${SAVED_PLAN_VERSION}${why}: plan again with this version`);
  }
  const { digest, ...body } = saved as unknown as SavedPlan;
  if (!isObject(body.plan) || !Array.isArray(body.plan.policies)) throw new SavedPlanError(`${file}: not a saved plan (no "plan" with its "policies"): make one with bmshare plan --out`);
  if (typeof digest !== "string" || digest !== digestOf(body)) {
    throw new SavedPlanError(`${file}: the plan's digest does not match its content: it was edited or damaged after it was made; plan again`);
  }
  const server = serverOf(o.url);
  if (body.server !== server) {
    throw new SavedPlanError(`${file}: the plan was made against ${body.server}, not ${server}: apply it to the server it was made for, or plan again`);
  }
  // Files are shown as stored (relative to the folder the plan was made in); photos are opened from `cwd`.
  const plan = mapPaths(body.plan, (p) => p, (p) => path.resolve(cwd, p));
  checkPhotos(plan);
  checkWhatItWrites(plan, cwd);
  return { ...body, plan, digest };
}

const ALWAYS_DECLARED = ["MailshareAliases", "MailshareAcl", "MailshareAutoReply", "MailshareFilters"] as const;

/**
 * What a plan writes is what bmshare's plan would make of the files it names: each mailshare it
 * writes declared in them, a new one with all its parts, and each change it shows for a resource it
 * creates or updates following from the inputs apply will send and the live state it read. A file
 * edited and digested again after review could otherwise show one change and make another.
 */
function checkWhatItWrites(plan: Plan, cwd: string): void {
  const files = plan.files.map((f) => path.resolve(cwd, f));
  const declaredIn = (file: string) => files.some((f) => f === file || file.startsWith(f + path.sep));
  for (const m of plan.mailshares) {
    // What it writes is declared in the files it names: their policy files are the ones it is judged by.
    if (m.resources.some((r) => r.action === "create" || r.action === "update") && (!m.declaredAt || !declaredIn(path.resolve(cwd, m.declaredAt.file)))) {
      throw new SavedPlanError(`${m.domain}/${m.name}: the plan writes it, but not as declared in the files it names: it was edited after it was made; plan again`);
    }
    // A new mailshare comes with every part a declaration always has (providers/declarations.ts),
    // each created too: a part left out would escape the rules that read it (no ACL, nobody manages it).
    if (m.resources.some((r) => r.kind === "Mailshare" && r.action === "create")) {
      const missing = ALWAYS_DECLARED.filter((kind) => !m.resources.some((r) => r.kind === kind && r.action === "create"));
      if (missing.length > 0) throw new SavedPlanError(`${m.domain}/${m.name}: the plan creates it without its ${missing.join(", ")}: it was edited after it was made; plan again`);
    }
    for (const r of m.resources) {
      if (r.action !== "create" && r.action !== "update") continue;
      const provider = PROVIDERS[r.kind];
      const shown = provider ? JSON.stringify(changesFromInputs(provider, r.action, r.inputs, r.live)) : null;
      if (shown !== JSON.stringify(r.changes)) {
        throw new SavedPlanError(`${r.name}: the changes the plan shows do not follow from what it writes: it was edited after it was made; plan again`);
      }
    }
  }
}

/** Every photo a plan uploads must still be the file that was planned. */
function checkPhotos(plan: Plan): void {
  for (const m of plan.mailshares) {
    for (const r of m.resources) {
      if (r.kind !== "Mailshare" || r.action === "delete" || r.action === "unchanged") continue;
      const photo = (r.inputs.information as { photo?: { path: string; sha256: string } | null } | undefined)?.photo;
      if (!photo) continue;
      let sha256: string;
      try {
        sha256 = createHash("sha256").update(fs.readFileSync(photo.path)).digest("hex");
      } catch {
        throw new SavedPlanError(`${r.name}: the photo ${posix(path.relative(process.cwd(), photo.path))} the plan uploads cannot be read: apply from the folder the plan was made in`);
      }
      if (sha256 !== photo.sha256) {
        throw new SavedPlanError(`${r.name}: the photo ${posix(path.relative(process.cwd(), photo.path))} changed since the plan: plan again`);
      }
    }
  }
}
