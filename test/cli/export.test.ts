// `bmshare export`: the live domain as a desired-state file that loads cleanly and that the providers
// then read back as unchanged (what `plan` on it reports).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startTestEmulator, mailshareBody, TEST_KEY, type TestEmulator } from "../support/emulator";
import { runExportCommand } from "../../cli/export";
import { RUNTIME, useSettings } from "../../providers/runtime";
import { PROVIDERS } from "../../providers/registry";
import { declareMailshare } from "../../providers/declarations";
import { mailshareUid } from "../../providers/ids";
import type { Change } from "../../providers/diff";
import { loadDesiredState } from "../../desired/load";
import type { DesiredMailshare } from "../../desired/model";
import { stableUid } from "../../emulator/seed";
import { computePlan } from "../../cli/engine/plan";

const ROOT = path.resolve(__dirname, "..", "..");
let emu: TestEmulator;
let tmp: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  useSettings({ url: emu.url, apiKey: TEST_KEY, domain: "acme.test" }, "flags");
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-export-"));
}, 30_000);
afterAll(async () => {
  await emu?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function loadOk(file: string): Promise<DesiredMailshare[]> {
  const loaded = await loadDesiredState([file]);
  expect(loaded.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([]);
  return loaded.mailshares;
}

/** Creates every declared resource of the files through the providers (maintenance left out: an action). */
async function applyThroughProviders(file: string): Promise<void> {
  for (const m of await loadOk(file)) {
    for (const d of declareMailshare(m).filter((d) => d.kind !== "MailshareMaintenance")) {
      const provider = PROVIDERS[d.kind];
      const checked = await provider.check!({}, d.inputs);
      expect(checked.failures ?? [], d.name).toEqual([]);
      await provider.create(checked.inputs);
    }
  }
}

/** What plan would change: for each resource of each declared mailshare, `read` then `changes(live, desired)`. */
async function changesAgainstServer(mailshares: DesiredMailshare[]): Promise<Record<string, Change[] | "absent">> {
  const found: Record<string, Change[] | "absent"> = {};
  const live = (await emu.api("GET", "/api/mailshares/acme.test/_complete")).json as { uid: string; value: { name: string } }[];
  for (const m of mailshares) {
    const uid = live.find((l) => l.value.name === m.name)?.uid ?? mailshareUid(m.domain, m.name);
    for (const d of declareMailshare(m, uid)) {
      const provider = PROVIDERS[d.kind];
      const checked = await provider.check!({}, d.inputs);
      expect(checked.failures ?? [], d.name).toEqual([]);
      const id = d.kind === "Mailshare" ? uid : provider.definition.idOf(checked.inputs!);
      const read = await provider.read!(id, checked.inputs!);
      const changes = read.id ? provider.changes(read.inputs ?? {}, checked.inputs!) : "absent";
      if (changes === "absent" || changes.length > 0) found[d.name] = changes;
    }
  }
  return found;
}

async function exportWith(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runExportCommand([...argv, "--domain", "acme.test"], {
    env: { BLUEMIND_URL: emu.url, BLUEMIND_API_KEY: TEST_KEY, BLUEMIND_MAX_RPS: "0" },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

describe("export after applying examples/mailshares.yaml", () => {
  let file: string;
  let text: string;
  let result: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    await applyThroughProviders(path.join(ROOT, "examples", "mailshares.yaml"));
    file = path.join(tmp, "domain", "mailshares.yaml");
    result = await exportWith(["-o", file]);
    text = fs.readFileSync(file, "utf8");
  }, 60_000);

  it("writes a valid file of every mailshare, with a summary and no warning", async () => {
    expect(result.stderr).toBe(`exported 6 mailshares of acme.test to ${file} (+ 1 photo in ${path.join(tmp, "domain", "photos")})\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    const names = (await loadOk(file)).map((m) => m.name);
    expect(names).toEqual(["noreply", "paris-office", "reception", "sales-desk", "support", "templates"]);
  });

  it("re-reads as unchanged: plan on the export has nothing to do", async () => {
    expect(await changesAgainstServer(await loadOk(file))).toEqual({});
    const plan = await computePlan({ rt: RUNTIME, paths: [file], onUnreadable: "fail" });
    expect(plan.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(plan.unmanaged).toEqual({ mailshares: [], identities: [] });
  });

  it("holds what the examples declare, in the same canonical form", async () => {
    const exported = new Map((await loadOk(file)).map((m) => [m.name, m]));
    for (const declared of await loadOk(path.join(ROOT, "examples", "mailshares.yaml"))) {
      const live = exported.get(declared.name)!;
      // Not state the server reports back as declared: the storage server is only read when declared
      // (the mailbox stays where it is), a quota equal to the domain's default (1 GiB in the seed)
      // reads as the default, users named by login read as their address, maintenance triggers are
      // actions, the photo is a new file.
      const byAddress = (s: DesiredMailshare["shares"][number]) =>
        JSON.stringify("user" in s && !s.user.includes("@") ? { ...s, user: `${s.user}@acme.test` } : s);
      const comparable = (m: DesiredMailshare) => ({
        ...m, declaredAt: null, storageServer: null, maintenance: null, quota: m.quota === 1048576 ? null : m.quota,
        shares: m.shares.map(byAddress).sort(),
        information: { ...m.information, photo: m.information.photo === null ? null : "a photo" },
      });
      expect(comparable(live), declared.name).toEqual(comparable(declared));
    }
  });

  it("is short and readable: defaults left out, human sizes and dates, keys in schema order", () => {
    expect(text.split("\n")[0]).toBe("# Editor completion: make the first line of this file");
    expect(text).toContain("# Mailshares of acme.test on " + emu.url + ", written by `bmshare export`");
    expect(text).not.toContain(TEST_KEY);
    expect(text).toContain("    quota: 5 GiB\n");
    expect(text).toContain("      start: 2026-12-24\n");
    expect(text).toContain("      - { user: alice@acme.test, level: manage }\n");
    expect(text).toContain("          - { field: size, op: greaterThan, value: 20 MiB }\n");
    expect(text).toContain('          - { header: X-Spam-Flag, op: is, value: "YES" }\n');
    expect(text).toContain("      message: |\n        Hello,\n");
    expect(text).not.toMatch(/deletionPolicy|hidden: false|allDomains: false|active: true|format: html|maintenance/);
    const support = text.slice(text.indexOf("  - name: support\n"), text.indexOf("  - name: templates\n"));
    const keys = [...support.matchAll(/^ {4}([a-zA-Z]+):/gm)].map((m) => m[1]);
    expect(keys).toEqual(["displayName", "description", "email", "aliases", "quota", "information", "shares", "autoReply", "filters", "identities"]);
  });

  it("marks mailshares made outside bmshare with adopt: true, and only those", async () => {
    const noreply = text.slice(text.indexOf("  - name: noreply\n"));
    expect(noreply.slice(0, noreply.indexOf("\n  - "))).toBe(
      "  - name: noreply\n    displayName: No reply\n    email: noreply@acme.test\n    hidden: true\n    adopt: true");
    expect(text.match(/adopt: true/g)).toHaveLength(1);
  });

  it("saves the photo beside the file, as the server returns it", async () => {
    expect(text).toContain("      photo: ./photos/support.png\n");
    const served = await fetch(`${emu.url}/api/mailshares/acme.test/${mailshareUid("acme.test", "support")}/photo`, {
      headers: { "X-BM-ApiKey": TEST_KEY, Accept: "image/png" },
    });
    expect(served.status).toBe(200);
    const saved = fs.readFileSync(path.join(tmp, "domain", "photos", "support.png"));
    expect(saved.equals(Buffer.from(await served.arrayBuffer()))).toBe(true);
  });

  it("points at the schema relatively when the file is written inside the project", async () => {
    const inRepo = fs.mkdtempSync(path.join(ROOT, "test", "cli", ".export-"));
    try {
      const target = path.join(inRepo, "acme.yaml");
      expect((await exportWith(["-o", target, "--mailshare", "reception"])).code).toBe(0);
      const written = fs.readFileSync(target, "utf8");
      expect(written.split("\n")[0]).toBe("# yaml-language-server: $schema=../../../schemas/mailshares.schema.json");
      expect((await loadOk(target)).map((m) => m.name)).toEqual(["reception"]);
    } finally {
      fs.rmSync(inRepo, { recursive: true, force: true });
    }
  });
});

describe("export of state made by hand (the console, raw API calls)", () => {
  const uid = "0d1f7c52-hand-made";
  const bobUid = stableUid("acme.test", "users", "bob");
  const salesUid = stableUid("acme.test", "groups", "sales");
  const acl = (entries: { subject: string; verb: string }[]) =>
    emu.api("PUT", `/api/containers/_manage/mailbox:acls-${uid}/_acl`, { body: entries });

  beforeAll(async () => {
    const emails = [
      { address: "desk@acme.test", isDefault: true, allAliases: false },
      { address: "front@acme.test", isDefault: false, allAliases: true },
    ];
    expect((await emu.api("PUT", `/api/mailshares/acme.test/${uid}`, { body: mailshareBody("desk", { emails, quota: 204800 }) })).status).toBe(200);
    expect((await acl([{ subject: bobUid, verb: "Write" }, { subject: bobUid, verb: "SendAs" }, { subject: salesUid, verb: "Read" }])).status).toBe(200);
    const filter = {
      rules: [{
        client: "bluemind", type: "GENERIC", trigger: "IN", deferred: false, active: true, name: "invoices",
        clientProperties: {}, stop: true,
        conditions: [{ operator: "AND", negate: false, conditions: [], clientProperties: {},
          filter: { operator: "CONTAINS", fields: ["subject"], values: ["invoice"], comparator: "SUBSTRING", modifier: "NONE" } }],
        actions: [{ name: "MOVE", subtree: "user", id: null, folder: "Invoices", clientProperties: {} }],
      }],
      vacation: { enabled: true, start: Date.UTC(2026, 6, 1), end: Date.UTC(2026, 6, 15, 12), subject: "Summer", text: "Back in July", textHtml: null },
      forwarding: { enabled: false, localCopy: true, emails: [] },
    };
    expect((await emu.api("POST", `/api/mailboxes/acme.test/${uid}/_filter`, { body: filter })).status).toBe(200);
    const identity = { email: "front@acme-corp.test", format: "PLAIN", signature: "-- \nFront desk", displayname: "Front desk", name: "Front", isDefault: true, sentFolder: null };
    expect((await emu.api("PUT", `/api/mailboxes/acme.test/identity/${uid}/console-1`, { body: identity })).status).toBe(200);
  });

  it("exports to standard output what plan then finds unchanged, and says what it left out", async () => {
    const { code, stdout, stderr } = await exportWith(["--mailshare", "desk"]);
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toBe("# Editor completion: make the first line of this file");
    expect(stdout.split("\n")[1]).toBe("#   # yaml-language-server: $schema=https://unpkg.com/bluemind-mailshares@0.1.0/schemas/mailshares.schema.json");
    expect(stdout).toContain([
      "  # identity \"Front\" (front@acme-corp.test) was made outside bmshare: left out, as plan and apply leave it alone (to manage it, declare it here and delete the original in the console)",
      "  - name: desk",
      "    email: desk@acme.test",
      "    aliases:",
      "      - { address: front@acme.test, allDomains: true }",
      "    quota: 200 MiB",
      "    shares:",
      "      - { user: bob@acme.test, level: write }",
      "      - { group: sales, level: read }",
      "    autoReply:",
      "      start: 2026-07-01",
      "      end: 2026-07-15T12:00:00Z",
      "      subject: Summer",
      "      message: Back in July",
      "    filters:",
      "      - name: invoices",
      "        conditions:",
      "          - { field: subject, op: contains, value: invoice }",
      "        actions:",
      "          - { moveTo: Invoices }",
      "    adopt: true",
    ].join("\n"));
    expect(stderr).toContain("warning: mailshare desk: identity \"Front\" (front@acme-corp.test) was made outside bmshare");
    expect(stderr).toContain("exported 1 mailshare of acme.test, 1 warning\n");

    const saved = path.join(tmp, "desk.yaml");
    fs.writeFileSync(saved, stdout);
    expect(await changesAgainstServer(await loadOk(saved))).toEqual({});
    const plan = await computePlan({ rt: RUNTIME, paths: [saved], onUnreadable: "fail" });
    expect(plan.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(plan.unmanaged.identities.map((i) => [i.mailshare, i.name, i.id])).toEqual([["desk", "Front", "console-1"]]);
  });

  it("writes what the format cannot express as read, and warns naming each", async () => {
    // Bob keeps Write but no longer SendAs (BlueMind keeps exactly what is sent for a subject that had Write).
    expect((await acl([{ subject: bobUid, verb: "Write" }, { subject: salesUid, verb: "Read" }])).status).toBe(200);
    // A rule made in another client: a whole-string comparison the format has no word for.
    const filter = (await emu.api("GET", `/api/mailboxes/acme.test/${uid}/_filter`)).json;
    filter.rules[0].conditions[0].filter.comparator = "FULLSTRING";
    expect((await emu.api("POST", `/api/mailboxes/acme.test/${uid}/_filter`, { body: filter })).status).toBe(200);

    const { code, stdout, stderr } = await exportWith(["--mailshare", "desk"]);
    expect(code).toBe(0);
    expect(stdout).toContain("      - { user: bob@acme.test, level: custom(Write) }\n");
    expect(stdout).toMatch(/ {10}- unsupported: condition subject CONTAINS \{.*"comparator":"FULLSTRING".*\}\n/);
    const warnings = stderr.split("\n").filter((l) => l.startsWith("warning: (standard output):"));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^warning: \(standard output\):\d+:\d+: mailshares\[0\]\.shares\[0\]\.level: expected one of read, write, manage.*found "custom\(Write\)".*\(not expressible in the format: written as read; fix it before applying\)$/);
    expect(warnings[1]).toMatch(/^warning: \(standard output\):\d+:\d+: mailshares\[0\]\.filters\[0\]\.conditions\[0\]: BlueMind holds condition subject CONTAINS \{.*"FULLSTRING".*\} \(not expressible in the format/);
  });

  it("skips a photo on standard output, with a comment and a warning", async () => {
    const png = fs.readFileSync(path.join(ROOT, "examples", "photos", "support-desk.png"));
    expect((await emu.api("POST", `/api/mailshares/acme.test/${uid}/photo`, { body: png, headers: { "Content-Type": "application/octet-stream" } })).status).toBe(200);
    const { stdout, stderr } = await exportWith(["--mailshare", "desk"]);
    expect(stdout).toContain("  # mailshare desk has a photo, not exported to standard output (use -o FILE): applying this file as is would remove it\n");
    expect(stdout).not.toContain("photo:");
    expect(stderr).toContain("warning: mailshare desk has a photo, not exported to standard output");
  });

  it("keeps the deletion policy bmshare recorded on a mailshare it created", async () => {
    const provider = PROVIDERS.Mailshare;
    const checked = await provider.check!({}, { domain: "acme.test", name: "archive", deletionPolicy: "delete" });
    expect(checked.failures ?? []).toEqual([]);
    await provider.create(checked.inputs);
    const { stdout } = await exportWith(["--mailshare", "archive"]);
    expect(stdout).toContain("mailshares:\n  - name: archive\n    deletionPolicy: delete\n");
  });

  it("refuses unknown mailshares and domains with one clear line", async () => {
    const unknown = await exportWith(["--mailshare", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^bmshare export: no mailshare named nope in acme\.test \(it has: archive, desk, noreply/);
    let stderr = "";
    const code = await runExportCommand(["--domain", "nowhere.test"], { env: { BLUEMIND_URL: emu.url, BLUEMIND_API_KEY: TEST_KEY, BLUEMIND_MAX_RPS: "0" }, stderr: (t) => (stderr += t), stdout: () => {} });
    expect(code).toBe(1);
    expect(stderr).toBe("bmshare export: domain nowhere.test does not exist on the server\n");
  });

  it("needs a server connection", async () => {
    let stderr = "";
    const code = await runExportCommand([], { env: {}, stderr: (t) => (stderr += t), stdout: () => {} });
    expect(code).toBe(1);
    expect(stderr).toBe("bmshare export: no BlueMind server: give --url or set BLUEMIND_URL\nrun bmshare export --help for the options\n");
  });
});

describe("bmshare export as a command", () => {
  it("prints the domain's YAML on standard output (child process)", async () => {
    const run = promisify(execFile);
    const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, "bin", "bmshare.js"), "export", "--mailshare", "noreply"], {
      cwd: ROOT, env: { ...process.env, BLUEMIND_URL: emu.url, BLUEMIND_API_KEY: TEST_KEY, BLUEMIND_DOMAIN: "acme.test" },
    });
    expect(stdout).toMatch(/^# Editor completion/);
    expect(stdout).toContain("domain: acme.test\nmailshares:\n  - name: noreply\n");
    expect(stderr).toBe("exported 1 mailshare of acme.test\n");
  }, 30_000);
});
