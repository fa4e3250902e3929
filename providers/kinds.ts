// The resource kinds and their place in a mailshare's resource set, said once. The Pulumi program
// (program/stack.ts: dependsOn, retainOnDelete), the CLI's apply order (cli/engine/apply.ts) and
// every provider's replacement rule read them from here.
//
// Phases order the writes of one mailshare: the mailshare first (its parts need it), its aliases
// next (identities may send from an alias), then the parts that only read the addresses, and
// maintenance last (it works on the mailbox as configured). A part depends on every part of an
// earlier phase. Identities being deleted go first of all, before their address can disappear.
//
// Lifetime: the "mailshare" parts exist exactly as long as their mailshare — one each, declared even
// when the YAML lists nothing (an absent list means none, so console additions show as drift) and
// retained with it; "listed" parts are one per item the YAML lists and come and go with them.
//
// Replacement: the filter and auto-reply of another mailshare (or domain) are another object, and so
// is a maintenance action of another operation: replaced, the old one's slice is cleared first. The
// sharing list, aliases and identities are instead written to the mailshare now named, leaving the
// old mailshare's own as they are (clearing them could strip a mailshare still in use elsewhere). A
// Mailshare is never replaced: its mail would be lost (a rename is refused at check instead).

/** Resource kinds, as in the type token `pulumi-nodejs:dynamic/bluemind:<Kind>`. */
export type ResourceKind =
  | "Mailshare" | "MailshareAliases" | "MailshareAcl" | "MailshareAutoReply" | "MailshareFilters"
  | "MailshareIdentity" | "MailshareMaintenance";

export interface KindTraits {
  phase: 1 | 2 | 3 | 4;
  lifetime: "root" | "mailshare" | "listed";
  replaceOn: readonly string[];
}

const OTHER_MAILSHARE = ["domain", "mailshare"] as const;

export const KINDS: Readonly<Record<ResourceKind, KindTraits>> = {
  Mailshare: { phase: 1, lifetime: "root", replaceOn: [] },
  MailshareAliases: { phase: 2, lifetime: "mailshare", replaceOn: [] },
  MailshareAcl: { phase: 3, lifetime: "mailshare", replaceOn: [] },
  MailshareAutoReply: { phase: 3, lifetime: "mailshare", replaceOn: OTHER_MAILSHARE },
  MailshareFilters: { phase: 3, lifetime: "mailshare", replaceOn: OTHER_MAILSHARE },
  MailshareIdentity: { phase: 3, lifetime: "listed", replaceOn: [] },
  MailshareMaintenance: { phase: 4, lifetime: "listed", replaceOn: [...OTHER_MAILSHARE, "operation"] },
};

/** Where a change goes in a mailshare's order of writes (identity deletes before everything). */
export const writePhase = (kind: ResourceKind, action: string): number =>
  kind === "MailshareIdentity" && action === "delete" ? 0 : KINDS[kind].phase;
