// A Pulumi policy pack that enforces a bmshare policy file (docs/policy.md). Pulumi starts it in
// this folder: `pulumi preview --policy-pack examples/policy-pack`. In your own repository the
// require is `require("bluemind-mailshares/policy")` and the file your bmshare.policy.yaml.
const { servePolicyPack } = require("../../dist/policy/index.js");

servePolicyPack({ policyFile: "../policy/bmshare.policy.yaml" });
