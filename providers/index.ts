// The resource classes and their input types, for TypeScript Pulumi programs:
//   import { Mailshare, MailshareAcl } from "bluemind-mailshares/providers";
export { Mailshare, type MailshareArgs, type MailshareInputs } from "./mailshare";
export { MailshareAliases, type MailshareAliasesArgs, type MailshareAliasesInputs } from "./aliases";
export { MailshareAcl, type MailshareAclArgs, type MailshareAclInputs, type AclShare } from "./acl";
export { MailshareAutoReply } from "./autoreply";
export { MailshareFilters } from "./filters";
export { MailshareIdentity } from "./identity";
export { MailshareMaintenance } from "./maintenance";
export { mailshareUid, identityId } from "./ids";
export { declareMailshare, type ResourceDeclaration } from "./declarations";
