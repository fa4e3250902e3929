import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, mailshareBody, type TestEmulator, loginKey, expectFault } from "../support/emulator";
import { stableUid } from "../../emulator/seed";

let emu: TestEmulator;
let bobKey: string;
const bobUid = stableUid("acme.test", "users", "bob");
const supportUid = stableUid("acme.test", "groups", "support-team");

let seq = 0;
/** A mailshare `<uid>` with address `<uid>@acme.test` (default) plus `extra` addresses. */
async function newShare(extra: { address: string; isDefault: boolean; allAliases: boolean }[] = []): Promise<string> {
  const uid = `idn-${++seq}`;
  const emails = [{ address: `${uid}@acme.test`, isDefault: true, allAliases: false }, ...extra];
  const r = await emu.api("PUT", `/api/mailshares/acme.test/${uid}`, { body: mailshareBody(uid, { emails }) });
  expect(r.status).toBe(200);
  return uid;
}

const path = (mbox: string, id = "") => `/api/mailboxes/acme.test/identity/${mbox}${id ? `/${id}` : ""}`;
const identity = (email: string, extra: Record<string, unknown> = {}) => ({
  email, format: "PLAIN", signature: "-- \nSupport", displayname: "Support desk", name: "Support", isDefault: false,
  sentFolder: null, ...extra,
});

beforeAll(async () => {
  emu = await startTestEmulator();
  bobKey = await loginKey(emu, "bob@acme.test", "bob-password");
});
afterAll(async () => {
  await emu.close();
});

describe("identity CRUD", () => {
  it("creates an identity with a client-chosen id and reads it back", async () => {
    const uid = await newShare();
    const put = await emu.api("PUT", path(uid, "work"), { body: identity(`${uid}@acme.test`) });
    expect(put.status).toBe(200);
    expect(put.text).toBe("");
    const r = await emu.api("GET", path(uid, "work"));
    expect(r.json).toEqual(identity(`${uid}@acme.test`));
  });

  it("applies the defaults: HTML format, not default", async () => {
    const uid = await newShare();
    await emu.api("PUT", path(uid, "min"), { body: { email: `${uid}@acme.test`, signature: "", name: "Min" } });
    expect((await emu.api("GET", path(uid, "min"))).json).toMatchObject({ format: "HTML", isDefault: false, signature: "" });
  });

  it("refuses a duplicate id with 500 UNKNOWN", async () => {
    const uid = await newShare();
    await emu.api("PUT", path(uid, "dup"), { body: identity(`${uid}@acme.test`) });
    const r = await emu.api("PUT", path(uid, "dup"), { body: identity(`${uid}@acme.test`, { name: "Other" }) });
    expectFault(r, 500, "UNKNOWN", `Identity id dup of mbox ${uid} already exists`);
  });

  it("updates and deletes; 404 for unknown ids, 204 on reading one", async () => {
    const uid = await newShare();
    await emu.api("PUT", path(uid, "a"), { body: identity(`${uid}@acme.test`) });
    expect((await emu.api("POST", path(uid, "a"), { body: identity(`${uid}@acme.test`, { name: "Renamed" }) })).status).toBe(200);
    expect((await emu.api("GET", path(uid, "a"))).json.name).toBe("Renamed");
    expectFault(await emu.api("POST", path(uid, "zz"), { body: identity(`${uid}@acme.test`) }), 404, "NOT_FOUND", "identity zz doesnt exists");
    expectFault(await emu.api("DELETE", path(uid, "zz")), 404, "NOT_FOUND");
    expect((await emu.api("DELETE", path(uid, "a"))).status).toBe(200);
    const gone = await emu.api("GET", path(uid, "a"));
    expect(gone.status).toBe(204);
    expect(gone.text).toBe("");
  });

  it("treats ids as opaque strings", async () => {
    const uid = await newShare();
    expect((await emu.api("GET", path(uid, "constructor"))).status).toBe(204);
    expect((await emu.api("PUT", path(uid, "constructor"), { body: identity(`${uid}@acme.test`) })).status).toBe(200);
    expect((await emu.api("GET", path(uid))).json.map((d: any) => d.id)).toEqual(["constructor"]);
  });
});

describe("identity validation", () => {
  it("refuses missing name, email, format or signature with 'Invalid parameter'", async () => {
    const uid = await newShare();
    const email = `${uid}@acme.test`;
    for (const body of [identity(email, { name: "" }), identity(""), identity(email, { format: null }), identity(email, { signature: null })]) {
      expectFault(await emu.api("PUT", path(uid, "x"), { body }), 500, "INVALID_PARAMETER", "Invalid parameter");
    }
  });

  it("refuses a malformed address before checking it belongs to the mailbox", async () => {
    const uid = await newShare();
    const r = await emu.api("PUT", path(uid, "x"), { body: identity(`${uid.toUpperCase()}@acme.test`) });
    expectFault(r, 500, "INVALID_PARAMETER");
    expect(r.json.message).toContain("Invalid email address");
  });

  it("refuses an address that is not the mailbox's with 500 UNKNOWN", async () => {
    const uid = await newShare();
    const r = await emu.api("PUT", path(uid, "x"), { body: identity("alice@acme.test") });
    expectFault(r, 500, "UNKNOWN", "email alice@acme.test not found into mailbox emails");
    // An explicit address is matched exactly: the same local part at an alias is not the mailbox's.
    const alias = await emu.api("PUT", path(uid, "x"), { body: identity(`${uid}@acme-corp.test`) });
    expectFault(alias, 500, "UNKNOWN");
  });

  it("accepts an allAliases local part at the domain or any alias, nowhere else", async () => {
    const local = "all-aliases-share";
    const uid = await newShare([{ address: `${local}@acme.test`, isDefault: false, allAliases: true }]);
    expect((await emu.api("PUT", path(uid, "a"), { body: identity(`${local}@acme-corp.test`) })).status).toBe(200);
    expect((await emu.api("PUT", path(uid, "b"), { body: identity(`${local}@acme.test`) })).status).toBe(200);
    expectFault(await emu.api("PUT", path(uid, "c"), { body: identity(`${local}@beta.test`) }), 500, "UNKNOWN");
  });

  it("validates updates too", async () => {
    const uid = await newShare();
    await emu.api("PUT", path(uid, "a"), { body: identity(`${uid}@acme.test`) });
    expectFault(await emu.api("POST", path(uid, "a"), { body: identity("bob@acme.test") }), 500, "UNKNOWN");
  });

  it("leaves identities untouched when the address is later removed from the mailshare", async () => {
    const uid = await newShare([{ address: "leaving@acme.test", isDefault: false, allAliases: false }]);
    await emu.api("PUT", path(uid, "old"), { body: identity("leaving@acme.test") });
    const update = await emu.api("POST", `/api/mailshares/acme.test/${uid}`, { body: mailshareBody(uid) });
    expect(update.status).toBe(200);
    expect((await emu.api("GET", path(uid, "old"))).json.email).toBe("leaving@acme.test");
  });
});

describe("identity listings", () => {
  it("lists stored identities with emailIsDefault and the mailbox name", async () => {
    const uid = await newShare([{ address: "second@acme.test", isDefault: false, allAliases: false }]);
    await emu.api("PUT", path(uid, "main"), { body: identity(`${uid}@acme.test`) });
    await emu.api("PUT", path(uid, "second"), { body: identity("second@acme.test", { isDefault: true }) });
    const r = await emu.api("GET", path(uid));
    expect(r.status).toBe(200);
    expect(r.json).toEqual([
      { mbox: uid, id: "main", email: `${uid}@acme.test`, emailIsDefault: true, name: "Support", isDefault: false,
        displayname: "Support desk", signature: "-- \nSupport", mboxName: uid },
      { mbox: uid, id: "second", email: "second@acme.test", emailIsDefault: false, name: "Support", isDefault: true,
        displayname: "Support desk", signature: "-- \nSupport", mboxName: uid },
    ]);
  });

  it("adds one id-less entry per unused address, allAliases expanded over the aliases", async () => {
    const local = "every";
    const uid = await newShare([{ address: `${local}@acme.test`, isDefault: false, allAliases: true }]);
    await emu.api("PUT", path(uid, "main"), { body: identity(`${uid}@acme.test`) });
    const r = await emu.api("GET", path(uid, "_possible"));
    expect(r.json.map((d: any) => [d.id, d.email])).toEqual([
      ["main", `${uid}@acme.test`],
      [null, `${local}@acme-corp.test`],
      [null, `${local}@acme.test`],
    ]);
    expect(r.json[1]).toEqual({
      mbox: uid, id: null, email: `${local}@acme-corp.test`, emailIsDefault: null, name: uid, isDefault: null,
      displayname: null, signature: null, mboxName: null,
    });
  });

  it("gives groups no implicit identities", async () => {
    const r = await emu.api("GET", path(supportUid, "_possible"));
    expect(r.status).toBe(200);
    expect(r.json).toEqual([]);
  });
});

describe("identity factory and rights", () => {
  it("needs the exact domain uid, not an alias", async () => {
    const uid = await newShare();
    const r = await emu.api("GET", `/api/mailboxes/acme-corp.test/identity/${uid}`);
    expectFault(r, 404, "NOT_FOUND", "domain acme-corp.test not found");
  });

  it("fails with 500 UNKNOWN when the mailbox has no ACL container", async () => {
    const r = await emu.api("GET", path("no-such-mailshare"));
    expectFault(r, 500, "UNKNOWN", "mbox container no-such-mailshare not found");
  });

  it("answers 404 when the container exists but the mailbox is not in that domain", async () => {
    const betaAdmin = stableUid("beta.test", "users", "admin");
    const r = await emu.api("GET", path(betaAdmin));
    expectFault(r, 404, "NOT_FOUND", `mbox ${betaAdmin} not found`);
  });

  it("requires manageMailboxIdentities to write and allows Read holders to read", async () => {
    const uid = await newShare();
    await emu.api("PUT", path(uid, "main"), { body: identity(`${uid}@acme.test`) });
    expect((await emu.api("GET", path(uid), { key: null })).status).toBe(403);
    expect((await emu.api("GET", path(uid), { key: bobKey })).status).toBe(403);
    await emu.api("PUT", `/api/containers/_manage/mailbox:acls-${uid}/_acl`, { body: [{ subject: bobUid, verb: "Read" }] });
    expect((await emu.api("GET", path(uid), { key: bobKey })).status).toBe(200);
    expect((await emu.api("GET", path(uid, "main"), { key: bobKey })).status).toBe(200);
    const put = await emu.api("PUT", path(uid, "bob"), { body: identity(`${uid}@acme.test`), key: bobKey });
    expectFault(put, 403, "PERMISSION_DENIED");
    const aliceKey = await loginKey(emu, "alice@acme.test", "alice-password");
    expect((await emu.api("PUT", path(uid, "alice"), { body: identity(`${uid}@acme.test`), key: aliceKey })).status).toBe(200);
  });
});
