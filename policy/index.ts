// Public surface of the policies (docs/policy.md): reading the policy files of a run (layered: the
// organisation's, then nearer ones), checking desired mailshares against them, and the Pulumi
// policy pack built from one.
export { loadPolicyFor, readPolicyFile, parsePolicy, policyFilesFor, POLICY_FILE_NAME } from "./load";
export { evaluatePolicy, evaluatePolicies, organisationDomains, checkSubject, formatViolation, isMandatory } from "./evaluate";
export { policyPackArgs, servePolicyPack, subjectOf, type ServeOptions } from "./pack";
export { RULES } from "./rules";
export type { Policy, PolicySet, PolicySubject, Rule, RuleParams, Violation, Level } from "./model";
