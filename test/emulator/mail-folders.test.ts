// IMailboxFoldersByContainer's search as a count: a mailbox's messages (seeded with `mailMessages`,
// consistent with `mailUsedKiB`), the subtree container parsed as BlueMind parses it, Read checked on
// the mailbox (admin0 passes; a domain administrator's Manage does not read mail), a scope required.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, type TestEmulator, loginKey } from "../support/emulator";
import { defaultSeed, stableUid } from "../../emulator/seed";

let emu: TestEmulator;
const noreply = stableUid("acme.test", "mailshares", "noreply");
const search = (container: string) => `/api/mail_folders_container/${encodeURIComponent(container)}/_search`;
const countOnly = { query: { maxResults: 0, offset: 0, scope: { folderScope: null, isDeepTraversal: false } } };

beforeAll(async () => {
  const seed = defaultSeed();
  const acme = seed.domains!.find((d) => d.name === "acme.test")!;
  acme.mailshares = acme.mailshares!.map((m) => ({ ...m, mailUsedKiB: 734_003, mailMessages: 9_412 }));
  emu = await startTestEmulator({ seed });
});
afterAll(async () => {
  await emu.close();
});

describe("IMailboxFoldersByContainer searchItems", () => {
  it("counts a mailshare's messages over its whole subtree, with an empty page", async () => {
    const r = await emu.api("POST", search(`subtree_acme_test!${noreply}`), { body: countOnly });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ results: [], totalResults: 9_412, hasMoreResults: true });
  });

  it("finds no message in a mailbox that holds none", async () => {
    const alice = stableUid("acme.test", "users", "alice");
    const r = await emu.api("POST", search(`subtree_acme_test!user.${alice}`), { body: countOnly });
    expect(r.json).toEqual({ results: [], totalResults: 0, hasMoreResults: false });
  });

  it("fails as BlueMind does on a container it cannot parse, an unknown mailbox, or no scope", async () => {
    const bad = await emu.api("POST", search("mailbox:acls-x"), { body: countOnly });
    expect([bad.status, bad.json.message]).toEqual([500, "Unknown subtree container format 'mailbox:acls-x'"]);
    const unknown = await emu.api("POST", search("subtree_acme_test!nobody"), { body: countOnly });
    expect([unknown.status, unknown.json.message]).toEqual([500, "Mailbox not found 'nobody'"]);
    const noScope = await emu.api("POST", search(`subtree_acme_test!${noreply}`), { body: { query: { maxResults: 0, offset: 0 } } });
    expect([noScope.status, noScope.json.errorType]).toEqual([500, "NullPointerException"]);
  });

  it("needs Read on the mailbox: a domain administrator manages the mailshare but may not count its mail", async () => {
    const alice = await loginKey(emu, "alice@acme.test", "alice-password");
    const r = await emu.api("POST", search(`subtree_acme_test!${noreply}`), { body: countOnly, key: alice });
    expect([r.status, r.json.errorCode]).toEqual([403, "PERMISSION_DENIED"]);
  });
});

describe("seeded message counts", () => {
  it("refuse a count that disagrees with the mail the mailshare holds", async () => {
    for (const [mailUsedKiB, mailMessages] of [[0, 3], [2_048, 0], [10, 11]]) {
      const seed = defaultSeed();
      const acme = seed.domains!.find((d) => d.name === "acme.test")!;
      acme.mailshares = acme.mailshares!.map((m) => ({ ...m, mailUsedKiB, mailMessages }));
      await expect(startTestEmulator({ seed })).rejects.toThrow(`seed: acme.test mailshare noreply: mailUsedKiB ${mailUsedKiB} and mailMessages ${mailMessages} disagree`);
    }
  });
});
