// What a reviewer must not miss, over the whole plan, from each mailshare's impact (impact.ts): the
// mail deletions lose, the mail that starts leaving the organisation, and access gained and lost in
// people. The text plan prints it before its totals, the Markdown plan above its table; each
// mailshare's own impact keeps the details. Lists are biggest first and cut by the renderer.
import { SHARE_LEVELS } from "../../desired/model";
import { plural } from "./format";
import type { Plan } from "./model";
import type { OutsideMail } from "./impact";

export interface DeletionItem {
  mailshare: string;
  usedKiB: number;
  messages: number | null;
}

export interface OutsideItem {
  mailshare: string;
  mail: OutsideMail;
}

export interface AccessTotals {
  /** Distinct people per change, over every mailshare. */
  gain: number;
  lose: number;
  change: number;
  /** People who get `manage` (change the sharing) or `write` (send as the mailshare) where they had less. */
  gainManage: number;
  gainWrite: number;
  mailshares: number;
}

export interface ImpactSummary {
  deletions: DeletionItem[];
  outside: OutsideItem[];
  access: AccessTotals;
}

const rank = (level: string) => (SHARE_LEVELS as readonly string[]).indexOf(level);

export function impactSummary(plan: Plan): ImpactSummary {
  const deletions: DeletionItem[] = [];
  const outside: OutsideItem[] = [];
  const sets = { gain: new Set<string>(), lose: new Set<string>(), change: new Set<string>(), gainManage: new Set<string>(), gainWrite: new Set<string>() };
  let mailshares = 0;
  for (const m of plan.mailshares) {
    const impact = m.impact;
    if (!impact) continue;
    const name = `${m.domain}/${m.name}`;
    if (impact.loss) deletions.push({ mailshare: name, usedKiB: impact.loss.usedKiB, messages: impact.loss.messages });
    for (const mail of impact.outside) if (mail.starts === "now") outside.push({ mailshare: name, mail });
    if (impact.people.length > 0) mailshares++;
    for (const p of impact.people) {
      (p.before === "none" ? sets.gain : p.after === "none" ? sets.lose : sets.change).add(p.user);
      for (const level of ["manage", "write"] as const) {
        if (p.after === level && rank(p.before) < rank(level)) (level === "manage" ? sets.gainManage : sets.gainWrite).add(p.user);
      }
    }
  }
  deletions.sort((a, b) => b.usedKiB - a.usedKiB || a.mailshare.localeCompare(b.mailshare));
  return {
    deletions, outside,
    access: {
      gain: sets.gain.size, lose: sets.lose.size, change: sets.change.size,
      gainManage: sets.gainManage.size, gainWrite: sets.gainWrite.size, mailshares,
    },
  };
}

export const hasImpact = (s: ImpactSummary) => s.deletions.length + s.outside.length + s.access.mailshares > 0;

const UNITS: [string, number][] = [["TiB", 1024 ** 3], ["GiB", 1024 ** 2], ["MiB", 1024]];

/** A size for reading at a glance: `2 GiB`, `1.4 GiB`, `300 KiB` (plan --json has the exact KiB). */
export function readableSize(kib: number): string {
  for (const [unit, factor] of UNITS) {
    if (kib >= factor) return `${Number.isInteger(kib / factor) ? kib / factor : (kib / factor).toFixed(1)} ${unit}`;
  }
  return `${kib} KiB`;
}

const count = (n: number) => n.toLocaleString("en");

export const messagesText = (n: number) => `${count(n)} message${n === 1 ? "" : "s"}`;

/** `2 GiB of mail (1,234 messages)`; the count is left out when BlueMind could not give it. */
export const mailText = (kib: number, messages: number | null) => `${readableSize(kib)} of mail${messages === null ? "" : ` (${messagesText(messages)})`}`;

/** The headline of the deletions: how many, and all the mail they hold. */
export function deletionsHeadline(items: readonly DeletionItem[]): string {
  const kib = items.reduce((sum, d) => sum + d.usedKiB, 0);
  const uncounted = items.filter((d) => d.messages === null).length;
  const messages = items.reduce((sum, d) => sum + (d.messages ?? 0), 0);
  const counted = uncounted === 0 ? ` (${messagesText(messages)})` : uncounted === items.length ? "" : ` (${messagesText(messages)}, and ${plural(uncounted, "mailshare")} not counted)`;
  return `${plural(items.length, "mailshare")} deleted with ${readableSize(kib)} of mail${counted}`;
}

/** How outside mail goes: `the mailbox's forwarding`, `filter rule "x", redirect: no copy kept`. */
export function outsideMeans(mail: OutsideMail): string {
  switch (mail.kind) {
    case "forwarding": return "the mailbox's forwarding";
    case "rule-forward": return `filter rule ${JSON.stringify(mail.rule)}, forward`;
    case "rule-redirect": return `filter rule ${JSON.stringify(mail.rule)}, redirect: no copy kept`;
    case "auto-reply": return "the auto-reply answers every sender";
  }
}

export function outsideHeadline(items: readonly OutsideItem[]): string {
  const addresses = new Set(items.flatMap((o) => (o.mail.address ? [o.mail.address] : []))).size;
  const replies = items.filter((o) => o.mail.kind === "auto-reply").length;
  return [addresses > 0 ? `${addresses} outside ${addresses === 1 ? "address starts" : "addresses start"} receiving mail` : "",
    replies > 0 ? `${plural(replies, "auto-reply")} start${replies === 1 ? "s" : ""} answering outside senders` : ""].filter((p) => p !== "").join("; ");
}

/** `12 people gain access, 3 lose it, 1 changes level; 1 gains manage (on 4 mailshares)`. */
export function accessLine(a: AccessTotals): string {
  const people = (n: number, one: string, many: string) => `${n} ${n === 1 ? `person ${one}` : `people ${many}`}`;
  // The first part says "people", the others only their number.
  const moves = [
    a.gain > 0 ? people(a.gain, "gains access", "gain access") : "",
    a.lose > 0 ? (a.gain > 0 ? `${a.lose} lose${a.lose === 1 ? "s" : ""} it` : people(a.lose, "loses access", "lose access")) : "",
    a.change > 0 ? (a.gain + a.lose > 0 ? `${a.change} change${a.change === 1 ? "s" : ""} level` : people(a.change, "changes level", "change level")) : "",
  ].filter((p) => p !== "");
  const raised = [
    a.gainManage > 0 ? `${a.gainManage} gain${a.gainManage === 1 ? "s" : ""} manage` : "",
    a.gainWrite > 0 ? `${a.gainWrite} gain${a.gainWrite === 1 ? "s" : ""} write (send as)` : "",
  ].filter((p) => p !== "");
  return `${moves.join(", ")}${raised.length > 0 ? `; ${raised.join(", ")}` : ""} (on ${plural(a.mailshares, "mailshare")})`;
}

/** How a rendering writes a summary entry: names (mailshares, addresses) and the words around them. */
export interface EntryStyle {
  name(text: string): string;
  words(text: string): string;
}

export const PLAIN_ENTRY: EntryStyle = { name: (t) => t, words: (t) => t };

/** `acme.test/archive: 2 GiB of mail (1,234 messages)`. */
export const deletionEntry = (d: DeletionItem, w: EntryStyle = PLAIN_ENTRY) => `${w.name(d.mailshare)}: ${w.words(mailText(d.usedKiB, d.messages))}`;

/** `acme.test/help → boss@gmail.com (the mailbox's forwarding)`, or `acme.test/help: the auto-reply answers every sender`. */
export const outsideEntry = (o: OutsideItem, w: EntryStyle = PLAIN_ENTRY) => (o.mail.address
  ? `${w.name(o.mailshare)} → ${w.name(o.mail.address)} (${w.words(outsideMeans(o.mail))})`
  : `${w.name(o.mailshare)}: ${w.words(outsideMeans(o.mail))}`);
