// IMailshare — /api/mailshares/{domainUid} (+ the photo endpoints of IDirEntryPhotoSupport).
// The domain parameter accepts the domain uid or any alias (docs/bluemind-api.md §1.1).
import type { Transport } from "./transport";
import type { ItemValue, Mailshare, MailshareInput, TaskRef } from "./types";
import { MailshareList } from "./directory-lists";
import { isPermissionDenied } from "./errors";

export interface CachedReadOptions {
  /** Bypass the run cache and refresh it. */
  fresh?: boolean;
}

export class MailshareService {
  private readonly t: Transport;

  constructor(t: Transport) {
    this.t = t;
  }

  /**
   * Creates a mailshare with a client-chosen uid (synchronous; 200 empty).
   * Repeat: "once". A create is never repeated blindly; after an ambiguous failure (answer lost)
   * the uid is read back: present with the same name means the create landed (the uid is ours),
   * absent means it did not and it is sent again; an ALREADY_EXISTS answer to that repeat is
   * checked the same way. Resolves true when the server answered the create, false when a read
   * showed it landed after a lost answer (the mailshare may then have existed before).
   */
  create(domainUid: string, uid: string, mailshare: MailshareInput): Promise<boolean> {
    return this.t.answered({
      endpoint: "IMailshare.create",
      params: { domainUid, uid },
      body: { kind: "json", value: mailshare },
      repeat: "once",
      verify: async () => (await this.getComplete(domainUid, uid))?.value.name === mailshare.name,
      invalidates: { domain: domainUid, entry: uid },
    });
  }

  /**
   * Full replace of the mailshare (not a patch: omitted emails are removed, `quota: null` re-applies
   * the domain default, `card: null` keeps the card). Repeat: "replace" — sending the same full
   * value twice leaves the same state.
   */
  update(domainUid: string, uid: string, mailshare: MailshareInput): Promise<void> {
    return this.t.void({
      endpoint: "IMailshare.update",
      params: { domainUid, uid },
      body: { kind: "json", value: mailshare },
      repeat: "replace",
      invalidates: { domain: domainUid, entry: uid },
    });
  }

  /** The mailshare, or null when the uid is unknown (BlueMind answers 204). */
  getComplete(domainUid: string, uid: string): Promise<ItemValue<Mailshare> | null> {
    return this.t.json<ItemValue<Mailshare>>({
      endpoint: "IMailshare.getComplete",
      params: { domainUid, uid },
      repeat: "read",
    });
  }

  /**
   * The domain's mailshares as the run knows them: the `_complete` list read once, each mailshare
   * written since read again alone when next needed (directory-lists.ts).
   */
  private listed(domainUid: string, options: CachedReadOptions): MailshareList {
    const list = this.t.cache.collection(domainUid, "IMailshare.allComplete", () => new MailshareList(
      () => this.t.list<ItemValue<Mailshare>>({ endpoint: "IMailshare.allComplete", params: { domainUid }, repeat: "read" }),
      (uid) => this.getComplete(domainUid, uid),
    ));
    if (options.fresh) list.forget();
    return list;
  }

  /** Every mailshare of the domain (hidden and system ones included), from the run's list. */
  allComplete(domainUid: string, options: CachedReadOptions = {}): Promise<ItemValue<Mailshare>[]> {
    return this.listed(domainUid, options).all();
  }

  /**
   * The mailshare `uid` from the run's list (null when the server has none): no request once
   * listed. A caller who may read one mailshare but not list them all (a user's key with rights on
   * a few) reads it alone.
   */
  find(domainUid: string, uid: string): Promise<ItemValue<Mailshare> | null> {
    return this.fromList(domainUid, (list) => list.get(uid), () => this.getComplete(domainUid, uid));
  }

  /** Whether the mailshare exists, as `find` knows it (nothing copied). */
  exists(domainUid: string, uid: string): Promise<boolean> {
    return this.fromList(domainUid, (list) => list.has(uid), async () => (await this.getComplete(domainUid, uid)) !== null);
  }

  private async fromList<T>(domainUid: string, fromList: (list: MailshareList) => Promise<T>, alone: () => Promise<T>): Promise<T> {
    try {
      return await fromList(this.listed(domainUid, {}));
    } catch (err) {
      if (!isPermissionDenied(err)) throw err;
      return alone();
    }
  }

  /** A mailshare by its (fixed) name, from the run's list; null when none. */
  findByName(domainUid: string, name: string, options: CachedReadOptions = {}): Promise<ItemValue<Mailshare> | null> {
    return this.listed(domainUid, options).byName(name);
  }

  /**
   * Forgets what the run read of mailshare `uid` (after a task changed it, or before a read that
   * must see the server as it is now): the next read fetches it alone.
   */
  expire(domainUid: string, uid: string): void {
    this.t.cache.invalidateAfter({ domain: domainUid, entry: uid });
  }

  /**
   * Deletes the mailshare asynchronously; follow the returned task (an unknown uid still returns a
   * task, which ends InError). Repeat: "once" — it starts a task; after an ambiguous failure the
   * client throws OutcomeUnknownError and the caller re-reads (`getComplete`) before deciding.
   */
  delete(domainUid: string, uid: string): Promise<TaskRef> {
    return this.t.required<TaskRef>({
      endpoint: "IMailshare.delete",
      params: { domainUid, uid },
      repeat: "once",
      invalidates: { domain: domainUid, entry: uid },
    });
  }

  /**
   * Sets the photo (any image ImageIO reads; stored re-encoded as PNG, < 1 MiB). Sent as
   * `application/octet-stream`: BlueMind ignores `@Consumes("image/png")` and would parse an
   * `image/png` body as JSON. Repeat: "replace".
   */
  setPhoto(domainUid: string, uid: string, image: Buffer): Promise<void> {
    return this.t.void({
      endpoint: "IMailshare.setPhoto",
      params: { domainUid, uid },
      body: { kind: "bytes", value: image },
      repeat: "replace",
      invalidates: { domain: domainUid, entry: uid },
    });
  }

  /** The stored PNG, or BlueMind's blank PNG when there is none (never 204/404). */
  getPhoto(domainUid: string, uid: string): Promise<Buffer> {
    return this.t.bytes({
      endpoint: "IMailshare.getPhoto",
      params: { domainUid, uid },
      accept: "image/png",
      repeat: "read",
    });
  }

  /** Removes the photo; a no-op when there is none. Repeat: "replace" (idempotent). */
  deletePhoto(domainUid: string, uid: string): Promise<void> {
    return this.t.void({
      endpoint: "IMailshare.deletePhoto",
      params: { domainUid, uid },
      repeat: "replace",
      invalidates: { domain: domainUid, entry: uid },
    });
  }

  /** The 22×22 icon (or a blank PNG). */
  getIcon(domainUid: string, uid: string): Promise<Buffer> {
    return this.t.bytes({
      endpoint: "IMailshare.getIcon",
      params: { domainUid, uid },
      accept: "image/png",
      repeat: "read",
    });
  }
}
