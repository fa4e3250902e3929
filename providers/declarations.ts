// From a desired mailshare to the resources that represent it: one Mailshare, and always one
// MailshareAliases, MailshareAcl, MailshareAutoReply and MailshareFilters (an absent list means
// "none", so anything added by hand shows up as drift), one MailshareIdentity per identity and one
// MailshareMaintenance per requested operation. The Pulumi program and the CLI both declare from
// this list, so they manage exactly the same resources.
import type { DesiredMailshare, MaintenanceOperation } from "../desired/model";
import { MAINTENANCE_OPERATIONS } from "../desired/model";
import { mailshareUid } from "./ids";
import type { ResourceKind } from "./kinds";
import type { Props } from "./base";

export interface ResourceDeclaration {
  kind: ResourceKind;
  /** Unique in a deployment: `<domain>/<mailshare>[/<part>]`. */
  name: string;
  inputs: Props;
  /** Name of the Mailshare declaration this one belongs to (absent for the Mailshare itself). */
  mailshare?: string;
  /** The mailshare's deletion policy: `retain` keeps the whole set on the server when removed. */
  deletionPolicy: "retain" | "delete";
}

/** The resource name of a mailshare. */
export const mailshareResourceName = (domain: string, name: string) => `${domain}/${name}`;

/**
 * The resource set of one mailshare. Sub-resources get the deterministic mailshare uid; for an
 * adopted mailshare the caller substitutes the live uid (the Pulumi program passes the
 * Mailshare's `uid` output, the CLI looks it up).
 */
export function declareMailshare(m: DesiredMailshare, uid: string = mailshareUid(m.domain, m.name)): ResourceDeclaration[] {
  const base = mailshareResourceName(m.domain, m.name);
  const of = { domain: m.domain, mailshare: uid };
  const sub = (kind: ResourceKind, part: string, inputs: Props): ResourceDeclaration =>
    ({ kind, name: `${base}/${part}`, inputs: { ...of, ...inputs }, mailshare: base, deletionPolicy: m.deletionPolicy });
  const declarations: ResourceDeclaration[] = [
    {
      kind: "Mailshare",
      name: base,
      deletionPolicy: m.deletionPolicy,
      inputs: {
        domain: m.domain, name: m.name, displayName: m.displayName, description: m.description, email: m.email,
        routing: m.routing, quota: m.quota, hidden: m.hidden, delegation: m.delegation, storageServer: m.storageServer,
        information: m.information, deletionPolicy: m.deletionPolicy, adopt: m.adopt, owner: m.owner,
      },
    },
    sub("MailshareAliases", "aliases", { aliases: m.aliases }),
    sub("MailshareAcl", "acl", { shares: m.shares }),
    sub("MailshareAutoReply", "auto-reply", { autoReply: m.autoReply }),
    sub("MailshareFilters", "filters", { filters: m.filters, forwarding: m.forwarding }),
    ...m.identities.map((identity) => sub("MailshareIdentity", `identity/${identity.name}`, { ...identity })),
    ...MAINTENANCE_OPERATIONS.filter((op) => m.maintenance[op] !== null).map((op: MaintenanceOperation) =>
      sub("MailshareMaintenance", `maintenance/${op}`, { operation: op, trigger: m.maintenance[op] })),
  ];
  return declarations;
}
