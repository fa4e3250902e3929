// A whole mailshare's resource set through ONE real dynamic-provider host, as the engine runs a
// deployment: the parts created and updated in parallel lose no update (per-mailshare lock), a
// second diff is empty, and removing a mailshare with the default policy leaves everything on the
// server.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { ProviderHost } from "../support/pulumi-host";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../support/emulator";
import { serializeStub } from "../support/stubs";
import { loadDesiredStateOrThrow } from "../../desired/load";
import { declareMailshare, type ResourceDeclaration } from "../../providers/declarations";

let emu: TestEmulator;
let declarations: ResourceDeclaration[];

// One host process serves every kind (each resource carries its own stub, as in state).
let host: ProviderHost;
const texts = new Map<string, string>();

beforeAll(async () => {
  emu = await startTestEmulator();
  for (const kind of ["Mailshare", "MailshareAliases", "MailshareAcl", "MailshareAutoReply", "MailshareFilters", "MailshareIdentity", "MailshareMaintenance"]) {
    texts.set(kind, serializeStub(kind));
  }
  host = await ProviderHost.start(texts.get("Mailshare")!);
  await host.configure({ url: emu.url, apiKey: TEST_KEY, domain: "acme.test", maxRequestsPerSecond: "0" });
  const [support] = (await loadDesiredStateOrThrow(["examples/mailshares.yaml"])).filter((m) => m.name === "support");
  declarations = declareMailshare(support);
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await emu?.close();
});

/** The host answers every kind; the stub text sent with a call selects the provider. */
function call<T>(kind: string, fn: (h: ProviderHost) => Promise<T>): Promise<T> {
  return fn(host.withProvider(texts.get(kind)!));
}

interface Created { d: ResourceDeclaration; urn: string; id: string; outs: Record<string, unknown>; inputs: Record<string, unknown> }

async function checkAndCreate(d: ResourceDeclaration): Promise<Created> {
  const urn = host.urn(d.kind, d.name);
  return call(d.kind, async (h) => {
    const { inputs, failures } = await h.check(urn, {}, d.inputs);
    expect(failures, d.name).toEqual([]);
    const { id, outs } = await h.create(urn, inputs);
    return { d, urn, id, outs, inputs };
  });
}

describe("a mailshare's whole resource set through one host", () => {
  let created: Created[];

  it("creates the parts in parallel after the mailshare, and a second diff is empty", async () => {
    const [main, ...parts] = declarations;
    const mailshare = await checkAndCreate(main);
    const identitiesLast = parts.filter((p) => p.kind !== "MailshareIdentity" && p.kind !== "MailshareMaintenance");
    const first = await Promise.all(identitiesLast.map(checkAndCreate));
    // Identities need the aliases (their addresses), maintenance the rest: the engine orders them by dependsOn.
    const second = await Promise.all(parts.filter((p) => !identitiesLast.includes(p)).map(checkAndCreate));
    created = [mailshare, ...first, ...second];
    for (const c of created) {
      const diff = await call(c.d.kind, (h) => h.diff(c.urn, c.id, c.outs, c.inputs));
      expect(diff.changes, c.d.name).toBe("none");
    }
    const uid = mailshare.id;
    const live = (await emu.api("GET", `/api/mailshares/acme.test/${uid}/complete`)).json.value;
    expect(live.emails.map((e: any) => e.address).sort()).toEqual(
      ["help@acme.test", "helpdesk@acme.test", "support@acme-corp.test", "support@acme.test"]);
    const filter = (await emu.api("GET", `/api/mailboxes/acme.test/${uid}/_filter`)).json;
    expect(filter.rules.map((r: any) => r.name)).toEqual(["spam", "invoices", "urgent", "large attachments", "bounces"]);
    expect(filter.vacation.subject).toBe("Support is closed for the holidays");
    expect(filter.forwarding.enabled).toBe(false);
    const identities = (await emu.api("GET", `/api/mailboxes/acme.test/identity/${uid}`)).json;
    expect(identities.map((i: any) => i.name).sort()).toEqual(["Helpdesk (corporate)", "Support"]);
  });

  it("updates every part in parallel without losing any update", async () => {
    const change: Record<string, (i: any) => any> = {
      Mailshare: (i) => ({ ...i, displayName: "Support (updated)", hidden: true }),
      MailshareAliases: (i) => ({ ...i, aliases: [...i.aliases, { address: "assist@acme.test", allDomains: false }] }),
      MailshareAcl: (i) => ({ ...i, shares: [...i.shares, { user: "carol@acme.test", level: "read" }] }),
      MailshareAutoReply: (i) => ({ ...i, autoReply: { ...i.autoReply, subject: "Closed (updated)" } }),
      MailshareFilters: (i) => ({ ...i, filters: i.filters.slice(1), forwarding: { enabled: true, to: ["archive@example.com"], localCopy: true } }),
      MailshareIdentity: (i) => ({ ...i, signature: `${i.signature}(updated)` }),
      MailshareMaintenance: (i) => i,
    };
    await Promise.all(created.map((c) => call(c.d.kind, async (h) => {
      const news = (await h.check(c.urn, c.inputs, change[c.d.kind](c.inputs))).inputs;
      const diff = await h.diff(c.urn, c.id, c.outs, news);
      if (diff.changes === "none") return;
      c.outs = (await h.update(c.urn, c.id, c.outs, news)).outs;
      c.inputs = news;
    })));
    const uid = created[0].id;
    const live = (await emu.api("GET", `/api/mailshares/acme.test/${uid}/complete`)).json;
    expect(live.displayName).toBe("Support (updated)");
    expect(live.value.hidden).toBe(true);
    expect(live.value.emails.map((e: any) => e.address)).toContain("assist@acme.test");
    const filter = (await emu.api("GET", `/api/mailboxes/acme.test/${uid}/_filter`)).json;
    expect(filter.rules).toHaveLength(4);
    expect(filter.vacation.subject).toBe("Closed (updated)");
    expect(filter.forwarding).toMatchObject({ enabled: true, emails: ["archive@example.com"] });
    const acl = (await emu.api("GET", `/api/mailboxes/acme.test/${uid}/_acls`)).json;
    expect(acl.length).toBeGreaterThan(0);
    const identities = (await emu.api("GET", `/api/mailboxes/acme.test/identity/${uid}`)).json;
    for (const i of identities) expect(i.signature).toContain("(updated)");
    // And the reads agree with what was applied: nothing left to change.
    for (const c of created) {
      const read = await call(c.d.kind, (h) => h.read(c.urn, c.id, c.outs));
      const diff = await call(c.d.kind, (h) => h.diff(c.urn, c.id, read.props, c.inputs));
      expect(diff.changes, c.d.name).toBe("none");
    }
  });

  it("removing the mailshare with the default policy leaves mail, sharing, filters and identities", async () => {
    const main = created[0];
    await call("Mailshare", (h) => h.delete(main.urn, main.id, main.outs));
    // The host prints provider messages for the engine; the line may trail the RPC answer.
    for (let i = 0; i < 100 && !/retained on the server/.test(host.logs); i++) await new Promise((r) => setTimeout(r, 20));
    expect(host.logs).toMatch(/retained on the server/);
    const uid = main.id;
    expect((await emu.api("GET", `/api/mailshares/acme.test/${uid}/complete`)).status).toBe(200);
    expect((await emu.api("GET", `/api/mailboxes/acme.test/${uid}/_filter`)).json.rules).toHaveLength(4);
    expect((await emu.api("GET", `/api/mailboxes/acme.test/identity/${uid}`)).json).toHaveLength(2);
    expect((await emu.api("GET", `/api/mailboxes/acme.test/${uid}/_acls`)).json.length).toBeGreaterThan(0);
  });
});
