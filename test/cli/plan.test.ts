// `bmshare plan`: read-only, field-level, with unified diffs for long texts; the JSON validates
// against schemas/plan.schema.json; bad input of every kind gives exit 1 and sends no write.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validatePlanJson as validate } from "../support/plan-schema";
import { runPlanCommand } from "../../cli/plan";
import { runApplyCommand } from "../../cli/apply";
import { mailshareUid } from "../../providers/ids";
import { EXAMPLE, ROOT, editedExample, startHarness, tempYaml, type Harness } from "./engine-support";

const expectValid = (json: unknown) => {
  const ok = validate(json);
  expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
  expect(ok).toBe(true);
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("bmshare plan against an empty domain", () => {
  beforeEach(() => h.clearLog());

  it("lists every resource to create, field by field, and exits 2 without writing", async () => {
    const r = await h.run(runPlanCommand, ["-f", EXAMPLE]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^\+ acme\.test\/support {2}create {2}\[.*examples\/mailshares\.yaml:11:5\]$/m);
    // Values as the files write them: no JSON, sizes human first, dates as dates, no nulls.
    expect(r.stdout).toContain("        + displayName: Support desk\n");
    expect(r.stdout).toContain("        + quota: 5 GiB (5242880 KiB)\n");
    expect(r.stdout).toContain("        + shares[user:frank]: write\n");
    expect(r.stdout).toContain("        + information.phones[+33 1 23 45 67 90]: fax\n");
    expect(r.stdout).toContain('        + information.addresses[0]: { label: Head office, street: 12 rue de la Paix, extended: "Building B, 3rd floor", locality: Paris, postalCode: "75002", country: France, type: work }\n');
    expect(r.stdout).toContain("        + autoReply.start: 2026-12-24\n");
    expect(r.stdout).not.toMatch(/null|\{"|1798070400000/);
    // No absolute path of this machine: the photo and the file as typed from the working folder.
    expect(r.stdout).not.toContain(ROOT);
    expect(r.stdout).toContain(`        + information.photo.path: ${path.relative(process.cwd(), path.join(ROOT, "examples/photos/support-desk.png"))}\n`);
    // The parts a new mailshare leaves empty: one line for all of them.
    expect(r.stdout).toContain("    + MailshareAliases, MailshareAutoReply, MailshareFilters: part of a new mailshare (empty: none declared)\n");
    // A one-line text shown whole is not repeated as a diff.
    expect(r.stdout).toContain("        + signature: ACME Paris\n");
    expect(r.stdout).not.toContain("+++ acme.test/paris-office/identity/Paris office signature (desired)");
    // Long texts as unified diffs from nothing.
    expect(r.stdout).toContain("        + autoReply.message: (text, 6 lines: see the diff)\n");
    expect(r.stdout).toContain("        --- acme.test/support/auto-reply autoReply.message (live)\n        +++ acme.test/support/auto-reply autoReply.message (desired)\n        @@ -0,0 +1,6 @@\n        +Hello,\n");
    expect(r.stdout).toContain("        +- name: spam\n");
    // What the files do not declare is listed, not touched.
    expect(r.stdout).toContain("Unmanaged (left alone):\n  acme.test/noreply (hidden): not declared in the files: left alone\n");
    expect(r.stdout.endsWith("\nPlan: 31 to create, 0 to update, 0 to delete, 0 unchanged.\n")).toBe(true);
    expect(h.writes()).toEqual([]);
  });

  it("writes JSON that validates against schemas/plan.schema.json (version 1)", async () => {
    const r = await h.run(runPlanCommand, ["-f", EXAMPLE, "--json"]);
    expect(r.status).toBe(2);
    const doc = JSON.parse(r.stdout);
    expectValid(doc);
    expect(doc).toMatchObject({ version: 1, command: "plan", changes: true, summary: { create: 31, update: 0, delete: 0, unchanged: 0 } });
    const support = doc.mailshares.find((m: any) => m.name === "support");
    expect(support).toMatchObject({ domain: "acme.test", uid: mailshareUid("acme.test", "support"), action: "create", adopted: false });
    expect(support.declaredAt).toMatchObject({ line: 11, column: 5 });
    const acl = support.resources.find((x: any) => x.kind === "MailshareAcl");
    expect(acl.changes).toContainEqual({ path: "shares[group:support-team]", kind: "add", new: { group: "support-team", level: "write" } });
    expect(doc.unmanaged.mailshares).toEqual([expect.objectContaining({ name: "noreply", hidden: true, deletionPolicy: null })]);
    expect(h.writes()).toEqual([]);
  });

  it("writes Markdown for a pull-request comment: summary, table, changes and diffs in fences", async () => {
    const r = await h.run(runPlanCommand, ["-f", EXAMPLE, "--markdown"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^### bmshare plan\n\n\*\*31 to create, 0 to update, 0 to delete, 0 unchanged\*\*\n/);
    expect(r.stdout).toContain("| + | `acme.test/support` | create |");
    expect(r.stdout).toContain("<details><summary><code>+ acme.test/support</code>: create</summary>\n\n");
    expect(r.stdout).toContain("**MailshareAcl** `acme.test/support/acl` — create: part of a new mailshare\n\n```diff\n+ shares[user:alice@acme.test]: manage\n");
    expect(r.stdout).toContain("\n+ shares[user:frank]: write\n");
    expect(r.stdout).toContain("```diff\n--- acme.test/support/identity/Support signature (live)\n");
    expect(r.stdout).not.toMatch(/null|\{"/);
    expect(r.stdout).toContain("- `acme.test/noreply` (hidden): not declared in the files: left alone\n");
  });

  it("refuses --json with --markdown, and a bad --parallel, as usage errors", async () => {
    const both = await h.run(runPlanCommand, ["-f", EXAMPLE, "--json", "--markdown"]);
    expect(both.status).toBe(1);
    expect(both.stderr).toBe("bmshare plan: give --json or --markdown, not both\nrun bmshare plan --help for the options\n");
    const parallel = await h.run(runPlanCommand, ["-f", EXAMPLE, "--parallel", "0"]);
    expect(parallel.stderr).toMatch(/^bmshare plan: --parallel must be a whole number from 1 to 64, found "0"/);
    expect(h.requests()).toEqual([]);
  });
});

describe("bmshare plan once applied", () => {
  beforeAll(async () => {
    const applied = await h.run(runApplyCommand, ["-f", EXAMPLE, "--yes"]);
    expect(applied.status, applied.stdout + applied.stderr).toBe(0);
  });
  beforeEach(() => h.clearLog());

  it("is empty and exits 0", async () => {
    const r = await h.run(runPlanCommand, ["-f", EXAMPLE]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^= acme\.test\/support {2}unchanged \(9 resources\)/m);
    expect(r.stdout.endsWith("Plan: 0 to create, 0 to update, 0 to delete, 31 unchanged.\n")).toBe(true);
    const json = await h.run(runPlanCommand, ["-f", EXAMPLE, "--json"]);
    expect(json.status).toBe(0);
    const doc = JSON.parse(json.stdout);
    expectValid(doc);
    expect(doc.changes).toBe(false);
    const md = await h.run(runPlanCommand, ["-f", EXAMPLE, "--markdown"]);
    expect(md.stdout).toContain("**0 to create, 0 to update, 0 to delete, 31 unchanged** — nothing to change\n");
    expect(h.writes()).toEqual([]);
  });

  it("shows edits field by field, with unified diffs for signatures, auto-reply texts and filter sets", async () => {
    const file = editedExample([
      ["{ user: frank, level: write }", "{ user: frank, level: read }"],
      ["displayName: Support desk", "displayName: Support"],
      ["<p>ACME Support desk<br>+33 1 23 45 67 89</p>", "<p>ACME Support desk<br>+33 1 23 45 67 00</p>"],
      ["call +33 1 23 45 67 99.", "call +33 1 23 45 67 98."],
      ["value: invoice }", "value: bill }"],
    ]);
    const r = await h.run(runPlanCommand, ["-f", file]);
    expect(r.status).toBe(2);
    const out = r.stdout;
    expect(out).toMatch(/^~ acme\.test\/support {2}update \(5 of 9 resources\)/m);
    expect(out).toContain("    ~ Mailshare acme.test/support: the server differs from the files in displayName\n");
    expect(out).toContain("        ~ displayName: Support desk → Support\n");
    expect(out).toContain("        ~ shares[user:frank].level: write → read\n");
    expect(out).toContain("        ~ filters[invoices].conditions[0].value: invoice → bill\n");
    expect(out).toContain("        ~ signature: changed (see the diff)\n");
    expect(out).toContain([
      "        --- acme.test/support/identity/Support signature (live)",
      "        +++ acme.test/support/identity/Support signature (desired)",
      "        @@ -1,1 +1,1 @@",
      "        -<p>ACME Support desk<br>+33 1 23 45 67 89</p>",
      "        +<p>ACME Support desk<br>+33 1 23 45 67 00</p>",
    ].join("\n"));
    expect(out).toContain("        -call +33 1 23 45 67 99.\n        +call +33 1 23 45 67 98.\n");
    expect(out).toContain("        -      value: invoice\n        +      value: bill\n");
    expect(out).toContain("Plan: 0 to create, 5 to update, 0 to delete, 26 unchanged.\n");

    const md = await h.run(runPlanCommand, ["-f", file, "--markdown"]);
    expect(md.stdout).toContain("```diff\n- shares[user:frank].level: write\n+ shares[user:frank].level: read\n```\n");
    expect(md.stdout).toContain("```diff\n--- acme.test/support/auto-reply autoReply.message (live)\n");
    expect(md.stdout).toContain("\n-call +33 1 23 45 67 99.\n+call +33 1 23 45 67 98.\n");
    expect(md.stdout).toContain("4 unchanged mailshares (26 resources in all that match the files) are not listed.\n");
    expect(md.stdout).not.toContain("acme.test/templates");
    const json = JSON.parse((await h.run(runPlanCommand, ["-f", file, "--json"])).stdout);
    expectValid(json);
    const support = json.mailshares.find((m: any) => m.name === "support");
    const identity = support.resources.find((x: any) => x.name === "acme.test/support/identity/Support");
    expect(identity.changes).toEqual([{ path: "signature", kind: "update", old: "<p>ACME Support desk<br>+33 1 23 45 67 89</p>\n", new: "<p>ACME Support desk<br>+33 1 23 45 67 00</p>\n" }]);
    expect(identity.diffs[0].patch).toContain("+<p>ACME Support desk<br>+33 1 23 45 67 00</p>\n");
    expect(h.writes()).toEqual([]);
  });

  it("plans the delete of an identity bmshare made and the files no longer declare, and leaves hand-made ones alone", async () => {
    const uid = mailshareUid("acme.test", "paris-office");
    const made = await h.emu.api("PUT", `/api/mailboxes/acme.test/identity/${uid}/by-hand`, {
      body: { email: "paris@acme.test", format: "PLAIN", signature: "", displayname: "Front desk", name: "Front desk", isDefault: false, sentFolder: null },
    });
    expect(made.status).toBe(200);
    h.clearLog();
    const withoutIdentity = editedExample([[
      '    identities:\n      - { name: Paris office, displayName: ACME Paris, email: paris@acme.test, signature: "ACME Paris", format: plain }\n', "",
    ]]);
    const r = await h.run(runPlanCommand, ["-f", withoutIdentity]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("    - MailshareIdentity acme.test/paris-office/identity/Paris office: created by bmshare and no longer declared in the files\n");
    expect(r.stdout).toContain("        - email: paris@acme.test\n");
    expect(r.stdout).toContain('  acme.test/paris-office identity "Front desk" <paris@acme.test> (id by-hand): not created by bmshare (made in the console or by another tool): left alone\n');
    expect(r.stdout).toContain("Plan: 0 to create, 0 to update, 1 to delete, 30 unchanged.\n");
    expect(h.writes()).toEqual([]);
  });
});

describe("bad input: exit 1, one line per problem, no write", () => {
  beforeEach(() => h.clearLog());

  const cases: [string, () => string[], RegExp[]][] = [
    ["a missing file", () => ["-f", "/nowhere/mailshares.yaml"], [/^\/nowhere\/mailshares\.yaml:1:1: \(document\): no such file or folder$/m]],
    ["a schema error", () => ["-f", tempYaml("domain: acme.test\nmailshares:\n  - name: box\n    displayname: Box\n")],
      [/mailshares\.yaml:4:5: mailshares\[0\]\.displayname: unknown key "displayname" \(did you mean "displayName"\?\)$/m]],
    ["a cross-check error", () => ["-f", tempYaml("domain: acme.test\nmailshares:\n  - { name: a, email: x@acme.test }\n  - { name: b, email: x@acme.test }\n")],
      [/mailshares\.yaml:4:\d+: mailshares\[1\]\.email: .*x@acme\.test/m]],
    ["an unknown user (server check)", () => ["-f", tempYaml("domain: acme.test\nmailshares:\n  - name: box\n    shares: [{ user: nobody@acme.test, level: read }]\n")],
      [/mailshares\.yaml:4:\d+: mailshares\[0\]\.shares\[0\]\.user: .*nobody@acme\.test/m]],
    ["an unknown domain (server check)", () => ["-f", tempYaml("domain: nowhere.test\nmailshares:\n  - name: box\n")],
      [/mailshares\.yaml:1:\d+: domain: .*nowhere\.test/m]],
    ["an existing mailshare bmshare did not create, without adopt", () => ["-f", tempYaml("domain: acme.test\nmailshares:\n  - name: noreply\n    hidden: true\n")],
      [/mailshares\.yaml:3:\d+: mailshares\[0\]\.name: a mailshare named noreply already exists in acme\.test \(uid [^)]+\) and bmshare did not create it: set adopt: true to take it over$/m]],
  ];

  for (const [what, args, lines] of cases) {
    it(`${what}`, async () => {
      for (const command of [runPlanCommand, runApplyCommand]) {
        const r = await h.run(command, [...args(), "--yes"].filter((a) => command === runApplyCommand || a !== "--yes"));
        expect(r.status, r.stderr).toBe(1);
        expect(r.stdout).toBe("");
        for (const line of lines) expect(r.stderr).toMatch(line);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
      expect(h.writes()).toEqual([]);
    });
  }

  it("no server connection, and no file", async () => {
    const noUrl = await h.run(runPlanCommand, ["-f", EXAMPLE], { env: {} });
    expect(noUrl.status).toBe(1);
    expect(noUrl.stderr).toMatch(/^bmshare plan: no BlueMind server: give --url or set BLUEMIND_URL\n/);
    const noFile = await h.run(runApplyCommand, ["--yes"]);
    expect(noFile.status).toBe(1);
    expect(noFile.stderr).toMatch(/^bmshare apply: give at least one file or folder with -f\n/);
    expect(h.requests()).toEqual([]);
  });
});

describe("a mailshare renamed in the files", () => {
  it("is a new mailshare plus the old one left on the server, and the plan says it may be a rename", async () => {
    const before = tempYaml("domain: acme.test\nmailshares:\n  - name: old-name\n    email: old-name@acme.test\n");
    const applied = await h.run(runApplyCommand, ["-f", before, "--yes"]);
    expect(applied.status, applied.stderr).toBe(0);
    // The same file, edited: its owner declared old-name.
    fs.writeFileSync(before, "domain: acme.test\nmailshares:\n  - name: new-name\n    email: new-name@acme.test\n");
    const r = await h.run(runPlanCommand, ["-f", before]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("acme.test/new-name  create");
    expect(r.stdout).toMatch(/acme\.test\/old-name.*kept on the server, no longer managed \(if a mailshare declared as new replaces it, that is a rename/);
  });
});
