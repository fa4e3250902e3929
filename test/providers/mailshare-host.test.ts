// Mailshare through the real dynamic-provider host: Check → Create → Diff → Update → Read (drift) → Delete.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { ProviderHost } from "../support/pulumi-host";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../support/emulator";
import { startHostFor } from "../support/stubs";

let emu: TestEmulator;
let host: ProviderHost;

beforeAll(async () => {
  emu = await startTestEmulator();
  host = await startHostFor("Mailshare", emu.url, TEST_KEY);
}, 30_000);
afterAll(async () => {
  await host?.stop();
  await emu?.close();
});

describe("Mailshare through the host", () => {
  it("creates, finds no change, updates, reads drift and deletes", async () => {
    const urn = host.urn("Mailshare", "support");
    const checked = await host.check(urn, {}, {
      name: "support", displayName: "Support desk", email: "Support@ACME.test", quota: "2 GiB", deletionPolicy: "delete",
    });
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toMatchObject({ domain: "acme.test", email: { address: "support@acme.test", allDomains: false }, quota: 2097152, routing: "internal" });
    expect(checked.inputs.uid).toMatch(/^[0-9a-f-]{36}$/);
    const created = await host.create(urn, checked.inputs);
    expect(created.id).toBe(checked.inputs.uid);
    expect(created.outs.addresses).toEqual(["support@acme.test"]);
    const live = await emu.api("GET", `/api/mailshares/acme.test/${created.id}/complete`);
    expect(live.json.value).toMatchObject({ name: "support", quota: 2097152 });
    expect(live.json.displayName).toBe("Support desk");

    expect((await host.diff(urn, created.id, created.outs, checked.inputs)).changes).toBe("none");
    const changed = (await host.check(urn, checked.inputs, { ...checked.inputs, displayName: "Support" })).inputs;
    expect((await host.diff(urn, created.id, created.outs, changed)).changes).toBe("some");
    const updated = await host.update(urn, created.id, created.outs, changed);
    expect(updated.outs.displayName).toBe("Support");

    // out-of-band change in the console: hidden
    const value = (await emu.api("GET", `/api/mailshares/acme.test/${created.id}/complete`)).json.value;
    await emu.api("POST", `/api/mailshares/acme.test/${created.id}`, { body: { ...value, hidden: true } });
    // Seen by the next deployment (within one, reads are shared by every resource).
    const next = host.nextDeployment();
    const read = await next.read(urn, created.id, updated.outs);
    expect(read.inputs.hidden).toBe(true);
    expect(read.inputs.displayName).toBe("Support");

    await next.delete(urn, created.id, { ...updated.outs, deletionPolicy: "delete" });
    expect((await emu.api("GET", `/api/mailshares/acme.test/${created.id}/complete`)).status).toBe(204);
  });

  it("refuses a rename at check with a migration hint", async () => {
    const urn = host.urn("Mailshare", "renamed");
    const olds = (await host.check(urn, {}, { name: "before" })).inputs;
    const { failures } = await host.check(urn, olds, { ...olds, name: "after" });
    expect(failures).toHaveLength(1);
    expect(failures[0].property).toBe("name");
    expect(failures[0].reason).toContain("To migrate");
  });
});
