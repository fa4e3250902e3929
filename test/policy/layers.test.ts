// Policies in layers: the organisation's file at the root of the Git work tree always applies, and a
// team's file nearer the files only adds to it. Each layer is evaluated on its own, with its own
// domains (else the farther layer's), so a team cannot disable, lower or loosen a farther rule; the
// same finding of two layers is kept once, at its highest level, naming the file that sets it.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadDesiredState } from "../../desired/load";
import { loadPolicyFor, POLICY_FILE_NAME } from "../../policy/load";
import { evaluatePolicies, organisationDomains } from "../../policy/evaluate";
import { gitRepository, tempDir } from "./support";

/** `policy file rule level path: message` of every violation of a run on `folders` of `repo`. */
async function run(repo: string, folders: string[], given?: string): Promise<string[]> {
  const paths = folders.map((f) => path.join(repo, f));
  const loaded = await loadDesiredState(paths);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  const { policies, errors } = loadPolicyFor(paths, given);
  if (!policies) throw new Error(errors.map((e) => e.message).join("\n"));
  const fileDomains = await organisationDomains(null, loaded.domains);
  const shown = (file: string) => (path.resolve(file).startsWith(repo) ? path.relative(repo, file) : file);
  return evaluatePolicies(policies, loaded.mailshares, { fileDomains, now: Date.UTC(2026, 11, 1) })
    .map((v) => `${shown(v.policy)} ${shown(v.file)} ${v.level} ${v.rule} ${v.path}: ${v.message}`);
}

const ORGANISATION = "domains: [acme.test]\nrules:\n  forwarding-domains: { level: mandatory }\n  manage-share: { level: advisory }\n";
const leaky = (name: string, to: string, level = "write") => `domain: acme.test
mailshares:
  - name: ${name}
    email: ${name}@acme.test
    shares: [{ user: alice, level: ${level} }]
    forwarding: { to: [${to}] }
`;

describe("layered policies", () => {
  it("keep the organisation's rules where a team's file disables, lowers or widens them", async () => {
    const repo = gitRepository({
      [POLICY_FILE_NAME]: ORGANISATION,
      // Team a tries to switch forwarding off and has its own, wider domains: neither loosens the root's rule.
      [`teams/a/${POLICY_FILE_NAME}`]: "domains: [acme.test, gmail.com]\nrules:\n  forwarding-domains: { level: disabled }\n  manage-share: { level: advisory }\n",
      "teams/a/m.yaml": leaky("desk-a", "boss@gmail.com"),
    });
    expect(await run(repo.dir, ["teams/a"])).toEqual([
      "bmshare.policy.yaml teams/a/m.yaml advisory manage-share mailshares[0].shares: nobody manages it: share it with at least one user or group at level manage",
      "bmshare.policy.yaml teams/a/m.yaml mandatory forwarding-domains mailshares[0].forwarding.to[0]: forwards all mail to boss@gmail.com, outside the organisation (acme.test)",
    ]);
  });

  it("keep the organisation's rules when a team's folder holds a .git of its own (a nested repository or a decoy)", async () => {
    for (const decoy of ["folder", "file"] as const) {
      const repo = gitRepository({ [POLICY_FILE_NAME]: ORGANISATION, "teams/a/m.yaml": leaky("desk-a", "boss@gmail.com", "manage") });
      if (decoy === "folder") fs.mkdirSync(repo.file("teams/a/.git"));
      else repo.write("teams/a/.git", "gitdir: ../../.git/modules/a\n");
      expect(await run(repo.dir, ["teams/a"]), decoy).toEqual([
        "bmshare.policy.yaml teams/a/m.yaml mandatory forwarding-domains mailshares[0].forwarding.to[0]: forwards all mail to boss@gmail.com, outside the organisation (acme.test)",
      ]);
    }
  });

  it("keep the organisation's rules for files reached through a symbolic link from outside the work tree", async () => {
    const repo = gitRepository({ [POLICY_FILE_NAME]: ORGANISATION, "teams/a/m.yaml": leaky("desk-a", "boss@gmail.com", "manage") });
    const outside = tempDir();
    fs.symlinkSync(repo.file("teams/a"), path.join(outside, "linked"));
    const paths = [path.join(outside, "linked"), path.join(outside, "linked", "m.yaml")];
    for (const given of paths) {
      const { policies } = loadPolicyFor([given]);
      expect(policies!.layers.map((p) => path.resolve(p.file)), given).toEqual([fs.realpathSync(repo.file(POLICY_FILE_NAME))]);
    }
  });

  it("refuse a policy file that is a link to nothing, rather than run without it", () => {
    const repo = gitRepository({ "teams/a/m.yaml": leaky("desk-a", "boss@gmail.com", "manage") });
    fs.symlinkSync(path.join(repo.dir, "..", "gone", POLICY_FILE_NAME), repo.file(POLICY_FILE_NAME));
    const { policies, errors } = loadPolicyFor([repo.file("teams/a")]);
    expect(policies).toBeNull();
    expect(errors.map((e) => `${path.relative(repo.dir, path.resolve(e.file))}: ${e.message}`)).toEqual([
      expect.stringMatching(/^bmshare\.policy\.yaml: policy file: /),
    ]);
  });

  it("add a team's rules and stricter copies: the same finding once, at the highest level, naming the file that sets it", async () => {
    const repo = gitRepository({
      [POLICY_FILE_NAME]: ORGANISATION,
      [`teams/a/${POLICY_FILE_NAME}`]: "rules:\n  manage-share: { level: mandatory }\n  description-required: { level: advisory }\n  forwarding-domains: { level: mandatory }\n",
      "teams/a/m.yaml": leaky("desk-a", "boss@gmail.com"),
    });
    expect(await run(repo.dir, ["teams/a"])).toEqual([
      "teams/a/bmshare.policy.yaml teams/a/m.yaml advisory description-required mailshares[0].description: no description: say what the mailshare is for and who answers it",
      "teams/a/bmshare.policy.yaml teams/a/m.yaml mandatory manage-share mailshares[0].shares: nobody manages it: share it with at least one user or group at level manage",
      "bmshare.policy.yaml teams/a/m.yaml mandatory forwarding-domains mailshares[0].forwarding.to[0]: forwards all mail to boss@gmail.com, outside the organisation (acme.test)",
    ]);
  });

  it("decide per folder: each team's files get the root's rules and their own team's, not another team's", async () => {
    const repo = gitRepository({
      [POLICY_FILE_NAME]: ORGANISATION,
      [`teams/a/${POLICY_FILE_NAME}`]: "rules:\n  naming: { level: mandatory, name: \"^a-\" }\n",
      // Team b lets mail go to its partner: its own rule allows it, the root's does not.
      [`teams/b/${POLICY_FILE_NAME}`]: "domains: [acme.test, partner.test]\nrules:\n  forwarding-domains: { level: mandatory }\n",
      "teams/a/m.yaml": leaky("desk", "team@acme.test", "manage"),
      "teams/b/m.yaml": leaky("b-desk", "x@partner.test", "manage"),
    });
    expect(await run(repo.dir, ["teams/a", "teams/b"])).toEqual([
      "teams/a/bmshare.policy.yaml teams/a/m.yaml mandatory naming mailshares[0].name: the name \"desk\" does not match ^a-",
      "bmshare.policy.yaml teams/b/m.yaml mandatory forwarding-domains mailshares[0].forwarding.to[0]: forwards all mail to x@partner.test, outside the organisation (acme.test)",
    ]);
  });

  it("a team's layer without domains inherits the organisation's (acme-corp.test is inside); --policy adds a layer and removes none", async () => {
    const repo = gitRepository({
      [POLICY_FILE_NAME]: "domains: [acme.test, acme-corp.test]\nrules:\n  manage-share: { level: advisory }\n",
      [`teams/a/${POLICY_FILE_NAME}`]: "rules:\n  forwarding-domains: { level: mandatory }\n",
      "teams/a/m.yaml": leaky("desk-a", "x@acme-corp.test"),
    });
    const permissive = path.join(tempDir(), "permissive.yaml");
    fs.writeFileSync(permissive, "rules:\n  manage-share: { level: disabled }\n  description-required: { level: advisory }\n");
    expect(await run(repo.dir, ["teams/a/m.yaml"], permissive)).toEqual([
      `${permissive} teams/a/m.yaml advisory description-required mailshares[0].description: no description: say what the mailshare is for and who answers it`,
      "bmshare.policy.yaml teams/a/m.yaml advisory manage-share mailshares[0].shares: nobody manages it: share it with at least one user or group at level manage",
    ]);
  });
});
