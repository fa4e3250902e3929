// IMailboxFoldersByContainer through the client: a mailshare's message count in one search of its
// subtree container, and the refusal a key without Read on the mailshare gets.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { PermissionDeniedError, type BlueMindClient } from "../../bluemind";
import { mailshareSubtreeUid } from "../../bluemind/mail-folders";
import { table } from "../../emulator/table";
import { mailshare, requestsOutsideContract, startClientEmulator, uid, type ClientEmulator } from "./support";

const D = "acme.test";
let env: ClientEmulator;
let client: BlueMindClient;
let ms: string;

beforeAll(async () => {
  env = await startClientEmulator();
  client = env.client();
  ms = uid();
  await client.mailshares.create(D, ms, mailshare("counted"));
});
afterAll(async () => {
  await env.close();
  expect(requestsOutsideContract(env.requests)).toEqual([]);
});

describe("IMailboxFoldersByContainer", () => {
  it("names a mailshare's subtree as IMailReplicaUids.subtreeUid does", () => {
    expect(mailshareSubtreeUid("acme.test", "1f2e")).toBe("subtree_acme_test!1f2e");
  });

  it("counts a mailshare's messages in one request", async () => {
    expect(await client.mailFolders.countMailshareMessages(D, ms)).toBe(0);
    (env.emu.emulator.store.state.mailMessages ??= table<number>())[ms] = 1_234;
    const before = env.requests.length;
    expect(await client.mailFolders.countMailshareMessages(D, ms)).toBe(1_234);
    expect(env.requests.slice(before).map((l) => l.split(" ").slice(1, 3).join(" "))).toEqual([`POST /api/mail_folders_container/subtree_acme_test!${ms}/_search`]);
  });

  it("is refused to a domain administrator without a share that reads the mailshare", async () => {
    const alice = (await client.auth.su("alice@acme.test")).authKey!;
    const err = await env.client({ apiKey: alice }).mailFolders.countMailshareMessages(D, ms).catch((e) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
  });
});
