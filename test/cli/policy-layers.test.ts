// Layered policies in the commands: a run over two team folders checks each team's files against
// the organisation's root file and its own team's, and names the policy files that applied (validate's
// summary, the plan's header, each violation once several apply); `--policy` adds a layer and drops
// none; a saved plan records its policy files and apply --plan refuses, before sending anything,
// when one changed, appeared or disappeared since.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runPlanCommand } from "../../cli/plan";
import { runApplyCommand } from "../../cli/apply";
import { runValidateCommand } from "../../cli/validate";
import { POLICY_FILE_NAME } from "../../policy/load";
import { startHarness, type Harness } from "./engine-support";
import { gitRepository } from "../policy/support";
import { readSavedPlan, writeSavedPlan } from "../../cli/engine/saved-plan";
import { changesFromInputs } from "../../cli/engine/changes";
import { PROVIDERS } from "../../providers/registry";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.clearLog());

/** A Git work tree holding `files`; `shown(name)` is a file's path as the CLI shows it (from the current folder). */
function repository(files: Record<string, string>) {
  const repo = gitRepository(files);
  return { ...repo, shown: (name: string) => path.relative(process.cwd(), repo.file(name)) };
}

const mailshare = (name: string, extra = "") => `domain: acme.test
mailshares:
  - name: ${name}
    email: ${name}@acme.test
    shares: [{ user: alice, level: manage }]
${extra}`;
const ORGANISATION = "rules:\n  forwarding-domains: { level: mandatory }\n  description-required: { level: advisory }\n";
const TEAMS = {
  [POLICY_FILE_NAME]: ORGANISATION,
  // Team a tries to escape the organisation's rules.
  [`team-a/${POLICY_FILE_NAME}`]: "rules:\n  forwarding-domains: { level: disabled }\n",
  [`team-b/${POLICY_FILE_NAME}`]: "rules:\n  description-required: { level: mandatory }\n",
  "team-a/m.yaml": mailshare("desk-a", "    description: Desk A\n    forwarding: { to: [boss@gmail.com] }\n"),
  "team-b/m.yaml": mailshare("desk-b"),
};

async function validate(argv: string[]) {
  let [stdout, stderr] = ["", ""];
  const status = await runValidateCommand([...argv, "--offline"], { env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

describe("a run over two team folders", () => {
  it("validate checks each team's files against the root's rules and its own, naming each violation's policy file", async () => {
    const repo = repository(TEAMS);
    const r = await validate(["-f", repo.file("team-a"), "-f", repo.file("team-b")]);
    expect(r.status).toBe(1);
    const [root, a, b] = [POLICY_FILE_NAME, `team-a/${POLICY_FILE_NAME}`, `team-b/${POLICY_FILE_NAME}`].map(repo.shown);
    expect(r.stderr).toBe([
      `${repo.shown("team-a/m.yaml")}:7:24: mailshares[0].forwarding.to[0]: mandatory forwarding-domains (${root}): forwards all mail to boss@gmail.com, outside the organisation (acme.test)`,
      // The root's advisory copy of team b's mandatory rule finds the same: once, at the higher level.
      `${repo.shown("team-b/m.yaml")}:3:5: mailshares[0].description: mandatory description-required (${b}): no description: say what the mailshare is for and who answers it`,
      `2 mandatory policy violations (${root}, ${a}, ${b}): the files are not valid under the policy`,
      "",
    ].join("\n"));
  });

  it("plan shows the policy files in its header and on each violation; --json says whose each is", async () => {
    const repo = repository({ ...TEAMS, [`team-b/${POLICY_FILE_NAME}`]: "rules:\n  description-required: { level: advisory }\n" });
    repo.write("team-a/m.yaml", mailshare("desk-a", "    description: Desk A\n"));
    const r = await h.run(runPlanCommand, ["-f", repo.file("team-a"), "-f", repo.file("team-b")]);
    expect(r.status, r.stderr).toBe(2);
    const [root, a, b] = [POLICY_FILE_NAME, `team-a/${POLICY_FILE_NAME}`, `team-b/${POLICY_FILE_NAME}`].map(repo.shown);
    expect(r.stdout.split("\n").slice(0, 3)).toEqual([
      `Policy (${root}, ${a}, ${b}): 1 advisory policy violation`,
      // Found by the root's rule and team b's at the same level: once, the root's.
      `  ${repo.shown("team-b/m.yaml")}:3:5: mailshares[0].description: advisory description-required (${root}): no description: say what the mailshare is for and who answers it`,
      "",
    ]);
    const json = JSON.parse((await h.run(runPlanCommand, ["-f", repo.file("team-a"), "-f", repo.file("team-b"), "--json"])).stdout);
    // The JSON names files as given and found (whole here), like its "files".
    const whole = [POLICY_FILE_NAME, `team-a/${POLICY_FILE_NAME}`, `team-b/${POLICY_FILE_NAME}`].map(repo.file);
    expect(json.policies.map((p: { file: string; given: boolean }) => [p.file, p.given])).toEqual(whole.map((f) => [f, false]));
    expect(json.violations.map((v: { policy: string; rule: string }) => `${v.policy} ${v.rule}`)).toEqual([`${whole[0]} description-required`]);
    const markdown = (await h.run(runPlanCommand, ["-f", repo.file("team-a"), "-f", repo.file("team-b"), "--markdown"])).stdout;
    expect(markdown).toContain(`Policy: \`${root}\`, \`${a}\`, \`${b}\`\n`);
    expect(markdown).toContain(`| advisory | \`description-required\` (\`${root}\`) |`);
    expect(h.writes()).toEqual([]);
  });

  it("--policy FILE adds a layer: the organisation's mandatory rule still stops apply, and the plan names both files", async () => {
    const repo = repository(TEAMS);
    const permissive = repo.file("permissive.yaml");
    fs.writeFileSync(permissive, "rules:\n  forwarding-domains: { level: disabled }\n  manage-share: { level: advisory }\n");
    const r = await h.run(runApplyCommand, ["-f", repo.file("team-a"), "--policy", permissive, "--yes"]);
    expect(r.status).toBe(1);
    expect(r.stdout.split("\n")[0]).toBe(`Policy (${repo.shown(POLICY_FILE_NAME)}, ${repo.shown(`team-a/${POLICY_FILE_NAME}`)}, ${repo.shown("permissive.yaml")}): 1 mandatory policy violation (apply refuses this plan)`);
    expect(r.stderr).toContain("bmshare apply: 1 mandatory policy violation: nothing was changed");
    expect(h.writes()).toEqual([]);
  });
});

describe("apply --plan and the policy of today", () => {
  const ADVISORY = "rules:\n  description-required: { level: advisory }\n";
  const planOut = async (repo: ReturnType<typeof repository>, extra: string[] = []) => {
    const saved = repo.file("plan.json");
    const r = await h.run(runPlanCommand, ["-f", repo.file("mailshares"), "--out", saved, ...extra]);
    expect(r.status, r.stdout + r.stderr).toBe(2);
    return saved;
  };

  it("refuses a plan made under an advisory rule that is mandatory now, sending nothing; the same policy applies", async () => {
    const repo = repository({ [POLICY_FILE_NAME]: ADVISORY, "mailshares/m.yaml": mailshare("policy-desk") });
    const saved = await planOut(repo);
    const recorded = JSON.parse(fs.readFileSync(saved, "utf8"));
    expect(recorded.version).toBe(2);
    expect(recorded.plan.policies).toEqual([{ file: path.relative(process.cwd(), repo.file(POLICY_FILE_NAME)), sha256: expect.stringMatching(/^sha256:/), given: false }]);
    // Its violation names the policy file and the mailshare file relative too: no path of this machine.
    expect(recorded.plan.violations.map((v: { policy: string }) => v.policy)).toEqual([recorded.plan.policies[0].file]);
    expect(fs.readFileSync(saved, "utf8")).not.toMatch(/"\/tmp\//);

    repo.write(POLICY_FILE_NAME, ADVISORY.replace("advisory", "mandatory"));
    h.clearLog();
    const refused = await h.run(runApplyCommand, ["--plan", saved, "--yes"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`bmshare apply: the policy changed since this plan was made (${repo.shown(POLICY_FILE_NAME)} changed): plan again\nnothing was changed\n`);
    expect(refused.stdout).toBe("");
    expect(h.requests()).toEqual([]);

    repo.write(POLICY_FILE_NAME, ADVISORY);
    const applied = await h.run(runApplyCommand, ["--plan", saved, "--yes"]);
    expect(applied.status, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout.split("\n")[0]).toMatch(/^Policy \(\S*bmshare\.policy\.yaml\): 1 advisory policy violation$/);
    expect(h.writes().length).toBeGreaterThan(0);
  });

  it("judges what a plan writes by today's rules: a plan edited after review, digest and all, writes nothing a mandatory rule forbids", async () => {
    const repo = repository({
      [POLICY_FILE_NAME]: "domains: [acme.test]\nrules:\n  forwarding-domains: { level: mandatory }\n",
      "mailshares/m.yaml": mailshare("edited-desk", "    forwarding: { to: [desk@acme.test] }\n"),
    });
    const saved = await planOut(repo);
    // Someone with write access to where plans are kept sends the mail elsewhere and digests the file
    // again: with the changes it shows left as reviewed, then made to match.
    const { plan } = readSavedPlan(saved, { url: h.emu.url });
    const filters = plan.mailshares[0].resources.find((r) => r.kind === "MailshareFilters")!;
    filters.inputs = { ...filters.inputs, forwarding: { to: ["exfil@gmail.com"], localCopy: false } };
    writeSavedPlan(saved, plan, { url: h.emu.url, allowDelete: false });
    h.clearLog();
    const shown = await h.run(runApplyCommand, ["--plan", saved, "--yes"]);
    expect(shown.status).toBe(1);
    expect(shown.stderr).toBe("bmshare apply: acme.test/edited-desk/filters: the changes the plan shows do not follow from what it writes: it was edited after it was made; plan again\nnothing was changed\n");
    expect(h.requests()).toEqual([]);

    filters.changes = changesFromInputs(PROVIDERS.MailshareFilters!, "create", filters.inputs, null);
    writeSavedPlan(saved, plan, { url: h.emu.url, allowDelete: false });
    const refused = await h.run(runApplyCommand, ["--plan", saved, "--yes"]);
    expect(refused.status).toBe(1);
    expect(refused.stdout.split("\n")[0]).toMatch(/^Policy \(\S*bmshare\.policy\.yaml\): 1 mandatory policy violation/);
    expect(refused.stdout).toContain("forwards all mail to exfil@gmail.com, outside the organisation (acme.test)");
    expect(refused.stderr).toContain("bmshare apply: 1 mandatory policy violation: nothing was changed");
    expect(h.writes()).toEqual([]);

    // Each resource written is judged on its own, whatever its mailshare's action or another copy of its kind says.
    const variants: [string, (p: typeof plan) => void][] = [
      ["the mailshare marked unchanged", (p) => void (p.mailshares[0].action = "unchanged")],
      ["a second, empty filter set after it", (p) => void p.mailshares[0].resources.push({ ...filters, action: "unchanged", inputs: {}, changes: [] })],
    ];
    for (const [what, edit] of variants) {
      const copy = structuredClone(plan);
      edit(copy);
      writeSavedPlan(saved, copy, { url: h.emu.url, allowDelete: false });
      const r = await h.run(runApplyCommand, ["--plan", saved, "--yes"]);
      expect(r.status, what).toBe(1);
      expect(r.stdout, what).toContain("forwards all mail to exfil@gmail.com");
    }
    // A new mailshare without its ACL (which the rules would read) is not a plan bmshare makes.
    const withoutAcl = structuredClone(plan);
    withoutAcl.mailshares[0].resources = withoutAcl.mailshares[0].resources.filter((r) => r.kind !== "MailshareAcl");
    writeSavedPlan(saved, withoutAcl, { url: h.emu.url, allowDelete: false });
    expect((await h.run(runApplyCommand, ["--plan", saved, "--yes"])).stderr).toContain("acme.test/edited-desk: the plan creates it without its MailshareAcl: it was edited after it was made");
    // Naming no files (so that no policy file is found): what it writes is declared in none of them.
    writeSavedPlan(saved, { ...plan, files: [], policies: [] }, { url: h.emu.url, allowDelete: false });
    const unnamed = await h.run(runApplyCommand, ["--plan", saved, "--yes"]);
    expect(unnamed.stderr).toBe("bmshare apply: acme.test/edited-desk: the plan writes it, but not as declared in the files it names: it was edited after it was made; plan again\nnothing was changed\n");
    expect(h.writes()).toEqual([]);
  });

  it("applies a saved plan that leaves the ACL as it is under a mandatory manage-share (only what is written is judged)", async () => {
    const repo = repository({
      [POLICY_FILE_NAME]: "rules:\n  manage-share: { level: mandatory }\n",
      "mailshares/m.yaml": mailshare("kept-acl"),
    });
    expect((await h.run(runApplyCommand, ["-f", repo.file("mailshares"), "--yes"])).status).toBe(0);
    repo.write("mailshares/m.yaml", mailshare("kept-acl", "    forwarding: { to: [desk@acme.test] }\n"));
    const saved = await planOut(repo);
    const applied = await h.run(runApplyCommand, ["--plan", saved, "--yes"]);
    expect(applied.status, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout.split("\n")[0]).toMatch(/^Policy \(\S*bmshare\.policy\.yaml\): no violations$/);
  });

  it("deletes nothing a saved plan was not made to delete, whatever the file says", async () => {
    const repo = repository({ "mailshares/m.yaml": mailshare("doomed", "    deletionPolicy: retain\n") });
    expect((await h.run(runApplyCommand, ["-f", repo.file("mailshares"), "--yes"])).status).toBe(0);
    repo.write("mailshares/m.yaml", mailshare("kept", ""));
    const saved = await planOut(repo);
    // The plan file is made to delete the retained mailshare: an entry as plan --allow-delete writes one.
    const { plan } = readSavedPlan(saved, { url: h.emu.url });
    const uid = (await h.emu.api("GET", "/api/mailshares/acme.test/_complete")).json.find((i: { value: { name: string } }) => i.value.name === "doomed").uid;
    plan.mailshares.push({
      domain: "acme.test", name: "doomed", uid, declaredAt: null, adopted: false, action: "delete",
      resources: [{ kind: "Mailshare", name: "acme.test/doomed", id: uid, action: "delete", reason: "", changes: [], diffs: [], inputs: { domain: "acme.test", name: "doomed", deletionPolicy: "delete" }, live: null }],
    });
    for (const allowDelete of [false, true]) {
      writeSavedPlan(saved, plan, { url: h.emu.url, allowDelete });
      h.clearLog();
      const r = await h.run(runApplyCommand, ["--plan", saved, "--yes"]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`bmshare apply: acme.test/doomed: the plan deletes it, but ${allowDelete ? "the server does not mark it deletionPolicy: delete" : "it was not made with --allow-delete"}`);
      expect(h.writes()).toEqual([]);
    }
  });

  it("refuses when a team's policy file appeared, or the --policy file it was made with disappeared", async () => {
    const repo = repository({ [POLICY_FILE_NAME]: ADVISORY, "mailshares/m.yaml": mailshare("policy-desk-2", "    description: A desk\n") });
    const extra = repo.file("extra.yaml");
    fs.writeFileSync(extra, "rules:\n  manage-share: { level: advisory }\n");
    const saved = await planOut(repo, ["--policy", extra]);

    repo.write(`mailshares/${POLICY_FILE_NAME}`, "rules:\n  naming: { level: mandatory, name: \"^x-\" }\n");
    fs.rmSync(extra);
    h.clearLog();
    const refused = await h.run(runApplyCommand, ["--plan", saved, "--yes"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`bmshare apply: the policy changed since this plan was made (${repo.shown("extra.yaml")} disappeared, ${repo.shown(`mailshares/${POLICY_FILE_NAME}`)} appeared): plan again\nnothing was changed\n`);
    expect(h.requests()).toEqual([]);
  });

  it("a policy file that is broken now is reported by line and field, and nothing is sent", async () => {
    const repo = repository({ [POLICY_FILE_NAME]: ADVISORY, "mailshares/m.yaml": mailshare("policy-desk-3", "    description: A desk\n") });
    const saved = await planOut(repo);
    repo.write(POLICY_FILE_NAME, "rules:\n  description-required: { level: mandatory, minLength: 0 }\n");
    h.clearLog();
    const refused = await h.run(runApplyCommand, ["--plan", saved, "--yes"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`${repo.file(POLICY_FILE_NAME)}:2:56: rules.description-required.minLength: expected a number >= 1, found 0\n1 error in the policy: nothing was sent to the server\n`);
    expect(h.requests()).toEqual([]);
  });

  it("refuses a plan of the version before plans recorded their policy files", async () => {
    const repo = repository({ "mailshares/m.yaml": mailshare("policy-desk-4") });
    const saved = await planOut(repo);
    const old = repo.file("old.json");
    fs.writeFileSync(old, fs.readFileSync(saved, "utf8").replace('"version": 2', '"version": 1'));
    h.clearLog();
    const refused = await h.run(runApplyCommand, ["--plan", old, "--yes"]);
    expect(refused.stderr).toBe(`bmshare apply: ${old}: saved plan version 1, this bmshare reads version 2 (version 1 does not record the policy files it was checked against): plan again with this version\nnothing was changed\n`);
    expect(h.requests()).toEqual([]);
  });
});
