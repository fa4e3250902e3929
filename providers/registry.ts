// Every resource kind's real provider, by kind name: what the serialized stubs load at run time
// (stub.ts) and what the CLI drives directly.
import type { ResourceKind } from "./kinds";
import type { BmshareProvider } from "./base";
import { mailshareProvider } from "./mailshare";
import { mailshareAliasesProvider } from "./aliases";
import { mailshareAclProvider } from "./acl";
import { mailshareAutoReplyProvider } from "./autoreply";
import { mailshareFiltersProvider } from "./filters";
import { mailshareIdentityProvider } from "./identity";
import { mailshareMaintenanceProvider } from "./maintenance";

export const PROVIDERS: Record<ResourceKind, BmshareProvider<any, any>> = {
  Mailshare: mailshareProvider,
  MailshareAliases: mailshareAliasesProvider,
  MailshareAcl: mailshareAclProvider,
  MailshareAutoReply: mailshareAutoReplyProvider,
  MailshareFilters: mailshareFiltersProvider,
  MailshareIdentity: mailshareIdentityProvider,
  MailshareMaintenance: mailshareMaintenanceProvider,
};
