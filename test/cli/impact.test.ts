// A plan's impact in people and data: each share change as its effect on people with groups
// expanded, what a deletion takes with it (mail from BlueMind's quota usage, identities, filter
// rules), and mail that starts leaving the organisation — in text, Markdown and JSON.
import * as fs from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import Ajv2020 from "ajv/dist/2020";
import planSchema from "../../schemas/plan.schema.json";
import { SCHEMA_ANNOTATIONS } from "../../desired/schema";
import { runPlanCommand } from "../../cli/plan";
import { runApplyCommand } from "../../cli/apply";
import { mailshareUid } from "../../providers/ids";
import { table } from "../../emulator/table";
import { startHarness, tempYaml, type Harness } from "./engine-support";

const ajv = new Ajv2020({ strict: true, allErrors: true });
for (const keyword of SCHEMA_ANNOTATIONS) ajv.addKeyword(keyword);
const validatePlan = ajv.compile(planSchema);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.clearLog());

const help = (shares: string, extra = "") => `domain: acme.test
mailshares:
  - name: help
    email: help@acme.test
    shares:
${shares}
${extra}`;

describe("share changes, groups expanded", () => {
  it("says who goes from one level to another and how many members of each group", async () => {
    const file = tempYaml(help("      - { user: frank, level: write }\n      - { user: alice, level: manage }\n      - { group: staff, level: read }"));
    expect((await h.run(runApplyCommand, ["-f", file, "--yes"])).status).toBe(0);
    h.clearLog();
    fs.writeFileSync(file, help("      - { user: frank, level: read }\n      - { user: alice, level: manage }\n      - { group: support-team, level: read }"));

    const text = await h.run(runPlanCommand, ["-f", file]);
    expect(text.status).toBe(2);
    const impact = text.stdout.slice(text.stdout.indexOf("    impact:\n"));
    // bob and carol read through support-team what they read through staff: their access is unchanged.
    expect(impact.split("\n").slice(0, 7)).toEqual([
      "    impact:",
      "        6 members of staff lose read",
      "        3 members of support-team gain read",
      "        dave@acme.test: read → none (via group staff)",
      "        erin@acme.test: read → none (via group staff)",
      "        frank@acme.test: write → read (direct)",
      "",
    ]);

    const json = JSON.parse((await h.run(runPlanCommand, ["-f", file, "--json"])).stdout);
    expect(validatePlan(json), JSON.stringify(validatePlan.errors)).toBe(true);
    expect(json.mailshares[0].impact.groups).toEqual([
      { group: "staff", members: 6, before: "read", after: "none" },
      { group: "support-team", members: 3, before: "none", after: "read" },
    ]);
    expect(json.mailshares[0].impact.people).toContainEqual({ user: "frank@acme.test", before: "write", after: "read", via: "direct" });

    const markdown = (await h.run(runPlanCommand, ["-f", file, "--markdown"])).stdout;
    expect(markdown).toContain("**Impact**\n\n- 6 members of staff lose read\n- 3 members of support-team gain read\n");
    expect(markdown).toContain("- frank@acme.test: write → read (direct)\n");
    expect(h.writes()).toEqual([]);
  });
});

describe("mail that starts leaving the organisation", () => {
  it("flags a new outside forwarding and an auto-reply switched on, not what already went out", async () => {
    const shares = "      - { user: alice, level: manage }";
    const file = tempYaml(help(shares, "    forwarding: { to: [partner@crm.example.com] }\n"));
    expect((await h.run(runApplyCommand, ["-f", file, "--yes"])).status).toBe(0);
    fs.writeFileSync(file, help(shares, "    forwarding: { to: [partner@crm.example.com, boss@gmail.com] }\n    autoReply: { subject: Away, message: Back soon }\n"));
    const r = await h.run(runPlanCommand, ["-f", file]);
    const impact = r.stdout.slice(r.stdout.indexOf("    impact:\n")).split("\n").slice(0, 3);
    expect(impact).toEqual([
      "    impact:",
      "        the auto-reply starts answering every sender, outside the organisation too",
      "        starts sending mail to boss@gmail.com, outside the organisation (acme-corp.test, acme.test)",
    ]);
  });
});

describe("what a deletion takes with it", () => {
  it("shows the mail it holds (BlueMind's quota usage), its identities, filter rules and forwarding", async () => {
    const file = tempYaml(`domain: acme.test
mailshares:
  - name: archive
    email: archive@acme.test
    quota: 5 GiB
    deletionPolicy: delete
    shares: [{ group: managers, level: manage }]
    forwarding: { to: [records@acme.test] }
    filters:
      - { name: read, actions: [{ markAsRead: true }] }
    identities:
      - { name: Archive, email: archive@acme.test }
`);
    expect((await h.run(runApplyCommand, ["-f", file, "--yes"])).status).toBe(0);
    h.clearLog();
    // The emulator stores no messages: the mail the mailbox holds is set as its quota usage.
    const usage = (h.emu.emulator.store.state.mailUsage ??= table<number>());
    usage[mailshareUid("acme.test", "archive")] = 2_097_152;
    fs.writeFileSync(file, "domain: acme.test\nmailshares: []\n");

    const r = await h.run(runPlanCommand, ["-f", file, "--allow-delete"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("    impact:\n        1 member of managers loses manage\n        alice@acme.test: manage → none (via group managers)\n" +
      "        deleting it loses 2 GiB of mail of a 5 GiB quota, 1 identity, 1 filter rule, its forwarding to records@acme.test\n");
    const json = JSON.parse((await h.run(runPlanCommand, ["-f", file, "--allow-delete", "--json"])).stdout);
    expect(validatePlan(json), JSON.stringify(validatePlan.errors)).toBe(true);
    const archive = json.mailshares.find((m: { name: string }) => m.name === "archive");
    expect(archive.impact.loss).toEqual({ usedKiB: 2_097_152, quotaKiB: 5_242_880, identities: 1, filters: 1, forwarding: ["records@acme.test"] });
    expect(h.writes()).toEqual([]);
  });
});
