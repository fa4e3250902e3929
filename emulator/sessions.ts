// Sessions and RBAC. A session key (from login, a persistent API key, or `--api-key`) maps to a
// user; admin0@global.virt passes every check; a domain user holding `admin` holds every role of
// its own domain (bluemind-api.md §1.2).
import { randomUUID } from "node:crypto";
import type { Store } from "./store";

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
    const roles = new Set<string>(d?.roles[userUid] ?? []);
    if (!d) return roles;
    const seen = new Set<string>();
    const visit = (memberUid: string) => {
      for (const [groupUid, members] of Object.entries(d.members)) {
        if (seen.has(groupUid) || !members.some((m) => m.uid === memberUid)) continue;
        seen.add(groupUid);
        for (const r of d.roles[groupUid] ?? []) roles.add(r);
        visit(groupUid);
      }
    };
    visit(userUid);
    return roles;
  }

  hasRole(session: Session, domainUid: string, role: string): boolean {
    if (session.admin0) return true;
    if (session.domainUid !== domainUid) return false;
    const roles = this.rolesOf(session.userUid, domainUid);
    return roles.has("admin") || roles.has(role);
  }
}
