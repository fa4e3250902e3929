// Every resource kind through the same lifecycle (test/support/lifecycle.ts), one row each, all
// served by one real dynamic-provider host as in a deployment. Kind-specific behaviour stays in
// each kind's own test file.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { ProviderHost } from "../support/pulumi-host";
import { serializeStub } from "../support/stubs";
import { startTestEmulator, TEST_KEY, createRawMailshare, type TestEmulator } from "../support/emulator";
import { runLifecycle, type LifecycleCase } from "../support/lifecycle";
import { mailshareUid } from "../../providers/ids";

let emu: TestEmulator;
let host: ProviderHost;

beforeAll(async () => {
  emu = await startTestEmulator();
  host = await ProviderHost.start(serializeStub("Mailshare"));
  await host.configure({ url: emu.url, apiKey: TEST_KEY, domain: "acme.test", maxRequestsPerSecond: "0" });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await emu?.close();
});

const mailshare = (name: string) => createRawMailshare(emu, name, mailshareUid("acme.test", name));
const complete = async (uid: string) => (await emu.api("GET", `/api/mailshares/acme.test/${uid}/complete`)).json;
const put = async (path: string, body: unknown) => expect((await emu.api("PUT", path, { body })).status).toBe(200);
const post = async (path: string, body: unknown) => expect((await emu.api("POST", path, { body })).status).toBe(200);

const rows: { kind: string; row: () => Promise<LifecycleCase> }[] = [
  {
    kind: "Mailshare",
    row: async () => ({
      name: "acme.test/lc-mailshare", kind: "Mailshare",
      create: { name: "lc-mailshare", email: "lc-mailshare@acme.test", displayName: "Life cycle" },
      update: { name: "lc-mailshare", email: "lc-mailshare@acme.test", displayName: "Life cycle, renamed", deletionPolicy: "delete" },
      outOfBand: async (uid) => {
        const item = await complete(uid);
        await post(`/api/mailshares/acme.test/${uid}`, { ...item.value, hidden: true });
      },
      drifted: (inputs) => expect(inputs.hidden).toBe(true),
      // Delete follows BlueMind's task to its end before it returns.
      deleted: async (uid) => expect((await emu.api("GET", `/api/mailshares/acme.test/${uid}/complete`)).status).toBe(204),
    }),
  },
  {
    kind: "MailshareAliases",
    row: async () => {
      const uid = await mailshare("lc-aliases");
      return {
        name: "acme.test/lc-aliases/aliases", kind: "MailshareAliases",
        create: { mailshare: uid, aliases: ["lc-one@acme.test"] },
        update: { mailshare: uid, aliases: ["lc-one@acme.test", "lc-two@acme.test"] },
        outOfBand: async () => {
          const item = await complete(uid);
          await post(`/api/mailshares/acme.test/${uid}`, { ...item.value, emails: [...item.value.emails, { address: "lc-console@acme.test", allAliases: false, isDefault: false }] });
        },
        drifted: (inputs) => expect((inputs.aliases as { address: string }[]).map((a) => a.address)).toContain("lc-console@acme.test"),
        deleted: async () => expect((await complete(uid)).value.emails.filter((e: any) => !e.isDefault)).toEqual([]),
      };
    },
  },
  {
    kind: "MailshareAcl",
    row: async () => {
      const uid = await mailshare("lc-acl");
      const acl = `/api/containers/_manage/${encodeURIComponent(`mailbox:acls-${uid}`)}/_acl`;
      return {
        name: "acme.test/lc-acl/acl", kind: "MailshareAcl",
        create: { mailshare: uid, shares: [{ user: "alice@acme.test", level: "manage" }] },
        update: { mailshare: uid, shares: [{ user: "alice@acme.test", level: "manage" }, { group: "staff", level: "read" }] },
        outOfBand: async () => {
          const frank = (await emu.api("GET", "/api/users/acme.test/byLogin/frank")).json.uid;
          await put(acl, [...(await emu.api("GET", acl)).json, { subject: frank, verb: "Read" }]);
        },
        drifted: (inputs) => expect(JSON.stringify(inputs.shares)).toContain("frank"),
        deleted: async () => expect((await emu.api("GET", acl)).json.filter((e: any) => e.subject !== uid)).toEqual([]),
      };
    },
  },
  {
    kind: "MailshareAutoReply",
    row: async () => {
      const uid = await mailshare("lc-reply");
      return {
        name: "acme.test/lc-reply/auto-reply", kind: "MailshareAutoReply",
        create: { mailshare: uid, autoReply: { enabled: true, subject: "Away", message: "Back soon" } },
        update: { mailshare: uid, autoReply: { enabled: true, subject: "Away", message: "Back on Monday" } },
        outOfBand: async () => post(`/api/mailboxes/acme.test/${uid}/_vacation`, { enabled: true, subject: "Console", text: "Changed in the console", textHtml: null, start: null, end: null }),
        drifted: (inputs) => expect((inputs.autoReply as { subject: string }).subject).toBe("Console"),
        deleted: async () => expect((await emu.api("GET", `/api/mailboxes/acme.test/${uid}/_vacation`)).json.enabled).toBe(false),
      };
    },
  },
  {
    kind: "MailshareFilters",
    row: async () => {
      const uid = await mailshare("lc-filters");
      const rule = (name: string, value: string) => ({ name, conditions: [{ field: "subject", op: "contains", value }], actions: [{ moveTo: "Junk" }] });
      return {
        name: "acme.test/lc-filters/filters", kind: "MailshareFilters",
        create: { mailshare: uid, filters: [rule("one", "spam")], forwarding: null },
        update: { mailshare: uid, filters: [rule("one", "spam"), rule("two", "junk")], forwarding: null },
        outOfBand: async () => {
          const filter = (await emu.api("GET", `/api/mailboxes/acme.test/${uid}/_filter`)).json;
          await post(`/api/mailboxes/acme.test/${uid}/_filter`, { ...filter, rules: [...filter.rules, { ...filter.rules[0], id: null, name: "console" }] });
        },
        drifted: (inputs) => expect((inputs.filters as { name: string }[]).map((f) => f.name)).toContain("console"),
        deleted: async () => expect((await emu.api("GET", `/api/mailboxes/acme.test/${uid}/_filter`)).json.rules).toEqual([]),
      };
    },
  },
  {
    kind: "MailshareIdentity",
    row: async () => {
      const uid = await mailshare("lc-identity");
      const base = { mailshare: uid, name: "Main", displayName: "Life cycle", email: "lc-identity@acme.test" };
      let path = "";
      return {
        name: "acme.test/lc-identity/identity/Main", kind: "MailshareIdentity",
        create: { ...base, signature: "Hello" },
        update: { ...base, signature: "Hello again" },
        outOfBand: async (id) => {
          path = `/api/mailboxes/acme.test/identity/${uid}/${id}`;
          const current = (await emu.api("GET", path)).json;
          await post(path, { ...current, signature: "Console signature" });
        },
        drifted: (inputs) => expect(inputs.signature).toBe("Console signature"),
        deleted: async () => expect((await emu.api("GET", path)).status).toBe(204),
      };
    },
  },
  {
    kind: "MailshareMaintenance",
    row: async () => {
      const uid = await mailshare("lc-maintenance");
      const settings = `/api/containers/_manage/${encodeURIComponent(`mailbox:acls-${uid}`)}/_settings`;
      return {
        name: "acme.test/lc-maintenance/maintenance/consolidateIndex", kind: "MailshareMaintenance",
        create: { mailshare: uid, operation: "consolidateIndex", trigger: "2026-11" },
        update: { mailshare: uid, operation: "consolidateIndex", trigger: "2026-12" },
        // Someone ran it with another trigger (the CLI, say): the recorded trigger is the drift.
        outOfBand: async () => put(settings, { ...(await emu.api("GET", settings)).json, "bmshare.maintenance.consolidateIndex.trigger": "by-hand" }),
        drifted: (inputs) => expect(inputs.trigger).toBe("by-hand"),
      };
    },
  },
];

describe("every kind's lifecycle through one host", () => {
  for (const { kind, row } of rows) {
    it(kind, async () => runLifecycle(host.withProvider(serializeStub(kind)), await row()), 60_000);
  }
});
