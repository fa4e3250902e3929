// The emulator's whole state: plain JSON, so that it persists as one file. Sessions and tasks
// are not part of it (BlueMind loses both on a core restart too).
import * as fs from "node:fs";
import * as path from "node:path";
import type {
  AccessControlEntry, APIKey, Assignment, Domain, Group, Identity, ItemValue, Mailshare, MailFilterRule, Member,
  OrgUnit, Server, User,
} from "./model";
import { notFound } from "./faults";
import { table, type Table } from "./table";

export interface DomainState {
  item: ItemValue<Domain>;
  settings: Table<string>;
  users: Table<ItemValue<User>>;
  groups: Table<ItemValue<Group>>;
  members: Table<Member[]>;
  mailshares: Table<ItemValue<Mailshare>>;
  orgUnits: Table<ItemValue<OrgUnit>>;
  /** Roles held by users and groups of the domain. */
  roles: Table<string[]>;
  /** Delegated administration: org unit uid → administrator (user or group) uid → roles. */
  ouAdmins: Table<Table<string[]>>;
  /** User passwords (never served). */
  passwords: Table<string>;
  /** Photos (PNG, base64) by entry uid. */
  photos: Table<string>;
}

export interface AclContainer {
  uid: string;
  type: "mailboxacl";
  owner: string;
  domainUid: string;
  acl: AccessControlEntry[];
  /** IContainerManagement settings (`_settings`): a free string map; absent = empty. */
  settings?: Table<string>;
}

export interface StoredRule extends MailFilterRule {
  id: number;
}

export interface State {
  version: 1;
  /** Installation container uid of `/api/servers/default`. */
  installation: string;
  domains: Table<DomainState>;
  servers: Table<ItemValue<Server>>;
  assignments: Assignment[];
  containers: Table<AclContainer>;
  /** Filter rules by mailbox uid, in insertion order (position). */
  rules: Table<StoredRule[]>;
  /** A 4.x release's `MailFilter.Rule`s by mailbox uid (services/filters/criteria.ts). */
  criteriaRules?: Table<unknown[]>;
  /** Identities by mailbox uid, then identity id. */
  identities: Table<Table<Identity>>;
  /**
   * The mail each mailbox holds, in KiB, as IMailboxes.getMailboxQuota reports it (`used`). The
   * emulator stores no messages: this is set by seeds (`mailUsedKiB`) or a test, else 0.
   */
  mailUsage?: Table<number>;
  /** The messages each mailbox holds, as its search index counts them (IMailboxFoldersByContainer.searchItems). */
  mailMessages?: Table<number>;
  apiKeys: Table<APIKey>;
  seq: { internalId: number; ruleId: number; roundRobin: number };
}

export function emptyState(): State {
  return {
    version: 1,
    installation: "bluemind-emulator",
    domains: table(),
    servers: table(),
    assignments: [],
    containers: table(),
    rules: table(),
    identities: table(),
    apiKeys: table(),
    seq: { internalId: 1000, ruleId: 1, roundRobin: 0 },
  };
}

/** An empty domain state around its item. */
export function newDomainState(item: ItemValue<Domain>, settings: Record<string, string> = {}): DomainState {
  return {
    item, settings: table(settings), users: table(), groups: table(), members: table(), mailshares: table(),
    orgUnits: table(), roles: table(), ouAdmins: table(), passwords: table(), photos: table(),
  };
}

/**
 * A state read back from JSON: its tables become null-prototype tables again (JSON.parse keeps
 * `__proto__` as an own key, so nothing is lost), and fields added since the file was written get
 * their empty value.
 */
function reviveState(raw: State): State {
  const domains = table<DomainState>();
  for (const [uid, d] of Object.entries(raw.domains ?? {})) {
    const state = newDomainState(d.item, d.settings ?? {});
    for (const key of ["users", "groups", "members", "mailshares", "orgUnits", "roles", "passwords", "photos"] as const) {
      (state as any)[key] = table((d as any)[key] ?? {});
    }
    state.ouAdmins = table(Object.entries(d.ouAdmins ?? {}).map(([ou, admins]) => [ou, table(admins)] as [string, Table<string[]>]));
    domains[uid] = state;
  }
  const containers = table<AclContainer>();
  for (const [uid, c] of Object.entries(raw.containers ?? {})) {
    containers[uid] = c.settings ? { ...c, settings: table(c.settings) } : c;
  }
  return {
    ...raw, domains, containers,
    servers: table(raw.servers ?? {}),
    rules: table(raw.rules ?? {}),
    criteriaRules: table(raw.criteriaRules ?? {}),
    identities: table(Object.entries(raw.identities ?? {}).map(([m, ids]) => [m, table(ids)] as [string, Table<Identity>])),
    apiKeys: table(raw.apiKeys ?? {}),
    mailUsage: table(raw.mailUsage ?? {}),
    mailMessages: table(raw.mailMessages ?? {}),
  };
}

export class Store {
  constructor(public state: State, private readonly dataFile: string | null) {}

  static open(dataDir: string | undefined): { store: Store; loaded: boolean } {
    if (!dataDir) return { store: new Store(emptyState(), null), loaded: false };
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, "state.json");
    if (fs.existsSync(file)) {
      const state = JSON.parse(fs.readFileSync(file, "utf8")) as State;
      if (state.version !== 1) throw new Error(`${file}: unsupported state version ${state.version}`);
      return { store: new Store(reviveState(state), file), loaded: true };
    }
    return { store: new Store(emptyState(), file), loaded: false };
  }

  /**
   * Writes the state atomically: a temporary file, fsync, then rename over the old one, so a
   * crash mid-write leaves either the old or the new state, never a torn file.
   */
  save(): void {
    if (!this.dataFile) return;
    const tmp = `${this.dataFile}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeSync(fd, JSON.stringify(this.state));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.dataFile);
  }

  nextInternalId(): number {
    return ++this.state.seq.internalId;
  }

  nextRuleId(): number {
    return this.state.seq.ruleId++;
  }

  newItem<T>(uid: string, value: T, by: string | null, displayName: string | null): ItemValue<T> {
    const now = Date.now();
    return {
      uid, internalId: this.nextInternalId(), version: 1, displayName, externalId: null,
      createdBy: by, updatedBy: by, created: now, updated: now, flags: [], value,
    };
  }

  touch<T>(item: ItemValue<T>, by: string | null): void {
    item.version++;
    item.updated = Date.now();
    item.updatedBy = by;
  }

  /** Domain by uid or by any alias (AbstractDirServiceFactory's findByNameOrAliases). */
  findDomain(nameOrAlias: string): DomainState | undefined {
    const direct = this.state.domains[nameOrAlias];
    if (direct) return direct;
    return Object.values(this.state.domains).find((d) => d.item.value.aliases.includes(nameOrAlias));
  }

  /** Like findDomain, failing with BlueMind's 404 `domain X not found`. */
  domain(nameOrAlias: string): DomainState {
    const d = this.findDomain(nameOrAlias);
    if (!d) throw notFound(`domain ${nameOrAlias} not found`);
    return d;
  }

  /** Exact domain uid only (IMailboxIdentity, IServer assignments, settings). */
  exactDomain(uid: string): DomainState {
    const d = this.state.domains[uid];
    if (!d) throw notFound(`domain ${uid} not found`);
    return d;
  }

  /** The domain a mailbox (user, group or mailshare uid) lives in, with its kind. */
  locateMailbox(uid: string): { domain: DomainState; kind: "user" | "group" | "mailshare" } | undefined {
    for (const domain of Object.values(this.state.domains)) {
      if (domain.mailshares[uid]) return { domain, kind: "mailshare" };
      if (domain.users[uid]) return { domain, kind: "user" };
      if (domain.groups[uid]) return { domain, kind: "group" };
    }
    return undefined;
  }

  /** Domain names a local part is valid at: the domain uid and every alias. */
  static domainNames(d: DomainState): string[] {
    return [d.item.value.name, ...d.item.value.aliases];
  }
}
