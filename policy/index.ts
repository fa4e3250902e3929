// Public surface of the policies (docs/policy.md): reading a policy file, checking desired mailshares
// against it, and the Pulumi policy pack built from it.
export { loadPolicyFor, parsePolicy, findPolicyFile, POLICY_FILE_NAME } from "./load";
export { evaluatePolicy, organisationDomains, checkSubject, formatViolation, isMandatory } from "./evaluate";
export { policyPackArgs, servePolicyPack, subjectOf, type ServeOptions } from "./pack";
export { RULES } from "./rules";
export type { Policy, PolicySubject, Rule, RuleParams, Violation, Level } from "./model";
