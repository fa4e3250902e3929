// Server cross-checks of `bmshare validate` against the emulator, through the REST client adapter.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../support/emulator";
import { runValidateCommand } from "../../cli/validate";
import { BlueMindClient } from "../../bluemind";
import { bluemindLookups } from "../../desired/bluemind-lookups";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

async function validate(file: string) {
  let stdout = "";
  let stderr = "";
  const status = await runValidateCommand(["-f", file], {
    env: { BLUEMIND_URL: emu.url, BLUEMIND_API_KEY: TEST_KEY },
    connect: async (c) => bluemindLookups(new BlueMindClient({ url: c.url, apiKey: c.apiKey!, insecure: c.insecure })),
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { status, stdout, stderr };
}

describe("validate with server cross-checks against the emulator", () => {
  it("accepts the examples written for the default seed", async () => {
    const r = await validate("examples/mailshares.yaml");
    expect(r).toMatchObject({ status: 0, stderr: "" });
    expect(r.stdout).toContain("schema, cross-checks and server checks passed");
  });

  it("reports unknown users, groups, org units and servers, and taken names, at their lines", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-online-"));
    const file = path.join(dir, "bad.yaml");
    fs.writeFileSync(file, [
      "domain: acme.test",
      "mailshares:",
      "  - name: alice",
      "    email: shared-alice@acme.test",
      "  - name: helpdesk",
      "    email: helpdesk@acme.test",
      "    delegation: /Europe/Madrid",
      "    storageServer: mail-9",
      "    shares:",
      "      - { user: zoe@acme.test, level: read }",
      "      - { group: nobody-team, level: write }",
      "    aliases: [bob@acme.test, help@elsewhere.test]",
    ].join("\n"));
    const r = await validate(file);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split("\n");
    const at = (line: number, field: string) => lines.find((l) => l.startsWith(`${file}:${line}:`) && l.includes(field));
    expect(at(3, "mailshares[0].name")).toContain("alice");
    expect(at(7, "delegation")).toContain("/Europe/Madrid");
    expect(at(8, "storageServer")).toContain("mail-9");
    expect(at(10, "shares[0]")).toContain("zoe@acme.test");
    expect(at(11, "shares[1]")).toContain("nobody-team");
    expect(lines.some((l) => l.includes("aliases[0]") && l.includes("bob@acme.test"))).toBe(true);
    expect(lines.some((l) => l.includes("aliases[1]") && l.includes("elsewhere.test"))).toBe(true);
  });
});

describe("validate when the server cannot answer", () => {
  it("fails with one line per mailshare naming its file, line and the failure, never reporting entries as missing", async () => {
    let stderr = "";
    const status = await runValidateCommand(["-f", "examples/minimal.yaml"], {
      env: { BLUEMIND_URL: "http://127.0.0.1:9", BLUEMIND_API_KEY: TEST_KEY },
      connect: async (c) => bluemindLookups(new BlueMindClient({ url: c.url, apiKey: c.apiKey!, retry: { retries: 0 } })),
      stdout: () => {},
      stderr: (t) => (stderr += t),
    });
    expect(status).toBe(1);
    const lines = stderr.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^examples\/minimal\.yaml:5:5: mailshares\[0\]: mailshare "info" could not be checked against the server: .*ECONNREFUSED/),
      "1 error in 1 file",
    ]);
    expect(stderr).not.toMatch(/does not exist|unknown/);
  });
});
