// IServer — /api/servers/{containerUid} with containerUid `default` (the installation container),
// docs/bluemind-api.md §2.9. Valid mailshare `dataLocation` values are the servers assigned to the
// domain with tag `mail/imap`.
import type { Transport } from "./transport";
import type { Assignment, ItemValue, Server } from "./types";

/** The installation's server container, as BlueMind names it in paths. */
export const SERVER_CONTAINER = "default";
/** The tag of mail backends (mailbox storage). */
export const MAIL_IMAP_TAG = "mail/imap";

export class ServerService {
  private readonly t: Transport;

  constructor(t: Transport) {
    this.t = t;
  }

  /** Every server of the installation, cached for the run. */
  allComplete(fresh = false): Promise<ItemValue<Server>[]> {
    return this.t.cache.get(null, "IServer.allComplete", () => this.t.list<ItemValue<Server>>({
      endpoint: "IServer.allComplete", params: { containerUid: SERVER_CONTAINER }, repeat: "read",
    }), fresh);
  }

  /** The server, or null when unknown (204). */
  getComplete(uid: string): Promise<ItemValue<Server> | null> {
    return this.t.json<ItemValue<Server>>({
      endpoint: "IServer.getComplete", params: { containerUid: SERVER_CONTAINER, uid }, repeat: "read",
    });
  }

  /** The domain's assignments `{domainUid, serverUid, tag}`. */
  getAssignments(domainUid: string): Promise<Assignment[]> {
    return this.t.list<Assignment>({
      endpoint: "IServer.getAssignments", params: { containerUid: SERVER_CONTAINER, domainUid }, repeat: "read",
    });
  }

  /** Uids of the servers assigned to the domain with `tag`, cached for the run. */
  byAssignment(domainUid: string, tag: string = MAIL_IMAP_TAG, fresh = false): Promise<string[]> {
    return this.t.cache.get(domainUid, `IServer.byAssignment ${tag}`, () => this.t.list<string>({
      endpoint: "IServer.byAssignment", params: { containerUid: SERVER_CONTAINER, domainUid }, query: { tag }, repeat: "read",
    }), fresh);
  }
}
