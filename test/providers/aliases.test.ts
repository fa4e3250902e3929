// MailshareAliases through the real dynamic-provider host: Check → Create → Diff → Update → Read
// (drift) → Delete, plus bad input, a server refusal and reads through injected 503 faults.
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import type { ProviderHost } from "../support/pulumi-host";
import { startTestEmulator, mailshareBody, TEST_KEY, type TestEmulator } from "../support/emulator";
import { startHostFor } from "../support/stubs";
import { mailshareUid } from "../../providers/ids";
import { useSettings } from "../../providers/runtime";
import { mailshareProvider } from "../../providers/mailshare";
import { mailshareAliasesProvider } from "../../providers/aliases";

let emu: TestEmulator;
let host: ProviderHost;

beforeAll(async () => {
  emu = await startTestEmulator();
  host = await startHostFor("MailshareAliases", emu.url, TEST_KEY);
}, 30_000);
afterAll(async () => {
  await host?.stop();
  await emu?.close();
});
afterEach(() => emu.emulator.setFaults({ failRate: 0 }));

/** Creates a mailshare `name` (default address `<name>@acme.test`) as the console would. */
async function createMailshare(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const uid = mailshareUid("acme.test", name);
  const r = await emu.api("PUT", `/api/mailshares/acme.test/${uid}`, { body: mailshareBody(name, { quota: 2097152, ...extra }) });
  expect(r.status).toBe(200);
  return uid;
}

async function liveValue(uid: string): Promise<any> {
  return (await emu.api("GET", `/api/mailshares/acme.test/${uid}/complete`)).json?.value;
}

const addressesOf = (value: any) =>
  value.emails.map((e: any) => `${e.address}${e.isDefault ? " (default)" : ""}${e.allAliases ? " (all domains)" : ""}`).sort();

describe("MailshareAliases through the host", () => {
  it("creates, finds no change, updates, reads drift, reverts it and deletes", async () => {
    const uid = await createMailshare("helpdesk");
    const urn = host.urn("MailshareAliases", "acme.test/helpdesk/aliases");

    const checked = await host.check(urn, {}, {
      mailshare: uid, aliases: ["Help@ACME.test", { address: "contact@acme.test", allDomains: true }],
    });
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toEqual({
      domain: "acme.test", mailshare: uid,
      aliases: [{ address: "contact@acme.test", allDomains: true }, { address: "help@acme.test", allDomains: false }],
    });

    const created = await host.create(urn, checked.inputs);
    expect(created.id).toBe(`${uid}/aliases`);
    const afterCreate = await liveValue(uid);
    expect(addressesOf(afterCreate)).toEqual(["contact@acme.test (all domains)", "help@acme.test", "helpdesk@acme.test (default)"]);
    // Every other field is kept as it was.
    expect(afterCreate).toMatchObject({ name: "helpdesk", quota: 2097152, routing: "internal" });

    expect((await host.diff(urn, created.id, created.outs, checked.inputs)).changes).toBe("none");
    const read = await host.read(urn, created.id, created.outs);
    expect(read.inputs.aliases).toEqual(checked.inputs.aliases);

    const changed = (await host.check(urn, checked.inputs, { ...checked.inputs, aliases: ["help@acme.test", "info@acme.test"] })).inputs;
    expect((await host.diff(urn, created.id, created.outs, changed)).changes).toBe("some");
    const updated = await host.update(urn, created.id, created.outs, changed);
    expect(updated.outs.aliases).toEqual(changed.aliases);
    expect(addressesOf(await liveValue(uid))).toEqual(["help@acme.test", "helpdesk@acme.test (default)", "info@acme.test"]);

    // Out of band, in the console: another alias.
    const value = await liveValue(uid);
    value.emails.push({ address: "sneaky@acme.test", isDefault: false, allAliases: false });
    expect((await emu.api("POST", `/api/mailshares/acme.test/${uid}`, { body: value })).status).toBe(200);
    const drifted = await host.read(urn, created.id, updated.outs);
    expect(drifted.inputs.aliases.map((a: any) => a.address)).toEqual(["help@acme.test", "info@acme.test", "sneaky@acme.test"]);
    expect((await host.diff(urn, created.id, drifted.props, changed)).changes).toBe("some");
    await host.update(urn, created.id, drifted.props, changed);
    expect(addressesOf(await liveValue(uid))).toEqual(["help@acme.test", "helpdesk@acme.test (default)", "info@acme.test"]);

    await host.delete(urn, created.id, updated.outs);
    const afterDelete = await liveValue(uid);
    expect(addressesOf(afterDelete)).toEqual(["helpdesk@acme.test (default)"]);
    expect(afterDelete.quota).toBe(2097152);
  });

  it("leaves the primary address to the Mailshare: a changed default is not drift", async () => {
    const uid = await createMailshare("billing");
    const urn = host.urn("MailshareAliases", "acme.test/billing/aliases");
    const { inputs } = await host.check(urn, {}, { mailshare: uid, aliases: ["invoices@acme.test"] });
    const created = await host.create(urn, inputs);
    const value = await liveValue(uid);
    value.emails = value.emails.map((e: any) => (e.isDefault ? { ...e, address: "accounts@acme.test" } : e));
    await emu.api("POST", `/api/mailshares/acme.test/${uid}`, { body: value });
    const read = await host.read(urn, created.id, created.outs);
    expect(read.inputs.aliases).toEqual(inputs.aliases);
  });

  it("reports a mailshare removed from the server as gone", async () => {
    const uid = await createMailshare("short-lived");
    const urn = host.urn("MailshareAliases", "acme.test/short-lived/aliases");
    const { inputs } = await host.check(urn, {}, { mailshare: uid, aliases: [] });
    const created = await host.create(urn, inputs);
    await emu.api("DELETE", `/api/mailshares/acme.test/${uid}`);
    await expect.poll(async () => (await emu.api("GET", `/api/mailshares/acme.test/${uid}/complete`)).status).toBe(204);
    expect((await host.read(urn, created.id, created.outs)).id).toBe("");
    await host.delete(urn, created.id, created.outs); // nothing left to do, no error
  });

  it("reports bad input at check with the property", async () => {
    const urn = host.urn("MailshareAliases", "bad");
    const { failures } = await host.check(urn, {}, { mailshare: "", aliases: ["ok@acme.test", "not an address"] });
    expect(failures.map((f) => f.property).sort()).toEqual(["aliases[1]", "mailshare"]);
    expect(failures.find((f) => f.property === "aliases[1]")!.reason).toContain("not an address");
  });

  it("surfaces BlueMind's refusal of an address another mailbox uses", async () => {
    const uid = await createMailshare("frontdesk");
    const urn = host.urn("MailshareAliases", "acme.test/frontdesk/aliases");
    const { inputs, failures } = await host.check(urn, {}, { mailshare: uid, aliases: ["bob@acme.test"] });
    expect(failures).toEqual([]);
    const err: any = await host.create(urn, inputs).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.details).toContain("ALREADY_EXISTS");
    expect(err.details).toContain("are already in use: bob@acme.test");
    expect(addressesOf(await liveValue(uid))).toEqual(["frontdesk@acme.test (default)"]);
  });

  it("reads through injected 503 faults (the client retries)", async () => {
    const uid = await createMailshare("flaky");
    const urn = host.urn("MailshareAliases", "acme.test/flaky/aliases");
    const { inputs } = await host.check(urn, {}, { mailshare: uid, aliases: ["unstable@acme.test"] });
    const created = await host.create(urn, inputs);
    const statuses: number[] = [];
    emu.emulator.setAccessLog((line) => statuses.push(Number(line.split(" ")[3])));
    emu.emulator.setFaults({ failRate: 0.5, failStatus: 503, failSeed: 3 });
    try {
      // Four deployments, each reading the mailshare again.
      for (let i = 0; i < 4; i++) {
        const read = await host.nextDeployment().read(urn, created.id, created.outs);
        expect(read.inputs.aliases).toEqual([{ address: "unstable@acme.test", allDomains: false }]);
      }
    } finally {
      emu.emulator.setFaults({ failRate: 0 });
      emu.emulator.setAccessLog(undefined);
    }
    expect(statuses).toContain(503);
  });

  it("loses no update when the Mailshare and its aliases are written at the same time (per-mailshare lock)", async () => {
    useSettings({ url: emu.url, apiKey: TEST_KEY, domain: "acme.test" }, "flags");
    try {
      const mailshare = (await mailshareProvider.check!({}, { name: "together", email: "together@acme.test" })).inputs;
      const created = await mailshareProvider.create(mailshare);
      const aliases = (await mailshareAliasesProvider.check!({}, { mailshare: created.id, aliases: ["first@acme.test"] })).inputs;
      const aliasesCreated = await mailshareAliasesProvider.create(aliases);
      for (let round = 0; round < 5; round++) {
        const displayName = `Together ${round}`;
        const wanted = [`round${round}@acme.test`, `extra${round}@acme.test`];
        await Promise.all([
          mailshareProvider.update!(created.id, created.outs, { ...mailshare, displayName }),
          mailshareAliasesProvider.update!(aliasesCreated.id, aliases, { ...aliases, aliases: wanted.map((address) => ({ address, allDomains: false })) }),
        ]);
        const value = await liveValue(created.id);
        expect(addressesOf(value)).toEqual([...wanted, "together@acme.test (default)"].sort());
        expect((await emu.api("GET", `/api/mailshares/acme.test/${created.id}/complete`)).json.displayName).toBe(displayName);
      }
    } finally {
      useSettings({}, "flags");
    }
  });
});
