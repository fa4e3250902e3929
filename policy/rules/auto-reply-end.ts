// auto-reply-end: an auto-reply stops on its own. One that never ends keeps answering every sender
// long after the reason is gone (and tells strangers the mailbox is unattended).
import { formatDate } from "../../desired/dates";
import type { Rule, RuleParams } from "../model";

export interface AutoReplyEndParams extends RuleParams {
  maxDays: number;
}

const DAY_MS = 86_400_000;

export const autoReplyEnd: Rule<AutoReplyEndParams> = {
  id: "auto-reply-end",
  description: "an enabled auto-reply has an end date at most maxDays after its start (or after today)",
  fields: ["autoReply"],
  check(subject, params, context) {
    const reply = subject.autoReply;
    if (!reply || !reply.enabled) return [];
    if (reply.end === null) return [{ path: ["autoReply"], message: `the auto-reply never ends: give it an end date at most ${params.maxDays} days after it starts` }];
    // Measured from the start, or from today for one already running (or with no start).
    const from = Math.max(reply.start ?? context.now, context.now);
    const latest = from + params.maxDays * DAY_MS;
    if (reply.end <= latest) return [];
    const days = Math.ceil((reply.end - from) / DAY_MS);
    const since = reply.start !== null && reply.start > context.now ? `its start (${formatDate(reply.start)})` : "today";
    return [{ path: ["autoReply", "end"], message: `the auto-reply ends ${formatDate(reply.end)}, ${days} days after ${since}: at most ${params.maxDays} days allowed` }];
  },
};
