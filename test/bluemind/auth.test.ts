// Authentication: API key or login (lazy, explicit, renewed after expiry, logged out on close),
// IAuthentication / IAPIKeys calls, and the 401 / 403 mappings.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import {
  AuthenticationError, BlueMindClient, ClientConfigError, PermissionDeniedError,
} from "../../bluemind";
import { TEST_KEY, requestsOutsideContract, startClientEmulator, type ClientEmulator } from "./support";

let env: ClientEmulator;
const ADMIN0 = { login: "admin0@global.virt", password: "admin0-password" };

beforeAll(async () => {
  env = await startClientEmulator();
});
afterAll(async () => {
  await env.close();
  expect(requestsOutsideContract(env.requests)).toEqual([]);
});

const pingWith = (key: string) => env.emu.api("GET", "/api/auth/ping", { key });

describe("login and logout", () => {
  it("login() returns a session key that works, and close() logs it out", async () => {
    const client = env.client({ apiKey: undefined, ...ADMIN0 });
    const key = await client.login();
    expect(key).not.toBe(TEST_KEY);
    expect((await pingWith(key)).status).toBe(200);
    expect((await client.domains.findByNameOrAliases("acme-corp.test"))?.uid).toBe("acme.test");
    await client.close();
    expect((await pingWith(key)).status).toBe(401);
  });

  it("logs in on the first request when login() was not called, once for concurrent requests", async () => {
    const client = env.client({ apiKey: undefined, ...ADMIN0 });
    const before = env.requests.length;
    await Promise.all([client.servers.allComplete(), client.domains.all(), client.auth.ping()]);
    const sent = env.requests.slice(before);
    expect(sent.filter((l) => l.includes("POST /api/auth/login?")).length).toBe(1);
    expect(sent[0]).toContain("POST /api/auth/login?login=admin0%40global.virt&origin=bmshare 200");
    await client.close();
  });

  it("logs in again when its own session expired, and repeats the request", async () => {
    const client = env.client({ apiKey: undefined, ...ADMIN0 });
    const first = await client.login();
    await env.emu.api("POST", "/api/auth/logout", { key: first }); // the session dies behind the client's back
    const user = await client.auth.getCurrentUser();
    expect(user?.uid).toBe("admin0_global.virt");
    expect(await client.login()).not.toBe(first);
    await client.close();
  });

  it("a refused login is an AuthenticationError that names the login, never the password", async () => {
    const client = env.client({ apiKey: undefined, login: "alice@acme.test", password: "wrong-secret" });
    const err = await client.login().catch((e) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toContain("alice@acme.test");
    expect(err.message).toContain("Bad");
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain("wrong-secret");
    // Data calls fail the same way instead of going out anonymously.
    expect(await client.mailshares.allComplete("acme.test").catch((e) => e)).toBeInstanceOf(AuthenticationError);
  });

  it("close() leaves an API key it was given alone", async () => {
    const client = env.client();
    await client.auth.ping();
    await client.close();
    expect((await pingWith(TEST_KEY)).status).toBe(200);
  });

  it("refuses options without credentials, with both kinds, or with a bad URL", () => {
    expect(() => new BlueMindClient({ url: env.emu.url })).toThrow(ClientConfigError);
    expect(() => new BlueMindClient({ url: env.emu.url, apiKey: "k", login: "a", password: "b" })).toThrow(ClientConfigError);
    expect(() => new BlueMindClient({ url: "ftp://x", apiKey: "k" })).toThrow(/http/);
    expect(new BlueMindClient({ url: `${env.emu.url}/api/`, apiKey: "k" }).url).toBe(env.emu.url);
  });
});

describe("status mappings", () => {
  it("an invalid key is an AuthenticationError (401) whose text does not echo the key", async () => {
    const client = env.client({ apiKey: "not-a-valid-session-key" });
    const err = await client.auth.ping().catch((e) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.status).toBe(401);
    expect(err.errorCode).toBe("AUTHENTICATION_FAIL");
    expect(err.serverMessage).toMatch(/invalid accesstoken/);
    expect(`${err.message} ${err.serverMessage} ${JSON.stringify(err)}`).not.toContain("not-a-valid-session-key");
  });

  it("another domain's admin gets PermissionDeniedError (403)", async () => {
    const beta = env.client({ apiKey: undefined, login: "admin@beta.test", password: "beta-password" });
    const err = await beta.mailshares.allComplete("acme.test").catch((e) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err.status).toBe(403);
    expect(err.errorCode).toBe("PERMISSION_DENIED");
    expect(await beta.mailshares.allComplete("beta.test")).toEqual([]);
    await beta.close();
  });
});

describe("IAuthentication and IAPIKeys calls", () => {
  it("login (Bad is a 200 answer), validate, su, getCurrentUser", async () => {
    const client = env.client();
    const bad = await client.auth.login("alice@acme.test", "nope");
    expect(bad.status).toBe("Bad");
    expect(bad.authKey).toBeNull();
    const ok = await client.auth.login("alice@acme.test", "alice-password");
    expect(ok.status).toBe("Ok");
    expect(ok.authUser?.domainUid).toBe("acme.test");
    expect(await client.auth.validate("alice@acme.test", "alice-password")).toBe("PASSWORD");
    expect(await client.auth.validate("alice@acme.test", "nope")).toBe("NONE");
    const su = await client.auth.su("bob@acme.test");
    expect(su.status).toBe("Ok");
    const asBob = env.client({ apiKey: su.authKey! });
    expect((await asBob.auth.getCurrentUser())?.value?.login).toBe("bob");
  });

  it("creates, lists, reads and deletes a persistent API key", async () => {
    const client = env.client();
    const key = await client.apiKeys.create("pulumi run");
    expect(key.displayName).toBe("pulumi run");
    expect((await client.apiKeys.list()).map((k) => k.sid)).toContain(key.sid);
    expect((await client.apiKeys.get(key.sid))?.displayName).toBe("pulumi run");
    const viaKey = env.client({ apiKey: key.sid });
    await viaKey.auth.ping();
    await client.apiKeys.delete(key.sid);
    expect(await client.apiKeys.get(key.sid)).toBeNull();
    expect(await viaKey.auth.ping().catch((e) => e)).toBeInstanceOf(AuthenticationError);
  });
});
