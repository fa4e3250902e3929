// What bmshare records on the server instead of a state file: marks in the settings of the
// mailshare's ACL container — the deletion policy, the owner (the files that declare it), the digest
// of the photo uploaded (maintenance triggers are recorded there too, by maintenance.ts).
import { isNotFound, mailboxAclContainerUid } from "../bluemind";
import type { Runtime } from "./runtime";

/**
 * Sets keys in the settings of the mailshare's ACL container, where bmshare keeps what it must
 * remember without a state file (deletion policy, last maintenance triggers). A full-replace map:
 * call it while holding the mailshare's lock. Writes only when something changes.
 */
export async function patchMailshareSettings(rt: Runtime, uid: string, patch: Record<string, string>, known?: Record<string, string>): Promise<void> {
  const containerUid = mailboxAclContainerUid(uid);
  const current = known ?? await mailshareSettings(rt, uid, { fresh: true });
  if (current === null) {
    rt.report("warn", `mailshare ${uid} has no ACL container: bmshare cannot record ${Object.keys(patch).join(", ")} (a repair re-creates it)`);
    return;
  }
  if (Object.entries(patch).every(([k, v]) => current[k] === v)) return;
  await rt.client.containers.setSettings(containerUid, { ...current, ...patch });
}

/**
 * What bmshare recorded on the mailshare; null when its ACL container is missing (a broken
 * mailshare). As the run read it, unless `fresh` (a read-modify-write).
 */
export async function mailshareSettings(rt: Runtime, uid: string, options: { fresh?: boolean } = {}): Promise<Record<string, string> | null> {
  const container = mailboxAclContainerUid(uid);
  try {
    // Tagged with the mailshare, so that forgetting what the run read of it forgets these too.
    return await (options.fresh ? rt.client.containers.getSettings(container) : rt.client.containers.settings(container, [`entry:${uid}`]));
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
