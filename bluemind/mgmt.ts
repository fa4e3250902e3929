// IMailboxMgmt — /api/mgmt/mailbox/{domainUid}: index maintenance tasks (docs/bluemind-api.md §2.10).
// Every call starts a task with a random id. Repeat: "once" for all of them — repeating would start
// a second task, so an ambiguous failure is an OutcomeUnknownError and the caller decides.
import type { Transport } from "./transport";
import type { TaskRef } from "./types";

export class MailboxMgmtService {
  private readonly t: Transport;

  constructor(t: Transport) {
    this.t = t;
  }

  /** "Consolidate mailbox index": re-synchronises the mailbox's search index. */
  consolidateMailbox(domainUid: string, mailboxUid: string): Promise<TaskRef> {
    return this.t.required<TaskRef>({ endpoint: "IMailboxMgmt.consolidateMailbox", params: { domainUid, mailboxUid }, repeat: "once" });
  }

  /** Deletes the mailbox's index records (result = the number deleted). */
  resetMailbox(domainUid: string, mailboxUid: string): Promise<TaskRef> {
    return this.t.required<TaskRef>({ endpoint: "IMailboxMgmt.resetMailbox", params: { domainUid, mailboxUid }, repeat: "once" });
  }

  /** Deletes the index, then re-synchronises it. */
  respawnMailbox(domainUid: string, mailboxUid: string): Promise<TaskRef> {
    return this.t.required<TaskRef>({ endpoint: "IMailboxMgmt.respawnMailbox", params: { domainUid, mailboxUid }, repeat: "once" });
  }

  /** Consolidates every internally-routed mailbox of the domain. */
  consolidateDomain(domainUid: string): Promise<TaskRef> {
    return this.t.required<TaskRef>({ endpoint: "IMailboxMgmt.consolidateDomain", params: { domainUid }, repeat: "once" });
  }
}
