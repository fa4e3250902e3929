// The Pulumi side of the declarations: one Mailshare and its sub-resources per desired mailshare,
// wired so that removing a mailshare with the default policy (retain) leaves everything on the
// server — the Mailshare is retained on delete, and its sub-resources are deleted with it, so the
// engine never deletes them one by one (docs/architecture.md, "Resource model" and rule 1).
import * as pulumi from "@pulumi/pulumi";
import type { DesiredMailshare } from "../desired/model";
import { declareMailshare, type ResourceDeclaration } from "../providers/declarations";
import {
  Mailshare, MailshareAcl, MailshareAliases, MailshareAutoReply, MailshareFilters, MailshareIdentity, MailshareMaintenance,
} from "../providers/resources";
import { KINDS, type ResourceKind } from "../providers/kinds";

type SubResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

const SUB_RESOURCES: Record<Exclude<ResourceKind, "Mailshare">, SubResourceClass> = {
  MailshareAliases, MailshareAcl, MailshareAutoReply, MailshareFilters, MailshareIdentity, MailshareMaintenance,
};


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
    // Each part after the parts of earlier phases (providers/kinds.ts): identities may use an alias,
    // maintenance works on the mailbox as configured.
    const declared: { phase: number; resource: pulumi.CustomResource }[] = [];
    for (const part of [...parts].sort((a, b) => KINDS[a.kind].phase - KINDS[b.kind].phase)) {
      const phase = KINDS[part.kind].phase;
      const after = declared.filter((d) => d.phase < phase).map((d) => d.resource);
      declared.push({ phase, resource: declarePart(part, mailshare, uid, retain, after) });
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
    retainOnDelete: retain && KINDS[part.kind].lifetime === "mailshare",
  });
}
