import * as http from "node:http";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../support/emulator";
import { stableUid } from "../../emulator/seed";
import { BLANK_PNG } from "../../emulator/png";

let emu: TestEmulator;
let bobKey: string;
let aliceKey: string;
const users = "/api/users/acme.test";
const groups = "/api/groups/acme.test";
const user = (login: string) => stableUid("acme.test", "users", login);
const group = (name: string) => stableUid("acme.test", "groups", name);

beforeAll(async () => {
  emu = await startTestEmulator();
  bobKey = emu.emulator.sessions.open(user("bob"), "acme.test", "bob@acme.test").key;
  aliceKey = emu.emulator.sessions.open(user("alice"), "acme.test", "alice@acme.test").key;
});
afterAll(async () => {
  await emu.close();
});

/** A GET with a body, which fetch refuses to send (IGroup.get reads its uid from the body). */
function getWithBody(path: string, body: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${emu.url}${path}`, {
      method: "GET",
      headers: { "X-BM-ApiKey": TEST_KEY, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
    }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("IUser reads", () => {
  it("serves a user without its password; 204 when unknown; the domain alias works", async () => {
    const r = await emu.api("GET", `${users}/${user("bob")}/complete`);
    expect(r.status).toBe(200);
    expect(r.json.value).toMatchObject({ login: "bob", password: null, routing: "internal", accountType: "FULL" });
    expect(r.json.displayName).toBe("Bob Durand");
    expect((await emu.api("GET", `/api/users/acme-corp.test/${user("bob")}/complete`)).json.uid).toBe(user("bob"));
    expect((await emu.api("GET", `${users}/nobody/complete`)).status).toBe(204);
  });

  it("lets a user read itself, domainManager holders read everyone", async () => {
    expect((await emu.api("GET", `${users}/${user("bob")}/complete`, { key: bobKey })).status).toBe(200);
    const other = await emu.api("GET", `${users}/${user("carol")}/complete`, { key: bobKey });
    expect(other.status).toBe(403);
    expect(other.json.errorCode).toBe("PERMISSION_DENIED");
    expect((await emu.api("GET", `${users}/${user("carol")}/complete`, { key: aliceKey })).status).toBe(200);
    expect((await emu.api("GET", `${users}/${user("bob")}/complete`, { key: null })).status).toBe(403);
  });

  it("looks users up by address and by login (the part after @ is ignored)", async () => {
    expect((await emu.api("GET", `${users}/byEmail/alice.martin@acme.test`)).json.uid).toBe(user("alice"));
    expect((await emu.api("GET", `${users}/byEmail/nobody@acme.test`)).status).toBe(204);
    expect((await emu.api("GET", `${users}/byLogin/carol`)).json.uid).toBe(user("carol"));
    expect((await emu.api("GET", `${users}/byLogin/carol@whatever.test`)).json.uid).toBe(user("carol"));
    expect((await emu.api("GET", `${users}/byLogin/nobody`)).status).toBe(204);
    expect((await emu.api("GET", `${users}/byLogin/carol`, { key: bobKey })).status).toBe(403);
    const all = await emu.api("GET", `${users}/_alluids`);
    expect(all.json.sort()).toEqual(["alice", "bob", "carol", "dave", "erin", "frank", "paula"].map(user).sort());
  });

  it("lists the groups a user is a direct member of; an unknown user is a 500", async () => {
    const r = await emu.api("GET", `${users}/${user("bob")}/groups`);
    expect(r.json.map((g: any) => g.value.name)).toEqual(["support-team"]);
    expect((await emu.api("GET", `${users}/${user("dave")}/groupUids`)).json).toEqual([group("sales")]);
    const unknown = await emu.api("GET", `${users}/nobody/groupUids`);
    expect(unknown.status).toBe(500);
    expect(unknown.json).toMatchObject({ errorCode: "UNKNOWN", message: "Invalid user UID: nobody" });
  });

  it("resolves roles through nested groups", async () => {
    expect((await emu.api("GET", `${users}/${user("alice")}/roles`)).json).toEqual(["admin"]);
    expect((await emu.api("GET", `${users}/${user("bob")}/roles`, { key: bobKey })).json).toEqual([]);
    // staff ⊃ support-team ⊃ bob
    emu.emulator.store.state.domains["acme.test"].roles[group("staff")] = ["hasMail"];
    const resolved = await emu.api("GET", `${users}/${user("bob")}/roles_resolved`, { key: bobKey });
    expect(resolved.json).toEqual(["hasMail"]);
    expect((await emu.api("GET", `${users}/nobody/roles_resolved`)).status).toBe(404);
  });

  it("serves the user's card and photo", async () => {
    const card = await emu.api("GET", `${users}/${user("frank")}/vcard`);
    expect(card.json.identification.formatedName.value).toBe("Frank Weber");
    expect(card.json.communications.tels[0].value).toBe("+49 30 1234 5678");
    expect((await emu.api("GET", `${users}/nobody/vcard`)).status).toBe(204);
    const photo = await fetch(`${emu.url}${users}/${user("frank")}/photo`, { headers: { Accept: "image/png" } });
    expect(photo.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await photo.arrayBuffer()).equals(BLANK_PNG)).toBe(true);
  });
});

describe("IGroup reads", () => {
  it("gets a group by uid, name or address; byEmail needs manageGroup", async () => {
    const sales = await emu.api("GET", `${groups}/${group("sales")}/complete`);
    expect(sales.json.value).toMatchObject({ name: "sales", description: "Sales people" });
    expect((await emu.api("GET", `${groups}/nobody/complete`)).status).toBe(204);
    expect((await emu.api("GET", `${groups}/byName/managers`)).json.uid).toBe(group("managers"));
    expect((await emu.api("GET", `${groups}/byName/nobody`)).status).toBe(204);
    expect((await emu.api("GET", `${groups}/byEmail/support-team@acme.test`)).json.uid).toBe(group("support-team"));
    expect((await emu.api("GET", `${groups}/byEmail/support-team@acme.test`, { key: bobKey })).status).toBe(403);
    expect((await emu.api("GET", `${groups}/_alluids`)).json.length).toBe(4);
  });

  it("IGroup.get reads the uid from the request body, not from the path", async () => {
    const r = await getWithBody(`${groups}/ignored-path-segment`, JSON.stringify(group("sales")));
    expect(r.status).toBe(200);
    expect(r.json.name).toBe("sales");
    const noBody = await getWithBody(`${groups}/${group("sales")}`, "");
    expect(noBody.status).toBe(500);
    expect(noBody.json).toMatchObject({ errorCode: "INVALID_PARAMETER", message: "Invalid parameter" });
  });

  it("lists direct members, expanded members (users and groups) and expanded users", async () => {
    const members = await emu.api("GET", `${groups}/${group("staff")}/members`);
    expect(members.json).toEqual(
      ["support-team", "sales", "managers"].map((g) => ({ type: "group", uid: group(g) })).sort((a, b) => a.uid.localeCompare(b.uid)),
    );
    const expanded = await emu.api("GET", `${groups}/${group("staff")}/expandedmembers`);
    expect(expanded.json.filter((m: any) => m.type === "group")).toHaveLength(3);
    expect(expanded.json.filter((m: any) => m.type === "user")).toHaveLength(6);
    const missing = await emu.api("GET", `${groups}/nobody/members`);
    expect(missing.status).toBe(404);
    expect(missing.json.message).toBe("Group uid:nobody doesn't exist !");
  });

  it("walks up the hierarchy: parents (recursive), groups and groupUids (direct)", async () => {
    expect((await emu.api("GET", `${groups}/${group("sales")}/parents`)).json.map((g: any) => g.uid)).toEqual([group("staff")]);
    expect((await emu.api("GET", `${groups}/${group("sales")}/groups`)).json.map((g: any) => g.value.name)).toEqual(["staff"]);
    expect((await emu.api("GET", `${groups}/${group("staff")}/groupUids`)).json).toEqual([]);
  });

  it("searches by case-insensitive substring of the name", async () => {
    const r = await emu.api("POST", `${groups}/_search`, { body: { name: "TEAM" } });
    expect(r.json.map((g: any) => g.value.name)).toEqual(["support-team"]);
    expect((await emu.api("POST", `${groups}/_search`, { body: {} })).json).toHaveLength(4);
    expect((await emu.api("POST", `${groups}/_search`, { body: { properties: { x: "y" } } })).json).toEqual([]);
    expect((await emu.api("GET", `${groups}/${group("managers")}/roles`)).json).toEqual([]);
  });
});

describe("IGroup membership changes", () => {
  const members = (g: string) => emu.api("GET", `${groups}/${group(g)}/members`);
  const change = (method: string, g: string, body: unknown, key?: string) =>
    emu.api(method, `${groups}/${group(g)}/members`, { body, key });

  it("adds and removes members; expanded users stay de-duplicated", async () => {
    expect((await change("PUT", "managers", [{ type: "user", uid: user("erin") }])).status).toBe(200);
    expect((await members("managers")).json.map((m: any) => m.uid).sort()).toEqual([user("alice"), user("erin")].sort());
    expect((await emu.api("GET", `${users}/${user("erin")}/groupUids`)).json.sort()).toEqual([group("managers"), group("sales")].sort());
    // erin is now in staff through two groups, and listed once
    const flat = await emu.api("GET", `${groups}/${group("staff")}/expandedusersmembers`);
    expect(flat.json.filter((m: any) => m.uid === user("erin"))).toHaveLength(1);
    expect((await emu.api("GET", `${groups}/${group("managers")}/complete`)).json.value.memberCount).toBe(2);

    expect((await change("DELETE", "managers", [{ type: "user", uid: user("erin") }])).status).toBe(200);
    expect((await members("managers")).json).toEqual([{ type: "user", uid: user("alice") }]);
  });

  it("validates members before checking rights, refuses loops", async () => {
    const unknown = await change("PUT", "sales", [{ type: "user", uid: "ghost" }]);
    expect(unknown.status).toBe(500);
    expect(unknown.json).toMatchObject({ errorCode: "INVALID_PARAMETER", message: "No user with uid ghost found\r\n" });
    expect((await change("PUT", "sales", [{ type: "user" }])).json.message).toBe("Invalid member");
    expect((await change("PUT", "sales", [{ type: "robot", uid: "x" }])).json.message).toBe('Error during parsing parameter "body"');
    expect((await change("PUT", "sales", [{ type: "user", uid: "ghost" }], bobKey)).status).toBe(500);
    expect((await change("PUT", "sales", [{ type: "user", uid: user("bob") }], bobKey)).status).toBe(403);

    const loop = await change("PUT", "support-team", [{ type: "group", uid: group("staff") }]);
    expect(loop.status).toBe(500);
    expect(loop.json).toMatchObject({ errorCode: "INCLUSION_GROUP_LOOP", message: "Group loop detected" });
    const unknownGroup = await emu.api("PUT", `${groups}/nobody/members`, { body: [] });
    expect(unknownGroup.status).toBe(404);
  });
});
