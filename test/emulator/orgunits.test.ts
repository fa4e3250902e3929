import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, type TestEmulator } from "../support/emulator";
import { stableUid } from "../../emulator/seed";

let emu: TestEmulator;
let bobKey: string;
const base = "/api/directory/_ou/acme.test";
const ou = (...path: string[]) => stableUid("acme.test", "ou", ...path);

beforeAll(async () => {
  emu = await startTestEmulator();
  bobKey = emu.emulator.sessions.open(stableUid("acme.test", "users", "bob"), "acme.test", "bob@acme.test").key;
});
afterAll(async () => {
  await emu.close();
});

const search = (query: unknown) => emu.api("POST", `${base}/_search`, { body: query });
/** An OrgUnitPath as the `/`-joined names from the root. */
const joined = (p: any): string => (p.parent ? `${joined(p.parent)}/${p.name}` : p.name);
const put = (uid: string, body: unknown, key?: string) => emu.api("PUT", `${base}/${uid}`, { body, key });
const post = (uid: string, body: unknown) => emu.api("POST", `${base}/${uid}`, { body });

describe("IOrgUnits reads", () => {
  it("serves a unit, its path and its children; unknown units are 204 / 404", async () => {
    const europe = await emu.api("GET", `${base}/${ou("Europe")}/complete`, { key: bobKey });
    expect(europe.status).toBe(200);
    expect(europe.json.value).toEqual({ name: "Europe", parentUid: null });
    expect((await emu.api("GET", `${base}/nowhere/complete`)).status).toBe(204);
    expect((await emu.api("GET", `${base}/${ou("Europe")}/complete`, { key: null })).status).toBe(403);

    const path = await emu.api("GET", `/api/directory/_ou/acme-corp.test/${ou("Americas", "New York")}/path`);
    expect(path.json).toEqual({ uid: ou("Americas", "New York"), name: "New York", parent: { uid: ou("Americas"), name: "Americas", parent: null } });

    const children = await emu.api("GET", `${base}/${ou("Europe")}/_children`);
    expect(children.json.map((c: any) => c.value.name)).toEqual(["Paris", "Berlin"]);
    const missing = await emu.api("GET", `${base}/nowhere/_children`);
    expect(missing.status).toBe(404);
    expect(missing.json.message).toBe("direntry not found ");
  });

  it("searches case-insensitively in the full path, ordered by path", async () => {
    const europe = await search({ query: "EUROPE", from: 0, size: -1 });
    expect(europe.json.map(joined)).toEqual(["Europe", "Europe/Berlin", "Europe/Paris"]);
    expect((await search({ query: "s/new y" })).json.map(joined)).toEqual(["Americas/New York"]);
    // The query is concatenated into the ILIKE pattern: a missing one is the text "null".
    expect((await search({})).json).toEqual([]);
  });

  it("pages like the server does, including its off-by-`from` end bound", async () => {
    // 5 units; subList(from, min(from + size, n - from)) and subList(from, n - from) for size -1
    expect((await search({ query: "", from: 1, size: 2 })).json.map(joined)).toEqual(["Americas/New York", "Europe"]);
    expect((await search({ query: "", from: 2, size: -1 })).json.map(joined)).toEqual(["Europe"]);
    const beyond = await search({ query: "", from: 4, size: -1 });
    expect(beyond.status).toBe(500);
    expect(beyond.json.errorType).toBe("IllegalArgumentException");
  });

  it("requires the hierarchical query parameter for _administrators", async () => {
    const missing = await emu.api("GET", `${base}/${ou("Europe")}/_administrators`);
    expect(missing.status).toBe(500);
    expect(missing.json.message).toBe('Error during parsing parameter "hierarchical"');
    const r = await emu.api("GET", `${base}/${ou("Europe")}/_administrators?hierarchical=true`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual([stableUid("acme.test", "users", "paula")]); // the seed's delegated admin
    expect((await emu.api("GET", `${base}/${ou("Americas")}/_administrators?hierarchical=true`)).json).toEqual([]);
    expect((await emu.api("GET", `${base}/nowhere/_administrators?hierarchical=false`)).status).toBe(404);
  });

  it("shadows the IDirectory domain `_ou` with its literal segment", async () => {
    const r = await emu.api("GET", "/api/directory/_ou");
    expect(r.status).toBe(500);
    expect(r.json.code).toBe("UNKNOWN");
  });
});

describe("IOrgUnits create, update, delete", () => {
  it("creates units under existing parents with unique, slash-free names", async () => {
    expect((await put("ou-asia", { name: "Asia", parentUid: null })).status).toBe(200);
    expect((await put("ou-tokyo", { name: "Tokyo", parentUid: "ou-asia" })).status).toBe(200);
    expect((await emu.api("GET", `${base}/ou-tokyo/path`)).json.parent.name).toBe("Asia");

    const duplicate = await put("ou-asia-2", { name: "ASIA", parentUid: null });
    expect(duplicate.status).toBe(500);
    expect(duplicate.json.errorCode).toBe("ALREADY_EXISTS");
    // the same name under another parent is fine
    expect((await put("ou-paris-asia", { name: "Paris", parentUid: "ou-asia" })).status).toBe(200);

    const slash = await put("ou-slash", { name: "Asia/Pacific", parentUid: null });
    expect(slash.status).toBe(500);
    expect(slash.json.errorCode).toBe("INVALID_PARAMETER");
    const orphan = await put("ou-orphan", { name: "Orphan", parentUid: "no-such-parent" });
    expect(orphan.status).toBe(404);
    expect(orphan.json.message).toBe("ou no-such-parent not found");
    expect((await put("ou-bob", { name: "Bob's", parentUid: null }, bobKey)).status).toBe(403);
  });

  it("renames but never moves a unit", async () => {
    expect((await post("ou-tokyo", { name: "Kyoto", parentUid: "ou-asia" })).status).toBe(200);
    const renamed = await emu.api("GET", `${base}/ou-tokyo/complete`);
    expect(renamed.json.value.name).toBe("Kyoto");
    expect(renamed.json.version).toBe(2);
    const clash = await post("ou-tokyo", { name: "paris", parentUid: "ou-asia" });
    expect(clash.json.errorCode).toBe("ALREADY_EXISTS");
    const move = await post("ou-tokyo", { name: "Kyoto", parentUid: ou("Europe") });
    expect(move.status).toBe(500);
    expect(move.json).toMatchObject({ errorCode: "INVALID_PARAMETER", message: "Parent change is not allowed" });
    expect((await post("nowhere", { name: "X", parentUid: null })).status).toBe(404);
  });

  it("refuses to delete a unit with children or members", async () => {
    const withChildren = await emu.api("DELETE", `${base}/ou-asia`);
    expect(withChildren.status).toBe(500);
    expect(withChildren.json).toMatchObject({ errorCode: "INVALID_PARAMETER", message: "ou Asia has children" });
    const withMembers = await emu.api("DELETE", `${base}/${ou("Europe", "Paris")}`);
    expect(withMembers.json.message).toBe("ou Paris has members");

    expect((await emu.api("DELETE", `${base}/ou-tokyo`)).status).toBe(200);
    expect((await emu.api("DELETE", `${base}/ou-paris-asia`)).status).toBe(200);
    expect((await emu.api("DELETE", `${base}/ou-asia`)).status).toBe(200);
    expect((await emu.api("GET", `${base}/ou-asia/complete`)).status).toBe(204);
    expect((await emu.api("DELETE", `${base}/ou-asia`)).status).toBe(404);
  });
});
