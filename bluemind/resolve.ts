// Directory resolution helpers the providers and the CLI need: user by email or login, group by
// name or email, org unit by path (`/Europe/Paris`) or uid, server by name / fqdn / uid, domain by
// name or alias, and ACL subjects (uids) back to directory entries in one round trip. Every answer
// is cached for the run (client.cache, which the writes that change an answer invalidate).
import type { RunCache } from "./cache";
import { isNotFound, isPermissionDenied } from "./errors";
import type { DirectoryService, GroupService, UserService } from "./directory";
import type { DomainService } from "./domains";
import { formatOrgUnitPath, type OrgUnitService } from "./orgunits";
import type { ServerService } from "./servers";
import type { MailboxService } from "./mailboxes";
import { defaultAddress, receives } from "./directory-lists";
import type { DirEntry, Domain, ItemValue, Mailbox, OrgUnitPath, Server } from "./types";

export interface ResolvedOrgUnit {
  uid: string;
  name: string;
  /** `/Europe/Paris` */
  path: string;
}

/** A user as the lookups of a run need it. */
export interface UserRef {
  uid: string;
  login: string;
  /** The default address, or null (a user without mail). */
  email: string | null;
}

/** A group as the lookups of a run need it. */
export interface GroupRef {
  uid: string;
  name: string;
}

export interface ResolverServices {
  cache: RunCache;
  mailboxes: MailboxService;
  users: UserService;
  groups: GroupService;
  directory: DirectoryService;
  orgUnits: OrgUnitService;
  servers: ServerService;
  domains: DomainService;
}

const segmentsOf = (path: string): string[] => path.split("/").map((s) => s.trim()).filter((s) => s !== "");

export class Resolver {
  private readonly s: ResolverServices;

  constructor(services: ResolverServices) {
    this.s = services;
  }

  /**
   * A user named by email (contains `@`) or login; null when none. Answered from the domain's
   * mailbox list (a user's mailbox has the user's uid, its login as name, and its addresses), so
   * resolving the users of N mailshares costs one `_list` read, not a lookup each. The answers
   * are those of `IUser.byEmail` / `byLogin` (`bob@whatever` as a login finds bob).
   */
  user(domain: string, ref: string): Promise<UserRef | null> {
    const key = ref.trim().toLowerCase();
    return this.s.cache.get(domain, `user ${key}`, async () => {
      const mailboxes = this.s.mailboxes.listed(domain);
      let found: ItemValue<Mailbox> | null;
      try {
        found = key.includes("@")
          ? await mailboxes.byEmail(key, await this.domainNames(domain))
          : await mailboxes.byName(key.split("@")[0]);
      } catch (err) {
        // The list needs manageMailbox; a key with only user rights still resolves users one by one.
        if (!isPermissionDenied(err)) throw err;
        return this.userByLookup(domain, key);
      }
      if (!found || found.value.type !== "user") return null;
      return { uid: found.uid, login: found.value.name, email: defaultAddress(found.value.emails) };
    });
  }

  /**
   * A group named by email (contains `@`) or name (exact); null when none. Answered from the
   * domain's groups, read once (`IGroup.search`), as `IGroup.byEmail` / `byName` would.
   */
  group(domain: string, ref: string): Promise<GroupRef | null> {
    const key = ref.trim();
    return this.s.cache.get(domain, `group ${key}`, async () => {
      const groups = await this.s.groups.all(domain);
      const names = key.includes("@") ? await this.domainNames(domain) : [];
      const found = key.includes("@")
        ? groups.find((g) => receives(g.value.emails, key.toLowerCase(), names))
        : groups.find((g) => g.value.name === key);
      return found ? { uid: found.uid, name: found.value.name } : null;
    });
  }

  private async userByLookup(domain: string, key: string): Promise<UserRef | null> {
    const user = key.includes("@") ? await this.s.users.byEmail(domain, key) : await this.s.users.byLogin(domain, key);
    if (!user) return null;
    return { uid: user.uid, login: user.value.login, email: defaultAddress(user.value.emails) };
  }

  /** The names an address of `domain` may end with: its uid and aliases (the domain as given when unknown). */
  async domainNames(domain: string): Promise<string[]> {
    const d = await this.domain(domain);
    return d ? [d.uid, ...(d.value.aliases ?? [])] : [domain];
  }

  /**
   * An org unit by path (`/Europe/Paris`, matched segment by segment, exactly first and then
   * case-insensitively when that is unambiguous) or by uid; null when none.
   */
  async orgUnit(domain: string, ref: string): Promise<ResolvedOrgUnit | null> {
    const trimmed = ref.trim();
    if (!trimmed.startsWith("/")) {
      const byUid = await this.orgUnitByUid(domain, trimmed);
      if (byUid || trimmed.includes("/")) return byUid;
    }
    return this.orgUnitByPath(domain, trimmed);
  }

  private async orgUnitByUid(domain: string, uid: string): Promise<ResolvedOrgUnit | null> {
    // BlueMind answers 204 for an unknown uid; a 404 means the same.
    const path = await this.s.cache.get(domain, `orgUnit uid ${uid}`, () =>
      this.s.orgUnits.getPath(domain, uid).catch((err: unknown) => {
        if (isNotFound(err)) return null;
        throw err;
      }));
    return path ? { uid: path.uid, name: path.name, path: formatOrgUnitPath(path) } : null;
  }

  private async orgUnitByPath(domain: string, ref: string): Promise<ResolvedOrgUnit | null> {
    const wanted = segmentsOf(ref);
    if (wanted.length === 0) return null;
    // The search matches substrings of the joined path: the last segment finds every candidate.
    const candidates = await this.s.orgUnits.searchCached(domain, { query: wanted[wanted.length - 1] });
    const pathOf = (p: OrgUnitPath) => segmentsOf(formatOrgUnitPath(p));
    const same = (a: string[], b: string[], fold: boolean) =>
      a.length === b.length && a.every((x, i) => (fold ? x.toLowerCase() === b[i].toLowerCase() : x === b[i]));
    let match = candidates.filter((p) => same(pathOf(p), wanted, false));
    if (match.length === 0) match = candidates.filter((p) => same(pathOf(p), wanted, true));
    if (match.length !== 1) return null;
    return { uid: match[0].uid, name: match[0].name, path: formatOrgUnitPath(match[0]) };
  }

  /** A server by uid, name or fqdn (in that order; names compared case-insensitively); null when none. */
  async server(ref: string): Promise<ItemValue<Server> | null> {
    const servers = await this.s.servers.allComplete();
    const key = ref.trim();
    const folded = key.toLowerCase();
    return servers.find((s) => s.uid === key)
      ?? servers.find((s) => s.value.name?.toLowerCase() === folded)
      ?? servers.find((s) => s.value.fqdn?.toLowerCase() === folded)
      ?? null;
  }

  /** A domain by name or alias; null when none. */
  domain(nameOrAlias: string): Promise<ItemValue<Domain> | null> {
    return this.s.domains.findByNameOrAliases(nameOrAlias.trim());
  }

  /**
   * Directory entries for uids (ACL subjects, group members): the uids not cached yet are read in
   * one `_mget` round trip. Unknown uids map to null.
   */
  async entries(domain: string, uids: string[]): Promise<Map<string, DirEntry | null>> {
    const unique = [...new Set(uids)];
    const missing = unique.filter((uid) => !this.s.cache.has(domain, `entry ${uid}`));
    if (missing.length > 0) {
      const batch = this.s.directory.getMultiple(domain, missing)
        .then((items) => new Map(items.map((item) => [item.uid, item.value])));
      for (const uid of missing) this.s.cache.put(domain, `entry ${uid}`, batch.then((found) => found.get(uid) ?? null), [`entry:${uid}`]);
    }
    const byUid = new Map<string, DirEntry | null>();
    for (const uid of unique) {
      byUid.set(uid, await this.s.cache.get(domain, `entry ${uid}`, () => this.s.directory.findByEntryUid(domain, uid), false, [`entry:${uid}`]));
    }
    return byUid;
  }

  /** The entry owning an address (any kind: user, group, mailshare…); null when none. */
  entryByEmail(domain: string, email: string): Promise<DirEntry | null> {
    const key = email.trim().toLowerCase();
    return this.s.cache.get(domain, `entry email ${key}`, () => this.s.directory.getByEmail(domain, key), false, ["addresses"]);
  }
}
