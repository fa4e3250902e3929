// IMailboxFoldersByContainer — /api/mail_folders_container/{container}: a mailbox's folders, named by
// the mailbox's subtree container. Only its search is used: with no folder and no text, its
// `totalResults` is the number of messages BlueMind's full-text index holds for the whole mailbox,
// every folder included — one request, however many folders (docs/policy.md, "Impact in plans").
import type { Transport } from "./transport";
import type { MailboxFolderSearchQuery, MailSearchResult } from "./types";

/**
 * IMailReplicaUids.subtreeUid for a mailshare: `subtree_<domain, dots as underscores>!<uid>` (a
 * mailshare's namespace prefix is empty; a user's would be `user.`).
 */
export const mailshareSubtreeUid = (domainUid: string, uid: string) => `subtree_${domainUid.replace(/\./g, "_")}!${uid}`;

/** Every message, no page: only the count is wanted. */
const COUNT_ONLY: MailboxFolderSearchQuery = {
  query: { query: null, maxResults: 0, offset: 0, scope: { folderScope: null, isDeepTraversal: false } },
};

export class MailFolderService {
  private readonly t: Transport;

  constructor(t: Transport) {
    this.t = t;
  }

  /**
   * Searches the mailbox's index. BlueMind checks Read on the mailbox (admin0 always passes; a
   * domain administrator's roles give Manage, not Read: PermissionDeniedError), and answers an
   * empty result, not an error, when the index cannot be searched.
   */
  searchItems(container: string, query: MailboxFolderSearchQuery): Promise<MailSearchResult> {
    return this.t.required<MailSearchResult>({
      endpoint: "IMailboxFoldersByContainer.searchItems", params: { container }, body: { kind: "json", value: query }, repeat: "read",
    });
  }

  /** The messages of mailshare `uid` as the search index counts them (deleted-flagged ones excluded). */
  async countMailshareMessages(domainUid: string, uid: string): Promise<number> {
    return (await this.searchItems(mailshareSubtreeUid(domainUid, uid), COUNT_ONLY)).totalResults;
  }
}
