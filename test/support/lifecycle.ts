// The lifecycle every resource kind goes through under the engine, as one helper: check → create →
// diff (none) → read (in sync) → update → read (in sync) → a change made out of band (the console)
// → read shows it as drift → delete. Kind test files give a table row each and keep only what is
// specific to their kind.
import { expect } from "vitest";
import type { ProviderHost } from "./pulumi-host";

type Props = Record<string, unknown>;

export interface LifecycleCase {
  /** Resource name (the URN's last part). */
  name: string;
  kind: string;
  /** Raw inputs of the create, and of the update that follows. */
  create: Props;
  update: Props;
  /** Changes the server out of band (what a console edit does), given the resource id. */
  outOfBand(id: string): Promise<void>;
  /** What the read after the out-of-band change must show (its inputs). */
  drifted(inputs: Props): void;
  /** The server once deleted (e.g. the slice is empty again). */
  deleted?(id: string): Promise<void>;
}

/** Runs the whole lifecycle of `c` through the host; every step asserts what the engine relies on. */
export async function runLifecycle(host: ProviderHost, c: LifecycleCase): Promise<void> {
  const urn = host.urn(c.kind, c.name);
  const checked = await host.check(urn, {}, c.create);
  expect(checked.failures, `${c.name}: check`).toEqual([]);
  const created = await host.create(urn, checked.inputs);
  expect(created.id, `${c.name}: create`).not.toBe("");
  expect((await host.diff(urn, created.id, created.outs, checked.inputs)).changes, `${c.name}: diff after create`).toBe("none");
  const first = await host.read(urn, created.id, created.outs);
  expect(first.id, `${c.name}: read after create`).toBe(created.id);
  expect((await host.diff(urn, created.id, first.props, checked.inputs)).changes, `${c.name}: refresh after create`).toBe("none");

  const next = await host.check(urn, checked.inputs, c.update);
  expect(next.failures, `${c.name}: check of the update`).toEqual([]);
  expect((await host.diff(urn, created.id, first.props, next.inputs)).changes, `${c.name}: diff of the update`).toBe("some");
  const updated = await host.update(urn, created.id, first.props, next.inputs);
  const second = await host.read(urn, created.id, updated.outs);
  expect((await host.diff(urn, created.id, second.props, next.inputs)).changes, `${c.name}: refresh after update`).toBe("none");

  await c.outOfBand(created.id);
  // Seen by the next deployment (within one, reads are shared by every resource).
  host = host.nextDeployment();
  const drift = await host.read(urn, created.id, updated.outs);
  expect(drift.id, `${c.name}: read after the out-of-band change`).toBe(created.id);
  c.drifted(drift.inputs ?? {});
  expect((await host.diff(urn, created.id, drift.props, next.inputs)).changes, `${c.name}: drift is a change`).toBe("some");

  await host.delete(urn, created.id, drift.props);
  await c.deleted?.(created.id);
}
