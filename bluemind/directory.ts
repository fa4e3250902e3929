// IDirectory — /api/directory/{domain}: entry lookups, search, batch get, cards, mailbox moves and
// deletes by entry uid; plus the IUser and IGroup lookups used to resolve ACL subjects
// (docs/bluemind-api.md §2.6). The domain parameter accepts the domain uid or an alias.
import type { Transport } from "./transport";
import type { TaskService } from "./tasks";
import type {
  DirEntry, DirEntryQuery, Group, ItemValue, ListResult, Member, TaskRef, User, VCard,
} from "./types";

export class DirectoryService {
  private readonly t: Transport;
  private readonly tasks: TaskService;

  constructor(t: Transport, tasks: TaskService) {
    this.t = t;
    this.tasks = tasks;
  }

  /** The domain's root entry. */
  getRoot(domain: string): Promise<DirEntry | null> {
    return this.t.json<DirEntry>({ endpoint: "IDirectory.getRoot", params: { domain }, repeat: "read" });
  }

  /** The entry at a directory path (`acme.test/mailshares/<uid>`), sent as a String body. */
  getEntry(domain: string, path: string): Promise<DirEntry | null> {
    return this.t.json<DirEntry>({
      endpoint: "IDirectory.getEntry", params: { domain }, body: { kind: "string", value: path }, repeat: "read",
    });
  }

  /** Any entry by uid; null when unknown (204). */
  findByEntryUid(domain: string, entryUid: string): Promise<DirEntry | null> {
    return this.t.json<DirEntry>({ endpoint: "IDirectory.findByEntryUid", params: { domain, entryUid }, repeat: "read" });
  }

  /** The entry (any kind) owning an address; null when none. `+` travels as `%2B`. */
  getByEmail(domain: string, email: string): Promise<DirEntry | null> {
    return this.t.json<DirEntry>({
      endpoint: "IDirectory.getByEmail", params: { domain, email: email.toLowerCase() }, repeat: "read",
    });
  }

  /**
   * Directory search (a POST read). Unset `from`/`size` default to everything (0 / -1). BlueMind's
   * defaults exclude hidden and system entries (`hiddenFilter`/`systemFilter` true).
   */
  search(domain: string, query: DirEntryQuery): Promise<ListResult<ItemValue<DirEntry>>> {
    return this.t.required<ListResult<ItemValue<DirEntry>>>({
      endpoint: "IDirectory.search", params: { domain },
      body: { kind: "json", value: { from: 0, size: -1, ...query } }, repeat: "read",
    });
  }

  /** The same search, cached for the run (resolution helpers, reports). */
  searchCached(domain: string, query: DirEntryQuery, fresh = false): Promise<ListResult<ItemValue<DirEntry>>> {
    return this.t.cache.get(domain, `IDirectory.search ${JSON.stringify(query)}`, () => this.search(domain, query), fresh, ["directory"]);
  }

  /** Several entries by uid in one round trip (unknown uids are left out). */
  getMultiple(domain: string, uids: string[]): Promise<ItemValue<DirEntry>[]> {
    if (uids.length === 0) return Promise.resolve([]);
    return this.t.list<ItemValue<DirEntry>>({
      endpoint: "IDirectory.getMultiple", params: { domain }, body: { kind: "json", value: uids }, repeat: "read",
    });
  }

  /** The directory card of an entry (a mailshare's card included); null when unknown. */
  getVCard(domain: string, uid: string): Promise<ItemValue<VCard> | null> {
    return this.t.json<ItemValue<VCard>>({ endpoint: "IDirectory.getVCard", params: { domain, uid }, repeat: "read" });
  }

  /**
   * Moves a mailbox to another backend server (a task, id `xfer-<entryUid>@<domain>`).
   * Repeat: "once" — it starts a task. After an ambiguous failure the deterministic task id is
   * read: a task still NotStarted / InProgress is the one this call started and its ref is
   * returned; otherwise the outcome is unknown (OutcomeUnknownError).
   */
  async xfer(domain: string, entryUid: string, serverUid: string): Promise<TaskRef> {
    try {
      return await this.t.required<TaskRef>({
        endpoint: "IDirectory.xfer", params: { domain, entryUid, serverUid }, repeat: "once", invalidates: { domain, entry: entryUid },
      });
    } catch (err) {
      return this.tasks.recoverRunning(err, `xfer-${entryUid}@${domain}`);
    }
  }

  /** Deletes an entry of any kind (a task; for a mailshare = IMailshare.delete). Repeat: "once". */
  deleteByEntryUid(domain: string, entryUid: string): Promise<TaskRef> {
    return this.t.required<TaskRef>({
      endpoint: "IDirectory.deleteByEntryUid", params: { domain, entryUid }, repeat: "once", invalidates: { domain, entry: entryUid },
    });
  }
}

/** IUser lookups — /api/users/{domainUid}. */
export class UserService {
  private readonly t: Transport;

  constructor(t: Transport) {
    this.t = t;
  }

  getComplete(domainUid: string, uid: string): Promise<ItemValue<User> | null> {
    return this.t.json<ItemValue<User>>({ endpoint: "IUser.getComplete", params: { domainUid, uid }, repeat: "read" });
  }

  /** The user owning an address; null when none. */
  byEmail(domainUid: string, email: string): Promise<ItemValue<User> | null> {
    return this.t.json<ItemValue<User>>({
      endpoint: "IUser.byEmail", params: { domainUid, email: email.toLowerCase() }, repeat: "read",
    });
  }

  /** The user with that login (BlueMind logins are lower case); null when none. */
  byLogin(domainUid: string, login: string): Promise<ItemValue<User> | null> {
    return this.t.json<ItemValue<User>>({
      endpoint: "IUser.byLogin", params: { domainUid, login: login.toLowerCase() }, repeat: "read",
    });
  }
}

/** IGroup lookups — /api/groups/{domainUid}. (`IGroup.get` reads its uid from a body: not used.) */
export class GroupService {
  private readonly t: Transport;

  constructor(t: Transport) {
    this.t = t;
  }

  getComplete(domainUid: string, uid: string): Promise<ItemValue<Group> | null> {
    return this.t.json<ItemValue<Group>>({ endpoint: "IGroup.getComplete", params: { domainUid, uid }, repeat: "read" });
  }

  byName(domainUid: string, name: string): Promise<ItemValue<Group> | null> {
    return this.t.json<ItemValue<Group>>({ endpoint: "IGroup.byName", params: { domainUid, name }, repeat: "read" });
  }

  /**
   * Every group of the domain, read once for the run (an empty `_search` query, a POST read:
   * GroupSearchQuery has no paging, only a name and properties to match). bmshare never writes
   * groups.
   */
  all(domainUid: string): Promise<ItemValue<Group>[]> {
    return this.t.cache.get(domainUid, "IGroup.search {}", () => this.t.list<ItemValue<Group>>({
      endpoint: "IGroup.search", params: { domainUid }, body: { kind: "json", value: {} }, repeat: "read",
    }));
  }

  byEmail(domainUid: string, email: string): Promise<ItemValue<Group> | null> {
    return this.t.json<ItemValue<Group>>({
      endpoint: "IGroup.byEmail", params: { domainUid, email: email.toLowerCase() }, repeat: "read",
    });
  }

  /** Direct members (users, groups, external users). */
  getMembers(domainUid: string, uid: string): Promise<Member[]> {
    return this.t.list<Member>({ endpoint: "IGroup.getMembers", params: { domainUid, uid }, repeat: "read" });
  }

  /** Every user member, nested groups expanded. */
  getExpandedUserMembers(domainUid: string, uid: string): Promise<Member[]> {
    return this.t.list<Member>({ endpoint: "IGroup.getExpandedUserMembers", params: { domainUid, uid }, repeat: "read" });
  }
}
