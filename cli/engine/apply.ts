// Applying a plan: each mailshare's changes in dependency order, several mailshares at once.
//
// Before a mailshare's first write, each of its changes is checked against the server as the plan
// read it (freshness.ts): what changed since is refused, not overwritten; what is already as planned
// is not written again. Parts of a mailshare the plan creates are not checked while it is still
// absent (nothing could be edited before it existed); once it exists, they are.
//
// Order within a mailshare: the kinds' write phases (providers/kinds.ts) — identities to delete,
// the Mailshare itself, its aliases, then sharing, auto-reply, filters and identities, maintenance last. When one change fails, the mailshare's later
// changes are not attempted (they may depend on it); other mailshares go on. A refused Mailshare or
// aliases change stops the later ones too (they may use its addresses); the other parts are
// independent of each other. An address refused
// as already in use is retried once all the other mailshares are done: it may be moving from a
// mailshare applied later in the same run (mailshares have no order between them). A stop request
// (Ctrl-C) lets the changes in flight finish and starts no other. Every provider operation is
// idempotent, so running `apply` again converges from wherever this one stopped.
import { AsyncLocalStorage } from "node:async_hooks";
import { PROVIDERS } from "../../providers/registry";
import { writePhase } from "../../providers/kinds";
import { isAlreadyExists } from "../../bluemind/errors";
import type { MailsharePlan, Plan, ResourcePlan } from "./model";
import { runPool } from "./pool";
import { freshness } from "./freshness";

export interface Operation {
  mailshare: MailsharePlan;
  resource: ResourcePlan;
}

/** `refused`: changed on the server since the plan, so not written (apply exits 1). */
export type OperationStatus = "applied" | "refused" | "failed" | "not-attempted";

export interface OperationResult extends Operation {
  status: OperationStatus;
  /** failed: the error (the server's message when it gave one); refused, not-attempted: why; applied: a note. */
  message?: string;
}

export interface ApplyOptions {
  /** Mailshares worked on at once. */
  parallel: number;
  /** Aborting stops after the operations in flight. */
  signal?: AbortSignal;
  onStart?(op: Operation): void;
  onEnd?(result: OperationResult): void;
}

export interface ApplyOutcome {
  /** One per planned change, in plan order. */
  results: OperationResult[];
  interrupted: boolean;
}

const phaseOf = (r: ResourcePlan) => writePhase(r.kind, r.action);

/** The changes of one mailshare, in the order they must be applied. */
export function orderedChanges(m: MailsharePlan): ResourcePlan[] {
  return m.resources
    .map((r, index) => ({ r, index }))
    .filter(({ r }) => r.action !== "unchanged")
    .sort((a, b) => phaseOf(a.r) - phaseOf(b.r) || a.index - b.index)
    .map(({ r }) => r);
}

/** The operation being applied in the current async context: provider messages are attributed to it. */
const inFlight = new AsyncLocalStorage<Operation>();
export const currentOperation = (): Operation | undefined => inFlight.getStore();

async function execute(r: ResourcePlan): Promise<void> {
  const provider = PROVIDERS[r.kind];
  switch (r.action) {
    case "create":
      await provider.create(r.inputs);
      return;
    case "update":
      await provider.update!(r.id, r.live ?? {}, r.inputs);
      return;
    case "delete":
      await provider.delete!(r.id, r.inputs);
      return;
    case "unchanged":
      return;
  }
}

/** BlueMind refused an address as in use by another mailbox (it may be moving in this same run). */
const isAddressConflict = (r: ResourcePlan, err: unknown) =>
  (r.kind === "Mailshare" || r.kind === "MailshareAliases") && isAlreadyExists(err);

interface Unit {
  mailshare: MailsharePlan;
  changes: ResourcePlan[];
}

export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyOutcome> {
  const units: Unit[] = plan.mailshares.map((m) => ({ mailshare: m, changes: orderedChanges(m) })).filter((u) => u.changes.length > 0);
  const results = new Map<ResourcePlan, OperationResult>();
  const stopped = () => options.signal?.aborted === true;
  const record = (result: OperationResult) => {
    results.set(result.resource, result);
    options.onEnd?.(result);
  };
  const deferred: { unit: Unit; from: number }[] = [];

  /** What each change of a mailshare finds on the server now, before the mailshare's first write. */
  const checkFreshness = async (unit: Unit) => {
    const found = new Map<ResourcePlan, Awaited<ReturnType<typeof freshness>> | { state: "unreadable"; detail: string }>();
    const created = unit.mailshare.resources.some((r) => r.kind === "Mailshare" && r.action === "create");
    for (const resource of unit.changes) {
      // Parts of a mailshare still absent cannot have been edited; once it exists (an earlier apply
      // of this plan, or someone else), its parts are checked like any other.
      const mailshare = unit.changes.find((r) => r.kind === "Mailshare");
      if (created && resource.kind !== "Mailshare" && mailshare && found.get(mailshare)?.state === "as-planned") continue;
      try {
        found.set(resource, await freshness(resource));
      } catch (err) {
        found.set(resource, { state: "unreadable", detail: `cannot read it again before writing: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
    return found;
  };

  /** Applies a mailshare's changes from `from` on; the first pass defers an address conflict. */
  const run = async (unit: Unit, from: number, lastPass: boolean): Promise<void> => {
    let failed: { resource: ResourcePlan; why: string } | undefined;
    const found = from === 0 && !stopped() ? await checkFreshness(unit) : new Map();
    for (const [index, resource] of unit.changes.entries()) {
      if (index < from) continue;
      const op = { mailshare: unit.mailshare, resource };
      if (failed) {
        record({ ...op, status: "not-attempted", message: `${failed.resource.kind} ${failed.resource.name} ${failed.why} before it` });
        continue;
      }
      if (stopped()) {
        record({ ...op, status: "not-attempted", message: "interrupted" });
        continue;
      }
      const fresh = found.get(resource);
      if (fresh?.state === "already-applied") {
        record({ ...op, status: "applied", message: "already on the server as planned" });
        continue;
      }
      if (fresh?.state === "changed" || fresh?.state === "unreadable") {
        record({ ...op, status: fresh.state === "changed" ? "refused" : "failed", message: fresh.detail });
        if (fresh.state === "unreadable" || resource.kind === "Mailshare" || resource.kind === "MailshareAliases") {
          failed = { resource, why: fresh.state === "changed" ? "was refused" : "failed" };
        }
        continue;
      }
      options.onStart?.(op);
      try {
        await inFlight.run(op, () => execute(resource));
        record({ ...op, status: "applied" });
      } catch (err) {
        if (!lastPass && isAddressConflict(resource, err)) {
          deferred.push({ unit, from: index });
          return;
        }
        failed = { resource, why: "failed" };
        record({ ...op, status: "failed", message: err instanceof Error ? err.message : String(err) });
      }
    }
  };

  const notStarted = await runPool(units, options.parallel, (unit) => run(unit, 0, false), () => !stopped());
  for (const unit of notStarted) {
    for (const resource of unit.changes) record({ mailshare: unit.mailshare, resource, status: "not-attempted", message: "interrupted" });
  }
  for (const { unit, from } of deferred) await run(unit, from, true);

  const ordered = units.flatMap((u) => u.changes.map((r) => results.get(r)!));
  return { results: ordered, interrupted: stopped() && ordered.some((r) => r.status === "not-attempted" && r.message === "interrupted") };
}
