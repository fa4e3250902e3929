// IAuthentication — /api/auth, and IAPIKeys — /api/auth/keys (docs/bluemind-api.md §1.2, §2.1).
// Login resolution follows Authentication.loadFromDb/getUser: the part after `@` names the domain
// (uid or alias, `global.virt` when absent); the part before it is matched as a login only when
// that right part is the domain uid itself (or for global.virt), otherwise the whole string is
// looked up as one of the users' e-mail addresses. Passwords are compared, never logged.
import { randomUUID } from "node:crypto";
import type { Router } from "../router";
import type { Ctx } from "../context";
import { JavaException, denied, unknownFault } from "../faults";
import { attr, emptyVCard, type APIKey, type ItemValue, type User } from "../model";
import type { Store, DomainState } from "../store";
import { entryByEmail, userByLogin as entryByLogin } from "../entries";
import { ADMIN0_UID, GLOBAL_DOMAIN, type Session } from "../sessions";
import { expandRoles, rolesByOU } from "../rbac";

type LoginStatus = "Ok" | "Bad" | "Expired";
type ValidationKind = "TOKEN" | "PASSWORD" | "PASSWORDEXPIRED" | "NONE" | "ARCHIVED";

interface AuthUser {
  uid: string;
  domainUid: string;
  displayName: string | null;
  value: User;
  roles: string[];
  rolesByOU: Record<string, string[]>;
  settings: Record<string, string>;
}

interface LoginResponse {
  status: LoginStatus;
  authKey: string | null;
  latd: string | null;
  message: string | null;
  authUser: AuthUser | null;
}

/** A user a login string designates. */
interface Account {
  uid: string;
  domainUid: string;
  item: ItemValue<User>;
}

/** global.virt users resolve to `systemManagement` (+ selfChangePassword) in getRoles. */
const ADMIN0_ROLES = ["systemManagement", "selfChangePassword"];

const bad = (message: string | null = null): LoginResponse => ({
  status: "Bad", authKey: null, latd: null, message, authUser: null,
});

/** admin0 is a user of global.virt; the emulator keeps no item for it, so it is synthesized. */
function admin0Item(): ItemValue<User> {
  const card = emptyVCard();
  card.identification.formatedName = attr("admin0");
  return {
    uid: ADMIN0_UID, internalId: 1, version: 1, displayName: "admin0", externalId: null, createdBy: null,
    updatedBy: null, created: null, updated: null, flags: [],
    value: {
      login: "admin0", password: null, routing: "none", quota: null, accountType: "FULL", contactInfos: card,
      emails: [], hidden: true, archived: false, system: true, dataLocation: null, orgUnitUid: null,
    },
  };
}

/** Guava's `Splitter.on('@').trimResults().omitEmptyStrings()`. */
function splitLogin(login: string): string[] {
  return login.split("@").map((s) => s.trim()).filter((s) => s !== "");
}

function userByLogin(d: DomainState, login: string): ItemValue<User> | undefined {
  return entryByLogin(d, login)?.item as ItemValue<User> | undefined;
}

function userByEmail(d: DomainState, address: string): ItemValue<User> | undefined {
  const entry = entryByEmail(d, address);
  return entry?.kind === "USER" ? d.users[entry.item.uid] : undefined;
}

/** The account a login string designates (Authentication.loadFromDb + getUser). */
function findAccount(store: Store, login: string): Account | undefined {
  const [localPart, domainPart = GLOBAL_DOMAIN] = splitLogin(login);
  if (localPart === undefined) return undefined;
  const d = store.findDomain(domainPart);
  if (!d) return undefined;
  if (d.item.uid === GLOBAL_DOMAIN) {
    return localPart === "admin0" ? { uid: ADMIN0_UID, domainUid: GLOBAL_DOMAIN, item: admin0Item() } : undefined;
  }
  // byLogin only when the right part is the domain uid; an alias goes through byEmail.
  const item = (domainPart === d.item.uid ? userByLogin(d, localPart) : undefined) ?? userByEmail(d, login);
  return item ? { uid: item.uid, domainUid: d.item.uid, item } : undefined;
}

function passwordMatches(ctx: Ctx, account: Account, password: string): boolean {
  if (account.uid === ADMIN0_UID) return password === ctx.emu.adminPassword;
  return ctx.emu.store.state.domains[account.domainUid]?.passwords[account.uid] === password;
}

/** A persistent API key of that account, usable as a password (the API-key auth provider). */
function isOwnApiKey(ctx: Ctx, account: Account, password: string): boolean {
  const key = ctx.emu.store.state.apiKeys[password];
  return key !== undefined && key.subject === account.uid && key.domainUid === account.domainUid;
}

/** A live session key (not an API key) of that account: login then hands back the same key. */
function ownSessionKey(ctx: Ctx, account: Account, password: string): Session | undefined {
  if (ctx.emu.store.state.apiKeys[password]) return undefined;
  return ctx.emu.sessions.sessionOf(account.uid, password);
}

/** The domain roles of the account resolved through the role tree (directResolvedRoles). */
function rolesOf(ctx: Ctx, account: Account): string[] {
  if (account.uid === ADMIN0_UID) return [...ADMIN0_ROLES];
  return [...expandRoles(ctx.emu.sessions.rolesOf(account.uid, account.domainUid))].sort();
}

/** The org units the account administers, with the roles stored there (SecurityContext.rolesByOU). */
function ouRolesOf(ctx: Ctx, account: Account): Record<string, string[]> {
  const d = ctx.emu.store.state.domains[account.domainUid];
  return account.uid === ADMIN0_UID || !d ? {} : rolesByOU(d, account.uid);
}

function authUser(ctx: Ctx, account: Account): AuthUser {
  return {
    uid: account.uid,
    domainUid: account.domainUid,
    displayName: account.item.displayName,
    value: { ...structuredClone(account.item.value), password: null },
    roles: rolesOf(ctx, account),
    rolesByOU: ouRolesOf(ctx, account),
    settings: {},
  };
}

function accountOfSession(ctx: Ctx, session: Session): Account | undefined {
  if (session.admin0) return { uid: ADMIN0_UID, domainUid: GLOBAL_DOMAIN, item: admin0Item() };
  const item = ctx.emu.store.state.domains[session.domainUid]?.users[session.userUid];
  return item ? { uid: item.uid, domainUid: session.domainUid, item } : undefined;
}

function okResponse(ctx: Ctx, account: Account, existing?: Session): LoginResponse {
  const latd = `${account.item.value.login}@${account.domainUid}`;
  const session = existing ?? ctx.emu.sessions.open(account.uid, account.domainUid, latd);
  return { status: "Ok", authKey: session.key, latd, message: null, authUser: authUser(ctx, account) };
}

/** Authentication.loginWithParams, minus maintenance mode and password expiry (not emulated). */
function login(ctx: Ctx): LoginResponse {
  const loginName = ctx.query.get("login") ?? "";
  const password = ctx.text() ?? "";
  if (loginName === "" || password === "") return bad();
  const account = findAccount(ctx.emu.store, loginName);
  if (!account || account.item.value.archived) return bad();
  const existing = ownSessionKey(ctx, account, password);
  if (existing) return okResponse(ctx, account, existing);
  if (isOwnApiKey(ctx, account, password) || passwordMatches(ctx, account, password)) return okResponse(ctx, account);
  return bad(`Result auth is NO for login: ${loginName}`);
}

/** Checks credentials without opening a session. */
function validate(ctx: Ctx): ValidationKind {
  const loginName = ctx.query.get("login") ?? "";
  const password = ctx.text() ?? "";
  if (loginName === "" || password === "") return "NONE";
  const account = findAccount(ctx.emu.store, loginName);
  if (!account) return "NONE";
  if (ownSessionKey(ctx, account, password)) return "TOKEN";
  if (!isOwnApiKey(ctx, account, password) && !passwordMatches(ctx, account, password)) return "NONE";
  // The builtin provider checks the password first, then whether the entry is archived.
  return account.item.value.archived ? "ARCHIVED" : "PASSWORD";
}

/**
 * `_su`: the contract reserves it to admin0 (sudo role); `login` must contain `@` (the server's
 * splitter otherwise fails with NoSuchElementException); the user is looked up by login only.
 */
function su(ctx: Ctx): LoginResponse {
  if (!ctx.session?.admin0) throw denied(`${ctx.session ? ctx.session.login : "anonymous"} cannot use sudo`);
  const [localPart, domainPart] = splitLogin(ctx.query.get("login") ?? "");
  if (localPart === undefined || domainPart === undefined) throw new JavaException("NoSuchElementException");
  const d = ctx.emu.store.findDomain(domainPart);
  const item = d ? userByLogin(d, localPart) : undefined;
  if (!d || !item || item.value.archived) return bad();
  return okResponse(ctx, { uid: item.uid, domainUid: d.item.uid, item });
}

// --- IAPIKeys ---------------------------------------------------------------------------------

function requireCaller(ctx: Ctx): Session {
  if (!ctx.session) throw denied("Invalid securityContext");
  return ctx.session;
}

function displayNameParam(ctx: Ctx): string {
  const displayName = ctx.query.get("displayName");
  if (displayName === null || displayName.trim() === "") throw unknownFault("API key display name cannot be empty");
  return displayName;
}

function ownKey(ctx: Ctx, sid: string): APIKey | undefined {
  const key = ctx.emu.store.state.apiKeys[sid];
  return key && ctx.session && key.subject === ctx.session.userUid && key.domainUid === ctx.session.domainUid
    ? key
    : undefined;
}

function storeKey(ctx: Ctx, sid: string): APIKey {
  const caller = requireCaller(ctx);
  const displayName = displayNameParam(ctx);
  const keys = ctx.emu.store.state.apiKeys;
  const existing = keys[sid];
  // The sid is the key itself: another user's key cannot be taken over (APIKeyStore's primary key).
  if (existing && existing.subject !== caller.userUid) throw unknownFault(`API key ${sid} already exists`);
  keys[sid] = { sid, displayName, subject: caller.userUid, domainUid: caller.domainUid };
  return { ...keys[sid] };
}

export function register(r: Router): void {
  const base = "/api/auth";

  r.post(`${base}/login`, login);
  r.post(`${base}/loginWithParams`, login);
  r.post(`${base}/validate`, validate);

  // The session check happens in the REST layer (invalid key → 401); the method itself is empty.
  r.get(`${base}/ping`, () => undefined);

  r.post(`${base}/logout`, (ctx) => {
    // A persistent API key stays valid: logout only drops the cached session.
    if (ctx.session) ctx.emu.sessions.close(ctx.session.key);
  });

  r.post(`${base}/_su`, su);
  r.post(`${base}/_suWithParams`, su);

  r.get(base, (ctx) => {
    const session = ctx.requireSession();
    const account = accountOfSession(ctx, session);
    // getCurrentUser returns null (→ 204) when the session's user no longer exists.
    return account ? authUser(ctx, account) : null;
  });

  r.put(`${base}/keys`, (ctx) => storeKey(ctx, randomUUID()));
  r.put(`${base}/keys/{key}`, (ctx) => storeKey(ctx, ctx.params.key));

  r.get(`${base}/keys`, (ctx) => {
    const caller = requireCaller(ctx);
    return Object.values(ctx.emu.store.state.apiKeys)
      .filter((k) => k.subject === caller.userUid && k.domainUid === caller.domainUid)
      .map((k) => ({ ...k }));
  });

  // APIKeyStore.get is scoped to the caller: someone else's key, or an unknown one, is null → 204.
  r.get(`${base}/keys/{sid}`, (ctx) => {
    const key = ownKey(ctx, ctx.params.sid);
    return key ? { ...key } : null;
  });

  r.delete(`${base}/keys/{sid}`, (ctx) => {
    requireCaller(ctx);
    const key = ownKey(ctx, ctx.params.sid);
    if (!key) return;
    delete ctx.emu.store.state.apiKeys[key.sid];
    ctx.emu.sessions.close(key.sid);
  });
}
