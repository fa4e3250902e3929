// Helpers shared by the resource kinds: reading the mailshare a sub-resource belongs to, following
// tasks with progress, and the domain's default quota.
import type { ItemValue, Mailshare, TaskRef } from "../bluemind/types";
import { isNotFound, isServerUnreachable, mailboxAclContainerUid, type TaskOutcome } from "../bluemind";
import { ConnectionError } from "./connection";
import type { Runtime } from "./runtime";

/** The mailshare `uid` of `domain`; fails with a clear message when it is not there. */
export async function requireMailshare(rt: Runtime, domain: string, uid: string): Promise<ItemValue<Mailshare>> {
  const item = await rt.client.mailshares.getComplete(domain, uid);
  if (!item) throw new Error(`mailshare ${uid} does not exist in ${domain} (deleted outside bmshare? run a refresh)`);
  return item;
}

/** Follows a task to its end, reporting each new log line; throws when it ends InError. */
export async function followTask(rt: Runtime, ref: TaskRef, what: string): Promise<TaskOutcome> {
  rt.report("info", `${what}: task ${ref.id} started`);
  const outcome = await rt.client.followTask(ref, {
    onProgress: (p) => {
      for (const line of p.newLogs) rt.report("info", `${what}: ${line} (${p.progress}/${p.steps})`);
    },
    rejectOnError: false,
  });
  if (outcome.state === "InError") {
    // BlueMind's last log line of a failed task may be empty: say the last one that says something.
    const said = [outcome.status.lastLogEntry ?? "", ...[...outcome.logs].reverse()].find((l) => l.trim() !== "");
    throw new Error(`${what} failed: ${said ?? "task ended in error"}`);
  }
  rt.report("info", `${what}: done`);
  return outcome;
}

/** The quota BlueMind gives a mailshare created without one (KiB), or null. */
export async function defaultQuota(rt: Runtime, domain: string): Promise<number | null> {
  const settings = await rt.client.domains.getSettings(domain);
  const value = (key: string) => Number(settings[key] ?? 0) || 0;
  return value("mailbox_default_publicfolder_quota") || value("mailbox_max_publicfolder_quota") || null;
}

/**
 * Sets keys in the settings of the mailshare's ACL container, where bmshare keeps what it must
 * remember without a state file (deletion policy, last maintenance triggers). A full-replace map:
 * call it while holding the mailshare's lock. Writes only when something changes.
 */
export async function patchMailshareSettings(rt: Runtime, uid: string, patch: Record<string, string>): Promise<void> {
  const containerUid = mailboxAclContainerUid(uid);
  const current = await mailshareSettings(rt, uid);
  if (current === null) {
    rt.report("warn", `mailshare ${uid} has no ACL container: bmshare cannot record ${Object.keys(patch).join(", ")} (a repair re-creates it)`);
    return;
  }
  if (Object.entries(patch).every(([k, v]) => current[k] === v)) return;
  await rt.client.containers.setSettings(containerUid, { ...current, ...patch });
}

/** What bmshare recorded on the mailshare; null when its ACL container is missing (a broken mailshare). */
export async function mailshareSettings(rt: Runtime, uid: string): Promise<Record<string, string> | null> {
  try {
    return await rt.client.containers.getSettings(mailboxAclContainerUid(uid));
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Settings key of the deletion policy mark (read by the CLI to find mailshares it may delete). */
export const DELETION_POLICY_SETTING = "bmshare.deletionPolicy";

/** Settings key of the owner label: the files that declare the mailshare (see docs/desired-state.md, "Owners"). */
export const OWNER_SETTING = "bmshare.owner";

export interface ManagementMarks {
  /** The deletion policy bmshare recorded; null when none (never applied by bmshare). */
  deletionPolicy: "retain" | "delete" | null;
  /** The owner recorded; null when none (applied by a bmshare older than owners, or by hand). */
  owner: string | null;
}

/** What bmshare recorded about managing a mailshare; both null when nothing (or no ACL container). */
export async function managementMarks(rt: Runtime, uid: string): Promise<ManagementMarks> {
  const settings = (await mailshareSettings(rt, uid)) ?? {};
  const policy = settings[DELETION_POLICY_SETTING];
  return {
    deletionPolicy: policy === "delete" || policy === "retain" ? policy : null,
    owner: settings[OWNER_SETTING] || null,
  };
}

/** Settings key of the SHA-256 of the photo bmshare uploaded (BlueMind re-encodes photos). */
export const PHOTO_SETTING = "bmshare.photo.sha256";

/**
 * Whether an error means "no server to ask" (none configured, unreachable, unavailable): checks
 * then skip their server part instead of failing (preview works offline); other errors fail.
 */
export const isUnreachable = (err: unknown): boolean =>
  err instanceof ConnectionError || isServerUnreachable(err);
