// IMailshare — /api/mailshares/{domainUid} (+ the photo endpoints of IDirEntryPhotoSupport).
// The domain parameter accepts the domain uid or any alias (docs/bluemind-api.md §1.1).
import type { Transport } from "./transport";
import type { ItemValue, Mailshare, MailshareInput, TaskRef } from "./types";

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
   * checked the same way.
   */
  create(domainUid: string, uid: string, mailshare: MailshareInput): Promise<void> {
    return this.t.void({
      endpoint: "IMailshare.create",
      params: { domainUid, uid },
      body: { kind: "json", value: mailshare },
      repeat: "once",
      verify: async () => (await this.getComplete(domainUid, uid))?.value.name === mailshare.name,
      invalidates: domainUid,
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
      invalidates: domainUid,
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

  /** Every mailshare of the domain (hidden and system ones included), cached for the run. */
  allComplete(domainUid: string, options: CachedReadOptions = {}): Promise<ItemValue<Mailshare>[]> {
    return this.t.cache.get(domainUid, "IMailshare.allComplete", () => this.t.list<ItemValue<Mailshare>>({
      endpoint: "IMailshare.allComplete",
      params: { domainUid },
      repeat: "read",
    }), options.fresh);
  }

  /** A mailshare by its (fixed) name, from the cached `_complete` list; null when none. */
  async findByName(domainUid: string, name: string, options: CachedReadOptions = {}): Promise<ItemValue<Mailshare> | null> {
    const all = await this.allComplete(domainUid, options);
    return all.find((m) => m.value.name === name) ?? null;
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
      invalidates: domainUid,
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
      invalidates: domainUid,
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
      invalidates: domainUid,
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
