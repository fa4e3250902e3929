import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../support/emulator";
import { stableUid } from "../../emulator/seed";

let emu: TestEmulator;
let bobKey: string;
let aliceKey: string;
let betaAdminKey: string;
const user = (login: string) => stableUid("acme.test", "users", login);
const server = (name: string) => stableUid("server", name);

beforeAll(async () => {
  emu = await startTestEmulator();
  bobKey = emu.emulator.sessions.open(user("bob"), "acme.test", "bob@acme.test").key;
  aliceKey = emu.emulator.sessions.open(user("alice"), "acme.test", "alice@acme.test").key;
  betaAdminKey = emu.emulator.sessions.open(stableUid("beta.test", "users", "admin"), "beta.test", "admin@beta.test").key;
  // Domain properties are only shown to admins: give acme.test one to tell the difference.
  emu.emulator.store.state.domains["acme.test"].item.value.properties = { "im.public": "true" };
});
afterAll(async () => {
  await emu.close();
});

describe("IDomains", () => {
  it("lists every domain for admin0, only its own for a domain user", async () => {
    const all = await emu.api("GET", "/api/domains");
    expect(all.status).toBe(200);
    expect(all.json.map((d: any) => d.uid).sort()).toEqual(["acme.test", "beta.test", "global.virt"]);
    const own = await emu.api("GET", "/api/domains", { key: bobKey });
    expect(own.json).toHaveLength(1);
    expect(own.json[0]).toMatchObject({ uid: "acme.test", value: { name: "acme.test", properties: {} } });
    expect((await emu.api("GET", "/api/domains", { key: null })).status).toBe(403);
  });

  it("gets a domain by exact uid: properties for admins only, other domains need their admin role", async () => {
    const asAdmin0 = await emu.api("GET", "/api/domains/acme.test");
    expect(asAdmin0.json.value).toMatchObject({
      label: "ACME Corporation", aliases: ["acme-corp.test"], defaultAlias: "acme.test", properties: { "im.public": "true" },
    });
    expect((await emu.api("GET", "/api/domains/acme.test", { key: aliceKey })).json.value.properties).toEqual({ "im.public": "true" });
    expect((await emu.api("GET", "/api/domains/acme.test", { key: bobKey })).json.value.properties).toEqual({});
    expect((await emu.api("GET", "/api/domains/beta.test", { key: aliceKey })).status).toBe(403);
    expect((await emu.api("GET", "/api/domains/acme-corp.test")).status).toBe(204);
    expect((await emu.api("GET", "/api/domains/nowhere.test")).status).toBe(204);
  });

  it("looks a domain up by name or alias", async () => {
    expect((await emu.api("GET", "/api/domains/_lookup?name=acme-corp.test", { key: bobKey })).json.uid).toBe("acme.test");
    expect((await emu.api("GET", "/api/domains/_lookup?name=nowhere.test")).status).toBe(204);
    expect((await emu.api("GET", "/api/domains/_lookup?name=beta.test", { key: bobKey })).status).toBe(403);
    expect((await emu.api("GET", "/api/domains/_lookup?name=acme.test", { key: null })).status).toBe(403);
  });
});

describe("IDomainSettings", () => {
  const settings = "/api/domains/acme.test/_settings";

  it("reads settings with domainManager, replaces the whole map as admin", async () => {
    const before = await emu.api("GET", settings, { key: aliceKey });
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({ mail_routing_relay: "relay.acme.test", mailbox_max_publicfolder_quota: "10485760" });
    expect((await emu.api("GET", settings, { key: bobKey })).status).toBe(403);
    expect((await emu.api("GET", "/api/domains/acme-corp.test/_settings")).status).toBe(404);

    expect((await emu.api("PUT", settings, { body: { x: "1" }, key: bobKey })).status).toBe(403);
    const put = await emu.api("PUT", settings, { body: { ...before.json, mailbox_max_publicfolder_quota: 0, extra: "yes" }, key: aliceKey });
    expect(put.status).toBe(200);
    expect(put.text).toBe("");
    const after = await emu.api("GET", settings);
    expect(after.json.mailbox_max_publicfolder_quota).toBe("0");
    expect(after.json.extra).toBe("yes");

    expect((await emu.api("PUT", settings, { body: { only: "this" } })).status).toBe(200);
    expect((await emu.api("GET", settings)).json).toEqual({ only: "this" });
    await emu.api("PUT", settings, { body: before.json });
  });
});

describe("IServer", () => {
  const servers = "/api/servers/default";

  it("lists servers for admin0 and domain admins, through `default` or the installation uid", async () => {
    const all = await emu.api("GET", `${servers}/_complete`);
    expect(all.status).toBe(200);
    expect(all.json.map((s: any) => s.value.name).sort()).toEqual(["core", "mail-1", "mail-2", "mail-3"]);
    expect((await emu.api("GET", `${servers}/_complete`, { key: aliceKey })).status).toBe(200);
    expect((await emu.api("GET", `${servers}/_complete`, { key: bobKey })).status).toBe(403);
    expect((await emu.api("GET", `${servers}/_complete`, { key: null })).status).toBe(403);
    const installation = emu.emulator.store.state.installation;
    expect((await emu.api("GET", `/api/servers/${installation}/_complete`)).json).toHaveLength(4);
    const other = await emu.api("GET", "/api/servers/elsewhere/_complete");
    expect(other.status).toBe(404);
    expect(other.json.message).toBe("container elsewhere not found");
  });

  it("gets one server; 204 when unknown; `_complete` shadows a server uid", async () => {
    const mail1 = await emu.api("GET", `${servers}/${server("mail-1")}/complete`);
    expect(mail1.json.value).toEqual({ ip: "192.0.2.11", fqdn: "mail-1.acme.test", name: "mail-1", tags: ["mail/imap", "mail/smtp"] });
    expect((await emu.api("GET", `${servers}/no-server/complete`)).status).toBe(204);
    const shadowed = await emu.api("GET", `${servers}/_complete/complete`);
    expect(shadowed.status).toBe(500);
    expect(shadowed.json.message).toContain("no service registered");
  });

  it("reads assignments by domain, by tag and by server", async () => {
    const acme = await emu.api("GET", `${servers}/acme.test/assignments`, { key: aliceKey });
    expect(acme.json).toHaveLength(3);
    expect(acme.json).toContainEqual({ domainUid: "acme.test", serverUid: server("core"), tag: "bm/core" });
    const imap = await emu.api("GET", `${servers}/acme.test/byAssignment?tag=mail/imap`);
    expect(imap.json.sort()).toEqual([server("mail-1"), server("mail-2")].sort());
    expect((await emu.api("GET", `${servers}/acme.test/byAssignment`)).json).toEqual([]);
    expect((await emu.api("GET", `${servers}/acme.test/assignments`, { key: betaAdminKey })).status).toBe(403);
    const mail3 = await emu.api("GET", `${servers}/${server("mail-3")}/serverAssignments`, { key: betaAdminKey });
    expect(mail3.json).toEqual([{ domainUid: "beta.test", serverUid: server("mail-3"), tag: "mail/imap" }]);
  });
});

describe("IDomains.getExternalUrl", () => {
  it("serves the domain's external_url setting as a String result, 204 without one", async () => {
    const emu = await startTestEmulator();
    try {
      const json = await emu.api("GET", "/api/domains/acme.test/externalurl", { headers: { Accept: "application/json" } });
      expect([json.status, json.json]).toEqual([200, "mail.acme.test"]);
      // Without an Accept header the String is sent raw (fetch always sends one: use node:http).
      const http = await import("node:http");
      const raw = await new Promise<string>((resolve, reject) => {
        http.get(`${emu.url}/api/domains/acme.test/externalurl`, { headers: { "X-BM-ApiKey": TEST_KEY } }, (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve(body));
        }).on("error", reject);
      });
      expect(raw).toBe("mail.acme.test");
      expect((await emu.api("GET", "/api/domains/beta.test/externalurl")).status).toBe(204);
    } finally {
      await emu.close();
    }
  });
});
