// The shape every resource kind implements, and the adapter that turns it into a Pulumi dynamic
// provider. The CLI calls the same provider objects directly (read live → diff → create / update /
// delete), so a resource's semantics exist once.
import type * as pulumi from "@pulumi/pulumi";
import type { CheckFailure, DiffResult } from "@pulumi/pulumi/dynamic";
import { settingsFromPulumiConfig } from "./connection";
import { RUNTIME, useSettings, type Runtime } from "./runtime";
import { detailedDiff, diffValues, type Change, type ListKeys } from "./diff";
import { clean, mailshareRefFailures, resolveDomain, type CheckOptions } from "./validate";
import { KINDS, type ResourceKind } from "./kinds";

export type Props = Record<string, unknown>;

/**
 * How a write is asked for. The Pulumi host always uses the defaults; the CLI's engine, which
 * knows what its plan read, may ask for more.
 */
export interface WriteOptions {
  /**
   * "new": the plan saw no such object, so a create that finds one refuses (ExistsError) instead
   * of converging it — the create itself is the check, with no read before it. Default "converge"
   * (an object left by an earlier run that failed midway is brought to the inputs).
   */
  mode?: CreateMode;
  /**
   * Changes of other kinds written in this kind's request, by kind: their checked inputs (see
   * `KindDefinition.carries`). Each kind still owns what its slice means: the carrier applies it
   * with the carried kind's own functions.
   */
  carried?: Partial<Record<ResourceKind, Props>>;
}

export type CreateMode = "converge" | "new";

/** A create with mode "new" found the object on the server. */
export class ExistsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExistsError";
  }
}

export interface KindDefinition<I extends Props, O extends Props = Props> {
  kind: ResourceKind;
  /** The input properties compared by diff (outputs may add computed ones). */
  inputKeys: readonly (keyof I & string)[];
  /** Item identities of keyed lists, for readable diff paths (`shares[alice@acme.test].level`). */
  listKeys?: ListKeys;
  /** What diff compares of the inputs, when some input is not server state (e.g. a local file path). */
  comparable?: (inputs: Props) => Props;
  /**
   * Validates and normalises raw inputs. Never writes to the server (preview is read-only). `olds`
   * are the previous inputs (undefined on create). The domain is resolved already (its own, else
   * the default), and a part's `mailshare` reference checked (defineProvider does both for all kinds).
   * `options.validated` lets the slice's own validation be skipped (validate.ts, `CheckOptions`).
   */
  check(news: Props & { domain: string }, olds: I | undefined, rt: Runtime, options: CheckOptions): Promise<{ inputs: I; failures: CheckFailure[]; notes?: string[] }>;
  /**
   * The id a resource created from `inputs` gets, derived from them alone (deterministic ids make
   * every operation idempotent, and let the CLI find live objects without a state file). For an
   * adopted mailshare the CLI looks the live uid up instead.
   */
  idOf(inputs: I): string;
  /** Refusals that depend on the previous state (e.g. a rename), as check failures. */
  checkTransition?(olds: I, news: I): CheckFailure[];
  /**
   * Kinds whose create or update this kind's create and update can write in the same request,
   * when one apply changes both (they are slices of one server object: the mailshare and its
   * aliases; the mail filter and its vacation). See `WriteOptions.carried`.
   */
  carries?: readonly ResourceKind[];
  create(inputs: I, rt: Runtime, options?: WriteOptions): Promise<{ id: string; outs: O }>;
  /**
   * The live state in the same normalised shape as the inputs (so a refresh shows real drift and
   * nothing cosmetic), or null when the server says the object is gone. Failing to read throws.
   */
  read(id: string, props: I & Partial<O>, rt: Runtime): Promise<{ inputs: I; outs: O } | null>;
  update(id: string, olds: I & Partial<O>, news: I, rt: Runtime, options?: WriteOptions): Promise<O>;
  delete(id: string, props: I & Partial<O>, rt: Runtime): Promise<void>;
}

/** A provider that also exposes field-level changes and its definition (for the CLI's plan). */
export interface BmshareProvider<I extends Props = Props, O extends Props = Props> extends pulumi.dynamic.ResourceProvider {
  definition: KindDefinition<I, O>;
  /** Field-level changes from `olds` to `news` over the compared input properties. */
  changes(olds: Props, news: Props): Change[];
  /** `check` with check options (the CLI's engine). */
  checkWith(olds: Props, news: Props, options: CheckOptions): Promise<{ inputs: Props; failures: CheckFailure[]; notes?: string[] }>;
  /** `create` with write options (the CLI's engine). */
  createWith(inputs: Props, options: WriteOptions): Promise<{ id: string; outs: Props }>;
  /** `update` with write options (the CLI's engine). */
  updateWith(id: string, olds: Props, news: Props, options: WriteOptions): Promise<Props>;
}

/** The value the engine puts in inputs that are not known yet (outputs of resources to create). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const hasUnknown = (v: unknown): boolean =>
  v === UNKNOWN || (Array.isArray(v) ? v.some(hasUnknown) : v !== null && typeof v === "object" && Object.values(v).some(hasUnknown));

const withoutProvider = (p: Props): Props => {
  const { __provider: _, ...rest } = p;
  return rest;
};

/**
 * The Pulumi dynamic provider (and the CLI's provider object) of a kind. Every call gets `rt`: the
 * process's runtime by default (runtime.ts says why there is one), another one in tests.
 */
export function defineProvider<I extends Props, O extends Props>(def: KindDefinition<I, O>, rt: Runtime = RUNTIME): BmshareProvider<I, O> {
  const compared = (p: Props) => {
    const picked = Object.fromEntries(def.inputKeys.map((k) => [k, p[k] ?? null]));
    return def.comparable ? def.comparable(picked) : picked;
  };
  const changes = (olds: Props, news: Props) => diffValues(compared(olds), compared(news), def.listKeys);
  // Nothing is written to a BlueMind whose release bmshare does not speak (or cannot identify): the
  // version is read once per run (bluemind/versions.ts), so this costs one request per run.
  const supported = () => rt.client.capabilities();
  // Plain functions, not methods calling each other through `this`: the stub and the engine call them detached.
  const createWith = async (inputs: Props, options: WriteOptions) => {
    await supported();
    const { id, outs } = await def.create(withoutProvider(inputs) as I, rt, options);
    return { id, outs: clean({ ...withoutProvider(inputs), ...outs }) };
  };
  const updateWith = async (id: string, olds: Props, news: Props, options: WriteOptions) => {
    await supported();
    const outs = await def.update(id, withoutProvider(olds) as I & Partial<O>, withoutProvider(news) as I, rt, options);
    return clean({ ...withoutProvider(news), ...outs });
  };
  const checkWith = async (olds: Props, news: Props, options: CheckOptions) => {
    // During a preview some inputs may be unknown (e.g. an adopted mailshare's uid): nothing can be
    // validated against them yet; the engine checks again with the real values before creating.
    const raw = withoutProvider(news);
    if (hasUnknown(raw)) return { inputs: raw, failures: [] };
    const oldInputs = olds ? withoutProvider(olds) : {};
    const previous = Object.keys(oldInputs).length > 0 ? (oldInputs as I) : undefined;
    const resolved = resolveDomain(raw.domain, rt.defaultDomain);
    if ("failure" in resolved) return { inputs: clean(raw), failures: [resolved.failure] };
    // Every problem at once: a part's reference, then the kind's own checks.
    const reference = KINDS[def.kind].lifetime === "root" ? [] : mailshareRefFailures(raw.mailshare);
    const { inputs, failures, notes = [] } = await def.check({ ...raw, domain: resolved.domain }, previous, rt, options);
    const all = [...reference, ...failures];
    if (previous && failures.length === 0 && def.checkTransition) all.push(...def.checkTransition(previous, inputs));
    for (const note of notes) rt.report("note", note);
    // `notes` reaches the CLI's plan; the Pulumi host reads inputs and failures only (it logs the notes).
    return { inputs: all.length > 0 ? clean(raw) : clean(inputs), failures: all, ...(notes.length > 0 ? { notes } : {}) };
  };
  return {
    definition: def,
    changes,
    async configure(req) {
      useSettings(settingsFromPulumiConfig(req.config), "stack config");
    },
    check: (olds, news) => checkWith(olds, news, {}),
    checkWith,
    async diff(_id, olds, news): Promise<DiffResult & { detailedDiff?: Record<string, unknown> }> {
      const found = changes(olds, news);
      const top = new Set(found.map((c) => c.path.split(/[.[]/)[0]));
      const replaces = KINDS[def.kind].replaceOn.filter((k) => top.has(k));
      return {
        changes: found.length > 0,
        replaces,
        deleteBeforeReplace: replaces.length > 0,
        // Not forwarded by the 3.248 host (it sends only changes/replaces); used by the CLI's plan.
        detailedDiff: detailedDiff(found),
      };
    },
    create: (inputs) => createWith(inputs, {}),
    createWith,
    async read(id, props) {
      const live = await def.read(id, withoutProvider(props ?? {}) as I & Partial<O>, rt);
      if (!live) return { id: "" };
      const inputs = clean(live.inputs);
      // props and inputs are separate objects at the top, as the host keeps them; their values are shared.
      return { id, props: { ...inputs, ...clean(live.outs) }, inputs };
    },
    update: async (id, olds, news) => ({ outs: await updateWith(id, olds, news, {}) }),
    updateWith,
    async delete(id, props) {
      await supported();
      await def.delete(id, withoutProvider(props) as I & Partial<O>, rt);
    },
  };
}
