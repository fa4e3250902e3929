// The version matrix: the behaviour that differs between BlueMind releases — the version read, the
// endpoints a release has, the ACL verbs, the filter model, the maintenance calls — run against
// every release the emulator can be (EMULATED_VERSIONS), through the emulator's API, the client's
// capabilities and the CLI's apply and plan. Then the refusal of releases bmshare does not support,
// before anything is written.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startHarness, tempYaml, type Harness } from "./engine-support";
import { EMULATED_VERSIONS, TEST_KEY } from "../support/emulator";
import { runApplyCommand } from "../../cli/apply";
import { runPlanCommand } from "../../cli/plan";
import { runValidateCommand } from "../../cli/validate";
import { runExportCommand } from "../../cli/export";
import { runReportCommand } from "../../cli/report";
import { connectLookups } from "../../cli/validate-lookups";
import { mailshareUid } from "../../providers/ids";
import { BlueMindClient, capabilitiesOf, UnsupportedVersionError } from "../../bluemind";
import { releaseNamed } from "../../emulator/releases";

const YAML = `domain: acme.test
mailshares:
  - name: desk
    email: desk@acme.test
    shares:
      - { user: alice@acme.test, level: write }
      - { user: bob@acme.test, level: read }
    autoReply: { subject: Closed, message: Back soon }
    forwarding: { to: [archive@example.com], localCopy: true }
    maintenance: { check: first }
`;

describe.each(EMULATED_VERSIONS)("BlueMind %s", (version) => {
  let h: Harness;
  const uid = mailshareUid("acme.test", "desk");
  const release = releaseNamed(version);
  const is4 = version.startsWith("4.");

  beforeAll(async () => {
    h = await startHarness({ bluemindVersion: version });
  });
  afterAll(async () => h?.close());

  it("reports its version to any session, not to an anonymous caller", async () => {
    const r = await h.emu.api("GET", "/api/system/installation/version");
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ softwareVersion: release.softwareVersion, databaseVersion: release.softwareVersion, versionName: null, needsUpgrade: false });
    expect((await h.emu.api("GET", "/api/system/installation/version", { key: null })).status).toBe(403);
    const caps = await new BlueMindClient({ url: h.emu.url, apiKey: TEST_KEY }).capabilities();
    expect([caps.major, caps.minor].join(".")).toBe(version);
  });

  it("has the endpoints of its release: 4.x answers the 5.x-only paths as unknown paths", async () => {
    const probe = async (method: string, path: string, body?: unknown) => (await h.emu.api(method, path, { body })).json;
    const vacation = await probe("GET", "/api/mailboxes/acme.test/alice/_vacation");
    const reset = await probe("POST", "/api/mgmt/mailbox/acme.test/alice/_reset");
    const check = await probe("POST", "/api/directory/acme.test/alice/mgmt/_maintenance/check", []);
    const unknown = (j: any) => j?.code === "UNKNOWN" && /^no service registered on/.test(j.message);
    expect(unknown(vacation)).toBe(is4);
    expect(unknown(reset)).toBe(is4);
    expect(unknown(check)).toBe(!is4);
  });

  it("accepts the verbs of its lattice only: 4.x refuses SendAs as it refuses any unknown enum value", async () => {
    const alice = (await h.emu.api("GET", "/api/users/acme.test/byLogin/alice")).json.uid;
    const r = await h.emu.api("PUT", "/api/containers/_manage/mailbox:acls-" + alice + "/_acl", { body: [{ subject: "bob", verb: "SendAs" }] });
    if (is4) {
      expect(r.status).toBe(500);
      expect(r.json).toMatchObject({ errorCode: "UNKNOWN", message: 'Error during parsing parameter "body"' });
    } else {
      expect(r.status).toBe(200);
    }
  });

  it("applies sharing, auto-reply, forwarding and a check in its wire forms, then plans nothing", async () => {
    const file = tempYaml(YAML, "desk.yaml");
    const applied = await h.run(runApplyCommand, ["-f", file, "--yes"]);
    expect(applied.stderr).not.toMatch(/error/i);
    expect(applied.status).toBe(0);
    // "write" is one meaning, granted with the release's verbs: 4.x has no SendAs, and the plan says
    // so beside the sharing it shows (text and JSON), not as a stray warning.
    expect(/MailshareAcl.*no send-as right: alice@acme\.test \(write\) will send on behalf/.test(applied.stdout)).toBe(is4);
    expect(applied.stderr).not.toContain("send-as");
    const alice = (await h.emu.api("GET", "/api/users/acme.test/byLogin/alice")).json.uid;
    const verbs = (await h.emu.api("GET", `/api/containers/_manage/mailbox:acls-${uid}/_acl`)).json
      .filter((e: any) => e.subject === alice).map((e: any) => e.verb).sort();
    expect(verbs).toEqual(is4 ? ["Write"] : version === "5.0"
      ? ["Freebusy", "Invitation", "Read", "SendAs", "Write"]
      : ["Freebusy", "Invitation", "Read", "SendAs", "SendOnBehalf", "Write"]);
    const filter = (await h.emu.api("GET", `/api/mailboxes/acme.test/${uid}/_filter`)).json;
    expect(filter.vacation).toMatchObject({ enabled: true, subject: "Closed", text: "Back soon" });
    expect(filter.forwarding).toMatchObject({ enabled: true, localCopy: true, emails: ["archive@example.com"] });
    // 4.x runs the check as its own task; 5.x as a dry repair.
    expect(h.requests()).toContain(`POST /api/directory/acme.test/${uid}/mgmt/_maintenance/${is4 ? "check" : "repair"}`);

    const planned = await h.run(runPlanCommand, ["-f", file]);
    expect(planned.stdout).toMatch(/0 to create, 0 to update, 0 to delete/);
    expect(planned.status).toBe(0);
  });

  it("writes filter rules in its own model, then plans nothing", async () => {
    const withRule = YAML.replace("    maintenance: { check: first }\n",
      "    filters:\n      - { name: invoices, conditions: [{ field: subject, op: contains, value: invoice }, { field: toOrCc, op: is, value: desk@acme.test }], actions: [{ moveTo: Invoices }, { markAsRead: true }] }\n");
    const file = tempYaml(withRule, "desk.yaml");
    const applied = await h.run(runApplyCommand, ["-f", file, "--yes"]);
    expect(applied.status).toBe(0);
    const [rule] = (await h.emu.api("GET", `/api/mailboxes/acme.test/${uid}/_filter`)).json.rules;
    if (is4) expect(rule).toMatchObject({ criteria: "SUBJECT:CONTAINS: invoice\nTO:IS: desk@acme.test\n", deliver: "desk/Invoices", read: true });
    else expect(rule.actions.map((a: any) => a.name)).toEqual(["MOVE", "MARK_AS_READ"]);
    expect((await h.run(runPlanCommand, ["-f", file])).stdout).toMatch(/0 to create, 0 to update, 0 to delete/);
  });

  it("refuses at plan, naming the line and field, the rules only 5.x can express, before writing", async () => {
    const withRule = YAML.replace("    maintenance: { check: first }\n",
      "    filters:\n      - name: large\n        conditions: [{ field: size, op: greaterThan, value: 10 MiB }]\n        actions: [{ discard: true }]\n");
    h.clearLog();
    const applied = await h.run(runApplyCommand, ["-f", tempYaml(withRule, "desk.yaml"), "--yes"]);
    expect(applied.status).toBe(is4 ? 1 : 0);
    if (is4) {
      expect(applied.stderr).toMatch(/desk\.yaml:\d+:\d+: mailshares\[0\]\.filters\[0\]\.conditions\[0\]\.field: BlueMind 4\.8\.0 filter rules have no size condition/);
      expect(h.writes()).toEqual([]);
    }
  });
});

describe("releases bmshare does not support", () => {
  it("maps versions to capabilities, refusing what it cannot speak with the version and the supported range", () => {
    expect(capabilitiesOf({ softwareVersion: "4.8.12.51234", databaseVersion: null, versionName: null, needsUpgrade: false }).sendAs).toBe(false);
    expect(capabilitiesOf({ softwareVersion: "4.9.0", databaseVersion: null, versionName: null, needsUpgrade: false }).maintenance).toBeNull();
    expect(capabilitiesOf({ softwareVersion: "5.3.1", databaseVersion: null, versionName: null, needsUpgrade: false }).lattice.SendAs).toEqual(["SendOnBehalf"]);
    for (const [v, why] of [["3.5.14", /older than 4\.7/], ["4.6.2", /older than 4\.7/], ["5.5.0", /new-generation shared mailboxes/], ["6.0.1", /does not know/]] as const) {
      const refuse = () => capabilitiesOf({ softwareVersion: v, databaseVersion: null, versionName: null, needsUpgrade: false });
      expect(refuse).toThrow(UnsupportedVersionError);
      expect(refuse).toThrow(new RegExp(`^BlueMind ${v.replace(/\./g, "\\.")} is not supported \\(`));
      expect(refuse).toThrow(why);
      expect(refuse).toThrow(/supports BlueMind 4\.7–4\.9 and 5\.0–5\.4: nothing was written/);
    }
    expect(() => capabilitiesOf({ softwareVersion: "", databaseVersion: null, versionName: null, needsUpgrade: false })).toThrow(/no usable BlueMind version/);
    expect(() => capabilitiesOf(null)).toThrow(UnsupportedVersionError);
  });

  it.each(["3.5.14", "5.5.2", ""])("apply against a server reporting %j stops after the version read, with one message", async (softwareVersion) => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.setHeader("Content-Type", "application/json");
      if (req.url === "/api/system/installation/version") return res.end(JSON.stringify({ softwareVersion, databaseVersion: null, versionName: null, needsUpgrade: false }));
      res.statusCode = 500;
      res.end(JSON.stringify({ errorCode: "UNKNOWN", message: "not expected" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      let stderr = "";
      const status = await runApplyCommand(["-f", tempYaml(YAML), "--yes"], {
        env: { BLUEMIND_URL: url, BLUEMIND_API_KEY: TEST_KEY }, isTTY: false, stdout: () => {}, stderr: (t) => (stderr += t),
      });
      expect(status).toBe(1);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(softwareVersion ? `BlueMind ${softwareVersion} is not supported` : "no usable BlueMind version");
      expect(seen).toEqual(["GET /api/system/installation/version"]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("plan with a key the server refuses says so in one line, before anything else is read", async () => {
    const h401 = await startHarness();
    try {
      let stderr = "";
      const status = await runPlanCommand(["-f", tempYaml(YAML)], {
        env: { BLUEMIND_URL: h401.emu.url, BLUEMIND_API_KEY: "not-the-key" }, isTTY: false, stdout: () => {}, stderr: (t) => (stderr += t),
      });
      expect(status).toBe(1);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toContain("the server refused the API key");
      expect(stderr).not.toContain("not-the-key");
      expect(new Set(h401.requests())).toEqual(new Set(["GET /api/system/installation/version"]));
    } finally {
      await h401.close();
    }
  });

  it("validate with a key the server refuses says so in one line too, not once per mailshare", async () => {
    const h401 = await startHarness();
    try {
      let stderr = "";
      const status = await runValidateCommand(["-f", tempYaml(YAML)], {
        env: { BLUEMIND_URL: h401.emu.url, BLUEMIND_API_KEY: "not-the-key" }, connect: connectLookups,
        stdout: () => {}, stderr: (t) => (stderr += t),
      });
      expect(status).toBe(1);
      expect(stderr.trim().split("\n")).toEqual([expect.stringMatching(/^bmshare validate: the server refused the API key/)]);
      expect(stderr).not.toContain("not-the-key");
      expect(new Set(h401.requests())).toEqual(new Set(["GET /api/system/installation/version"]));
    } finally {
      await h401.close();
    }
  });

  it("export and report with a key the server refuses say so in one line, with the hint", async () => {
    const h401 = await startHarness();
    try {
      for (const [command, argv] of [[runExportCommand, ["--domain", "acme.test"]], [runReportCommand, ["access", "--domain", "acme.test"]]] as const) {
        let stderr = "";
        const status = await command([...argv], {
          env: { BLUEMIND_URL: h401.emu.url, BLUEMIND_API_KEY: "not-the-key" }, stdout: () => {}, stderr: (t: string) => (stderr += t),
        });
        expect(status).toBe(1);
        expect(stderr.trim().split("\n")).toEqual([expect.stringMatching(/: the server refused the API key .*check BLUEMIND_API_KEY or --api-key/)]);
        expect(stderr).not.toContain("not-the-key");
      }
      expect(new Set(h401.requests())).toEqual(new Set(["GET /api/system/installation/version"]));
    } finally {
      await h401.close();
    }
  });

  it("plan against a server that answers but will not tell its version stops there, with one message", async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.setHeader("Content-Type", "application/json");
      res.statusCode = 500;
      res.end(JSON.stringify({ errorCode: "UNKNOWN", message: "database unavailable" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      let stderr = "";
      const status = await runPlanCommand(["-f", tempYaml(YAML)], {
        env: { BLUEMIND_URL: url, BLUEMIND_API_KEY: TEST_KEY }, isTTY: false, stdout: () => {}, stderr: (t) => (stderr += t),
      });
      expect(status).toBe(1);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toContain("cannot read the server's BlueMind version");
      expect(stderr).toContain("database unavailable");
      expect(new Set(seen)).toEqual(new Set(["GET /api/system/installation/version"]));
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
