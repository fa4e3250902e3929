// What a plan holds: per mailshare, each resource's action (create / update / delete / unchanged),
// why, and what changes field by field, plus what the files do not manage and what could not be
// read. `plan`, `apply`, `drift` and `start` all work from this one structure; render.ts turns it
// into text, Markdown or the versioned JSON of schemas/plan.schema.json.
import { ReportedFailure } from "../command";
import type { Declaration } from "../../desired/model";
import type { Change } from "../../providers/diff";
import type { Props } from "../../providers/base";
import type { ResourceKind } from "../../providers/kinds";
import type { Violation } from "../../policy/model";
import type { Impact } from "./impact";

export type Action = "create" | "update" | "delete" | "unchanged";

/** A unified diff of a long text (signature, auto-reply message or HTML, filter set as YAML). */
export interface TextDiff {
  /** The field, as in `changes` (`signature`, `autoReply.message`, `filters`). */
  path: string;
  /** Unified diff from the live text (`---`) to the desired one (`+++`). */
  patch: string;
}

export interface ResourcePlan {
  kind: ResourceKind;
  /** The declaration name: `acme.test/support`, `acme.test/support/acl`, `…/identity/Support`. */
  name: string;
  /** The resource id (the mailshare uid for a Mailshare, `<uid>/acl`, an identity id…). */
  id: string;
  action: Action;
  /** Why, in a few words a person can act on. */
  reason: string;
  /** Field-level changes, live → desired (for a create: every field set; for a delete: every field removed). */
  changes: Change[];
  diffs: TextDiff[];
  /** The checked desired inputs (create, update) or the live state (delete); what apply sends. */
  inputs: Props;
  /** The live state as read (inputs and outputs), passed to update and delete; null when absent. */
  live: Props | null;
}

export interface MailsharePlan {
  domain: string;
  name: string;
  uid: string;
  /** Where the files declare it; null for an undeclared mailshare being deleted. */
  declaredAt: Declaration | null;
  /** `adopt: true` and the mailshare exists under a uid bmshare did not derive (made in the console). */
  adopted: boolean;
  /** create / delete when the mailshare itself is; update when any part changes; else unchanged. */
  action: Action;
  resources: ResourcePlan[];
  /** Who gains or loses access, mail that starts leaving the organisation, what a deletion takes (plan and apply). */
  impact?: Impact | null;
}

/** A mailshare of a managed domain that no file declares: left alone (or deleted, see plan.ts). */
export interface UnmanagedMailshare {
  domain: string;
  name: string;
  uid: string;
  hidden: boolean;
  /** The deletion policy bmshare recorded on it (`bmshare.deletionPolicy`), null when it has none. */
  deletionPolicy: "retain" | "delete" | null;
  /** The owner label recorded on it (`bmshare.owner`), null when none. */
  owner: string | null;
  note: string;
}

/** An identity of a managed mailshare that the files do not declare and bmshare did not create. */
export interface UnmanagedIdentity {
  domain: string;
  mailshare: string;
  mailshareUid: string;
  id: string;
  name: string;
  email: string;
  note: string;
}

/** A read that failed (docs/architecture.md, rule 5: never reported as absent). */
export interface Unreadable {
  domain: string;
  /** The mailshare concerned, null for a domain-wide listing. */
  mailshare: string | null;
  kind: ResourceKind | null;
  /** What could not be read: a resource name, or `identities of …` / `mailshares of …`. */
  name: string;
  error: string;
}

export interface Summary {
  create: number;
  update: number;
  delete: number;
  unchanged: number;
}

/** A policy file a plan was checked against: a saved plan records it, and apply --plan compares. */
export interface PlanPolicy {
  file: string;
  /** `sha256:<hex>` of its text. */
  sha256: string;
  /** Whether `--policy FILE` added it (apply --plan reads it again; the others are found again). */
  given: boolean;
}

export interface Plan {
  /** The YAML files read, in order. */
  files: string[];
  /** The owners of those files: only mailshares recorded with one of them may be deleted. */
  owners: string[];
  /** Declared mailshares (sorted by domain, then name) and undeclared ones being deleted. */
  mailshares: MailsharePlan[];
  unmanaged: { mailshares: UnmanagedMailshare[]; identities: UnmanagedIdentity[] };
  unreadable: Unreadable[];
  /** The policy files the files were checked against (policy/), farthest first. */
  policies: PlanPolicy[];
  /** What those policies find in the files, in file order. */
  violations: Violation[];
  summary: Summary;
}

export const hasChanges = (s: Summary) => s.create + s.update + s.delete > 0;

export function summarise(mailshares: readonly MailsharePlan[]): Summary {
  const summary: Summary = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const m of mailshares) for (const r of m.resources) summary[r.action]++;
  return summary;
}

export const summaryLine = (s: Summary) =>
  `${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s.unchanged} unchanged`;

/** Why planning stopped before anything was compared: one line per problem, then a count. */
export class PlanFailed extends ReportedFailure {}
