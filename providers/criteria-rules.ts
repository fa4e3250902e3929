// Canonical filters ↔ the filter rules of a 4.x BlueMind: `MailFilter.Rule { name, criteria, star,
// read, delete, discard, forward, deliver, active, stop }`, its conditions one `FIELD:MATCHTYPE:
// value` line each, all of which must hold (docs/bluemind-versions.md has the sources). Rules are
// written in the form the admin console writes them, so that a console rule and the same declared
// rule read back alike.
//
// What a 4.x rule cannot express is refused before anything is written (`criteriaRefusals`, from
// the filters provider's check); what a 4.x server stores that the format cannot say reads back as
// an `{ unsupported }` marker (filter-rules.ts), so it shows as drift and is never rewritten unseen.
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import type { CriteriaRule } from "../bluemind/types";
import type { Action, Condition, Filter, PresenceOp, TextField, TextOp } from "../desired/model";
import { addressSet } from "../desired/normalise";
import { formatPath } from "../desired/errors";
import { withDistinctNames, type LiveFilter, type Unsupported } from "./filter-rules";

/** The criteria of a rule without conditions (SieveWriter writes it as `true`). */
const MATCH_ALL = "MATCHALL";

/** The 4.x criteria of the fields it has; TO is To or Cc (`address ["to", "cc"]`). */
const CRITERIA: Partial<Record<TextField, string>> = { from: "FROM", toOrCc: "TO", subject: "SUBJECT", body: "BODY" };

const MATCH_TYPES: Record<TextOp | PresenceOp, string> = {
  is: "IS", isNot: "ISNOT", contains: "CONTAINS", notContains: "DOESNOTCONTAIN", matches: "MATCHES",
  notMatches: "DOESNOTMATCH", exists: "EXISTS", notExists: "DOESNOTEXIST",
};

/** A header name as the desired-state schema accepts it: printable ASCII without space or ':'. */
const HEADER_NAME = /^[!-9;-~]+$/;

/** Fields whose presence a 4.x rule tests as presence of the header of that name (`exists ["FROM"]`). */
const PRESENCE_FIELDS: readonly TextField[] = ["from", "subject"];

const isPresence = (op: string): op is PresenceOp => op === "exists" || op === "notExists";

const kindOf = (a: Action) => Object.keys(a)[0];

// ---------------------------------------------------------------------------------------------
// What 4.x cannot express.

function conditionRefusals(c: Condition, at: (string | number)[], release: string): CheckFailure[] {
  const fail = (key: string, reason: string): CheckFailure[] => [{ property: formatPath([...at, key]), reason: `${release} ${reason}` }];
  if ("header" in c) {
    const criterion = Object.entries(CRITERIA).find(([, name]) => name === c.header);
    if (criterion) {
      const other = c.header[0] + c.header.slice(1).toLowerCase();
      return fail("header", `reads a header named ${c.header} as its own ${criterion[0]} condition: write the name in another case (header names are case-insensitive), e.g. ${other}`);
    }
  } else if (c.field === "size") {
    return fail("field", "filter rules have no size condition (a 4.x rule tests from, toOrCc, subject, body and headers)");
  } else if (c.field === "to" || c.field === "cc") {
    return fail("field", `has no condition on ${c.field === "to" ? "To" : "Cc"} alone: its recipient condition looks at To and Cc together (field: toOrCc)`);
  } else if (isPresence(c.op) && !PRESENCE_FIELDS.includes(c.field)) {
    return fail("op", c.field === "body"
      ? "cannot test whether a message has a body"
      : "tests the presence of the To header only, not of To or Cc: use header: To (or header: Cc)");
  }
  if ("value" in c && /[\r\n]/.test(String(c.value))) return fail("value", "keeps each condition on one line: a value cannot contain a line break");
  return [];
}

function actionRefusals(actions: readonly Action[], at: (string | number)[], release: string): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (path: (string | number)[], reason: string) => failures.push({ property: formatPath([...at, ...path]), reason: `${release} ${reason}` });
  const seen = new Set<string>();
  actions.forEach((a, k) => {
    const kind = kindOf(a);
    if (seen.has(kind)) fail([k], `rules have each action once: a second ${kind} cannot be written`);
    seen.add(kind);
    if ("copyTo" in a) fail([k, "copyTo"], "rules cannot copy a message to a folder, only move it (moveTo)");
    if ("delete" in a) fail([k, "delete"], "stores a rule's delete flag but does not act on it (its sieve script has no delete): use discard, or moveTo: Trash");
    if ("forwardTo" in a && a.asAttachment) fail([k, "asAttachment"], "forwards only by redirecting the message, not as an attachment");
    if ("moveTo" in a && a.moveTo.includes("\\")) fail([k, "moveTo"], "writes the folder into its sieve script unescaped: a folder name cannot contain \\");
    if ("markAsImportant" in a && seen.has("markAsRead") || "markAsRead" in a && seen.has("markAsImportant")) {
      // Its sieve template runs `setflag` once per flag, and each setflag replaces the flags set before.
      fail([k, kind], "cannot mark a message both read and important: its sieve script sets one flag after the other, and the second replaces the first");
    }
  });
  return failures;
}

/**
 * Every part of `filters` a 4.x rule cannot express, as check failures naming the field
 * (`filters[0].conditions[1].field`); `version` is the server's (`4.8.0`).
 */
export function criteriaRefusals(filters: readonly Filter[], version: string): CheckFailure[] {
  const release = `BlueMind ${version}`;
  return filters.flatMap((f, i) => [
    ...(f.match === "any" && f.conditions.length > 1
      ? [{ property: formatPath(["filters", i, "match"]), reason: `${release} requires every condition of a rule to hold (it has no "any"): use match: all, or one rule per condition` }]
      : []),
    ...f.conditions.flatMap((c, j) => conditionRefusals(c, ["filters", i, "conditions", j], release)),
    ...actionRefusals(f.actions, ["filters", i, "actions"], release),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Canonical → 4.x.

function criterionOf(c: Condition): string {
  const target = "header" in c ? c.header : CRITERIA[c.field as TextField];
  if (target === undefined) throw new Error(`cannot write a ${(c as { field: string }).field} condition to a 4.x rule`);
  return `${target}:${MATCH_TYPES[c.op as TextOp | PresenceOp]}: ${"value" in c ? c.value : ""}\n`;
}

/**
 * The rule the admin console writes for `f` (checked with criteriaRefusals first). `mailshare` is
 * the mailshare's name: its console names its folders `<name>/<folder>`, and 4.x files into
 * `<folder>` of the mailshare for such a name (SieveWriter strips the prefix).
 */
export function filterToCriteriaRule(f: Filter, mailshare: string): CriteriaRule {
  const has = (kind: string) => f.actions.some((a) => kindOf(a) === kind);
  const move = f.actions.find((a): a is { moveTo: string } => "moveTo" in a);
  const forward = f.actions.find((a): a is Extract<Action, { forwardTo: string[] }> => "forwardTo" in a);
  return {
    name: f.name,
    criteria: f.conditions.length === 0 ? MATCH_ALL : f.conditions.map(criterionOf).join(""),
    star: has("markAsImportant"),
    read: has("markAsRead"),
    delete: false,
    discard: has("discard"),
    forward: forward ? { enabled: true, localCopy: forward.keepCopy, emails: [...forward.forwardTo] } : { enabled: false, localCopy: false, emails: [] },
    deliver: move ? `${mailshare}/${move.moveTo}` : null,
    active: f.active,
    stop: f.stop,
  };
}

// ---------------------------------------------------------------------------------------------
// 4.x → canonical.

const marker = (what: string): Unsupported => ({ unsupported: what });

/** One criteria line as RuleParser reads it (`FIELD:MATCHTYPE: value`). */
function conditionOf(line: string): Condition | Unsupported {
  const unsupported = marker(`4.x condition ${JSON.stringify(line)}`);
  const colon = line.indexOf(":");
  const separator = line.indexOf(": ", colon + 1);
  if (colon < 0 || separator < 0) return unsupported;
  const target = line.slice(0, colon);
  const op = (Object.keys(MATCH_TYPES) as (TextOp | PresenceOp)[]).find((o) => MATCH_TYPES[o] === line.slice(colon + 1, separator));
  const field = (Object.keys(CRITERIA) as TextField[]).find((f) => CRITERIA[f] === target);
  if (op === undefined || (field === undefined && !HEADER_NAME.test(target))) return unsupported;
  const subject = field ? { field } : { header: target };
  // Presence ignores the value; FROM and SUBJECT test the header of that name, TO only To, BODY nothing meaningful.
  if (isPresence(op)) return field && !PRESENCE_FIELDS.includes(field) ? unsupported : ({ ...subject, op } as Condition);
  return { ...subject, op, value: line.slice(separator + 2) } as Condition;
}

function conditionsOf(criteria: string | null): (Condition | Unsupported)[] {
  if (!criteria) return [marker("rule: no criteria (BlueMind 4.x does not run a rule without criteria)")];
  // Java's split: trailing empty strings dropped (the console ends every line with "\n").
  const lines = criteria.split("\n");
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 1 && lines[0] === MATCH_ALL) return [];
  return lines.map(conditionOf);
}

function actionsOf(rule: CriteriaRule, mailshare: string): (Action | Unsupported)[] {
  const actions: (Action | Unsupported)[] = [];
  if (rule.star) actions.push({ markAsImportant: true });
  if (rule.read) actions.push({ markAsRead: true });
  if (rule.deliver !== null && rule.deliver !== undefined && rule.deliver !== "") {
    const prefix = `${mailshare}/`;
    if (rule.deliver.trim() === "") actions.push(marker(`action deliver ${JSON.stringify(rule.deliver)}`));
    else actions.push({ moveTo: rule.deliver.startsWith(prefix) ? rule.deliver.slice(prefix.length) : rule.deliver });
  }
  if (rule.discard) actions.push({ discard: true });
  // The sieve script redirects to every address whatever `enabled` says (the admin console leaves it false).
  const emails = (rule.forward?.emails ?? []).filter((e): e is string => typeof e === "string");
  if (emails.length > 0) actions.push({ forwardTo: addressSet(emails), keepCopy: rule.forward.localCopy === true, asAttachment: false });
  if (rule.delete) actions.push(marker("action delete (BlueMind 4.x stores it but does not act on it)"));
  return actions;
}

/** `actions` in the order of the declared ones where they match: a 4.x rule has no action order. */
function orderedLike(actions: (Action | Unsupported)[], declared: readonly Action[] | undefined): (Action | Unsupported)[] {
  if (!declared) return actions;
  const rank = (a: Action | Unsupported) => {
    const i = declared.findIndex((d) => JSON.stringify(d) === JSON.stringify(a));
    return i < 0 ? declared.length : i;
  };
  return [...actions].sort((a, b) => rank(a) - rank(b));
}

/**
 * The rules of a 4.x filter as canonical filters, in order, markers where the format cannot say
 * what is stored. `desired` (the declared filters) decides only what 4.x does not record: the
 * match mode of a rule with fewer than two conditions, and the order of its actions.
 */
export function criteriaRulesToFilters(rules: readonly CriteriaRule[], mailshare: string, desired: readonly Filter[] = []): LiveFilter[] {
  return withDistinctNames(rules.map((rule) => {
    const declared = desired.find((f) => f.name === rule.name);
    const conditions = conditionsOf(rule.criteria);
    return {
      name: rule.name ?? "",
      active: rule.active !== false,
      match: conditions.length < 2 && declared ? declared.match : "all",
      conditions,
      actions: orderedLike(actionsOf(rule, mailshare), declared?.actions),
      stop: rule.stop !== false,
    };
  }));
}
