// MailshareAcl through the real dynamic-provider host: Check → Create → Diff → Update → Read (drift)
// → Delete, plus a share added by hand in the console, verbs the format cannot express, bad input,
// unknown subjects, a server refusal and reads through injected 503 faults; then, against every
// release the emulator can be, each level granted with that release's verbs and read back.
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import { ProviderHost } from "../support/pulumi-host";
import { startTestEmulator, TEST_KEY, type TestEmulator, seedWithDelegatedBob, createRawMailshare } from "../support/emulator";
import { startHostFor } from "../support/stubs";
import { mailshareUid } from "../../providers/ids";
import { mailshareAclProvider } from "../../providers/acl";
import { useSettings } from "../../providers/runtime";
import { describeEachVersion } from "../support/versions";

let emu: TestEmulator;
let host: ProviderHost;
const uids: Record<string, string> = {};


beforeAll(async () => {
  emu = await startTestEmulator({ seed: seedWithDelegatedBob() });
  host = await startHostFor("MailshareAcl", emu.url, TEST_KEY);
  for (const login of ["alice", "bob", "carol", "dave"]) {
    uids[login] = (await emu.api("GET", `/api/users/acme.test/byLogin/${login}`)).json.uid;
  }
  for (const name of ["support-team", "sales"]) {
    uids[name] = (await emu.api("GET", `/api/groups/acme.test/byName/${name}`)).json.uid;
  }
}, 30_000);
afterAll(async () => {
  await host?.stop();
  await emu?.close();
});
afterEach(() => emu.emulator.setFaults({ failRate: 0 }));

const createMailshare = (name: string) => createRawMailshare(emu, name, mailshareUid("acme.test", name));

const aclPath = (uid: string) => `/api/containers/_manage/mailbox:acls-${uid}/_acl`;

/** The ACL as the server returns it (expanded), as `login-or-group: verbs` lines. */
async function liveAcl(uid: string): Promise<Record<string, string[]>> {
  const names = Object.fromEntries(Object.entries(uids).map(([name, subject]) => [subject, name]));
  const out: Record<string, string[]> = {};
  for (const e of (await emu.api("GET", aclPath(uid))).json) (out[names[e.subject] ?? e.subject] ??= []).push(e.verb);
  for (const verbs of Object.values(out)) verbs.sort();
  return out;
}

/** A console edit: the whole list written back (as read: expanded) with `extra` entries. */
async function consoleAdds(uid: string, extra: { subject: string; verb: string }[]): Promise<void> {
  const current = (await emu.api("GET", aclPath(uid))).json;
  expect((await emu.api("PUT", aclPath(uid), { body: [...current, ...extra] })).status).toBe(200);
}

describe("MailshareAcl through the host", () => {
  it("creates, finds no change, updates, reads a console edit as drift, reverts it and deletes", async () => {
    const uid = await createMailshare("support");
    const urn = host.urn("MailshareAcl", "acme.test/support/acl");

    const checked = await host.check(urn, {}, {
      mailshare: uid,
      shares: [{ group: "support-team", level: "write" }, { user: "bob", level: "read" }, { user: "Alice@ACME.test", level: "manage" }],
    });
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.shares).toEqual([
      { user: "alice@acme.test", level: "manage" }, { user: "bob", level: "read" }, { group: "support-team", level: "write" },
    ]);

    const created = await host.create(urn, checked.inputs);
    expect(created.id).toBe(`${uid}/acl`);
    expect(created.outs.subjects).toEqual({ "user:alice@acme.test": uids.alice, "user:bob": uids.bob, "group:support-team": uids["support-team"] });
    const acl = await liveAcl(uid);
    expect(acl.alice).toContain("All");
    expect(acl.bob).toEqual(["Freebusy", "Invitation", "Read"]);
    // The console's "write": Write, and BlueMind's SendAs with it (read back expanded).
    expect(acl["support-team"]).toEqual(["Freebusy", "Invitation", "Read", "SendAs", "SendOnBehalf", "Write"]);

    // Expanded verbs read back: no diff, subjects named as the inputs named them (login kept).
    expect((await host.diff(urn, created.id, created.outs, checked.inputs)).changes).toBe("none");
    const read = await host.read(urn, created.id, created.outs);
    expect(read.inputs.shares).toEqual(checked.inputs.shares);
    expect((await host.diff(urn, created.id, read.props, checked.inputs)).changes).toBe("none");

    const changed = (await host.check(urn, checked.inputs, {
      ...checked.inputs,
      shares: [{ user: "alice@acme.test", level: "manage" }, { user: "bob", level: "write" }, { group: "sales", level: "read" }],
    })).inputs;
    expect((await host.diff(urn, created.id, read.props, changed)).changes).toBe("some");
    const updated = await host.update(urn, created.id, read.props, changed);
    expect(Object.keys(updated.outs.subjects).sort()).toEqual(["group:sales", "user:alice@acme.test", "user:bob"]);
    const afterUpdate = await liveAcl(uid);
    expect(Object.keys(afterUpdate).sort()).toEqual(["alice", "bob", "sales"]);
    expect(afterUpdate.bob).toContain("SendAs");
    expect(afterUpdate.sales).toEqual(["Freebusy", "Invitation", "Read"]);

    // Out of band, in the console: carol gets Read.
    await consoleAdds(uid, [{ subject: uids.carol, verb: "Read" }]);
    const drifted = await host.read(urn, created.id, updated.outs);
    expect(drifted.inputs.shares).toEqual([
      { user: "alice@acme.test", level: "manage" }, { user: "bob", level: "write" }, { user: "carol@acme.test", level: "read" },
      { group: "sales", level: "read" },
    ]);
    expect(mailshareAclProvider.changes(changed, drifted.inputs)).toEqual([
      { path: "shares[user:carol@acme.test]", kind: "add", new: { user: "carol@acme.test", level: "read" } },
    ]);
    expect((await host.diff(urn, created.id, drifted.props, changed)).changes).toBe("some");
    await host.update(urn, created.id, drifted.props, changed);
    expect(Object.keys(await liveAcl(uid)).sort()).toEqual(["alice", "bob", "sales"]);

    await host.delete(urn, created.id, updated.outs);
    expect(await liveAcl(uid)).toEqual({});
  });

  it("shows verbs the format cannot express as custom levels, and update restores the declared ones", async () => {
    const uid = await createMailshare("sales-inbox");
    const urn = host.urn("MailshareAcl", "acme.test/sales-inbox/acl");
    const { inputs } = await host.check(urn, {}, {
      mailshare: uid, shares: [{ user: "alice", level: "manage" }, { group: "sales@acme.test", level: "write" }],
    });
    const created = await host.create(urn, inputs);

    // Written through the API, not the console: alice keeps Manage only, dave gets SendAs only, and
    // sales loses the SendAs BlueMind gave it (re-sending Write to a subject that had it drops SendAs).
    await emu.api("PUT", aclPath(uid), {
      body: [
        { subject: uids.alice, verb: "Manage" }, { subject: uids.dave, verb: "SendAs" }, { subject: uids.sales, verb: "Write" },
      ],
    });
    const read = await host.read(urn, created.id, created.outs);
    expect(read.inputs.shares).toEqual([
      { user: "alice", level: "custom(Manage)" }, { user: "dave@acme.test", level: "custom(SendAs)" },
      { group: "sales@acme.test", level: "custom(Write)" },
    ]);
    expect(mailshareAclProvider.changes(inputs, read.inputs).map((c) => c.path).sort()).toEqual([
      "shares[group:sales@acme.test].level", "shares[user:alice].level", "shares[user:dave@acme.test]",
    ]);

    await host.update(urn, created.id, read.props, inputs);
    const acl = await liveAcl(uid);
    expect(Object.keys(acl).sort()).toEqual(["alice", "sales"]);
    expect(acl.alice).toContain("All");
    expect(acl.sales).toContain("SendAs");
    expect((await host.read(urn, created.id, created.outs)).inputs.shares).toEqual(inputs.shares);
  });

  it("reports bad input at check with the property", async () => {
    const urn = host.urn("MailshareAcl", "bad");
    const { failures } = await host.check(urn, {}, {
      mailshare: "m", shares: [{ user: "alice", level: "read" }, { group: "sales", level: "admin" }],
    });
    expect(failures).toHaveLength(1);
    expect(failures[0].property).toBe("shares[1].level");
    expect(failures[0].reason).toContain("admin");
  });

  it("reports unknown users and groups, and one user named twice, at check", async () => {
    const urn = host.urn("MailshareAcl", "unknown");
    const { failures } = await host.check(urn, {}, {
      mailshare: "m",
      shares: [{ user: "zoe@acme.test", level: "read" }, { group: "sales", level: "read" }, { group: "nobody", level: "write" },
        { user: "carol", level: "read" }, { user: "carol@acme.test", level: "write" }],
    });
    expect(failures.map((f) => f.property)).toEqual(["shares[0].user", "shares[2].group", "shares[4].user"]);
    expect(failures[0].reason).toContain("zoe@acme.test, which the server does not know");
    expect(failures[1].reason).toContain("nobody");
    expect(failures[2].reason).toContain("same user as shares[3]");
  });

  it("checks offline when the server cannot be reached or is not configured", async () => {
    // domain given: without a URL, the configured default domain cannot be read (connection.ts).
    const news = { domain: "acme.test", mailshare: "m", shares: [{ user: "zoe@acme.test", level: "read" }, { group: "sales", level: "admin" }] };
    const noRetry = { retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 0 } };
    const savedUrl = process.env.BLUEMIND_URL;
    delete process.env.BLUEMIND_URL;
    try {
      for (const url of ["http://127.0.0.1:1", undefined]) {
        useSettings({ url, apiKey: "unused", domain: "acme.test" }, "flags", { clientOptions: noRetry });
        // Offline rules still apply; the unknown user is left to create.
        expect(((await mailshareAclProvider.check!({}, news)).failures ?? []).map((f) => f.property)).toEqual(["shares[1].level"]);
        const checked = await mailshareAclProvider.check!({}, { ...news, shares: [news.shares[0]] });
        expect(checked.failures).toEqual([]);
        expect(checked.inputs.shares).toEqual([{ user: "zoe@acme.test", level: "read" }]);
      }
    } finally {
      if (savedUrl !== undefined) process.env.BLUEMIND_URL = savedUrl;
      useSettings({}, "flags");
    }
  });

  it("surfaces BlueMind's refusal with its message", async () => {
    const uid = await createMailshare("restricted");
    // A key of bob, who may read the directory and the mailshare but not manage its sharing.
    const query = new URLSearchParams({ login: "bob@acme.test", origin: "vitest" });
    const bobKey = (await emu.api("POST", `/api/auth/login?${query}`, { body: JSON.stringify("bob-password"), key: null })).json.authKey;
    const bobHost = await ProviderHost.start(host.providerText);
    try {
      await bobHost.configure({ url: emu.url, apiKey: bobKey, domain: "acme.test" });
      const urn = bobHost.urn("MailshareAcl", "acme.test/restricted/acl");
      const { inputs, failures } = await bobHost.check(urn, {}, { mailshare: uid, shares: [{ user: "bob", level: "manage" }] });
      expect(failures).toEqual([]);
      const err: any = await bobHost.create(urn, inputs).catch((e) => e);
      expect(err).toBeInstanceOf(Error);
      // A create writes the ACL without reading it first: BlueMind's refusal of the write.
      expect(err.details).toMatch(/HTTP 403 PERMISSION_DENIED: container mailbox:acls-[0-9a-f-]+ is not manageable/);
      expect(bobHost.logs).not.toContain(bobKey);
    } finally {
      await bobHost.stop();
    }
    expect(await liveAcl(uid)).toEqual({});
  }, 30_000);

  it("reads through injected 503 faults (the client retries)", async () => {
    const uid = await createMailshare("flaky-acl");
    const urn = host.urn("MailshareAcl", "acme.test/flaky-acl/acl");
    const { inputs } = await host.check(urn, {}, { mailshare: uid, shares: [{ user: "carol", level: "write" }] });
    const created = await host.create(urn, inputs);
    await consoleAdds(uid, [{ subject: uids.dave, verb: "Read" }]);
    const statuses: number[] = [];
    emu.emulator.setAccessLog((line) => statuses.push(Number(line.split(" ")[3])));
    emu.emulator.setFaults({ failRate: 0.5, failStatus: 503, failSeed: 5 });
    try {
      for (let i = 0; i < 4; i++) {
        const read = await host.read(urn, created.id, created.outs);
        expect(read.inputs.shares).toEqual([{ user: "carol", level: "write" }, { user: "dave@acme.test", level: "read" }]);
      }
    } finally {
      emu.emulator.setFaults({ failRate: 0 });
      emu.emulator.setAccessLog(undefined);
    }
    expect(statuses).toContain(503);
  });

  it("reports a mailshare removed from the server as gone", async () => {
    const uid = await createMailshare("gone-acl");
    const urn = host.urn("MailshareAcl", "acme.test/gone-acl/acl");
    const { inputs } = await host.check(urn, {}, { mailshare: uid, shares: [{ user: "alice", level: "read" }] });
    const created = await host.create(urn, inputs);
    await emu.api("DELETE", `/api/mailshares/acme.test/${uid}`);
    await expect.poll(async () => (await emu.api("GET", `/api/mailshares/acme.test/${uid}/complete`)).status).toBe(204);
    expect((await host.read(urn, created.id, created.outs)).id).toBe("");
    await host.delete(urn, created.id, created.outs);
  });
});

describeEachVersion("MailshareAcl", (s) => {
  const subjects: Record<string, string> = {};
  const acl = s.bind(mailshareAclProvider);
  const verbsOf = async (uid: string) => {
    const out: Record<string, string[]> = {};
    for (const e of (await s.emu.api("GET", aclPath(uid))).json) (out[e.subject] ??= []).push(e.verb);
    return Object.fromEntries(Object.entries(out).map(([subject, verbs]) => [subject, verbs.sort()]));
  };

  it("grants one meaning per level with the release's verbs, notes what it cannot grant exactly, and reads it back unchanged", async () => {
    for (const login of ["alice", "bob", "carol"]) subjects[login] = (await s.emu.api("GET", `/api/users/acme.test/byLogin/${login}`)).json.uid;
    subjects.team = (await s.emu.api("GET", "/api/groups/acme.test/byName/support-team")).json.uid;
    const uid = await createRawMailshare(s.emu, "desk", mailshareUid("acme.test", "desk"));
    const { inputs, failures, notes } = (await acl.check!({}, {
      mailshare: uid, shares: [{ user: "alice", level: "manage" }, { user: "bob", level: "read" }, { group: "support-team", level: "write" }],
    })) as { inputs: Record<string, unknown>; failures?: unknown[]; notes?: string[] };
    expect(failures).toEqual([]);
    // 4.x has no send-as: write and manage send on behalf, and the check says so (the CLI's plan
    // shows its notes beside the resource; the Pulumi log shows them as warnings).
    const expected = s.is4
      ? ["shares: BlueMind 4.8.0 has no send-as right: alice (manage), support-team (write) will send on behalf of the mailshare (BlueMind adds a Sender: header naming them) instead of as the mailshare"]
      : [];
    expect(notes ?? []).toEqual(expected);
    expect(s.reports.filter((r) => r.level === "note").map((r) => r.message)).toEqual(expected);

    const { id } = await acl.createWith(inputs, {});
    const live = await verbsOf(uid);
    expect(live[subjects.team]).toEqual({
      "4.8": ["Write"],
      "5.0": ["Freebusy", "Invitation", "Read", "SendAs", "Write"],
      "5.1": ["Freebusy", "Invitation", "Read", "SendAs", "SendOnBehalf", "Write"],
    }[s.version]);
    expect(live[subjects.bob]).toEqual(s.is4 ? ["Read"] : ["Freebusy", "Invitation", "Read"]);
    expect(live[subjects.alice]).toContain("All");
    const read = await acl.read!(id, inputs);
    expect(read.inputs!.shares).toEqual(inputs.shares);
    expect(acl.changes(read.inputs!, inputs)).toEqual([]);

    // In the console: the list written back as read, carol added; drift is carol alone.
    const current = (await s.emu.api("GET", aclPath(uid))).json;
    expect((await s.emu.api("PUT", aclPath(uid), { body: [...current, { subject: subjects.carol, verb: "Read" }] })).status).toBe(200);
    s.newRun();
    const drifted = await acl.read!(id, inputs);
    expect(acl.changes(inputs, drifted.inputs!)).toEqual([
      { path: "shares[user:carol@acme.test]", kind: "add", new: { user: "carol@acme.test", level: "read" } },
    ]);
    await acl.updateWith(id, drifted.props!, inputs, {});
    expect(Object.keys(await verbsOf(uid)).sort()).toEqual([subjects.alice, subjects.bob, subjects.team].sort());
    await acl.delete!(id, inputs);
    expect(await verbsOf(uid)).toEqual({});
  });
});
