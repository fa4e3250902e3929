// Sessions. A session key (from login, a persistent API key, or `--api-key`) maps to a user;
// role checks are resolved live by ./rbac.ts (admin0@global.virt passes every check).
import { randomUUID } from "node:crypto";
import type { Store } from "./store";
import { can, storedRoles, type Scope } from "./rbac";

export const ADMIN0_UID = "admin0_global.virt";
export const GLOBAL_DOMAIN = "global.virt";

/** Idle timeout of a session (core.sessions.idle-timeout). */
const IDLE_MS = 20 * 60 * 1000;

export interface Session {
  key: string;
  userUid: string;
  domainUid: string;
  /** login@domainUid, as LoginResponse.latd. */
  login: string;
  admin0: boolean;
  lastUse: number;
  /** Keys given on the command line or persistent API keys never expire. */
  permanent: boolean;
}

export class Sessions {
  private readonly byKey = new Map<string, Session>();

  constructor(private readonly store: Store, private readonly now: () => number = Date.now) {}

  open(userUid: string, domainUid: string, login: string, key: string = randomUUID(), permanent = false): Session {
    const session: Session = {
      key, userUid, domainUid, login, admin0: userUid === ADMIN0_UID, lastUse: this.now(), permanent,
    };
    this.byKey.set(key, session);
    return session;
  }

  close(key: string): void {
    this.byKey.delete(key);
  }

  /** The session of a key, or undefined when it is unknown or expired. */
  resolve(key: string): Session | undefined {
    let session = this.byKey.get(key);
    if (!session) {
      const apiKey = this.store.state.apiKeys[key];
      if (!apiKey) return undefined;
      session = this.open(apiKey.subject, apiKey.domainUid, this.loginOf(apiKey.subject, apiKey.domainUid), key, true);
    }
    if (!session.permanent && this.now() - session.lastUse > IDLE_MS) {
      this.byKey.delete(key);
      return undefined;
    }
    session.lastUse = this.now();
    return session;
  }

  /** The existing live session of a user whose key equals `key` (login with a key as password). */
  sessionOf(userUid: string, key: string): Session | undefined {
    const s = this.resolve(key);
    return s && s.userUid === userUid ? s : undefined;
  }

  loginOf(userUid: string, domainUid: string): string {
    if (userUid === ADMIN0_UID) return `admin0@${GLOBAL_DOMAIN}`;
    const user = this.store.state.domains[domainUid]?.users[userUid];
    return `${user?.value.login ?? userUid}@${domainUid}`;
  }

  /** Roles of a user: its own plus those of the groups it belongs to (directly or through groups). */
  rolesOf(userUid: string, domainUid: string): Set<string> {
    const d = this.store.state.domains[domainUid];
    return d ? storedRoles(d, userUid) : new Set();
  }

  /** Whether the session holds `role` on the domain, or for one entry / org unit of it (see ./rbac.ts). */
  hasRole(session: Session, domainUid: string, role: string, scope: Scope = null): boolean {
    return can(this.store, session, domainUid, [role], scope);
  }
}
