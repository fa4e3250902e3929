// IAuthentication and IAPIKeys of the emulator, driven over HTTP (docs/bluemind-api.md §1.2, §2.1).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, type Api, type TestEmulator } from "../support/emulator";
import { stableUid } from "../../emulator/seed";
import { ADMIN0_UID } from "../../emulator/sessions";
import { editEntryValue } from "../../emulator/entry-index";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALICE = stableUid("acme.test", "users", "alice");
const BOB = stableUid("acme.test", "users", "bob");
const DAVE = stableUid("acme.test", "users", "dave");
const ERIN = stableUid("acme.test", "users", "erin");

let emu: TestEmulator;
let api: Api;

/** POST /api/auth/login with the password as a JSON string literal (the default codec). */
function login(loginName: string, password: string, path = "login") {
  const query = new URLSearchParams({ login: loginName, origin: "vitest" });
  return api("POST", `/api/auth/${path}?${query}`, { body: JSON.stringify(password), key: null });
}

async function keyOf(loginName: string, password: string): Promise<string> {
  const r = await login(loginName, password);
  expect(r.json.status).toBe("Ok");
  return r.json.authKey;
}

beforeAll(async () => {
  emu = await startTestEmulator();
  api = emu.api;
});

afterAll(async () => {
  await emu.close();
});

describe("login", () => {
  it("opens a session for a domain user and returns a LoginResponse", async () => {
    const r = await login("alice@acme.test", "alice-password");
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "Ok", latd: "alice@acme.test", message: null });
    expect(r.json.authKey).toMatch(UUID_RE);
    expect(r.json.authUser).toMatchObject({ uid: ALICE, domainUid: "acme.test", displayName: "Alice Martin" });
    expect(r.json.authUser.value.login).toBe("alice");
    expect(r.json.authUser.value.password).toBeNull();
    const me = await api("GET", "/api/auth", { key: r.json.authKey });
    expect(me.json.uid).toBe(ALICE);
  });

  it("answers a wrong password with HTTP 200 and status Bad, without a key", async () => {
    const r = await login("alice@acme.test", "wrong");
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "Bad", authKey: null, authUser: null });
  });

  it("refuses an empty password or a missing login as Bad", async () => {
    expect((await login("alice@acme.test", "")).json.status).toBe("Bad");
    const noLogin = await api("POST", "/api/auth/login?origin=vitest", { body: JSON.stringify("alice-password"), key: null });
    expect(noLogin.status).toBe(200);
    expect(noLogin.json.status).toBe("Bad");
  });

  it("takes a raw password only with Content-Type exactly text/plain", async () => {
    const send = (contentType: string, body: string) =>
      api("POST", "/api/auth/login?login=bob@acme.test&origin=vitest", { body, key: null, headers: { "Content-Type": contentType } });
    expect((await send("text/plain", "bob-password")).json.status).toBe("Ok");
    // Any other content type is parsed as JSON: an unquoted raw password is a parse error.
    const withCharset = await send("text/plain;charset=UTF-8", "bob-password");
    expect(withCharset.status).toBe(500);
    expect(withCharset.json).toMatchObject({ errorCode: "UNKNOWN", message: 'Error during parsing parameter "body"' });
    expect((await send("application/json", "bob-password")).status).toBe(500);
  });

  it("looks a domain alias up through the users' addresses", async () => {
    // alice's addresses are plain addresses at acme.test: alice@acme-corp.test is no address of hers.
    expect((await login("alice@acme-corp.test", "alice-password")).json.status).toBe("Bad");
    // Stored addresses are read-only (the entry index files them): the edit goes through the index.
    editEntryValue(emu.emulator.store.state.domains["acme.test"], "USER", ERIN, (v) => {
      v.emails[0].allAliases = true;
    });
    const r = await login("erin@acme-corp.test", "erin-password");
    expect(r.json).toMatchObject({ status: "Ok", latd: "erin@acme.test" });
    expect(r.json.authUser.uid).toBe(ERIN);
  });

  it("accepts one of the user's e-mail addresses as login", async () => {
    const r = await login("alice.martin@acme.test", "alice-password");
    expect(r.json).toMatchObject({ status: "Ok", latd: "alice@acme.test" });
  });

  it("logs admin0 in with the emulator's admin password, with or without @global.virt", async () => {
    const r = await login("admin0@global.virt", "admin0-password");
    expect(r.json).toMatchObject({ status: "Ok", latd: "admin0@global.virt" });
    expect(r.json.authUser).toMatchObject({ uid: ADMIN0_UID, domainUid: "global.virt" });
    expect((await login("admin0", "admin0-password")).json.status).toBe("Ok");
    expect((await login("admin0@global.virt", "alice-password")).json.status).toBe("Bad");
    // Without `@` a login is looked up in global.virt only.
    expect((await login("alice", "alice-password")).json.status).toBe("Bad");
  });

  it("hands back the same key when the password is a live session key of that user", async () => {
    const key = await keyOf("carol@acme.test", "carol-password");
    const again = await login("carol@acme.test", key);
    expect(again.json).toMatchObject({ status: "Ok", authKey: key });
    expect((await login("bob@acme.test", key)).json.status).toBe("Bad");
  });

  it("refuses archived users", async () => {
    emu.emulator.store.state.domains["acme.test"].users[DAVE].value.archived = true;
    try {
      expect((await login("dave@acme.test", "dave-password")).json.status).toBe("Bad");
      const v = await login("dave@acme.test", "dave-password", "validate");
      expect(v.json).toBe("ARCHIVED");
    } finally {
      emu.emulator.store.state.domains["acme.test"].users[DAVE].value.archived = false;
    }
  });

  it("loginWithParams behaves like login", async () => {
    const query = new URLSearchParams({ login: "bob@acme.test", origin: "vitest", interactive: "true" });
    const r = await api("POST", `/api/auth/loginWithParams?${query}`, { body: JSON.stringify("bob-password"), key: null });
    expect(r.json).toMatchObject({ status: "Ok", latd: "bob@acme.test" });
  });
});

describe("validate", () => {
  it("tells a password from a session key without opening a session", async () => {
    expect((await login("bob@acme.test", "bob-password", "validate")).json).toBe("PASSWORD");
    expect((await login("bob@acme.test", "nope", "validate")).json).toBe("NONE");
    expect((await login("nobody@acme.test", "bob-password", "validate")).json).toBe("NONE");
    const key = await keyOf("bob@acme.test", "bob-password");
    expect((await login("bob@acme.test", key, "validate")).json).toBe("TOKEN");
  });
});

describe("ping and logout", () => {
  it("ping answers 200 for a valid key and anonymously; logout invalidates the key", async () => {
    expect((await api("GET", "/api/auth/ping", { key: null })).status).toBe(200);
    const key = await keyOf("bob@acme.test", "bob-password");
    const ping = await api("GET", "/api/auth/ping", { key });
    expect(ping.status).toBe(200);
    expect(ping.text).toBe("");
    const out = await api("POST", "/api/auth/logout", { key });
    expect(out.status).toBe(200);
    expect(out.text).toBe("");
    const after = await api("GET", "/api/auth/ping", { key });
    expect(after.status).toBe(401);
    expect(after.json).toMatchObject({ errorCode: "AUTHENTICATION_FAIL" });
    expect((await api("GET", "/api/auth", { key })).status).toBe(401);
  });
});

describe("_su", () => {
  it("lets admin0 act as a user without its password", async () => {
    const r = await api("POST", "/api/auth/_su?login=bob@acme.test");
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "Ok", latd: "bob@acme.test" });
    const me = await api("GET", "/api/auth", { key: r.json.authKey });
    expect(me.json.uid).toBe(BOB);
    expect((await api("POST", "/api/auth/_su?login=nobody@acme.test")).json.status).toBe("Bad");
  });

  it("is refused to domain admins and anonymous callers", async () => {
    const alice = await keyOf("alice@acme.test", "alice-password");
    expect((await api("POST", "/api/auth/_su?login=bob@acme.test", { key: alice })).status).toBe(403);
    expect((await api("POST", "/api/auth/_su?login=bob@acme.test", { key: null })).status).toBe(403);
  });
});

describe("GET /api/auth", () => {
  it("describes the caller", async () => {
    const alice = await keyOf("alice@acme.test", "alice-password");
    const r = await api("GET", "/api/auth", { key: alice });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ uid: ALICE, domainUid: "acme.test", displayName: "Alice Martin", rolesByOU: {}, settings: {} });
    expect(r.json.roles).toContain("admin");
    expect(r.json.value).toMatchObject({ login: "alice", password: null });
    const admin0 = await api("GET", "/api/auth");
    expect(admin0.json).toMatchObject({ uid: ADMIN0_UID, domainUid: "global.virt" });
  });

  it("is forbidden to anonymous callers", async () => {
    const r = await api("GET", "/api/auth", { key: null });
    expect(r.status).toBe(403);
    expect(r.json.errorCode).toBe("PERMISSION_DENIED");
  });
});

describe("API keys", () => {
  it("creates a persistent key usable as X-BM-ApiKey and as a login password", async () => {
    const bob = await keyOf("bob@acme.test", "bob-password");
    const created = await api("PUT", "/api/auth/keys?displayName=pulumi", { key: bob });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ displayName: "pulumi", subject: BOB, domainUid: "acme.test" });
    const sid = created.json.sid;
    expect(sid).toMatch(UUID_RE);

    expect((await api("GET", "/api/auth", { key: sid })).json.uid).toBe(BOB);
    const viaLogin = await login("bob@acme.test", sid);
    expect(viaLogin.json.status).toBe("Ok");
    expect(viaLogin.json.authKey).not.toBe(sid);
    // logout with an API key drops the cached session only: the key stays valid.
    await api("POST", "/api/auth/logout", { key: sid });
    expect((await api("GET", "/api/auth/ping", { key: sid })).status).toBe(200);
  });

  it("lists, reads and deletes only the caller's own keys", async () => {
    const bob = await keyOf("bob@acme.test", "bob-password");
    const carol = await keyOf("carol@acme.test", "carol-password");
    const sid = (await api("PUT", "/api/auth/keys?displayName=ci", { key: bob })).json.sid;

    const mine = await api("GET", "/api/auth/keys", { key: bob });
    expect(mine.json.map((k: any) => k.sid)).toContain(sid);
    expect((await api("GET", "/api/auth/keys", { key: carol })).json.map((k: any) => k.sid)).not.toContain(sid);
    expect((await api("GET", `/api/auth/keys/${sid}`, { key: bob })).json).toMatchObject({ sid, displayName: "ci" });
    expect((await api("GET", `/api/auth/keys/${sid}`, { key: carol })).status).toBe(204);

    await api("DELETE", `/api/auth/keys/${sid}`, { key: carol });
    expect((await api("GET", "/api/auth/ping", { key: sid })).status).toBe(200);
    const del = await api("DELETE", `/api/auth/keys/${sid}`, { key: bob });
    expect(del.status).toBe(200);
    expect((await api("GET", "/api/auth/ping", { key: sid })).status).toBe(401);
    expect((await api("GET", `/api/auth/keys/${sid}`, { key: bob })).status).toBe(204);
  });

  it("stores a key under a sid chosen by the caller", async () => {
    const r = await api("PUT", "/api/auth/keys/my-fixed-key-0001?displayName=fixed");
    expect(r.json).toEqual({ sid: "my-fixed-key-0001", displayName: "fixed", subject: ADMIN0_UID, domainUid: "global.virt" });
    expect((await api("GET", "/api/auth", { key: "my-fixed-key-0001" })).json.uid).toBe(ADMIN0_UID);
    const bob = await keyOf("bob@acme.test", "bob-password");
    const takeover = await api("PUT", "/api/auth/keys/my-fixed-key-0001?displayName=mine", { key: bob });
    expect(takeover.status).toBe(500);
  });

  it("refuses anonymous callers and empty display names", async () => {
    expect((await api("PUT", "/api/auth/keys?displayName=x", { key: null })).status).toBe(403);
    expect((await api("GET", "/api/auth/keys", { key: null })).status).toBe(403);
    const empty = await api("PUT", "/api/auth/keys?displayName=%20");
    expect(empty.status).toBe(500);
    expect(empty.json.message).toBe("API key display name cannot be empty");
  });

  it("survives a restart with a data directory", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bm-auth-"));
    try {
      const first = await startTestEmulator({ dataDir });
      const sid = (await first.api("PUT", "/api/auth/keys?displayName=persistent")).json.sid;
      await first.close();
      const second = await startTestEmulator({ dataDir });
      try {
        const me = await second.api("GET", "/api/auth", { key: sid });
        expect(me.status).toBe(200);
        expect(me.json.uid).toBe(ADMIN0_UID);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
