// Before apply writes a resource, it reads it again and compares with what the plan read: someone
// may have changed it in the console since (the plan shown, or a saved plan reviewed hours ago).
// BlueMind's whole-list writes (ACL, filter, identity, mailshare update) replace everything, so
// writing over such a change would silently undo it. Three answers:
//   - as planned: the server still holds what the plan read → write;
//   - already applied: the server already holds what the plan wants (a re-run of a saved plan, or
//     an earlier apply that stopped midway) → nothing to write;
//   - changed: anything else → refuse that resource, naming the fields that moved; a new plan
//     shows them.
// The read goes through the provider's own `read`, with the same properties the plan used, so both
// reads have the same shape and only real changes count.
import { PROVIDERS } from "../../providers/registry";
import type { Props } from "../../providers/base";
import type { ResourcePlan } from "./model";

export type Freshness =
  | { state: "as-planned" }
  | { state: "already-applied" }
  | { state: "changed"; detail: string };

/** The properties the plan read a resource with (a delete was read from the live state itself). */
const readProps = (r: ResourcePlan): Props => (r.action === "delete" ? r.live ?? r.inputs : r.inputs);

/** The resource's live state now (inputs and outputs, as the plan recorded them), or null when absent. */
async function readNow(r: ResourcePlan): Promise<Props | null> {
  const result = await PROVIDERS[r.kind].read!(r.id, readProps(r));
  return result.id ? result.props ?? {} : null;
}

/** The paths of the fields that differ between two readings (or "it now exists" / "it is gone"). */
function difference(r: ResourcePlan, before: Props | null, after: Props | null): string[] {
  if (before === null) return ["it now exists on the server"];
  if (after === null) return ["it is no longer on the server"];
  return PROVIDERS[r.kind].changes(before, after).map((c) => c.path);
}

const MAX_FIELDS = 5;

export async function freshness(r: ResourcePlan): Promise<Freshness> {
  const provider = PROVIDERS[r.kind];
  const now = await readNow(r);
  const planned = r.live;
  const same = (a: Props | null, b: Props | null) => (a === null || b === null ? a === b : provider.changes(a, b).length === 0);
  if (same(now, planned)) return { state: "as-planned" };
  if (r.action === "delete" ? now === null : now !== null && provider.changes(now, r.inputs).length === 0) {
    return { state: "already-applied" };
  }
  const fields = difference(r, planned, now);
  const shown = fields.slice(0, MAX_FIELDS).join(", ") + (fields.length > MAX_FIELDS ? ` and ${fields.length - MAX_FIELDS} more` : "");
  return { state: "changed", detail: `changed on the server since the plan (${shown}): not written; run bmshare plan again to see the new state` };
}
