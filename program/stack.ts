// The Pulumi side of the declarations: one Mailshare and its sub-resources per desired mailshare,
// wired so that removing a mailshare with the default policy (retain) leaves everything on the
// server — the Mailshare is retained on delete, and its sub-resources are deleted with it, so the
// engine never deletes them one by one (design.md §2, rule 1).
import * as pulumi from "@pulumi/pulumi";
import type { DesiredMailshare } from "../desired/model";
import { declareMailshare, type ResourceDeclaration } from "../providers/declarations";
import {
  Mailshare, MailshareAcl, MailshareAliases, MailshareAutoReply, MailshareFilters, MailshareIdentity, MailshareMaintenance,
} from "../providers";
import type { ResourceKind } from "../providers/stub";

type SubResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

const SUB_RESOURCES: Record<Exclude<ResourceKind, "Mailshare">, SubResourceClass> = {
  MailshareAliases, MailshareAcl, MailshareAutoReply, MailshareFilters, MailshareIdentity, MailshareMaintenance,
};

/** Parts that exist exactly as long as their mailshare (the others come and go with the YAML lists). */
const ALWAYS_DECLARED = new Set<ResourceKind>(["MailshareAliases", "MailshareAcl", "MailshareAutoReply", "MailshareFilters"]);

export interface MailshareSummary {
  uid: pulumi.Output<string>;
  addresses: pulumi.Output<string[]>;
  deletionPolicy: string;
  resources: number;
}

export interface StackOutputs {
  mailshares: Record<string, MailshareSummary>;
  summary: string;
}

export function declareStack(mailshares: readonly DesiredMailshare[]): StackOutputs {
  const out: Record<string, MailshareSummary> = {};
  let total = 0;
  for (const m of mailshares) {
    const [main, ...parts] = declareMailshare(m);
    const retain = m.deletionPolicy === "retain";
    const mailshare = new Mailshare(main.name, main.inputs as any, { retainOnDelete: retain });
    // An adopted mailshare keeps its own uid, known only once it is read: pass the output then;
    // otherwise the deterministic uid, so that previews show real values.
    const uid: pulumi.Input<string> = m.adopt ? mailshare.uid : (parts[0].inputs.mailshare as string);
    // Identities use the mailshare's addresses, aliases included: they come after the aliases.
    const aliases = declarePart(parts.find((p) => p.kind === "MailshareAliases")!, mailshare, uid, retain, []);
    for (const part of parts) {
      if (part.kind !== "MailshareAliases") declarePart(part, mailshare, uid, retain, part.kind === "MailshareIdentity" ? [aliases] : []);
    }
    out[main.name] = { uid: mailshare.uid, addresses: mailshare.addresses, deletionPolicy: m.deletionPolicy, resources: 1 + parts.length };
    total += 1 + parts.length;
  }
  const domains = [...new Set(mailshares.map((m) => m.domain))].join(", ");
  return { mailshares: out, summary: `${mailshares.length} mailshares (${domains || "no domain"}), ${total} resources` };
}

function declarePart(
  part: ResourceDeclaration, mailshare: Mailshare, uid: pulumi.Input<string>, retain: boolean, after: pulumi.Resource[],
): pulumi.CustomResource {
  const cls = SUB_RESOURCES[part.kind as Exclude<ResourceKind, "Mailshare">];
  return new cls(part.name, { ...part.inputs, mailshare: uid }, {
    parent: mailshare,
    dependsOn: [mailshare, ...after],
    deletedWith: mailshare,
    retainOnDelete: retain && ALWAYS_DECLARED.has(part.kind),
  });
}
