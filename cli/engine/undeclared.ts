// What the plan does with what the files do not declare: a managed mailshare's identities that
// bmshare created are deleted (others are listed as unmanaged), and the domains' undeclared
// mailshares are listed, or deleted when this run's owners declared them, bmshare marked them
// `deletionPolicy: delete` and `--allow-delete` is given.
import * as fs from "node:fs";
import * as path from "node:path";
import type { DesiredMailshare } from "../../desired/model";
import { gitRootsOf } from "../../policy/load";
import { mailshareResourceName } from "../../providers/declarations";
import { PROVIDERS } from "../../providers/registry";
import type { Props } from "../../providers/base";
import type { Runtime } from "../../providers/runtime";
import { identityId } from "../../providers/ids";
import { managementMarks, type ManagementMarks } from "../../providers/marks";
import type { ItemValue, Mailshare as WireMailshare } from "../../bluemind/types";
import { textDiffs } from "./texts";
import { wholeResource } from "./changes";
import type { MailsharePlan, ResourcePlan, UnmanagedIdentity, UnmanagedMailshare, Unreadable } from "./model";

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The live identities the files do not declare: deleted when bmshare created them (their id is the
 * one bmshare derives from the mailshare and their label), listed as unmanaged otherwise.
 */
export async function undeclaredIdentities(
  rt: Runtime, m: DesiredMailshare, uid: string, declared: ReadonlySet<string>, unmanaged: UnmanagedIdentity[],
): Promise<ResourcePlan[]> {
  const provider = PROVIDERS.MailshareIdentity;
  const deletes: ResourcePlan[] = [];
  const live = (await rt.client.identities.getIdentities(m.domain, uid))
    .filter((i) => i.id !== null && !declared.has(i.id))
    .sort((a, b) => (a.name ?? "").localeCompare(b.name ?? "") || (a.id as string).localeCompare(b.id as string));
  for (const identity of live) {
    const id = identity.id as string;
    const label = identity.name ?? "";
    if (id !== identityId(uid, label)) {
      unmanaged.push({
        domain: m.domain, mailshare: m.name, mailshareUid: uid, id, name: label, email: identity.email,
        note: "not created by bmshare (made in the console or by another tool): left alone",
      });
      continue;
    }
    const read = await provider.read!(id, { domain: m.domain, mailshare: uid, name: label });
    if (!read.id) continue; // deleted meanwhile
    const liveInputs = read.inputs ?? {};
    const name = `${mailshareResourceName(m.domain, m.name)}/identity/${label}`;
    deletes.push({
      kind: "MailshareIdentity", name, id, action: "delete",
      reason: "created by bmshare and no longer declared in the files",
      changes: wholeResource(provider, liveInputs, "delete"),
      diffs: textDiffs("MailshareIdentity", name, liveInputs, null),
      inputs: read.props ?? liveInputs, live: read.props ?? liveInputs,
    });
  }
  return deletes;
}

const RENAME_NOTE = " (if a mailshare declared as new replaces it, that is a rename: BlueMind keeps mailshare names fixed, so " +
  "the new one is another mailbox; copy the mail over before this one goes)";

/** `file`'s real path, or null when there is no such file. */
function realFile(file: string): string | null {
  try {
    return fs.statSync(file).isFile() ? fs.realpathSync(file) : null;
  } catch {
    return null;
  }
}

/**
 * The owners of a run that are the path of another file that is still there, from the root of the
 * run's work tree (or the current folder), and that the run was not given: a file's `owner:` may take
 * over the owner of a file it replaces, but one claiming a file that still exists does not get to
 * delete what that file declares (its own run decides).
 */
export function ownersOfOtherFiles(owners: readonly string[], files: readonly string[], cwd = process.cwd()): Set<string> {
  const given = new Set(files.map((f) => realFile(f)));
  // Every work tree a run's file is in, up to the outermost: a nested repository does not hide the claimed file.
  const roots = new Set(files.flatMap((f) => {
    const found = gitRootsOf(path.dirname(path.resolve(f)));
    return found.length > 0 ? found : [cwd];
  }));
  return new Set(owners.filter((owner) => [...roots].some((root) => {
    const claimed = realFile(path.join(root, owner));
    return claimed !== null && !given.has(claimed);
  })));
}

export interface UndeclaredContext {
  rt: Runtime;
  allowDelete: boolean;
  /** The owners of this run's files. */
  owners: ReadonlySet<string>;
  /** Those of them that name another file this run was not given (ownersOfOtherFiles): never deleted for. */
  ownersOfOtherFiles: ReadonlySet<string>;
  /** `domain\nowner` of the mailshares this plan creates (a rename in the files looks like one of them). */
  creating: ReadonlySet<string>;
  unreadable: Unreadable[];
}

/** Why an undeclared mailshare stays, from what bmshare recorded on it. */
function undeclaredNote(marks: ManagementMarks, ours: boolean, claimed: boolean): string {
  if (marks.deletionPolicy === null) return "not declared in the files: left alone";
  if (claimed) {
    return `its owner ${marks.owner} is the path of a file this run was not given (a file of this run claims that owner): ` +
      "left alone — only a run given that file deletes what it no longer declares";
  }
  if (!ours) {
    return marks.owner === null
      ? "not declared in the files; bmshare managed it, but no owner is recorded on it (applied before owners were recorded): " +
        "left alone — apply the files that declare it once to record their owner"
      : `declared by files of another owner (${marks.owner}), not given to this run: left alone`;
  }
  return marks.deletionPolicy === "delete"
    ? "not declared in the files any more; bmshare marked it deletionPolicy: delete: give --allow-delete to delete it with its mail"
    : "not declared in the files any more; bmshare managed it before (deletionPolicy: retain): kept on the server, no longer managed";
}

/**
 * An undeclared mailshare: a deletion when one of this run's owners declared it, bmshare marked it
 * `deletionPolicy: delete` and deleting is allowed; else an unmanaged entry saying why it stays.
 */
export async function planUndeclared(domain: string, item: ItemValue<WireMailshare>, c: UndeclaredContext): Promise<MailsharePlan | UnmanagedMailshare | null> {
  const name = item.value.name;
  const resourceName = mailshareResourceName(domain, name);
  let marks: ManagementMarks;
  try {
    marks = await managementMarks(c.rt, item.uid);
  } catch (err) {
    c.unreadable.push({ domain, mailshare: name, kind: "Mailshare", name: `deletion policy of ${resourceName}`, error: messageOf(err) });
    return null;
  }
  const claimed = marks.owner !== null && c.ownersOfOtherFiles.has(marks.owner);
  const ours = marks.owner !== null && c.owners.has(marks.owner) && !claimed;
  const renamed = ours && c.creating.has(`${domain}\n${marks.owner}`) ? RENAME_NOTE : "";
  if (ours && marks.deletionPolicy === "delete" && c.allowDelete) {
    const provider = PROVIDERS.Mailshare;
    let live: { id?: string; inputs?: Props; props?: Props };
    try {
      live = await provider.read!(item.uid, { domain, name, deletionPolicy: "delete", adopt: false });
    } catch (err) {
      c.unreadable.push({ domain, mailshare: name, kind: "Mailshare", name: resourceName, error: messageOf(err) });
      return null;
    }
    if (!live.id) return null;
    const liveInputs = live.inputs ?? {};
    return {
      domain, name, uid: item.uid, declaredAt: null, adopted: false, action: "delete",
      resources: [{
        kind: "Mailshare", name: resourceName, id: item.uid, action: "delete",
        reason: `no longer declared by its owner ${marks.owner}, created by bmshare with deletionPolicy: delete, and --allow-delete given: deleted with its mail${renamed}`,
        changes: wholeResource(provider, liveInputs, "delete"), diffs: [],
        inputs: { ...live.props, domain, name, deletionPolicy: "delete" }, live: live.props ?? liveInputs,
      }],
    };
  }
  return {
    domain, name, uid: item.uid, hidden: item.value.hidden === true, deletionPolicy: marks.deletionPolicy, owner: marks.owner,
    note: undeclaredNote(marks, ours, claimed) + renamed,
  };
}
