// MailshareIdentity through the real dynamic-provider host: Check → Create → Diff → Update → Read
// (drift) → Delete, and the failure modes a user meets (bad input, an address the mailshare does
// not have, a flaky server, a mailshare deleted behind our back).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { ProviderHost } from "../support/pulumi-host";
import { startTestEmulator, mailshareBody, TEST_KEY, type TestEmulator } from "../support/emulator";
import { startHostFor } from "../support/stubs";
import { identityId } from "../../providers/ids";

let emu: TestEmulator;
let host: ProviderHost;
let seq = 0;

/** A mailshare with a primary address and one alias, created through the raw API. */
async function newMailshare(): Promise<{ uid: string; name: string }> {
  const name = `ident-${++seq}`;
  const uid = `ms-${name}`;
  const r = await emu.api("PUT", `/api/mailshares/acme.test/${uid}`, {
    body: mailshareBody(name, {
      emails: [
        { address: `${name}@acme.test`, isDefault: true, allAliases: false },
        { address: `${name}.help@acme.test`, isDefault: false, allAliases: false },
      ],
    }),
  });
  expect(r.status).toBe(200);
  return { uid, name };
}

const identityPath = (mailshare: string, id: string) => `/api/mailboxes/acme.test/identity/${mailshare}/${id}`;
const stored = async (mailshare: string, id: string) => emu.api("GET", identityPath(mailshare, id));

beforeAll(async () => {
  emu = await startTestEmulator();
  host = await startHostFor("MailshareIdentity", emu.url, TEST_KEY);
}, 30_000);
afterAll(async () => {
  await host?.stop();
  await emu?.close();
});

describe("MailshareIdentity through the host", () => {
  it("creates, finds no change, updates, reads a signature edited in the console as drift, and deletes", async () => {
    const { uid, name } = await newMailshare();
    const urn = host.urn("MailshareIdentity", `acme.test/${name}/identity/Support`);
    const checked = await host.check(urn, {}, {
      mailshare: uid, name: "Support", displayName: "ACME Support", email: `${name.toUpperCase()}@ACME.test`,
      signature: "<p>ACME</p>",
    });
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toEqual({
      domain: "acme.test", mailshare: uid, name: "Support", displayName: "ACME Support", email: `${name}@acme.test`,
      signature: "<p>ACME</p>", format: "html", default: false, sentFolder: null, identityId: identityId(uid, "Support"),
    });

    const created = await host.create(urn, checked.inputs);
    expect(created.id).toBe(identityId(uid, "Support"));
    expect(created.outs.identityId).toBe(created.id);
    expect((await stored(uid, created.id)).json).toEqual({
      email: `${name}@acme.test`, format: "HTML", signature: "<p>ACME</p>", displayname: "ACME Support", name: "Support",
      isDefault: false, sentFolder: null,
    });
    expect((await host.diff(urn, created.id, created.outs, checked.inputs)).changes).toBe("none");

    const changed = (await host.check(urn, checked.inputs, {
      ...checked.inputs, email: `${name}.help@acme.test`, signature: "ACME -- support", format: "plain", default: true, sentFolder: "Sent",
    })).inputs;
    expect((await host.diff(urn, created.id, created.outs, changed)).changes).toBe("some");
    const updated = await host.update(urn, created.id, created.outs, changed);
    expect(updated.outs).toMatchObject({ format: "plain", default: true, identityId: created.id });
    expect((await stored(uid, created.id)).json).toMatchObject({
      email: `${name}.help@acme.test`, format: "PLAIN", signature: "ACME -- support", isDefault: true, sentFolder: "Sent",
    });

    // An administrator edits the signature in the console.
    const live = (await stored(uid, created.id)).json;
    await emu.api("POST", identityPath(uid, created.id), { body: { ...live, signature: "Edited by hand" } });
    const read = await host.read(urn, created.id, updated.outs);
    expect(read.id).toBe(created.id);
    expect(read.inputs).toMatchObject({ signature: "Edited by hand", format: "plain", email: `${name}.help@acme.test`, sentFolder: "Sent" });
    const drift = await host.diff(urn, created.id, read.props, changed);
    expect(drift.changes).toBe("some");
    // up reverts it
    await host.update(urn, created.id, read.props, changed);
    expect((await stored(uid, created.id)).json.signature).toBe("ACME -- support");

    await host.delete(urn, created.id, updated.outs);
    expect((await stored(uid, created.id)).status).toBe(204);
    // Deleting again (a re-run after a lost answer) finds it already gone.
    await host.delete(urn, created.id, updated.outs);
    expect((await host.read(urn, created.id, updated.outs)).id).toBe("");
  });

  it("converges an identity that already exists under its id (a re-run after a failure midway)", async () => {
    const { uid, name } = await newMailshare();
    const urn = host.urn("MailshareIdentity", `acme.test/${name}/identity/Desk`);
    const id = identityId(uid, "Desk");
    await emu.api("PUT", identityPath(uid, id), {
      body: { email: `${name}@acme.test`, format: "PLAIN", signature: "half-done", displayname: null, name: "Desk", isDefault: false, sentFolder: null },
    });
    const checked = await host.check(urn, {}, { mailshare: uid, name: "Desk", email: `${name}@acme.test`, signature: "<b>Desk</b>" });
    const created = await host.create(urn, checked.inputs);
    expect(created.id).toBe(id);
    expect((await stored(uid, id)).json).toMatchObject({ signature: "<b>Desk</b>", format: "HTML" });
  });

  it("re-creates an identity deleted in the console when updating it", async () => {
    const { uid, name } = await newMailshare();
    const urn = host.urn("MailshareIdentity", `acme.test/${name}/identity/Desk`);
    const checked = await host.check(urn, {}, { mailshare: uid, name: "Desk", email: `${name}@acme.test` });
    const created = await host.create(urn, checked.inputs);
    await emu.api("DELETE", identityPath(uid, created.id));
    expect((await host.read(urn, created.id, created.outs)).id).toBe("");
    const changed = (await host.check(urn, checked.inputs, { ...checked.inputs, signature: "back" })).inputs;
    await host.update(urn, created.id, created.outs, changed);
    expect((await stored(uid, created.id)).json).toMatchObject({ name: "Desk", signature: "back" });
  });

  it("reports bad input at check with the property the user wrote", async () => {
    const urn = host.urn("MailshareIdentity", "bad");
    const failuresOf = async (news: Record<string, unknown>) => (await host.check(urn, {}, news)).failures;
    const emailFailures = await failuresOf({ mailshare: "ms-x", name: "Support", email: "not an address" });
    expect(emailFailures.map((f) => f.property)).toEqual(["email"]);
    expect(emailFailures[0].reason).toContain("expected an e-mail address");
    const formatFailures = await failuresOf({ mailshare: "ms-x", name: "Support", email: "a@acme.test", format: "HTML" });
    expect(formatFailures).toEqual([{ property: "format", reason: expect.stringContaining('did you mean "html"') }]);
    expect((await failuresOf({ mailshare: "ms-x", email: "a@acme.test" })).map((f) => f.property)).toEqual(["name"]);
    expect((await failuresOf({ name: "Support", email: "a@acme.test" })).map((f) => f.property)).toEqual(["mailshare"]);
  });

  it("surfaces BlueMind's refusal of an address the mailshare does not have, saying what to change", async () => {
    const { uid, name } = await newMailshare();
    const urn = host.urn("MailshareIdentity", `acme.test/${name}/identity/Other`);
    const checked = await host.check(urn, {}, { mailshare: uid, name: "Other", email: "someone-else@acme.test" });
    expect(checked.failures).toEqual([]); // the addresses are not this resource's: the server decides
    const err = await host.create(urn, checked.inputs).catch((e) => e);
    expect(err.details).toContain(`email: someone-else@acme.test is not one of the addresses of mailshare ${uid}`);
    expect(err.details).toContain("email someone-else@acme.test not found into mailbox emails");
    expect((await stored(uid, identityId(uid, "Other"))).status).toBe(204);
  });

  it("fails clearly when the mailshare does not exist", async () => {
    const urn = host.urn("MailshareIdentity", "orphan");
    const checked = await host.check(urn, {}, { mailshare: "ms-nowhere", name: "X", email: "x@acme.test" });
    const err = await host.create(urn, checked.inputs).catch((e) => e);
    expect(err.details).toContain("mailshare ms-nowhere does not exist in acme.test");
  });

  it("reads through injected 503 faults", async () => {
    const { uid, name } = await newMailshare();
    const urn = host.urn("MailshareIdentity", `acme.test/${name}/identity/Flaky`);
    const checked = await host.check(urn, {}, { mailshare: uid, name: "Flaky", email: `${name}@acme.test`, signature: "s" });
    const created = await host.create(urn, checked.inputs);
    const failed: string[] = [];
    emu.emulator.setAccessLog((line) => line.includes(" 503 ") && failed.push(line));
    emu.emulator.setFaults({ failRate: 0.4, failStatus: 503, failSeed: 7 });
    try {
      for (let i = 0; i < 5; i++) {
        const read = await host.read(urn, created.id, created.outs);
        expect(read.inputs).toMatchObject({ name: "Flaky", signature: "s", email: `${name}@acme.test` });
      }
    } finally {
      emu.emulator.setFaults({ failRate: 0 });
      emu.emulator.setAccessLog(undefined);
    }
    expect(failed.length).toBeGreaterThan(0);
  }, 30_000);

  it("reads gone when the mailshare was deleted, and an error (not gone) when only its ACL container is missing", async () => {
    const { uid, name } = await newMailshare();
    const urn = host.urn("MailshareIdentity", `acme.test/${name}/identity/Gone`);
    const checked = await host.check(urn, {}, { mailshare: uid, name: "Gone", email: `${name}@acme.test` });
    const created = await host.create(urn, checked.inputs);

    const container = emu.emulator.store.state.containers[`mailbox:acls-${uid}`];
    delete emu.emulator.store.state.containers[`mailbox:acls-${uid}`];
    const err = await host.read(urn, created.id, created.outs).catch((e) => e);
    expect(err.details).toContain(`mailshare ${uid} has no ACL container`);
    expect(err.details).toContain("repair");
    emu.emulator.store.state.containers[`mailbox:acls-${uid}`] = container;

    const task = (await emu.api("DELETE", `/api/mailshares/acme.test/${uid}`)).json;
    for (let i = 0; i < 200; i++) {
      const status = (await emu.api("GET", `/api/tasks/${task.id}`)).json;
      if (status.state === "Success") break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await host.read(urn, created.id, created.outs)).id).toBe("");
    await host.delete(urn, created.id, created.outs); // already gone with the mailshare
  });
});
