// The directory lookups of the server cross-checks (online.ts), answered by the BlueMind client from
// the run's indexed lists (the domain's mailboxes and groups), so N mailshares cost a few reads.
// Read-only; null means "does not exist", any failure to answer throws (docs/architecture.md, rule 5).
import type { BlueMindClient } from "../bluemind";
import type { DirectoryLookups, MailboxInfo, MailboxKind } from "./online";

const KINDS: Record<string, MailboxKind> = { user: "user", group: "group", mailshare: "mailshare", resource: "resource" };

export function bluemindLookups(client: BlueMindClient): DirectoryLookups {
  const mailbox = (found: { uid: string; value: { name: string; type: string } } | null): MailboxInfo | null =>
    found ? { kind: KINDS[found.value.type] ?? "other", uid: found.uid, name: found.value.name } : null;
  return {
    async domain(nameOrAlias) {
      const d = await client.resolve.domain(nameOrAlias);
      if (!d) return null;
      const settings = await client.domains.settings(d.uid);
      return {
        name: d.value.name,
        aliases: d.value.aliases ?? [],
        defaultAlias: d.value.defaultAlias ?? d.value.name,
        maxMailshareQuotaKiB: Number(settings.mailbox_max_publicfolder_quota ?? 0) || null,
        externalRoutingAvailable: Boolean(settings.mail_routing_relay),
      };
    },
    async user(domain, ref) {
      return client.resolve.user(domain, ref);
    },
    async group(domain, ref) {
      return client.resolve.group(domain, ref);
    },
    async orgUnit(domain, pathOrUid) {
      const ou = await client.resolve.orgUnit(domain, pathOrUid);
      return ou ? { uid: ou.uid, path: ou.path } : null;
    },
    async server(domain, ref) {
      const s = await client.resolve.server(ref);
      if (!s) return null;
      const imap = await client.servers.byAssignment(domain, "mail/imap");
      return { uid: s.uid, name: s.value.name, fqdn: s.value.fqdn, imapForDomain: imap.includes(s.uid) };
    },
    // From the domain's mailbox list, indexed (one `_list` read for the whole run).
    async mailboxByName(domain, name) {
      return mailbox(await client.mailboxes.listed(domain).byName(name));
    },
    async mailboxByEmail(domain, address) {
      return mailbox(await client.mailboxes.listed(domain).byEmail(address.toLowerCase(), await client.resolve.domainNames(domain)));
    },
  };
}
