// The Pulumi resource classes, for Pulumi programs (index.ts, program/, examples/typescript/):
// each one is a `pulumi.dynamic.Resource` whose provider is the serializable stub of its kind
// (stub.ts). This is the only module of the project that imports @pulumi/pulumi as a value: the
// provider modules and the CLI use its types only, so `bmshare` never loads the SDK (about 900
// modules).
import * as pulumi from "@pulumi/pulumi";
import { providerStub } from "./stub";
import type { AclShare, MailshareAclArgs } from "./acl";
import type { MailshareAliasesArgs } from "./aliases";
import type { MailshareAutoReplyArgs } from "./autoreply";
import type { MailshareFiltersArgs } from "./filters";
import type { MailshareIdentityArgs } from "./identity";
import type { MailshareArgs } from "./mailshare";
import type { MailshareMaintenanceArgs } from "./maintenance";
import type { Address, AutoReply, Filter, Forwarding } from "../desired/model";

/** A BlueMind mailshare (type token `pulumi-nodejs:dynamic/bluemind:Mailshare`). */
export class Mailshare extends pulumi.dynamic.Resource {
  declare readonly uid: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly domain: pulumi.Output<string>;
  declare readonly addresses: pulumi.Output<string[]>;
  declare readonly dataLocation: pulumi.Output<string | null>;

  constructor(name: string, args: MailshareArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerStub("Mailshare"), name, { uid: undefined, addresses: undefined, dataLocation: undefined, orgUnitUid: undefined, ...args }, opts, "bluemind", "Mailshare");
  }
}

/** The alias addresses of a mailshare (type token `pulumi-nodejs:dynamic/bluemind:MailshareAliases`). */
export class MailshareAliases extends pulumi.dynamic.Resource {
  declare readonly domain: pulumi.Output<string>;
  declare readonly mailshare: pulumi.Output<string>;
  declare readonly aliases: pulumi.Output<Address[]>;

  constructor(name: string, args: MailshareAliasesArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerStub("MailshareAliases"), name, { ...args }, opts, "bluemind", "MailshareAliases");
  }
}

/** The sharing list of a mailshare (type token `pulumi-nodejs:dynamic/bluemind:MailshareAcl`). */
export class MailshareAcl extends pulumi.dynamic.Resource {
  declare readonly domain: pulumi.Output<string>;
  declare readonly mailshare: pulumi.Output<string>;
  declare readonly shares: pulumi.Output<AclShare[]>;
  declare readonly subjects: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: MailshareAclArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerStub("MailshareAcl"), name, { subjects: undefined, ...args }, opts, "bluemind", "MailshareAcl");
  }
}

/** The automatic (vacation) reply of a mailshare (type token `pulumi-nodejs:dynamic/bluemind:MailshareAutoReply`). */
export class MailshareAutoReply extends pulumi.dynamic.Resource {
  declare readonly domain: pulumi.Output<string>;
  declare readonly mailshare: pulumi.Output<string>;
  declare readonly autoReply: pulumi.Output<AutoReply | null>;

  constructor(name: string, args: MailshareAutoReplyArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerStub("MailshareAutoReply"), name, { ...args }, opts, "bluemind", "MailshareAutoReply");
  }
}

/** The mail rules and forwarding of a mailshare (type token `pulumi-nodejs:dynamic/bluemind:MailshareFilters`). */
export class MailshareFilters extends pulumi.dynamic.Resource {
  declare readonly domain: pulumi.Output<string>;
  declare readonly mailshare: pulumi.Output<string>;
  declare readonly filters: pulumi.Output<Filter[]>;
  declare readonly forwarding: pulumi.Output<Forwarding | null>;

  constructor(name: string, args: MailshareFiltersArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerStub("MailshareFilters"), name, { ...args }, opts, "bluemind", "MailshareFilters");
  }
}

/** A sender identity of a mailshare (type token `pulumi-nodejs:dynamic/bluemind:MailshareIdentity`). */
export class MailshareIdentity extends pulumi.dynamic.Resource {
  declare readonly identityId: pulumi.Output<string>;
  declare readonly mailshare: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly email: pulumi.Output<string>;

  constructor(name: string, args: MailshareIdentityArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerStub("MailshareIdentity"), name, { identityId: undefined, ...args }, opts, "bluemind", "MailshareIdentity");
  }
}

/** A maintenance action on a mailshare (type token `pulumi-nodejs:dynamic/bluemind:MailshareMaintenance`). */
export class MailshareMaintenance extends pulumi.dynamic.Resource {
  declare readonly state: pulumi.Output<"Success" | "InError" | null>;
  declare readonly result: pulumi.Output<string | null>;
  declare readonly logSummary: pulumi.Output<string | null>;
  declare readonly ranAt: pulumi.Output<string | null>;
  declare readonly lastTrigger: pulumi.Output<string | null>;

  constructor(name: string, args: MailshareMaintenanceArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerStub("MailshareMaintenance"), name,
      { state: undefined, result: undefined, logSummary: undefined, ranAt: undefined, lastTrigger: undefined, ...args },
      opts, "bluemind", "MailshareMaintenance");
  }
}
