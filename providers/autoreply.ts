// `MailshareAutoReply`: the vacation reply of a mailshare — enabled, optional start and end, subject,
// plain-text message and optional HTML. BlueMind stores it as the VACATION rule of the mailbox's
// filter, next to the rules and forwarding that `MailshareFilters` owns.
//
// Writes go through `_vacation`, which upserts the VACATION rule alone (other rules keep their ids,
// the forwarding is untouched: docs/bluemind-api.md §2.3), under the per-mailshare lock because
// MailshareFilters rewrites the whole filter and must carry over the latest vacation. No auto-reply
// (null) and deleting the resource both store a disabled vacation without text.
//
// Reading (BlueMind quirks): without a REPLY action the subject and texts read back as "" (not
// null), so an empty HTML body is no HTML, and a null subject is "" — the canonical form of a reply
// written without subject (BlueMind accepts that only while the reply is disabled: the desired-state
// check refuses an enabled one, as BlueMind's MailFilterValidator does); dates are kept to the second (canonical dates already
// are whole seconds). A disabled vacation without text is no auto-reply. A disabled one that still
// has a text reads as `{ enabled: false, … }` — except against a declared null: BlueMind sends
// nothing either way, so that is not drift (the text stays until the next write).
import type * as pulumi from "@pulumi/pulumi";
import { defineProvider, type Props } from "./base";
import type { Runtime } from "./runtime";
import { mailshareExists, requireMailshare } from "./server";
import { validateSlice } from "./validate";
import type { AutoReply, RawAutoReply } from "../desired/model";
import type { Vacation } from "../bluemind/types";

/** The inputs of a MailshareAutoReply, in canonical form (desired/model.ts). */
export interface MailshareAutoReplyInputs extends Props {
  domain: string;
  /** The mailshare uid (the `uid` output of a Mailshare). */
  mailshare: string;
  /** null = no automatic reply. */
  autoReply: AutoReply | null;
}

const OWNED = ["autoReply"] as const;

const idOf = (m: { mailshare: string }) => `${m.mailshare}/auto-reply`;

/** What BlueMind stores for no auto-reply: disabled, no dates, no REPLY action. */
const NO_VACATION: Vacation = { enabled: false, start: null, end: null, subject: null, text: null, textHtml: null };

export function vacationOf(reply: AutoReply | null): Vacation {
  if (reply === null) return { ...NO_VACATION };
  return { enabled: reply.enabled, start: reply.start, end: reply.end, subject: reply.subject, text: reply.message, textHtml: reply.html };
}

/** The vacation a MailshareFilters write carries for this resource (WriteOptions.carried). */
export const carriedVacation = (inputs: Props): Vacation => vacationOf((inputs as MailshareAutoReplyInputs).autoReply);

/** BlueMind keeps vacation dates to the second. */
const toSecond = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000) * 1000);

/** The canonical auto-reply of a stored vacation; a disabled one without text is none. */
export function autoReplyOf(v: Vacation): AutoReply | null {
  const reply: AutoReply = {
    enabled: v.enabled,
    start: toSecond(v.start ?? null),
    end: toSecond(v.end ?? null),
    subject: v.subject ?? "", // no subject = "" (never an invented default)
    message: v.text ?? "",
    html: v.textHtml || null,
  };
  return !reply.enabled && reply.message === "" && reply.html === null ? null : reply;
}


/**
 * Writes the vacation alone (5.x `_vacation`), or on 4.x, which has no such endpoint, the whole
 * filter read fresh inside the lock with only its vacation replaced.
 */
async function save(rt: Runtime, domain: string, mailshare: string, reply: AutoReply | null): Promise<void> {
  const c = rt.client;
  const caps = await c.capabilities();
  await rt.lock(domain, mailshare, async () => {
    if (caps.filterPartEndpoints) return c.mailboxes.setMailboxVacation(domain, mailshare, vacationOf(reply));
    const filter = await c.mailboxes.getMailboxFilter(domain, mailshare);
    await c.mailboxes.setMailboxFilter(domain, mailshare, { ...filter, vacation: vacationOf(reply) });
  });
}

export const mailshareAutoReplyProvider = defineProvider<MailshareAutoReplyInputs, Props>({
  kind: "MailshareAutoReply",
  inputKeys: ["domain", "mailshare", ...OWNED],

  async check(news, _olds, rt, options) {
    const { domain } = news;
    const { value, failures } = validateSlice(domain, news, OWNED, options);
    if (failures.length > 0) return { inputs: news as MailshareAutoReplyInputs, failures };
    return { inputs: { domain: domain, mailshare: news.mailshare as string, autoReply: value.autoReply }, failures: [] };
  },

  idOf,

  async create(m, rt) {
    await requireMailshare(rt, m.domain, m.mailshare);
    await save(rt, m.domain, m.mailshare, m.autoReply);
    return { id: idOf(m), outs: {} };
  },

  async read(_id, props, rt) {
    const domain = props.domain || rt.defaultDomain as string;
    const c = rt.client;
    if (!(await mailshareExists(rt, domain, props.mailshare))) return null;
    // The vacation comes with the whole filter, which MailshareFilters reads too: one read for both.
    let autoReply = autoReplyOf((await c.mailboxes.filter(domain, props.mailshare)).vacation);
    if (props.autoReply === null && autoReply !== null && !autoReply.enabled) autoReply = null;
    return { inputs: { domain, mailshare: props.mailshare, autoReply }, outs: {} };
  },

  async update(_id, _olds, news, rt) {
    await requireMailshare(rt, news.domain, news.mailshare);
    await save(rt, news.domain, news.mailshare, news.autoReply);
    return {};
  },

  async delete(_id, props, rt) {
    const domain = props.domain || rt.defaultDomain as string;
    if (!(await mailshareExists(rt, domain, props.mailshare))) return;
    await save(rt, domain, props.mailshare, null);
  },
});

export interface MailshareAutoReplyArgs {
  domain?: pulumi.Input<string>;
  /** The mailshare uid: pass a Mailshare's `uid` output. */
  mailshare: pulumi.Input<string>;
  /** Absent or null: no automatic reply. */
  autoReply?: pulumi.Input<RawAutoReply | null>;
}
