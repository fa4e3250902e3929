// Reading the policy file: where it is found, and every mistake in it named by file, line, column and
// field, with the same messages as the mailshare files.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicyFor, parsePolicy, policyFilesFor, POLICY_FILE_NAME } from "../../policy/load";
import { formatError } from "../../desired/errors";
import { tempDir } from "./support";
import { RULES } from "../../policy/rules";

const errorsOf = (text: string) => parsePolicy("p.yaml", text).errors.map(formatError);

describe("the policy file's checks", () => {
  it("reads a valid policy, leaving disabled rules out", () => {
    const loaded = parsePolicy("p.yaml", "domains: [ACME.test]\nrules:\n  manage-share: { level: mandatory }\n  naming: { level: disabled, name: x }\n");
    expect(loaded.errors).toEqual([]);
    expect(loaded.policy).toEqual({ file: "p.yaml", sha256: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), domains: ["acme.test"], rules: { "manage-share": { level: "mandatory" } } });
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

describe("finding the policy files", () => {
  /** A Git work tree with a policy at its root, one in teams/a and none in teams/b. */
  function repository(): string {
    const repo = tempDir();
    fs.mkdirSync(path.join(repo, ".git"));
    for (const team of ["a", "b"]) fs.mkdirSync(path.join(repo, "teams", team, "mailshares"), { recursive: true });
    fs.writeFileSync(path.join(repo, POLICY_FILE_NAME), "rules:\n  manage-share: { level: mandatory }\n");
    fs.writeFileSync(path.join(repo, "teams", "a", POLICY_FILE_NAME), "rules:\n  description-required: { level: mandatory }\n");
    return repo;
  }

  it("takes the work tree's root file and every file in the folders down to the files', farthest first", () => {
    const repo = repository();
    expect(policyFilesFor(path.join(repo, "teams", "a", "mailshares"))).toEqual([path.join(repo, POLICY_FILE_NAME), path.join(repo, "teams", "a", POLICY_FILE_NAME)]);
    expect(policyFilesFor(path.join(repo, "teams", "b", "mailshares"))).toEqual([path.join(repo, POLICY_FILE_NAME)]);
    fs.writeFileSync(path.join(repo, "teams", "a", "mailshares", POLICY_FILE_NAME), "rules: {}\n");
    expect(policyFilesFor(path.join(repo, "teams", "a", "mailshares"))).toHaveLength(3);
  });

  it("outside a work tree: from the current folder when the files are inside it, else beside them only", () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "mailshares"));
    fs.writeFileSync(path.join(dir, POLICY_FILE_NAME), "rules: {}\n");
    expect(policyFilesFor(path.join(dir, "mailshares"), dir)).toEqual([path.join(dir, POLICY_FILE_NAME)]);
    expect(policyFilesFor(path.join(dir, "mailshares"), tempDir())).toEqual([]);
    expect(policyFilesFor(dir, tempDir())).toEqual([path.join(dir, POLICY_FILE_NAME)]);
  });

  it("gives each folder of a run its own chain, reads each file once, and adds --policy to every chain", () => {
    const repo = repository();
    const extra = path.join(tempDir(), "extra.yaml");
    fs.writeFileSync(extra, "rules:\n  quota-bounds: { level: advisory, max: 1 GiB }\n");
    const [a, b] = ["a", "b"].map((team) => path.join(repo, "teams", team, "mailshares"));
    const loaded = loadPolicyFor([path.join(a, "x.yaml"), b], extra);
    expect(loaded.errors).toEqual([]);
    const { layers, chains, given } = loaded.policies!;
    const rules = (chain: readonly { rules: object }[]) => chain.map((p) => Object.keys(p.rules)[0]);
    expect(rules(layers)).toEqual(["manage-share", "description-required", "quota-bounds"]);
    expect(rules(chains.get(a)!)).toEqual(["manage-share", "description-required", "quota-bounds"]);
    expect(rules(chains.get(b)!)).toEqual(["manage-share", "quota-bounds"]);
    expect(chains.get(a)![0]).toBe(chains.get(b)![0]);
    expect(given?.file).toBe(extra);
  });

  it("reports the errors of every broken file by file, line and field", () => {
    const repo = repository();
    fs.writeFileSync(path.join(repo, "teams", "a", POLICY_FILE_NAME), "rules:\n  manage-share: { level: mandatory, minimum: 0 }\n");
    const extra = path.join(tempDir(), "extra.yaml");
    fs.writeFileSync(extra, "rules:\n  naming: { level: advisory }\n");
    const loaded = loadPolicyFor([path.join(repo, "teams", "a", "mailshares")], extra);
    expect(loaded.policies).toBeNull();
    expect(loaded.errors.map(formatError)).toEqual([
      `${extra}:2:11: rules.naming: give name or address (a pattern), else the rule checks nothing`,
      `${path.join(repo, "teams", "a", POLICY_FILE_NAME)}:2:46: rules.manage-share.minimum: expected a number >= 1, found 0`,
    ]);
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
