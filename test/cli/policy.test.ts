// The organisation's policy in validate, plan and apply: violations named by file, line and rule; a
// mandatory one fails the run before anything is written (apply sends no write, plan saves no plan);
// advisory ones are shown and the run goes on; the JSON plan carries them (schemas/plan.schema.json)
// and the Markdown plan lists them first.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validatePlanJson } from "../support/plan-schema";
import { runPlanCommand } from "../../cli/plan";
import { runApplyCommand } from "../../cli/apply";
import { runValidateCommand } from "../../cli/validate";
import { startHarness, type Harness } from "./engine-support";
import { tempDir } from "../policy/support";
import { POLICY_FILE_NAME } from "../../policy/load";

const MAILSHARES = `domain: acme.test
mailshares:
  - name: leaky
    description: Forwards everything away
    email: leaky@acme.test
    shares: [{ user: alice, level: write }]
    forwarding: { to: [boss@gmail.com] }
`;
const POLICY = "rules:\n  forwarding-domains: { level: mandatory }\n  manage-share: { level: advisory }\n";

/** A folder with the mailshare file and, beside it, the policy. */
function project(policy = POLICY, mailshares = MAILSHARES): { dir: string; file: string } {
  const dir = tempDir();
  const file = path.join(dir, "acme.test.yaml");
  fs.writeFileSync(file, mailshares);
  if (policy !== "") fs.writeFileSync(path.join(dir, POLICY_FILE_NAME), policy);
  return { dir, file };
}

const FORWARD = "acme.test.yaml:7:24: mailshares[0].forwarding.to[0]: mandatory forwarding-domains: forwards all mail to boss@gmail.com, outside the organisation (acme-corp.test, acme.test)";
const MANAGE = "acme.test.yaml:6:13: mailshares[0].shares: advisory manage-share: nobody manages it: share it with at least one user or group at level manage";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.clearLog());

describe("bmshare validate with a policy", () => {
  const validate = async (argv: string[]) => {
    let [stdout, stderr] = ["", ""];
    const status = await runValidateCommand(argv, { env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { status, stdout, stderr };
  };

  it("fails on a mandatory violation and prints every violation with file, line and rule", async () => {
    const { file } = project();
    const r = await validate(["-f", file, "--offline"]);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split("\n").map((l) => l.replace(/^.*acme\.test\.yaml/, "acme.test.yaml"));
    expect(lines[0]).toBe(MANAGE);
    expect(lines[1]).toBe(FORWARD.replace("acme-corp.test, ", ""));
    expect(lines[2]).toMatch(/^1 mandatory, 1 advisory policy violations \(.*bmshare\.policy\.yaml\): the files are not valid under the policy$/);
  });

  it("finds the policy beside the files when given their folder, and never reads it as a mailshare file", async () => {
    const { dir } = project();
    const r = await validate(["-f", dir, "--offline"]);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toContain("required key is missing");
    const lines = r.stderr.trim().split("\n").map((l) => l.replace(/^.*acme\.test\.yaml/, "acme.test.yaml"));
    expect(lines[1]).toBe(FORWARD.replace("acme-corp.test, ", ""));
  });

  it("passes with advisory violations only, saying how many", async () => {
    const { file } = project("rules:\n  manage-share: { level: advisory }\n");
    const r = await validate(["-f", file, "--offline"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/; policy .*bmshare\.policy\.yaml: 1 advisory policy violation\n$/);
  });

  it("reports a broken --policy file by line and field", async () => {
    const { dir, file } = project();
    const other = path.join(dir, "other.yaml");
    fs.writeFileSync(other, "rules:\n  manage-share: { level: mandatory, minimum: 0 }\n");
    const r = await validate(["-f", file, "--offline", "--policy", other]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${other}:2:46: rules.manage-share.minimum: expected a number >= 1, found 0\n1 error in the policy: nothing was sent to the server\n`);
  });
});

describe("bmshare plan with a policy", () => {
  it("lists the violations first, exits 1 on a mandatory one and saves no plan", async () => {
    const { dir, file } = project();
    const out = path.join(dir, "plan.json");
    const r = await h.run(runPlanCommand, ["-f", file, "--out", out]);
    expect(r.status).toBe(1);
    const [heading, first, second] = r.stdout.split("\n");
    expect(heading).toBe(`Policy (${path.relative(process.cwd(), path.join(dir, POLICY_FILE_NAME))}): 1 mandatory, 1 advisory policy violations (apply refuses this plan)`);
    expect(first.replace(/^ +\S*acme\.test\.yaml/, "acme.test.yaml")).toBe(MANAGE);
    expect(second.replace(/^ +\S*acme\.test\.yaml/, "acme.test.yaml")).toBe(FORWARD);
    expect(r.stdout).toContain("+ acme.test/leaky  create");
    expect(r.stderr).toContain("bmshare plan: 1 mandatory, 1 advisory policy violations: apply refuses these files until the mandatory ones are fixed\n");
    expect(r.stderr).toContain(`note: the plan was not saved to ${out}\n`);
    expect(fs.existsSync(out)).toBe(false);
    expect(h.writes()).toEqual([]);
  });

  it("removes an earlier plan at --out when it saves none, and leaves any other file there alone", async () => {
    const { dir, file } = project("rules:\n  forwarding-domains: { level: advisory }\n");
    const out = path.join(dir, "plan.json");
    expect((await h.run(runPlanCommand, ["-f", file, "--out", out])).status).toBe(2);
    expect(fs.existsSync(out)).toBe(true);
    fs.writeFileSync(path.join(dir, POLICY_FILE_NAME), POLICY);
    const blocked = await h.run(runPlanCommand, ["-f", file, "--out", out]);
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toContain(`note: the plan was not saved to ${out} (the earlier plan there was removed)\n`);
    expect(fs.existsSync(out)).toBe(false);
    // Not a saved plan: kept as it is.
    fs.writeFileSync(out, "{\"notes\": \"mine\"}\n");
    const again = await h.run(runPlanCommand, ["-f", file, "--out", out]);
    expect(again.stderr).toContain(`note: the plan was not saved to ${out}\n`);
    expect(fs.readFileSync(out, "utf8")).toBe("{\"notes\": \"mine\"}\n");
  });

  it("carries the policy files and the violations in --json, valid against schemas/plan.schema.json", async () => {
    const { dir, file } = project();
    const policy = path.join(dir, POLICY_FILE_NAME);
    const r = await h.run(runPlanCommand, ["-f", file, "--json"]);
    const doc = JSON.parse(r.stdout);
    expect(validatePlanJson(doc), JSON.stringify(validatePlanJson.errors)).toBe(true);
    expect(doc.policies).toEqual([{ file: policy, sha256: `sha256:${createHash("sha256").update(POLICY).digest("hex")}`, given: false }]);
    expect(doc.violations).toEqual([
      { rule: "manage-share", level: "advisory", policy, domain: "acme.test", mailshare: "leaky", file, line: 6, column: 13, path: "mailshares[0].shares", message: "nobody manages it: share it with at least one user or group at level manage" },
      { rule: "forwarding-domains", level: "mandatory", policy, domain: "acme.test", mailshare: "leaky", file, line: 7, column: 24, path: "mailshares[0].forwarding.to[0]", message: "forwards all mail to boss@gmail.com, outside the organisation (acme-corp.test, acme.test)" },
    ]);
  });

  it("lists them first in --markdown, with a caution when one is mandatory", async () => {
    const { file } = project();
    const r = await h.run(runPlanCommand, ["-f", file, "--markdown"]);
    const policyAt = r.stdout.indexOf("#### Policy\n");
    expect(policyAt).toBeGreaterThan(0);
    expect(policyAt).toBeLessThan(r.stdout.indexOf("| | mailshare | action | what changes |"));
    expect(r.stdout).toContain("> [!CAUTION]\n> **1 mandatory, 1 advisory policy violations**: `bmshare apply` refuses this plan until the mandatory ones are fixed.\n");
    expect(r.stdout).toMatch(/\| mandatory \| `forwarding-domains` \| `\S*acme\.test\.yaml:7` `mailshares\[0\]\.forwarding\.to\[0\]` \| forwards all mail to boss@gmail\.com, outside the organisation \(acme-corp\.test, acme\.test\) \|\n/);
  });

  it("a plan without violations has an empty list and still names its policy file", async () => {
    const { dir, file } = project("rules:\n  description-required: { level: mandatory }\n");
    const json = JSON.parse((await h.run(runPlanCommand, ["-f", file, "--json"])).stdout);
    expect(json.violations).toEqual([]);
    const text = await h.run(runPlanCommand, ["-f", file]);
    expect(text.status).toBe(2);
    expect(text.stdout.startsWith(`Policy (${path.relative(process.cwd(), path.join(dir, POLICY_FILE_NAME))}): no violations\n\n+ acme.test/leaky  create`)).toBe(true);
  });
});

describe("bmshare apply with a policy", () => {
  it("stops on a mandatory violation before any write", async () => {
    const { file } = project();
    const r = await h.run(runApplyCommand, ["-f", file, "--yes"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(FORWARD.slice("acme.test.yaml".length));
    expect(r.stderr).toContain("bmshare apply: 1 mandatory, 1 advisory policy violations: nothing was changed (fix the mandatory ones, then apply again)\n");
    expect(h.writes()).toEqual([]);
  });

  it("applies with advisory violations, showing them", async () => {
    const { file } = project("rules:\n  forwarding-domains: { level: advisory }\n");
    const r = await h.run(runApplyCommand, ["-f", file, "--yes"]);
    expect(r.stdout).toMatch(/^Policy \(\S*bmshare\.policy\.yaml\): 1 advisory policy violation\n/);
    expect(r.status).toBe(0);
    expect(h.writes().length).toBeGreaterThan(0);
  });

  it("a broken policy file stops it before anything is sent", async () => {
    const { file } = project("rules:\n  naming: { level: mandatory, name: \"(\" }\n");
    const r = await h.run(runApplyCommand, ["-f", file, "--yes"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bmshare\.policy\.yaml:2:37: rules\.naming\.name: expected a regular expression, found "\(": .*\n1 error in the policy: nothing was sent to the server\n$/);
    expect(h.requests()).toEqual([]);
  });
});
