// IContainerManagement (ACL, descriptor and settings of a container) and IMailboxAclUids.
// A mailshare's sharing list lives on the container `mailbox:acls-<mailshareUid>`; reads return
// the *expanded* ACL (every implied verb), so compare ACLs after compaction (docs/bluemind-api.md §2.4).
import type { Transport } from "./transport";
import type { AccessControlEntry, ContainerDescriptor, Verb } from "./types";

/** The ACL container of a mailbox, computed as BlueMind does (no lookup needed). */
export function mailboxAclContainerUid(mailboxUid: string): string {
  return `mailbox:acls-${mailboxUid}`;
}

export class ContainerService {
  private readonly t: Transport;

  constructor(t: Transport) {
    this.t = t;
  }

  /** The expanded ACL. Needs `Manage` on the container; unknown container → NotFoundError. */
  getAccessControlList(containerUid: string): Promise<AccessControlEntry[]> {
    return this.t.list<AccessControlEntry>({
      endpoint: "IContainerManagement.getAccessControlList",
      params: { containerUid },
      repeat: "read",
    });
  }

  /**
   * Replaces the whole ACL (a mailshare gets SendAs added/removed with Write automatically).
   * Repeat: "replace" — a full replace by the same list is harmless.
   */
  setAccessControlList(containerUid: string, entries: AccessControlEntry[]): Promise<void> {
    return this.t.void({
      endpoint: "IContainerManagement.setAccessControlList",
      params: { containerUid },
      body: { kind: "json", value: entries },
      repeat: "replace",
    });
  }

  getDescriptor(containerUid: string): Promise<ContainerDescriptor | null> {
    return this.t.json<ContainerDescriptor>({
      endpoint: "IContainerManagement.getDescriptor",
      params: { containerUid },
      repeat: "read",
    });
  }

  /** The container's settings (a free string map). Needs Read or Manage; unknown container → NotFoundError. */
  async getSettings(containerUid: string): Promise<Record<string, string>> {
    const value = await this.t.json<Record<string, string>>({
      endpoint: "IContainerManagement.getSettings",
      params: { containerUid },
      repeat: "read",
    });
    return value ?? {};
  }

  /**
   * The settings as the run read them (the run cache; a write of them through this client drops
   * them, and so does a write tagged as `tags` say). For comparing with what the files want — a read-modify-write reads `getSettings`.
   */
  settings(containerUid: string, tags: readonly string[] = []): Promise<Record<string, string>> {
    return this.t.cache.get(null, `IContainerManagement.getSettings ${containerUid}`, () => this.getSettings(containerUid), false,
      [`container:${containerUid}`, ...tags]);
  }

  /**
   * Replaces the whole settings map (keys left out are removed: read-modify-write under a lock).
   * Needs Manage. Repeat: "replace" — the same full map twice gives the same state.
   */
  setSettings(containerUid: string, settings: Record<string, string>): Promise<void> {
    return this.t.void({
      endpoint: "IContainerManagement.setSettings",
      params: { containerUid },
      body: { kind: "json", value: settings },
      repeat: "replace",
      invalidates: { domain: null, tags: [`container:${containerUid}`] },
    });
  }

  /** Whether the *caller* holds any of these verbs or roles on the container (a POST read). */
  async canAccess(containerUid: string, verbsOrRoles: (Verb | string)[]): Promise<boolean> {
    const value = await this.t.json<boolean>({
      endpoint: "IContainerManagement.canAccess",
      params: { containerUid },
      body: { kind: "json", value: verbsOrRoles },
      repeat: "read",
    });
    return value === true;
  }

  /** `IMailboxAclUids.getUidForMailbox`: the ACL container uid, as the server computes it. */
  async getUidForMailbox(mailboxUid: string): Promise<string> {
    const value = await this.t.string({
      endpoint: "IMailboxAclUids.getUidForMailbox",
      params: { uid: mailboxUid },
      repeat: "read",
    });
    return value ?? mailboxAclContainerUid(mailboxUid);
  }
}
