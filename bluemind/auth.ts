// IAuthentication — /api/auth, and IAPIKeys — /api/auth/keys (docs/bluemind-api.md §2.1). The client's
// own login and logout (options `login`/`password`, `close()`) go through credentials.ts; these are
// the raw calls.
import type { Transport } from "./transport";
import { loginRequest } from "./credentials";
import type { APIKey, AuthUser, LoginResponse, ValidationKind } from "./types";

export class AuthService {
  private readonly t: Transport;

  constructor(t: Transport) {
    this.t = t;
  }

  /**
   * Opens a session. A wrong password is **HTTP 200 with `status: "Bad"`**, not an error: check
   * `status`. The password travels as a JSON string literal, never in a log line or an error.
   */
  login(login: string, password: string, origin: string = this.t.credentials.origin): Promise<LoginResponse> {
    return loginRequest(this.t, login, password, origin);
  }

  /** Checks a password or token without opening a session. */
  validate(login: string, password: string, origin: string = this.t.credentials.origin): Promise<ValidationKind> {
    return this.t.required<ValidationKind>({
      endpoint: "IAuthentication.validate", params: {}, query: { login, origin }, body: { kind: "string", value: password },
      repeat: "read", anonymous: true, secrets: [password],
    });
  }

  /** Validates and refreshes the session (401 → AuthenticationError). */
  ping(): Promise<void> {
    return this.t.void({ endpoint: "IAuthentication.ping", params: {}, repeat: "read" });
  }

  /** Ends the session of the key sent. Repeat: "replace" (ending a session twice changes nothing). */
  logout(): Promise<void> {
    return this.t.void({ endpoint: "IAuthentication.logout", params: {}, repeat: "replace" });
  }

  /** Acts as another user (admin0 / `sudo` role): a LoginResponse with that user's key. */
  su(login: string): Promise<LoginResponse> {
    return this.t.required<LoginResponse>({
      endpoint: "IAuthentication.su", params: {}, query: { login },
      // Opens a session like a login: a repeat only opens another one.
      repeat: "replace",
    });
  }

  /** The caller; null when its user no longer exists (anonymous → PermissionDeniedError). */
  getCurrentUser(): Promise<AuthUser | null> {
    return this.t.json<AuthUser>({ endpoint: "IAuthentication.getCurrentUser", params: {}, repeat: "read" });
  }
}

export class ApiKeyService {
  private readonly t: Transport;

  constructor(t: Transport) {
    this.t = t;
  }

  /** Creates a persistent API key for the caller. Repeat: "once" (a repeat makes a second key). */
  create(displayName: string): Promise<APIKey> {
    return this.t.required<APIKey>({ endpoint: "IAPIKeys.create", params: {}, query: { displayName }, repeat: "once" });
  }

  list(): Promise<APIKey[]> {
    return this.t.list<APIKey>({ endpoint: "IAPIKeys.list", params: {}, repeat: "read" });
  }

  get(sid: string): Promise<APIKey | null> {
    // The sid works as a session key: kept out of log lines.
    return this.t.json<APIKey>({ endpoint: "IAPIKeys.get", params: { sid }, repeat: "read", secrets: [sid] });
  }

  /** Deletes a key. Repeat: "replace" (deleting a deleted key changes nothing). */
  delete(sid: string): Promise<void> {
    return this.t.void({ endpoint: "IAPIKeys.delete", params: { sid }, repeat: "replace", secrets: [sid] });
  }
}
