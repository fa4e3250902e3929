// The live state of a domain's mailshares, read through the providers: each mailshare's resource set
// (`declareMailshare`, the list plan and apply use) read with minimal props by each kind's own `read`
// — the one mapping from BlueMind to the desired-state form — plus its stored identities. Used by
// `export`, `report` and `maintain` to find mailshares by name.
import type { Runtime } from "../providers/runtime";
import { PROVIDERS } from "../providers/registry";
import { declareMailshare, type ResourceDeclaration } from "../providers/declarations";
import { identityId, mailshareUid } from "../providers/ids";
import { managementMarks, type ManagementMarks } from "../providers/marks";
import type { BmshareProvider, Props } from "../providers/base";
import type { ResourceKind } from "../providers/kinds";
import { normaliseMailshare } from "../desired/normalise";
import { SCHEMA_OBJECT_KEYS, type CanonicalMailshare, type DeletionPolicy, type DesiredMailshare, type Identity } from "../desired/model";
import type { ItemValue, Mailshare as WireMailshare } from "../bluemind/types";
import { UsageError } from "./connection";
import { refuseUnsupportedServer } from "./command";

/** The provider of a kind; a clear error while a kind is missing from this build. */
export function providerOf(kind: ResourceKind): BmshareProvider {
  const provider = PROVIDERS[kind];
  if (!provider) throw new Error(`this build of bmshare has no provider for ${kind}`);
  return provider;
}

/** A mailshare as the server holds it, in the canonical desired-state form. */
export interface LiveMailshare {
  uid: string;
  /** Without the identities bmshare leaves alone (`foreignIdentities`). */
  value: CanonicalMailshare;
  /** The server has a photo (the read only tells presence: BlueMind re-encodes photos). */
  hasPhoto: boolean;
  /** The owner bmshare recorded on it, null when none. */
  owner: string | null;
  /**
   * Identities stored under an id bmshare did not choose (made in the console or by another tool):
   * plan and apply leave them alone, so declaring one would make apply add a second, identical one.
   */
  foreignIdentities: { name: string; email: string; id: string }[];
}

/**
 * The canonical form of a bare mailshare (every field at its default) as the loader would give it:
 * its declarations carry the minimal props each provider's `read` needs.
 */
function skeletonOf(domain: string, name: string, adopt: boolean, deletionPolicy: DeletionPolicy): DesiredMailshare {
  const { value } = normaliseMailshare({ name, adopt, deletionPolicy }, { baseDir: process.cwd() });
  return { ...value, domain, owner: "(export)", declaredAt: { file: "(server)", line: 1, column: 1, path: name } };
}


async function readDeclaration(d: ResourceDeclaration, id: string): Promise<Props> {
  const live = await providerOf(d.kind).read!(id, d.inputs);
  if (!live.id) throw new Error(`${d.name}: the server says it no longer exists (deleted during the export?)`);
  return live.inputs ?? {};
}

const pick = <K extends string>(from: Props, keys: readonly K[]) =>
  Object.fromEntries(keys.filter((k) => k in from).map((k) => [k, from[k]])) as Record<K, unknown>;

/**
 * Reads one mailshare: each resource of its set (Mailshare, aliases, ACL, auto-reply, filters) through
 * its provider, plus every stored identity through the identity provider. A mailshare whose uid is
 * not bmshare's deterministic one was made elsewhere: it gets `adopt: true`, so apply takes it over.
 */
export async function readLiveMailshare(rt: Runtime, domain: string, item: ItemValue<WireMailshare>): Promise<LiveMailshare> {
  const uid = item.uid;
  const name = item.value.name;
  // The deletion policy bmshare recorded when it last applied it (retain when none), and its owner.
  const marks: ManagementMarks = await managementMarks(rt, uid);
  const skeleton = skeletonOf(domain, name, uid !== mailshareUid(domain, name), marks.deletionPolicy ?? "retain");
  const fields: Record<string, unknown> = { ...skeleton };
  const reads = await Promise.all(declareMailshare(skeleton, uid).map((d) =>
    readDeclaration(d, d.kind === "Mailshare" ? uid : providerOf(d.kind).definition.idOf(d.inputs))));
  for (const live of reads) Object.assign(fields, pick(live, SCHEMA_OBJECT_KEYS.mailshare));

  const identityProvider = providerOf("MailshareIdentity");
  const stored = (await rt.client.identities.getIdentities(domain, uid)).filter((d) => d.id !== null);
  const identities = await Promise.all(stored.map(async (description) => {
    const live = await identityProvider.read!(description.id!, { domain, mailshare: uid });
    return live.id ? { id: description.id!, identity: pick(live.inputs ?? {}, SCHEMA_OBJECT_KEYS.identity) as unknown as Identity } : null;
  }));
  const found = identities.filter((i) => i !== null);
  const ours = (i: { id: string; identity: Identity }) => i.id === identityId(uid, i.identity.name);
  fields.identities = found.filter(ours).map((i) => i.identity);

  const value = pick(fields as Props, SCHEMA_OBJECT_KEYS.mailshare) as unknown as CanonicalMailshare;
  return {
    uid,
    value,
    hasPhoto: value.information.photo !== null,
    owner: marks.owner,
    foreignIdentities: found.filter((i) => !ours(i)).map((i) => ({ name: i.identity.name, email: i.identity.email, id: i.id })),
  };
}

/** The mailshares of the domain named `names` (all when empty), by name; unknown names are an error. */
export async function liveMailshareItems(rt: Runtime, domain: string, names: readonly string[]): Promise<ItemValue<WireMailshare>[]> {
  const all = (await rt.client.mailshares.allComplete(domain, { fresh: true }))
    .sort((a, b) => (a.value.name < b.value.name ? -1 : a.value.name > b.value.name ? 1 : 0));
  const unknown = names.filter((n) => !all.some((m) => m.value.name === n));
  if (unknown.length > 0) {
    const known = all.map((m) => m.value.name);
    const shown = known.length > 10 ? `${known.slice(0, 10).join(", ")} and ${known.length - 10} more` : known.join(", ") || "none";
    throw new Error(`no mailshare named ${unknown.join(", ")} in ${domain} (it has: ${shown})`);
  }
  return names.length === 0 ? all : all.filter((m) => names.includes(m.value.name));
}

/** The domain's name (what files name) from its name or an alias; an unknown domain is an error. */
export async function domainNameOf(rt: Runtime, ref: string | undefined): Promise<string> {
  if (!ref) throw new UsageError("no domain: give --domain or set BLUEMIND_DOMAIN");
  // The first read of export, report, maintain and init --from-server: a refused key, a silent
  // server or a release bmshare does not speak is said here, in one line, as plan says it.
  await refuseUnsupportedServer(rt);
  const domain = await rt.client.resolve.domain(ref);
  if (!domain) throw new Error(`domain ${ref} does not exist on the server`);
  return domain.value.name;
}

/** The server address without any user information (never a credential in a file or report). */
export const safeUrl = (url: string) => {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(server)";
  }
};
