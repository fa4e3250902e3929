// The resource classes and their input types, for TypeScript Pulumi programs:
//   import { Mailshare, MailshareAcl } from "bluemind-mailshares/providers";
export { Mailshare, type MailshareArgs, type MailshareInputs } from "./mailshare";
export { MailshareAliases } from "./aliases";
export { MailshareAcl } from "./acl";
export { MailshareAutoReply } from "./autoreply";
export { MailshareFilters } from "./filters";
export { MailshareIdentity } from "./identity";
export { MailshareMaintenance } from "./maintenance";
export { mailshareUid, identityId } from "./ids";
export { declareMailshare, type ResourceDeclaration } from "./declarations";
