// The acceptance scenario: a client speaking exactly BlueMind's wire format (as BlueMind's
// generated API clients do: X-BM-ApiKey, JSON bodies, Accept: application/json) manages a
// mailshare, its filter, ACL and identities, and follows the delete task.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../support/emulator";
import { stableUid } from "../../emulator/seed";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

/** What a generated client does for one call: JSON in, JSON (or nothing) out, errors as BlueMind faults. */
async function call(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: { "X-BM-ApiKey": TEST_KEY, "Content-Type": "application/json", Accept: "application/json", "X-BM-ClientVersion": "5.0.0" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw Object.assign(new Error(JSON.parse(text).message), { status: res.status, fault: JSON.parse(text) });
  if (res.status === 204 || text === "") return null;
  return JSON.parse(text);
}

describe("a generated BlueMind client against the emulator", () => {
  const d = "acme.test";
  const uid = "5b0c2d0e-1111-4a2b-9c3d-000000000001";
  const bob = stableUid(d, "users", "bob");
  const supportTeam = stableUid(d, "groups", "support-team");

  it("creates, reads, updates, shares, filters, adds identities and deletes a mailshare", async () => {
    // create (the minimal call of docs/bluemind-api.md §2.2)
    await call("PUT", `/api/mailshares/${d}/${uid}`, {
      name: "support", routing: "internal",
      emails: [{ address: "support@acme.test", isDefault: true, allAliases: false }],
      hidden: false, archived: false, system: false, orgUnitUid: null, dataLocation: null, quota: null,
      card: { identification: { formatedName: { value: "Support desk", parameters: [] } } },
    });
    const created = await call("GET", `/api/mailshares/${d}/${uid}/complete`);
    expect(created.displayName).toBe("Support desk");

    // update: full replace with an alias added
    const value = created.value;
    value.emails.push({ address: "help@acme-corp.test", isDefault: false, allAliases: false });
    await call("POST", `/api/mailshares/${d}/${uid}`, value);
    expect((await call("GET", `/api/mailshares/${d}/${uid}/complete`)).value.emails).toHaveLength(2);

    // ACL through the container (PUT) and read back expanded
    const container = await call("GET", `/api/mailbox/uids/${uid}/_mailbox_acl`);
    expect(container).toBe(`mailbox:acls-${uid}`);
    await call("PUT", `/api/containers/_manage/${container}/_acl`, [
      { subject: bob, verb: "Write" }, { subject: supportTeam, verb: "Read" },
    ]);
    const acl = await call("GET", `/api/containers/_manage/${container}/_acl`);
    const bobVerbs = acl.filter((e: any) => e.subject === bob).map((e: any) => e.verb).sort();
    expect(bobVerbs).toEqual(["Freebusy", "Invitation", "Read", "SendAs", "SendOnBehalf", "Write"]);

    // filter: one rule plus vacation, the exact body of docs/bluemind-api.md §2.3
    await call("POST", `/api/mailboxes/${d}/${uid}/_filter`, {
      rules: [{
        client: "bluemind", type: "GENERIC", trigger: "IN", deferred: false, active: true, name: "invoices",
        clientProperties: {}, stop: true,
        conditions: [{ operator: "AND", negate: false, conditions: [], clientProperties: {},
          filter: { operator: "CONTAINS", fields: ["subject"], values: ["invoice"], comparator: "SUBSTRING", modifier: "NONE" } }],
        actions: [{ name: "MOVE", subtree: "user", id: null, folder: "Invoices", clientProperties: {} }],
      }],
      vacation: { enabled: true, start: 1735689600000, end: 1736294400000, subject: "Closed", text: "Back on Monday", textHtml: null },
      forwarding: { enabled: false, localCopy: true, emails: [] },
    });
    const filter = await call("GET", `/api/mailboxes/${d}/${uid}/_filter`);
    expect(filter.rules.map((r: any) => r.name)).toEqual(["invoices"]);
    expect(filter.vacation).toMatchObject({ enabled: true, subject: "Closed", start: 1735689600000, end: 1736294400000 });

    // identities: client-chosen id, email must be one of the mailshare's addresses
    await call("PUT", `/api/mailboxes/${d}/identity/${uid}/id-1`, {
      email: "help@acme-corp.test", format: "HTML", signature: "<p>ACME support</p>", displayname: "ACME Support",
      name: "Help", isDefault: false, sentFolder: null,
    });
    const identities = await call("GET", `/api/mailboxes/${d}/identity/${uid}`);
    expect(identities.map((i: any) => [i.id, i.email])).toEqual([["id-1", "help@acme-corp.test"]]);
    await expect(call("PUT", `/api/mailboxes/${d}/identity/${uid}/id-2`, {
      email: "elsewhere@acme.test", format: "PLAIN", signature: "", name: "Other", isDefault: false,
    })).rejects.toMatchObject({ status: 500, fault: { errorCode: "UNKNOWN" } });

    // delete and follow the task to its end
    const ref = await call("DELETE", `/api/mailshares/${d}/${uid}`);
    let status: any;
    const states = new Set<string>();
    do {
      await new Promise((r) => setTimeout(r, 2));
      status = await call("GET", `/api/tasks/${ref.id}`);
      states.add(status.state);
    } while (status.state !== "Success" && status.state !== "InError");
    expect(status.state).toBe("Success");
    expect(states.has("InProgress")).toBe(true);
    const logs = await call("GET", `/api/tasks/${ref.id}/_currentLogs?offset=0`);
    expect(logs.length).toBeGreaterThan(1);
    expect(await call("GET", `/api/mailshares/${d}/${uid}/complete`)).toBeNull();
    await expect(call("GET", `/api/containers/_manage/${container}/_acl`)).rejects.toMatchObject({ status: 404 });
  });
});
