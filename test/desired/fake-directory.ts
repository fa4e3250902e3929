// An in-memory `DirectoryLookups` built from an emulator seed file (default: emulator/seeds/default.yaml),
// so the online cross-checks are tested against the same organisation the examples target, without a
// server. It follows the seed's conventions: users have `<login>@<domain>` (+ aliases), groups with
// `email: true` have `<name>@<domain>`, mailshares their `email`.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { DirectoryLookups, DomainInfo, MailboxInfo, ServerInfo } from "../../desired/online";

interface SeedFile {
  servers?: { name: string; fqdn: string; uid?: string; tags?: string[] }[];
  domains?: {
    name: string; aliases?: string[]; defaultAlias?: string; settings?: Record<string, string>;
    assignments?: { server: string; tag: string }[];
    orgUnits?: { name: string; parent?: string }[];
    users?: { login: string; aliases?: string[] }[];
    groups?: { name: string; email?: boolean }[];
    mailshares?: { name: string; email?: string }[];
  }[];
}

export const DEFAULT_SEED = path.resolve(__dirname, "..", "..", "emulator", "seeds", "default.yaml");

export interface FakeDirectory extends DirectoryLookups {
  /** Every lookup made, `method arg1 arg2`, to assert caching and what was asked. */
  calls: string[];
}

export function seedDirectory(seedFile = DEFAULT_SEED, options: { withEmailLookup?: boolean } = {}): FakeDirectory {
  const seed = parse(fs.readFileSync(seedFile, "utf8")) as SeedFile;
  const calls: string[] = [];
  const domainOf = (name: string) => seed.domains?.find((d) => d.name === name);
  const mailboxes = (domain: string): (MailboxInfo & { emails: string[] })[] => {
    const d = domainOf(domain);
    if (!d) return [];
    return [
      ...(d.users ?? []).map((u) => ({
        kind: "user" as const, uid: `user:${u.login}`, name: u.login,
        emails: [`${u.login}@${domain}`, ...(u.aliases ?? []).map((a) => `${a}@${domain}`)],
      })),
      ...(d.groups ?? []).map((g) => ({ kind: "group" as const, uid: `group:${g.name}`, name: g.name, emails: g.email ? [`${g.name}@${domain}`] : [] })),
      ...(d.mailshares ?? []).map((m) => ({ kind: "mailshare" as const, uid: `mailshare:${m.name}`, name: m.name, emails: m.email ? [m.email] : [] })),
    ];
  };
  const orgUnitPaths = (domain: string) =>
    (domainOf(domain)?.orgUnits ?? []).map((ou) => `${ou.parent ? `/${ou.parent}` : ""}/${ou.name}`);
  const strip = ({ emails: _emails, ...info }: MailboxInfo & { emails: string[] }): MailboxInfo => info;

  const lookups: FakeDirectory = {
    calls,
    async domain(nameOrAlias) {
      calls.push(`domain ${nameOrAlias}`);
      const d = seed.domains?.find((x) => x.name === nameOrAlias || (x.aliases ?? []).includes(nameOrAlias));
      if (!d) return null;
      const max = Number(d.settings?.mailbox_max_publicfolder_quota ?? 0);
      const info: DomainInfo = {
        name: d.name, aliases: d.aliases ?? [], defaultAlias: d.defaultAlias ?? d.name,
        maxMailshareQuotaKiB: max || null, externalRoutingAvailable: Boolean(d.settings?.mail_routing_relay),
      };
      return info;
    },
    async user(domain, ref) {
      calls.push(`user ${domain} ${ref}`);
      const user = mailboxes(domain).find((m) => m.kind === "user" && (m.name === ref || m.emails.includes(ref.toLowerCase())));
      return user ? { uid: user.uid, login: user.name, email: user.emails[0] } : null;
    },
    async group(domain, ref) {
      calls.push(`group ${domain} ${ref}`);
      const group = mailboxes(domain).find((m) => m.kind === "group" && (m.name === ref || m.emails.includes(ref.toLowerCase())));
      return group ? { uid: group.uid, name: group.name } : null;
    },
    async orgUnit(domain, pathOrUid) {
      calls.push(`orgUnit ${domain} ${pathOrUid}`);
      const found = orgUnitPaths(domain).find((p) => p === pathOrUid || `ou:${p}` === pathOrUid);
      return found ? { uid: `ou:${found}`, path: found } : null;
    },
    async server(domain, ref) {
      calls.push(`server ${domain} ${ref}`);
      const server = seed.servers?.find((s) => s.name === ref || s.fqdn === ref || s.uid === ref);
      if (!server) return null;
      const assigned = (domainOf(domain)?.assignments ?? []).some((a) => a.server === server.name && a.tag === "mail/imap");
      const info: ServerInfo = { uid: server.uid ?? `server:${server.name}`, name: server.name, fqdn: server.fqdn, imapForDomain: assigned };
      return info;
    },
    async mailboxByName(domain, name) {
      calls.push(`mailboxByName ${domain} ${name}`);
      const found = mailboxes(domain).find((m) => m.name === name);
      return found ? strip(found) : null;
    },
  };
  if (options.withEmailLookup ?? true) {
    lookups.mailboxByEmail = async (domain, address) => {
      calls.push(`mailboxByEmail ${domain} ${address}`);
      const found = mailboxes(domain).find((m) => m.emails.includes(address));
      return found ? strip(found) : null;
    };
  }
  return lookups;
}
