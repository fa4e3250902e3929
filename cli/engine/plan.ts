// Planning: what `apply` would do, computed read-only from the files and the live server with the
// providers' own `check`, `read` and `changes` (the CLI never re-implements a resource's semantics).
//
//  1. load and validate the files (schema, cross-checks, then — only when those found nothing —
//     the server's release and the server lookups): any error stops here;
//  2. per mailshare: its uid (deterministic, or the live one for `adopt: true`), its resource set
//     (`declareMailshare`, the same list the Pulumi program declares) and each resource's `check`:
//     any failure stops here too, before any resource's live state is read;
//  3. per resource: `read` the live state and classify — create (absent), update (with the
//     field-level changes), unchanged; identities bmshare created but no longer declared are
//     deleted, other identities are left alone and listed;
//  4. the managed domains' other mailshares are listed as unmanaged, except those this run's owners
//     declared before, marked `deletionPolicy: delete`, when `--allow-delete` is given: deleted.
//
// What the files do not declare is planned in undeclared.ts, and changes are put in a reviewer's
// terms in changes.ts. A read that fails is never taken for an absence: `plan` fails with it,
// `drift` records it as unreadable.
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import { loadDesiredState } from "../../desired/load";
import { formatError } from "../../desired/errors";
import { bluemindLookups } from "../../desired/bluemind-lookups";
import type { DirectoryLookups } from "../../desired/online";
import type { DesiredMailshare } from "../../desired/model";
import { declareMailshare, mailshareResourceName, type ResourceDeclaration } from "../../providers/declarations";
import { PROVIDERS } from "../../providers/registry";
import type { BmshareProvider, Props } from "../../providers/base";
import type { Change } from "../../providers/diff";
import type { Runtime } from "../../providers/runtime";
import { mailshareUid } from "../../providers/ids";
import type { ItemValue, Mailshare as WireMailshare } from "../../bluemind/types";
import { poolWidth, runPool } from "./pool";
import { textDiffs } from "./texts";
import { explode, REFERENCE_KEYS, wholeResource } from "./changes";
import { ownersOfOtherFiles, planUndeclared, undeclaredIdentities, type UndeclaredContext } from "./undeclared";
import {
  PlanFailed, summarise, type MailsharePlan, type Plan, type ResourcePlan, type UnmanagedIdentity,
  type UnmanagedMailshare, type Unreadable,
} from "./model";
import { plural } from "./format";
import type { PolicySet } from "../../policy/model";
import { declaredDomains, evaluatePolicies, needsFileDomains, organisationDomains } from "../../policy/evaluate";
import { impactOf } from "./impact";

export interface PlanOptions {
  /** The providers' runtime: its client reads the domains' mailshares and answers the lookups. */
  rt: Runtime;
  /** Files and folders, as given to `-f`. */
  paths: readonly string[];
  /** Directory lookups of the server cross-checks (default: over the providers' client). */
  lookups?: DirectoryLookups;
  /** Delete undeclared mailshares that bmshare marked `deletionPolicy: delete`. */
  allowDelete?: boolean;
  /** At most this many mailshares read at once (default: as many as the request limiter lets through). */
  parallel?: number;
  /** What a failed read does: stop the plan (`plan`, `apply`) or record it as unreadable (`drift`). */
  onUnreadable: "fail" | "record";
  /** The run's policies: their violations go into the plan (the command decides what they stop). */
  policies?: PolicySet;
  /** Also work out each change's impact in people and data (impact.ts): more reads, for reviewers. */
  impact?: boolean;
  /**
   * Runs once the files are valid offline, before the plan's first request (the commands: the
   * server's release, ../command.ts), so that bad input is reported with nothing sent. What it
   * throws stops the plan as it is.
   */
  beforeServerReads?: () => Promise<void>;
}

/** One declared resource after `check`: its normalised inputs and its id. */
interface Checked {
  declaration: ResourceDeclaration;
  provider: BmshareProvider;
  inputs: Props;
  id: string;
  /** What the check says of the resource (a level the release cannot grant exactly): shown with its change. */
  notes: string[];
}

interface Prepared {
  mailshare: DesiredMailshare;
  /** Null when it cannot be known (adopt, and the domain's mailshares could not be listed). */
  uid: string | null;
  adopted: boolean;
  resources: Checked[];
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** `file:line:col: mailshares[2].shares[0].user: reason`, from a provider's check failure. */
function failureLine(m: DesiredMailshare, declaration: ResourceDeclaration, failure: CheckFailure, identityIndex: number): string {
  const base = m.declaredAt.path;
  let property = failure.property;
  if (declaration.kind === "MailshareIdentity" && !REFERENCE_KEYS.has(property)) property = `identities[${identityIndex}].${property}`;
  if (declaration.kind === "MailshareMaintenance" && property === "trigger") property = `maintenance.${declaration.inputs.operation}`;
  const path = property === "" || REFERENCE_KEYS.has(property) ? base : `${base}.${property}`;
  return `${m.declaredAt.file}:${m.declaredAt.line}:${m.declaredAt.column}: ${path}: ${failure.reason}`;
}

export async function computePlan(options: PlanOptions): Promise<Plan> {
  const parallel = poolWidth(options.parallel);
  const unreadable: Unreadable[] = [];

  // 1. The files.
  let loaded: Awaited<ReturnType<typeof loadDesiredState>>;
  const lookups = options.lookups ?? bluemindLookups(options.rt.client);
  let refusal: unknown;
  const connected = async () => {
    try {
      await options.beforeServerReads?.();
    } catch (err) {
      refusal = err;
      throw err;
    }
    return lookups;
  };
  try {
    loaded = await loadDesiredState(options.paths, {
      lookups: connected,
      // Drift classifies a mailshare whose server cross-checks could not be made as unreadable and
      // goes on with the others; plan and apply stop (nothing may be written unchecked).
      unverifiedAs: options.onUnreadable === "record" ? "report" : "error",
    });
  } catch (err) {
    if (err === refusal) throw err;
    throw new PlanFailed([`cannot check the files against the server: ${messageOf(err)}`]);
  }
  for (const note of loaded.notes ?? []) options.rt.report("info", note);
  if (!loaded.ok) {
    const files = new Set(loaded.errors.map((e) => e.file)).size;
    throw new PlanFailed(loaded.errors.map(formatError), `${plural(loaded.errors.length, "error")} in ${plural(files, "file")}`);
  }

  const policies = options.policies ?? { layers: [], chains: new Map(), given: null };
  // The files' domains with their aliases (read once), for the layers that list no domains, and for
  // the impact unless the policies list the organisation's.
  const policyDomains = declaredDomains(policies);
  const fileDomains = needsFileDomains(policies) || (options.impact && !policyDomains) ? await domainsOf(loaded.domains, lookups) : [];
  const organisation = policyDomains ?? fileDomains;
  const violations = evaluatePolicies(policies, loaded.mailshares, { fileDomains, now: Date.now() });

  for (const u of loaded.unverified ?? []) {
    unreadable.push({ domain: u.domain, mailshare: u.name, kind: "Mailshare", name: mailshareResourceName(u.domain, u.name), error: `could not be checked against the server: ${u.error}` });
  }

  // The managed domains' mailshares (one cached bulk read per domain): uids of adopted mailshares,
  // name conflicts, and the undeclared ones.
  const domains = loaded.domains;
  const listed = new Map<string, ItemValue<WireMailshare>[]>();
  for (const domain of domains) {
    try {
      listed.set(domain, await options.rt.client.mailshares.allComplete(domain));
    } catch (err) {
      unreadable.push({ domain, mailshare: null, kind: null, name: `mailshares of ${domain}`, error: messageOf(err) });
    }
  }
  failOnUnreadable(options, unreadable);

  // 2. Uids, resource sets and checks: every failure of every mailshare at once.
  const results = new Map<DesiredMailshare, { prepared: Prepared; failures: string[] }>();
  const namesOf = new Map([...listed].map(([domain, items]) => [domain, new Map(items.map((i) => [i.value.name, i]))]));
  await runPool(loaded.mailshares, parallel, async (m) => {
    const failures: string[] = [];
    results.set(m, { prepared: await prepare(m, namesOf.get(m.domain), failures), failures });
  });
  const prepared = loaded.mailshares.map((m) => results.get(m)!.prepared);
  // In file order, then line, whatever order the checks finished in.
  const position = (m: DesiredMailshare) => [loaded.files.indexOf(m.declaredAt.file), m.declaredAt.line, m.declaredAt.column];
  const failures = [...loaded.mailshares]
    .sort((a, b) => {
      const [x, y] = [position(a), position(b)];
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    })
    .flatMap((m) => results.get(m)!.failures);
  if (failures.length > 0) {
    throw new PlanFailed(failures, `${plural(failures.length, "error")}: nothing was changed`);
  }

  // 3. Live state.
  const mailshares: MailsharePlan[] = [];
  const unmanagedIdentities: UnmanagedIdentity[] = [];
  await runPool(prepared, parallel, async (p) => {
    const planned = await planMailshare(options.rt, p, unreadable, unmanagedIdentities);
    if (planned) mailshares.push(planned);
  });

  // 4. Undeclared mailshares: deleted only when one of this run's owners declared them (another
  // team's files are not given to this run, so what they declare must look undeclared here).
  const declared = new Set([
    ...prepared.flatMap((p) => [`${p.mailshare.domain}\n${p.mailshare.name}`, p.uid ?? ""]),
    ...(loaded.unverified ?? []).map((u) => `${u.domain}\n${u.name}`),
  ]);
  const unmanagedMailshares: UnmanagedMailshare[] = [];
  // A managed mailshare dropped from the files while another of the same owner is new may be a rename.
  const ownerOf = new Map(prepared.map((p) => [`${p.mailshare.domain}\n${p.mailshare.name}`, p.mailshare.owner]));
  const creating = new Set(mailshares.filter((m) => m.action === "create").map((m) => `${m.domain}\n${ownerOf.get(`${m.domain}\n${m.name}`)}`));
  const context: UndeclaredContext = {
    rt: options.rt, allowDelete: options.allowDelete === true, owners: new Set(loaded.owners),
    ownersOfOtherFiles: ownersOfOtherFiles(loaded.owners, loaded.files), creating, unreadable,
  };
  for (const [domain, items] of listed) {
    const undeclared = items.filter((i) => !declared.has(i.uid) && !declared.has(`${domain}\n${i.value.name}`));
    await runPool(undeclared, parallel, async (item) => {
      const result = await planUndeclared(domain, item, context);
      if (result && "resources" in result) mailshares.push(result);
      else if (result) unmanagedMailshares.push(result);
    });
  }
  failOnUnreadable(options, unreadable);

  if (options.impact) {
    const members = new Map<string, Promise<string[]>>();
    await runPool(mailshares.filter((m) => m.action !== "unchanged"), parallel, async (m) => {
      try {
        m.impact = await impactOf(options.rt, m, organisation, members);
      } catch (err) {
        unreadable.push({ domain: m.domain, mailshare: m.name, kind: null, name: `who has access to ${m.domain}/${m.name} and what it holds`, error: messageOf(err) });
      }
    });
    failOnUnreadable(options, unreadable);
  }

  const byName = <T extends { domain: string; name: string }>(a: T, b: T) =>
    (a.domain === b.domain ? 0 : a.domain.localeCompare(b.domain)) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  mailshares.sort(byName);
  unmanagedMailshares.sort(byName);
  unmanagedIdentities.sort((a, b) => a.domain.localeCompare(b.domain) || a.mailshare.localeCompare(b.mailshare) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  unreadable.sort((a, b) => a.domain.localeCompare(b.domain) || a.name.localeCompare(b.name));
  return {
    files: loaded.files,
    owners: loaded.owners,
    mailshares,
    unmanaged: { mailshares: unmanagedMailshares, identities: unmanagedIdentities },
    unreadable,
    policies: policies.layers.map((p) => ({ file: p.file, sha256: p.sha256, given: p === policies.given })),
    violations,
    summary: summarise(mailshares),
  };
}

/** The files' domains and their aliases, for the policy and the impact, read from the server once. */
async function domainsOf(fileDomains: string[], lookups: DirectoryLookups): Promise<string[]> {
  try {
    return await organisationDomains(null, fileDomains, lookups);
  } catch (err) {
    throw new PlanFailed([`cannot read the aliases of ${fileDomains.join(", ")} (the organisation's domains): ${messageOf(err)}`]);
  }
}

function failOnUnreadable(options: PlanOptions, unreadable: readonly Unreadable[]): void {
  if (options.onUnreadable === "fail" && unreadable.length > 0) {
    throw new PlanFailed(unreadable.map((u) => `cannot read ${u.name}: ${u.error}`),
      `${plural(unreadable.length, "read")} failed: nothing was changed (a failed read is never taken for an absence)`);
  }
}

/** `live`: the domain's mailshares by name (undefined when they could not be listed). */
async function prepare(m: DesiredMailshare, live: Map<string, ItemValue<WireMailshare>> | undefined, failures: string[]): Promise<Prepared> {
  const own = mailshareUid(m.domain, m.name);
  let uid: string | null = own;
  let adopted = false;
  const sameName = live?.get(m.name);
  if (live === undefined && m.adopt) uid = null;
  else if (sameName && sameName.uid !== own) {
    if (m.adopt) {
      uid = sameName.uid;
      adopted = true;
    } else {
      failures.push(`${m.declaredAt.file}:${m.declaredAt.line}:${m.declaredAt.column}: ${m.declaredAt.path}.name: ` +
        `a mailshare named ${m.name} already exists in ${m.domain} (uid ${sameName.uid}) and bmshare did not create it: ` +
        "set adopt: true to take it over");
    }
  }
  const resources: Checked[] = [];
  const declarations = declareMailshare(m, uid ?? own);
  let identityIndex = 0;
  for (const declaration of declarations) {
    const provider = PROVIDERS[declaration.kind];
    const index = declaration.kind === "MailshareIdentity" ? identityIndex++ : -1;
    if (!provider) {
      failures.push(`${m.declaredAt.file}:${m.declaredAt.line}:${m.declaredAt.column}: ${m.declaredAt.path}: resource kind ${declaration.kind} is not available in this build`);
      continue;
    }
    let checked: { inputs?: Props; failures?: CheckFailure[]; notes?: string[] };
    try {
      // The loader has validated the mailshare whole: the slices are not validated again.
      checked = await provider.checkWith({}, declaration.inputs, { validated: true });
    } catch (err) {
      failures.push(`${m.declaredAt.file}:${m.declaredAt.line}:${m.declaredAt.column}: ${m.declaredAt.path}: cannot check ${declaration.name}: ${messageOf(err)}`);
      continue;
    }
    if (checked.failures && checked.failures.length > 0) {
      for (const f of checked.failures) failures.push(failureLine(m, declaration, f, index));
      continue;
    }
    const inputs = checked.inputs ?? declaration.inputs;
    const id = declaration.kind === "Mailshare" && uid !== null ? uid : provider.definition.idOf(inputs);
    resources.push({ declaration, provider, inputs, id, notes: checked.notes ?? [] });
  }
  return { mailshare: m, uid, adopted, resources };
}

/** The provider's read: the live inputs and props, or null when the server says it is gone. */
async function readLive(r: Checked): Promise<{ inputs: Props; props: Props } | null> {
  const result = await r.provider.read!(r.id, r.inputs);
  if (!result.id) return null;
  return { inputs: result.inputs ?? {}, props: result.props ?? {} };
}

function classify(r: Checked, live: { inputs: Props; props: Props } | null, reasonIfAbsent: string): ResourcePlan {
  const base = { kind: r.declaration.kind, name: r.declaration.name, id: r.id, inputs: r.inputs };
  // A change is read with what the server's release makes of it; a resource left as it is needs no note.
  const noted = (reason: string) => [reason, ...r.notes].join("; note: ");
  if (live === null) {
    const changes = wholeResource(r.provider, r.inputs, "add");
    return {
      ...base, action: "create", reason: noted(changes.length > 0 ? reasonIfAbsent : `${reasonIfAbsent} (empty: none declared)`), live: null,
      changes, diffs: textDiffs(r.declaration.kind, r.declaration.name, null, r.inputs),
    };
  }
  const changes = r.provider.changes(live.inputs, r.inputs).flatMap((c) => explode(c, r.provider.definition.listKeys ?? {}));
  if (changes.length === 0) {
    // Spelt out, not spread from `base`: this is the common case, met once per resource.
    return {
      kind: base.kind, name: base.name, id: base.id, inputs: base.inputs, action: "unchanged", reason: "matches the files", live: live.props,
      changes: [], diffs: [],
    };
  }
  return {
    ...base, action: "update", reason: noted(updateReason(r, live.inputs, changes)), live: live.props, changes,
    diffs: textDiffs(r.declaration.kind, r.declaration.name, live.inputs, r.inputs),
  };
}

function updateReason(r: Checked, live: Props, changes: Change[]): string {
  if (r.declaration.kind === "MailshareMaintenance") {
    const was = live.trigger === null ? "it never ran (no run recorded on the server)" : `it last ran for trigger ${JSON.stringify(live.trigger)}`;
    return `runs ${r.inputs.operation} for trigger ${JSON.stringify(r.inputs.trigger)}: ${was}`;
  }
  const fields = [...new Set(changes.map((c) => c.path.split(/[.[]/)[0]))];
  return `the server differs from the files in ${fields.join(", ")}`;
}

async function planMailshare(rt: Runtime, p: Prepared, unreadable: Unreadable[], unmanagedIdentities: UnmanagedIdentity[]): Promise<MailsharePlan | null> {
  const m = p.mailshare;
  const name = mailshareResourceName(m.domain, m.name);
  const unreadableHere = (kind: Unreadable["kind"], what: string, err: unknown) =>
    unreadable.push({ domain: m.domain, mailshare: m.name, kind, name: what, error: messageOf(err) });
  if (p.uid === null) {
    unreadableHere("Mailshare", name, new Error("the mailshare to adopt could not be looked up (the domain's mailshares could not be listed)"));
    return null;
  }
  const [main, ...parts] = p.resources;
  let mainLive: { inputs: Props; props: Props } | null;
  try {
    mainLive = await readLive(main);
  } catch (err) {
    unreadableHere("Mailshare", name, err);
    return null;
  }
  const plan: MailsharePlan = {
    domain: m.domain, name: m.name, uid: p.uid, declaredAt: m.declaredAt, adopted: p.adopted, action: "unchanged", resources: [],
  };
  if (mainLive === null) {
    // A new mailshare: every part is new too, nothing more to read.
    plan.action = "create";
    plan.resources.push(classify(main, null, m.adopt ? "not on the server (adopt: true, but no mailshare of that name exists): created" : "not on the server"));
    for (const part of parts) plan.resources.push(classify(part, null, "part of a new mailshare"));
    return plan;
  }
  plan.resources.push(classify(main, mainLive, ""));
  for (const part of parts) {
    try {
      plan.resources.push(classify(part, await readLive(part), "not on the server"));
    } catch (err) {
      unreadableHere(part.declaration.kind, part.declaration.name, err);
    }
  }
  try {
    const identities = new Set(p.resources.filter((r) => r.declaration.kind === "MailshareIdentity").map((r) => r.id));
    plan.resources.push(...await undeclaredIdentities(rt, m, p.uid, identities, unmanagedIdentities));
  } catch (err) {
    unreadableHere("MailshareIdentity", `identities of ${name}`, err);
  }
  plan.action = plan.resources.some((r) => r.action !== "unchanged") ? "update" : "unchanged";
  return plan;
}
