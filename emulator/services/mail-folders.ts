// IMailboxFoldersByContainer — /api/mail_folders_container/{container}: only the search, and only
// what a count needs. The emulator stores no messages: a mailbox's search finds the number of
// messages of State.mailMessages (set by a seed's `mailMessages`, consistent with its `mailUsedKiB`,
// or by a test), and every page is empty. As BlueMind does
// (AbstractByContainerReplicatedMailboxesServiceFactory): the container is `subtree_<domain>!user.<uid>`
// or `subtree_<domain>!<uid>`, the domain's dots written as underscores; another form, or a mailbox
// the domain does not have, is a ServerFault without an error code. BaseReplicatedMailboxesService
// .searchItems then checks Read on the mailbox's ACL container: admin0 passes, a domain
// administrator's roles give Manage, which does not imply Read.
import type { Router } from "../router";
import type { Ctx } from "../context";
import { denied, JavaException, unknownFault } from "../faults";
import { aclUidOf, callerVerbs, findAclContainer } from "./acl";
import type { Verb } from "../model";

const SUBTREE = /^subtree_([^!]*)!(?:user\.)?(.*)$/;

/** The mailbox uid a subtree container names, after the checks BlueMind makes before searching. */
function searchedMailbox(ctx: Ctx): string {
  const match = SUBTREE.exec(ctx.params.container);
  if (!match) throw unknownFault(`Unknown subtree container format '${ctx.params.container}'`);
  const [, partition, uid] = match;
  const d = ctx.emu.store.findDomain(partition.replace(/_/g, "."));
  if (!d || !(d.mailshares[uid] || d.users[uid] || d.groups[uid])) throw unknownFault(`Mailbox not found '${uid}'`);
  const acl = findAclContainer(ctx.emu.store, aclUidOf(uid));
  const held = acl ? callerVerbs(ctx, acl) : new Set<Verb>();
  if (!ctx.session?.admin0 && !ctx.emu.verbs.anyImplies(held, "Read")) {
    throw denied(`${ctx.session?.login ?? "anonymous"} Doesnt have role Read on container ${aclUidOf(uid)}`);
  }
  return uid;
}

export function register(r: Router): void {
  r.post("/api/mail_folders_container/{container}/_search", (ctx) => {
    const uid = searchedMailbox(ctx);
    const body = ctx.object<{ query?: { scope?: unknown } | null }>();
    // MailIndexService.buildEsQuery reads query.scope.folderScope outside its try: a bare NPE.
    if (!body.query || !body.query.scope) throw new JavaException("NullPointerException");
    const total = ctx.emu.store.state.mailMessages?.[uid] ?? 0;
    return { results: [], totalResults: total, hasMoreResults: total > 0 };
  });
}
