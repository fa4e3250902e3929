// Reading the policy file: where it is found, and every mistake in it named by file, line, column and
// field, with the same messages as the mailshare files.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findPolicyFile, loadPolicyFor, parsePolicy, POLICY_FILE_NAME } from "../../policy/load";
import { formatError } from "../../desired/errors";
import { tempDir } from "./support";
import { RULES } from "../../policy/rules";

const errorsOf = (text: string) => parsePolicy("p.yaml", text).errors.map(formatError);

describe("the policy file's checks", () => {
  it("reads a valid policy, leaving disabled rules out", () => {
    const loaded = parsePolicy("p.yaml", "domains: [ACME.test]\nrules:\n  manage-share: { level: mandatory }\n  naming: { level: disabled, name: x }\n");
    expect(loaded.errors).toEqual([]);
    expect(loaded.policy).toEqual({ file: "p.yaml", domains: ["acme.test"], rules: { "manage-share": { level: "mandatory" } } });
  });

  it("reports schema errors at their place, with did-you-mean and the size messages of the format", () => {
    expect(errorsOf("rules:\n  naming: { level: mandatry, name: x }\n  quota-bounds: { level: advisory, min: 2 GB }\n  manage-shares: { level: advisory }\n")).toEqual([
      'p.yaml:2:20: rules.naming.level: expected one of advisory, mandatory, disabled, found "mandatry" (did you mean "mandatory"?)',
      'p.yaml:3:41: rules.quota-bounds.min: expected a size such as 2 GiB, 500 MiB or 1048576 KiB (binary units KiB, MiB, GiB, TiB), or a plain number of KiB, found "2 GB" (did you mean "2 GiB"?)',
      'p.yaml:4:3: rules.manage-shares: unknown key "manage-shares" (did you mean "manage-share"?)',
    ]);
    expect(errorsOf("rules:\n  auto-reply-end: { level: advisory }\n")).toEqual(["p.yaml:2:19: rules.auto-reply-end.maxDays: required key is missing"]);
    expect(errorsOf("rules: {}\ndomains: [not a domain]\n")).toEqual(['p.yaml:2:11: domains[0]: expected a domain name such as acme.test, found "not a domain"']);
  });

  it("reports what only the rules can check: patterns that do not compile, bounds the wrong way round, rules that check nothing", () => {
    expect(errorsOf('rules:\n  naming: { level: mandatory, name: "([" }\n  quota-bounds: { level: advisory, min: 2 GiB, max: 1 GiB }\n')).toEqual([
      'p.yaml:2:37: rules.naming.name: expected a regular expression, found "([": Invalid regular expression: /([/u: Unterminated character class',
      "p.yaml:3:41: rules.quota-bounds.min: expected min at most max, found 2 GiB > 1 GiB",
    ]);
    expect(errorsOf("rules:\n  naming: { level: advisory }\n")).toEqual(["p.yaml:2:11: rules.naming: give name or address (a pattern), else the rule checks nothing"]);
  });

  it("refuses YAML errors and files that are not text, like a mailshare file", () => {
    expect(errorsOf("rules:\n  a: [\n")[0]).toMatch(/^p\.yaml:\d+:\d+: /);
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "p.yaml"), Buffer.from([0x72, 0, 0x73]));
    expect(loadPolicyFor([], path.join(dir, "p.yaml")).errors.map((e) => e.message)).toEqual([expect.stringMatching(/^policy file: not a text file: it contains a NUL byte/)]);
  });
});

describe("finding the policy file", () => {
  it("takes the one beside the files, else the one at the root of their Git work tree, else none", () => {
    const repo = tempDir();
    fs.mkdirSync(path.join(repo, ".git"));
    fs.mkdirSync(path.join(repo, "mailshares"));
    const files = path.join(repo, "mailshares", "acme.test.yaml");
    fs.writeFileSync(files, "domain: acme.test\nmailshares: []\n");
    expect(findPolicyFile([files])).toEqual({ file: null });
    fs.writeFileSync(path.join(repo, POLICY_FILE_NAME), "rules: {}\n");
    expect(findPolicyFile([path.join(repo, "mailshares")])).toEqual({ file: path.join(repo, POLICY_FILE_NAME) });
    fs.writeFileSync(path.join(repo, "mailshares", POLICY_FILE_NAME), "rules: {}\n");
    expect(findPolicyFile([files])).toEqual({ file: path.join(repo, "mailshares", POLICY_FILE_NAME) });
  });

  it("refuses two different policies beside the files of one run", () => {
    const [a, b] = [tempDir(), tempDir()];
    for (const dir of [a, b]) fs.writeFileSync(path.join(dir, POLICY_FILE_NAME), "rules: {}\n");
    const found = findPolicyFile([path.join(a, "x.yaml"), path.join(b, "y.yaml")]);
    expect(found).toEqual({ error: expect.stringMatching(/^several policy files apply to these files \(.*\): give one with --policy$/) });
  });
});

describe("the rules and the schemas", () => {
  it("name the same rules: the policy schema's, the plan schema's violation rules, and the rule modules", () => {
    const policySchema = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "schemas", "policy.schema.json"), "utf8"));
    const planSchema = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "schemas", "plan.schema.json"), "utf8"));
    const ids = Object.keys(RULES).sort();
    expect(Object.keys(policySchema.properties.rules.properties).sort()).toEqual(ids);
    expect([...planSchema.$defs.violation.properties.rule.enum].sort()).toEqual(ids);
    for (const id of ids) expect(policySchema.properties.rules.properties[id].required).toContain("level");
  });
});
