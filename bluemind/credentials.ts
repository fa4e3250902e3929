// The client's credentials: an API key, or a login and password exchanged for a session key on
// first use. Secret values live in `Secret` boxes whose value is a non-enumerable property (so
// util.inspect shows `Secret {}`) and whose JSON and string forms are "[redacted]", so that logging
// or inspecting a client never shows them. Every text the client logs or puts in an error goes
// through `scrub`.
//
// No `[util.inspect.custom]` methods here: Pulumi's closure serializer rebuilds symbol-keyed class
// members as `Object.create(Symbol.prototype)`, and the deserialized provider then fails with
// "Symbol.prototype [@@toPrimitive] requires that 'this' be a Symbol" (test/bluemind/pulumi.test.ts).
import type { Transport } from "./transport";
import { AuthenticationError } from "./errors";
import type { LoginResponse } from "./types";

const REDACTED = "[redacted]";

export class Secret {
  declare readonly value: string;

  constructor(value: string) {
    Object.defineProperty(this, "value", { value, enumerable: false, writable: false, configurable: false });
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }
}

export interface CredentialOptions {
  apiKey?: string;
  login?: string;
  password?: string;
  /** Free text recorded by BlueMind with the session (`origin` of the login call). */
  origin: string;
}

/** `POST /api/auth/login`: the password as a JSON string literal (docs/bluemind-api.md §1.2). */
export function loginRequest(t: Transport, login: string, password: string, origin: string): Promise<LoginResponse> {
  return t.required<LoginResponse>({
    endpoint: "IAuthentication.login",
    params: {},
    query: { login, origin },
    body: { kind: "string", value: password },
    // A repeated login only opens another session, which expires after 20 idle minutes.
    repeat: "replace",
    anonymous: true,
    secrets: [password],
  });
}

export class Credentials {
  readonly login: string | null;
  readonly origin: string;
  /** True when the key came from our own login (so `close()` logs out). */
  ownsSession: boolean;
  private apiKey: Secret | null;
  private readonly password: Secret | null;
  /** Keys used earlier by this client, still scrubbed from any text. */
  private readonly retired: Secret[];
  /** A login in progress (resolves to nothing, so that inspecting it shows no key). */
  private pending: Promise<void> | null;

  // Fields are assigned here, never with initializers: see limiter.ts for why.
  constructor(options: CredentialOptions) {
    this.ownsSession = false;
    this.retired = [];
    this.pending = null;
    this.apiKey = options.apiKey ? new Secret(options.apiKey) : null;
    this.login = options.login ?? null;
    this.password = options.password !== undefined ? new Secret(options.password) : null;
    this.origin = options.origin;
  }

  /** The key to send, logging in first when the client has a login and no key yet. */
  async key(t: Transport): Promise<string | null> {
    if (this.apiKey) return this.apiKey.value;
    if (!this.canLogin()) return null;
    await this.establish(t);
    return this.apiKey ? (this.apiKey as Secret).value : null;
  }

  /** The key currently held, without logging in. */
  currentKey(): string | null {
    return this.apiKey ? this.apiKey.value : null;
  }

  canLogin(): boolean {
    return this.login !== null && this.password !== null;
  }

  /** Logs in once (concurrent callers share the login) and keeps the session key. */
  establish(t: Transport): Promise<void> {
    if (this.apiKey) return Promise.resolve();
    if (!this.pending) {
      this.pending = this.loginNow(t).finally(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  private async loginNow(t: Transport): Promise<void> {
    if (this.login === null || this.password === null) {
      throw new AuthenticationError("no credentials: give an apiKey, or a login and a password");
    }
    const response = await loginRequest(t, this.login, this.password.value, this.origin);
    if (response.status !== "Ok" || !response.authKey) {
      const why = response.status === "Expired" ? "the password has expired" : "bad login or password";
      throw new AuthenticationError(`login as ${this.login} refused (${response.status}): ${why}`, {
        site: { endpoint: "IAuthentication.login", method: "POST", path: "/api/auth/login" },
        status: 200,
        serverMessage: response.message ? this.scrub(response.message) : null,
      });
    }
    this.apiKey = new Secret(response.authKey);
    this.ownsSession = true;
  }

  /**
   * A request failed with 401 using `failedKey`: when the client logged in itself, forget the
   * expired session and log in again (BlueMind sessions expire after 20 idle minutes).
   */
  async refresh(t: Transport, failedKey: string): Promise<boolean> {
    if (!this.canLogin()) return false;
    if (this.apiKey && this.apiKey.value === failedKey) {
      this.retired.push(this.apiKey);
      this.apiKey = null;
    }
    await this.establish(t);
    return true;
  }

  /** Forgets the session key (after logout). */
  forget(): void {
    if (this.apiKey) this.retired.push(this.apiKey);
    this.apiKey = null;
    this.ownsSession = false;
  }

  /** Replaces every secret this client knows by "[redacted]". */
  scrub(text: string, extra: readonly string[] = []): string {
    let out = text;
    const secrets = [this.apiKey, this.password, ...this.retired].filter((s): s is Secret => s !== null).map((s) => s.value);
    for (const secret of [...secrets, ...extra]) {
      if (secret.length > 0) out = out.split(secret).join(REDACTED);
    }
    // BlueMind's 401 message echoes whatever key was sent.
    return out.replace(/(session id )\S+/g, `$1${REDACTED}`);
  }

  toJSON(): Record<string, unknown> {
    return { login: this.login, key: this.apiKey ? REDACTED : null };
  }
}
