// Applying a plan: each mailshare's changes in dependency order, several mailshares at once.
//
// Before a mailshare's first write, each of its changes is checked against the server as the plan
// read it (freshness.ts), read again from the server, not from what the run read before: what
// changed since is refused, not overwritten; what is already as planned is not written again. A
// mailshare the plan creates is not read first: its create is the check (the uid is deterministic,
// so BlueMind itself refuses it when it exists, with no gap between a read and the write); then,
// and only then, it and its parts are checked like any other. Parts of a mailshare still absent
// cannot have been edited.
//
// Two changes that are slices of one server object are sent in one request when both are to be
// written (KindDefinition.carries): the mailshare with its aliases, the mail filter with its
// vacation. The carrier applies the carried change with the carried kind's own functions.
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
import { ExistsError, type WriteOptions } from "../../providers/base";
import type { Runtime } from "../../providers/runtime";
import { writePhase } from "../../providers/kinds";
import { isAlreadyExists } from "../../bluemind/errors";
import type { MailsharePlan, Plan, ResourcePlan } from "./model";
import { poolWidth, runPool } from "./pool";
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
  /** The providers' runtime (its client's reads are forgotten before the fresh re-reads). */
  rt: Runtime;
  /** At most this many mailshares worked on at once (the pool follows the request limiter). */
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

/** Writes one change, with the changes it carries (their checked inputs). */
async function execute(r: ResourcePlan, carried: readonly ResourcePlan[]): Promise<void> {
  const provider = PROVIDERS[r.kind];
  const options: WriteOptions = {
    // The plan saw nothing there: a create that finds something refuses instead of converging it.
    mode: "new",
    carried: Object.fromEntries(carried.map((c) => [c.kind, c.inputs])),
  };
  switch (r.action) {
    case "create":
      await provider.createWith(r.inputs, options);
      return;
    case "update":
      await provider.updateWith(r.id, r.live ?? {}, r.inputs, options);
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

const isWrite = (r: ResourcePlan) => r.action === "create" || r.action === "update";

/**
 * Which change carries which (carried → carrier): both still to write (from index `from` on), of
 * kinds one carries the other (KindDefinition.carries), neither refused, unreadable or already
 * applied.
 */
function carriers(unit: Unit, from: number, blocked: (r: ResourcePlan) => boolean): Map<ResourcePlan, ResourcePlan> {
  const carrierOf = new Map<ResourcePlan, ResourcePlan>();
  const pending = unit.changes.slice(from);
  for (const carrier of pending) {
    if (!isWrite(carrier) || blocked(carrier)) continue;
    for (const kind of PROVIDERS[carrier.kind].definition.carries ?? []) {
      const carried = pending.find((c) => c.kind === kind && isWrite(c) && !blocked(c));
      if (carried) carrierOf.set(carried, carrier);
    }
  }
  return carrierOf;
}

type Found = Awaited<ReturnType<typeof freshness>> | { state: "unreadable"; detail: string };

export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyOutcome> {
  const units: Unit[] = plan.mailshares.map((m) => ({ mailshare: m, changes: orderedChanges(m) })).filter((u) => u.changes.length > 0);
  const results = new Map<ResourcePlan, OperationResult>();
  const stopped = () => options.signal?.aborted === true;
  const record = (result: OperationResult) => {
    results.set(result.resource, result);
    options.onEnd?.(result);
  };
  const deferred: { unit: Unit; from: number }[] = [];

  /**
   * What the changes of a mailshare find on the server now, read again from it, before the
   * mailshare's first write — except for a mailshare still to create (its create is the check:
   * `existsNow` then reads everything once it turns out to exist).
   */
  const checkFreshness = async (unit: Unit, existsNow = false) => {
    const found = new Map<ResourcePlan, Found>();
    const creating = unit.changes.some((r) => r.kind === "Mailshare" && r.action === "create");
    if (creating && !existsNow) return found;
    options.rt.client.mailshares.expire(unit.mailshare.domain, unit.mailshare.uid);
    for (const resource of unit.changes) {
      try {
        found.set(resource, await freshness(resource));
      } catch (err) {
        found.set(resource, { state: "unreadable", detail: `cannot read it again before writing: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
    return found;
  };

  /**
   * Applies a mailshare's changes from `from` on; the first pass defers an address conflict. Each
   * pass reads the changes again first (the retry pass comes after every other mailshare: what it
   * finds changed since is refused then too).
   */
  const run = async (unit: Unit, from: number, lastPass: boolean): Promise<void> => {
    let failed: { resource: ResourcePlan; why: string } | undefined;
    // In a retry from a later change, a mailshare the plan creates exists by now (its create came first).
    let found: Map<ResourcePlan, Found> = stopped() ? new Map() : await checkFreshness(unit, from > 0);
    const blocked = (r: ResourcePlan) => ["changed", "unreadable", "already-applied"].includes(found.get(r)?.state ?? "");
    let carrierOf = carriers(unit, from, blocked);
    const carriedBy = (carrier: ResourcePlan) => [...carrierOf].filter(([, c]) => c === carrier).map(([carried]) => carried);
    for (const [index, resource] of unit.changes.entries()) {
      if (index < from) continue;
      // Written with its carrier, and recorded with it.
      if (carrierOf.has(resource)) continue;
      const op = { mailshare: unit.mailshare, resource };
      const notAttempted = (message: string) => {
        for (const r of [resource, ...carriedBy(resource)]) record({ mailshare: unit.mailshare, resource: r, status: "not-attempted", message });
      };
      if (failed) {
        notAttempted(`${failed.resource.kind} ${failed.resource.name} ${failed.why} before it`);
        continue;
      }
      if (stopped()) {
        notAttempted("interrupted");
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
      const carried = carriedBy(resource);
      options.onStart?.(op);
      for (const c of carried) options.onStart?.({ mailshare: unit.mailshare, resource: c });
      try {
        await inFlight.run(op, () => execute(resource, carried));
        record({ ...op, status: "applied" });
        for (const c of carried) record({ mailshare: unit.mailshare, resource: c, status: "applied", message: `written with ${resource.kind} in one request` });
      } catch (err) {
        if (err instanceof ExistsError) {
          // Created since the plan (or by an earlier apply of this saved plan): check it all now.
          found = await checkFreshness(unit, true);
          carrierOf = carriers(unit, index, blocked);
          const now = found.get(resource);
          if (now?.state === "already-applied") {
            record({ ...op, status: "applied", message: "already on the server as planned" });
            continue;
          }
          const detail = now && now.state !== "as-planned" ? now.detail : err.message;
          record({ ...op, status: now?.state === "unreadable" ? "failed" : "refused", message: detail });
          failed = { resource, why: now?.state === "unreadable" ? "failed" : "was refused" };
          continue;
        }
        if (!lastPass && isAddressConflict(resource, err)) {
          deferred.push({ unit, from: index });
          return;
        }
        failed = { resource, why: "failed" };
        const message = err instanceof Error ? err.message : String(err);
        record({ ...op, status: "failed", message });
        for (const c of carried) record({ mailshare: unit.mailshare, resource: c, status: "failed", message: `written with ${resource.kind}: ${message}` });
      }
    }
  };

  const notStarted = await runPool(units, poolWidth(options.parallel), (unit) => run(unit, 0, false), () => !stopped());
  for (const unit of notStarted) {
    for (const resource of unit.changes) record({ mailshare: unit.mailshare, resource, status: "not-attempted", message: "interrupted" });
  }
  for (const { unit, from } of deferred) await run(unit, from, true);

  const ordered = units.flatMap((u) => u.changes.map((r) => results.get(r)!));
  return { results: ordered, interrupted: stopped() && ordered.some((r) => r.status === "not-attempted" && r.message === "interrupted") };
}
