// The resource classes and their input types, for TypeScript Pulumi programs:
//   import { Mailshare, MailshareAcl } from "bluemind-mailshares/providers";
export {
  Mailshare, MailshareAliases, MailshareAcl, MailshareAutoReply, MailshareFilters, MailshareIdentity, MailshareMaintenance,
} from "./resources";
export type { MailshareArgs, MailshareInputs } from "./mailshare";
export type { MailshareAliasesArgs, MailshareAliasesInputs } from "./aliases";
export type { MailshareAclArgs, MailshareAclInputs, AclShare } from "./acl";
export type { MailshareAutoReplyArgs } from "./autoreply";
export type { MailshareFiltersArgs } from "./filters";
export type { MailshareIdentityArgs } from "./identity";
export type { MailshareMaintenanceArgs } from "./maintenance";
export { mailshareUid, identityId } from "./ids";
export { declareMailshare, type ResourceDeclaration } from "./declarations";
