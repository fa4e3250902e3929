// IMailboxIdentity — /api/mailboxes/{domainUid}/identity/{mboxUid}: the identities stored on a
// mailshare's own mailbox, with client-chosen ids. The domain must be the exact domain uid (no
// alias, docs/bluemind-api.md §1.1).
import type { Transport } from "./transport";
import type { Identity, IdentityDescription } from "./types";

export class IdentityService {
  private readonly t: Transport;

  constructor(t: Transport) {
    this.t = t;
  }

  /**
   * Creates identity `id`. An existing id is a 500 `UNKNOWN` (not ALREADY_EXISTS). Repeat: "once";
   * after an ambiguous failure the id is read back: present with the same label and address means
   * the create landed; absent means it is sent again. Resolves true when the server answered the
   * create, false when that read showed it landed after a lost answer (an identity of that id may
   * have been there before).
   */
  create(domainUid: string, mboxUid: string, id: string, identity: Identity): Promise<boolean> {
    return this.t.answered({
      endpoint: "IMailboxIdentity.create",
      params: { domainUid, mboxUid, uid: id },
      body: { kind: "json", value: identity },
      repeat: "once",
      verify: async () => {
        const stored = await this.get(domainUid, mboxUid, id);
        return stored !== null && stored.name === identity.name && stored.email === identity.email;
      },
    });
  }

  /** Full replace of the identity; unknown id → NotFoundError. Repeat: "replace". */
  update(domainUid: string, mboxUid: string, id: string, identity: Identity): Promise<void> {
    return this.t.void({
      endpoint: "IMailboxIdentity.update",
      params: { domainUid, mboxUid, uid: id },
      body: { kind: "json", value: identity },
      repeat: "replace",
    });
  }

  /**
   * Deletes the identity; unknown id → NotFoundError. Repeat: "once" because a repeat after a
   * delete that landed would answer 404; after an ambiguous failure the id is read back instead:
   * gone means the delete landed.
   */
  delete(domainUid: string, mboxUid: string, id: string): Promise<void> {
    return this.t.void({
      endpoint: "IMailboxIdentity.delete",
      params: { domainUid, mboxUid, uid: id },
      repeat: "once",
      verify: async () => (await this.get(domainUid, mboxUid, id)) === null,
    });
  }

  /** The identity, or null when the id is unknown (204). */
  get(domainUid: string, mboxUid: string, id: string): Promise<Identity | null> {
    return this.t.json<Identity>({
      endpoint: "IMailboxIdentity.get",
      params: { domainUid, mboxUid, uid: id },
      repeat: "read",
    });
  }

  /** The stored identities. */
  getIdentities(domainUid: string, mboxUid: string): Promise<IdentityDescription[]> {
    return this.t.list<IdentityDescription>({
      endpoint: "IMailboxIdentity.getIdentities",
      params: { domainUid, mboxUid },
      repeat: "read",
    });
  }

  /** The stored identities plus one synthetic entry (`id: null`) per unused mailbox address. */
  getPossibleIdentities(domainUid: string, mboxUid: string): Promise<IdentityDescription[]> {
    return this.t.list<IdentityDescription>({
      endpoint: "IMailboxIdentity.getPossibleIdentities",
      params: { domainUid, mboxUid },
      repeat: "read",
    });
  }
}
