// Delegated administration: org unit administrators and their roles (IOrgUnits), role assignment
// (IUser / IGroup setRoles), and the permission checks that honour them — the seed's paula
// administers /Europe with manageMailshare.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, loginKey, mailshareBody, waitTask, expectFault, type TestEmulator } from "../support/emulator";
import { stableUid } from "../../emulator/seed";

let emu: TestEmulator;
let paula: string;
let alice: string;
let bob: string;

const ou = (...path: string[]) => stableUid("acme.test", "ou", ...path);
const user = (login: string) => stableUid("acme.test", "users", login);
const group = (name: string) => stableUid("acme.test", "groups", name);
const NOREPLY = stableUid("acme.test", "mailshares", "noreply");
const ms = "/api/mailshares/acme.test";
const ous = "/api/directory/_ou/acme.test";

beforeAll(async () => {
  emu = await startTestEmulator();
  paula = await loginKey(emu, "paula@acme.test", "paula-password");
  alice = await loginKey(emu, "alice@acme.test", "alice-password");
  bob = await loginKey(emu, "bob@acme.test", "bob-password");
});
afterAll(async () => {
  await emu.close();
});

const create = (uid: string, name: string, orgUnitUid: string | null, key = paula) =>
  emu.api("PUT", `${ms}/${uid}`, { body: mailshareBody(name, { orgUnitUid }), key });

describe("the seeded delegated administrator", () => {
  it("logs in; her org unit roles are in rolesByOU, none at the domain level", async () => {
    const r = await emu.api("POST", "/api/auth/login?login=paula@acme.test&origin=test", { body: JSON.stringify("paula-password"), key: null });
    expect(r.json.status).toBe("Ok");
    expect(r.json.authUser.rolesByOU).toEqual({ [ou("Europe")]: ["manageMailshare"] });
    expect(r.json.authUser.roles).not.toContain("manageMailshare");
    expect((await emu.api("GET", "/api/auth", { key: paula })).json.rolesByOU).toEqual({ [ou("Europe")]: ["manageMailshare"] });
  });

  it("creates mailshares delegated to her unit or its children, not elsewhere", async () => {
    expect((await create("dg-paris", "dg-paris", ou("Europe", "Paris"))).status).toBe(200);
    expect((await create("dg-europe", "dg-europe", ou("Europe"))).status).toBe(200);
    expectFault(await create("dg-root", "dg-root", null), 403, "PERMISSION_DENIED");
    expectFault(await create("dg-ny", "dg-ny", ou("Americas", "New York")), 403, "PERMISSION_DENIED");
    // The unit's path is resolved before any role is compared: an unknown unit is an NPE.
    const unknown = await create("dg-unknown", "dg-unknown", "no-such-ou");
    expect(unknown.status).toBe(500);
    expect(unknown.json.errorType).toBe("NullPointerException");
    expect((await create("dg-unknown", "dg-unknown", "no-such-ou", alice)).json.errorType).toBe("NullPointerException");
  });

  it("reads and updates her mailshares, may move them within her unit only", async () => {
    expect((await emu.api("GET", `${ms}/dg-paris/complete`, { key: paula })).json.value.orgUnitUid).toBe(ou("Europe", "Paris"));
    expectFault(await emu.api("GET", `${ms}/${NOREPLY}/complete`, { key: paula }), 403, "PERMISSION_DENIED");
    expectFault(await emu.api("GET", `${ms}/_complete`, { key: paula }), 403, "PERMISSION_DENIED");
    const moved = mailshareBody("dg-paris", { orgUnitUid: ou("Europe", "Berlin"), card: { explanatory: { note: "moved" } } });
    expect((await emu.api("POST", `${ms}/dg-paris`, { body: moved, key: paula })).status).toBe(200);
    const away = mailshareBody("dg-paris", { orgUnitUid: ou("Americas") });
    expectFault(await emu.api("POST", `${ms}/dg-paris`, { body: away, key: paula }), 403, "PERMISSION_DENIED");
    expectFault(await emu.api("POST", `${ms}/dg-paris`, { body: mailshareBody("dg-paris"), key: paula }), 403, "PERMISSION_DENIED");
    const noreply = { name: "noreply", routing: "internal", emails: [{ address: "noreply@acme.test", isDefault: true }] };
    expectFault(await emu.api("POST", `${ms}/${NOREPLY}`, { body: noreply, key: paula }), 403, "PERMISSION_DENIED");
  });

  it("manages sharing, filters and identities of her mailshares only", async () => {
    const acl = [{ subject: user("bob"), verb: "Write" }];
    expect((await emu.api("PUT", "/api/containers/_manage/mailbox:acls-dg-europe/_acl", { body: acl, key: paula })).status).toBe(200);
    expectFault(await emu.api("PUT", `/api/containers/_manage/mailbox:acls-${NOREPLY}/_acl`, { body: acl, key: paula }), 403, "PERMISSION_DENIED");
    expect((await emu.api("GET", "/api/mailboxes/acme.test/dg-europe/_filter", { key: paula })).status).toBe(200);
    expectFault(await emu.api("GET", `/api/mailboxes/acme.test/${NOREPLY}/_filter`, { key: paula }), 403, "PERMISSION_DENIED");
    const identity = { name: "Europe", email: "dg-europe@acme.test", format: "PLAIN", signature: "" };
    expect((await emu.api("PUT", "/api/mailboxes/acme.test/identity/dg-europe/eu", { body: identity, key: paula })).status).toBe(200);
    expectFault(await emu.api("PUT", `/api/mailboxes/acme.test/identity/${NOREPLY}/eu`, { body: identity, key: paula }), 403, "PERMISSION_DENIED");
  });

  it("repairs her mailshares as the system, not the others", async () => {
    const path = (uid: string) => `/api/directory/acme.test/${uid}/mgmt/_maintenance/repair`;
    const own = await emu.api("POST", path("dg-europe"), { body: { dry: true }, key: paula });
    expect((await waitTask(emu.api, own.json.id)).state).toBe("Success");
    const other = await emu.api("POST", path(NOREPLY), { body: { dry: true }, key: paula });
    expect((await waitTask(emu.api, other.json.id)).state).toBe("InError");
  });

  it("deletes her mailshares, and no other", async () => {
    expectFault(await emu.api("DELETE", `${ms}/${NOREPLY}`, { key: paula }), 403, "PERMISSION_DENIED");
    const del = await emu.api("DELETE", `${ms}/dg-paris`, { key: paula });
    expect((await waitTask(emu.api, del.json.id)).state).toBe("Success");
  });
});

describe("IOrgUnits administrators", () => {
  const setRoles = (ouUid: string, dirUid: string, roles: unknown, key?: string) =>
    emu.api("POST", `${ous}/${ouUid}/${dirUid}/_set`, { body: roles, key });

  it("sets, reads and lists administrator roles; the delegated admin acts on the new unit", async () => {
    expect((await setRoles(ou("Americas"), user("carol"), ["manageMailshare"])).status).toBe(200);
    const roles = await emu.api("POST", `${ous}/${ou("Americas")}/${user("carol")}`, { body: [] });
    expect(roles.json).toEqual(["manageMailshare"]);
    expect((await emu.api("GET", `${ous}/${ou("Americas", "New York")}/_administrators?hierarchical=true`)).json).toEqual([user("carol")]);
    expect((await emu.api("GET", `${ous}/${ou("Americas", "New York")}/_administrators?hierarchical=false`)).json).toEqual([]);
    const byAdmin = await emu.api("POST", `${ous}/_byAdmin?administrator=${user("carol")}`, { body: [] });
    expect(byAdmin.json).toEqual([{ uid: ou("Americas"), name: "Americas", parent: null }]);
    const carol = await loginKey(emu, "carol@acme.test", "carol-password");
    expect((await create("dg-ny", "dg-ny", ou("Americas", "New York"), carol)).status).toBe(200);
    // The administrator may read its own roles; another user may not.
    expect((await emu.api("POST", `${ous}/${ou("Americas")}/${user("carol")}`, { body: [], key: carol })).json).toEqual(["manageMailshare"]);
    expectFault(await emu.api("POST", `${ous}/${ou("Americas")}/${user("carol")}`, { body: [], key: bob }), 403, "PERMISSION_DENIED");
  });

  it("delegates through a group: its members get the roles", async () => {
    expect((await setRoles(ou("Europe", "Berlin"), group("support-team"), ["manageMailshare"])).status).toBe(200);
    const frank = await loginKey(emu, "frank@acme.test", "frank-password");
    expect((await create("dg-berlin", "dg-berlin", ou("Europe", "Berlin"), frank)).status).toBe(200);
    expectFault(await create("dg-paris2", "dg-paris2", ou("Europe", "Paris"), frank), 403, "PERMISSION_DENIED");
    const roles = await emu.api("POST", `${ous}/${ou("Europe", "Berlin")}/${user("frank")}`, { body: [group("support-team")] });
    expect(roles.json).toEqual(["manageMailshare"]);
  });

  it("lets a delegated admin pass on only roles she holds there", async () => {
    expect((await setRoles(ou("Europe", "Paris"), user("bob"), ["manageMailshare"], paula)).status).toBe(200);
    const denied = await setRoles(ou("Europe", "Paris"), user("bob"), ["manageMailshare", "manageUser"], paula);
    expectFault(denied, 403, "PERMISSION_DENIED", "not enough roles for setting roles [manageUser]");
    expectFault(await setRoles(ou("Americas"), user("bob"), ["manageMailshare"], paula), 403, "PERMISSION_DENIED");
    expectFault(await setRoles("no-such-ou", user("bob"), ["manageMailshare"]), 404, "NOT_FOUND", "ou no-such-ou not found");
    expectFault(await setRoles(ou("Europe"), "nobody", ["manageMailshare"]), 404, "NOT_FOUND", "direntry not found ");
  });

  it("refuses to delete a unit that has administrators; removeAdministrator drops them everywhere", async () => {
    expect((await emu.api("PUT", `${ous}/ou-tmp`, { body: { name: "Temporary", parentUid: null } })).status).toBe(200);
    expect((await setRoles("ou-tmp", user("dave"), ["manageMailshare"])).status).toBe(200);
    expectFault(await emu.api("DELETE", `${ous}/ou-tmp`), 500, "INVALID_PARAMETER", "ou Temporary has administrators");
    expect((await emu.api("DELETE", `${ous}/_deleteadmin?administrator=${user("dave")}`)).status).toBe(200);
    expect((await emu.api("GET", `${ous}/ou-tmp/_administrators?hierarchical=false`)).json).toEqual([]);
    expect((await emu.api("DELETE", `${ous}/ou-tmp`)).status).toBe(200);
    // An empty set removes the administrator too.
    expect((await setRoles(ou("Americas"), user("erin"), ["manageMailshare"])).status).toBe(200);
    expect((await setRoles(ou("Americas"), user("erin"), [])).status).toBe(200);
    expect((await emu.api("GET", `${ous}/${ou("Americas")}/_administrators?hierarchical=false`)).json).not.toContain(user("erin"));
  });

  it("needs showOU to list administrators", async () => {
    expectFault(await emu.api("GET", `${ous}/${ou("Europe")}/_administrators?hierarchical=true`, { key: bob }), 403, "PERMISSION_DENIED");
    expect((await emu.api("GET", `${ous}/${ou("Europe")}/_administrators?hierarchical=true`, { key: alice })).status).toBe(200);
  });
});

describe("IUser / IGroup setRoles", () => {
  it("sets a user's roles (manageUser for the user; only roles the caller has, or delegable ones)", async () => {
    const erin = user("erin");
    expect((await emu.api("POST", `/api/users/acme.test/${erin}/roles`, { body: ["manageMailshare", "hasMail"], key: alice })).status).toBe(200);
    expect((await emu.api("GET", `/api/users/acme.test/${erin}/roles`)).json.sort()).toEqual(["hasMail", "manageMailshare"]);
    const erinKey = await loginKey(emu, "erin@acme.test", "erin-password");
    expect((await emu.api("GET", `${ms}/_complete`, { key: erinKey })).status).toBe(200);
    expectFault(await emu.api("POST", `/api/users/acme.test/${erin}/roles`, { body: [], key: paula }), 403, "PERMISSION_DENIED");
    expectFault(await emu.api("POST", "/api/users/acme.test/nobody/roles", { body: [] }), 404, "NOT_FOUND", "User nobody not found in domain acme.test");
    expect((await emu.api("POST", `/api/users/acme.test/${erin}/roles`, { body: null, key: alice })).status).toBe(200);
    expect((await emu.api("GET", `/api/users/acme.test/${erin}/roles`)).json).toEqual([]);
  });

  it("refuses to give roles the caller does not have", async () => {
    // dave gets manageUser on the domain, then tries to hand out manageMailshare, which he lacks.
    await emu.api("POST", `/api/users/acme.test/${user("dave")}/roles`, { body: ["manageUser"] });
    const dave = await loginKey(emu, "dave@acme.test", "dave-password");
    const r = await emu.api("POST", `/api/users/acme.test/${user("erin")}/roles`, { body: ["manageMailshare", "hasCalendar"], key: dave });
    expectFault(r, 403, "PERMISSION_DENIED", "cannot assign roles which current user doesnt have (needed roles {manageMailshare} )");
    expect((await emu.api("POST", `/api/users/acme.test/${user("erin")}/roles`, { body: ["hasCalendar"], key: dave })).status).toBe(200);
  });

  it("sets a group's roles; its members hold them", async () => {
    const sales = group("sales");
    expect((await emu.api("POST", `/api/groups/acme.test/${sales}/roles`, { body: ["manageMailshare"], key: alice })).status).toBe(200);
    expect((await emu.api("GET", `/api/groups/acme.test/${sales}/roles`)).json).toEqual(["manageMailshare"]);
    const dave = await loginKey(emu, "dave@acme.test", "dave-password");
    expect((await create("dg-sales", "dg-sales", null, dave)).status).toBe(200);
    expectFault(await emu.api("POST", `/api/groups/acme.test/${sales}/roles`, { body: [], key: bob }), 403, "PERMISSION_DENIED");
    expectFault(await emu.api("POST", "/api/groups/acme.test/nogroup/roles", { body: [] }), 404, "NOT_FOUND", "group nogroup not found");
  });
});
