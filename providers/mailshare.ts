// `Mailshare`: the directory entry of a shared mailbox — name, display name, description (the
// card's note), primary address, routing, quota, hidden, delegation (org unit), storage server and
// the information card (phones, postal addresses, photo). The alias addresses belong to
// `MailshareAliases`; both edit the same address list, under the per-mailshare lock.
//
// Rules (docs/architecture.md, "Rules"): never replaced — a rename is refused at preview; deletion follows
// `deletionPolicy` (retain by default); a storage-server change is a move (xfer task); `adopt: true`
// takes over an existing mailshare of the same name.
import * as fs from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import { defineProvider, ExistsError, type Props, type WriteOptions } from "./base";
import type { Runtime } from "./runtime";
import { mailshareUid } from "./ids";
import { defaultQuota, followTask, isUnreachable } from "./server";
import { DELETION_POLICY_SETTING, OWNER_SETTING, PHOTO_SETTING, mailshareSettings, patchMailshareSettings } from "./marks";
import { validateSlice } from "./validate";
import { aliasEmails, carriedAliases } from "./aliases";
import { isAlreadyExists } from "../bluemind/errors";
import type { Address, CanonicalMailshare, DeletionPolicy, Information, Phone, PostalAddress, Routing } from "../desired/model";
import type { Email, ItemValue, Mailshare as WireMailshare, MailshareInput, VCard } from "../bluemind/types";

/** The mailshare fields a Mailshare owns (its parts own the others). */
const OWNED = ["name", "displayName", "description", "email", "routing", "quota", "hidden", "delegation",
  "storageServer", "information", "deletionPolicy", "adopt"] as const;

/**
 * The inputs of a Mailshare: its fields in canonical form (desired/model.ts: quota in KiB, null = the
 * domain's default; delegation an org unit path or uid; storageServer a server name, fqdn or uid),
 * and the owner label of the files that declare it (recorded on the server: a run deletes only
 * mailshares of its own owners; null records none).
 */
export type MailshareInputs = Props & Pick<CanonicalMailshare, (typeof OWNED)[number]> & { domain: string; owner: string | null };

/** An owner label: the files' `owner:` key, or by default a file's path (see desired/). */
const isOwnerLabel = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= 1024 && !/[\u0000-\u001f]/.test(v);

export interface MailshareOutputs extends Props {
  /** The mailshare uid (deterministic from domain and name, or the adopted mailshare's). */
  uid: string;
  /** Every address of the mailshare, primary first. */
  addresses: string[];
  /** Uid of the server holding the mailbox. */
  dataLocation: string | null;
  /** Uid of the delegation org unit. */
  orgUnitUid: string | null;
}


const RENAME_HINT =
  "BlueMind treats a mailshare's name as fixed and bmshare never replaces a mailshare (its mail would be lost). " +
  "To migrate: declare a new mailshare with the new name, copy the mail over (IMAP), then remove the old one " +
  "with deletionPolicy: delete";

const param = (parameters: { label: string; value: string }[] | undefined, label: string) =>
  parameters?.find((p) => p.label.toUpperCase() === label)?.value;

/** Writes our fields into a card, keeping every other part of it (set in the console, say). */
function cardWith(card: VCard | null, m: MailshareInputs): Record<string, any> {
  const c: Record<string, any> = structuredClone(card ?? {});
  c.identification = { ...(c.identification ?? {}), formatedName: { value: m.displayName, parameters: [] } };
  c.explanatory = { ...(c.explanatory ?? {}), note: m.description };
  c.communications = {
    ...(c.communications ?? {}),
    tels: m.information.phones.map((p) => ({ value: p.number, ext: null, parameters: [{ label: "TYPE", value: p.type }] })),
  };
  c.deliveryAddressing = m.information.addresses.map((a) => ({
    address: {
      value: a.label, postOfficeBox: a.poBox, extentedAddress: a.extended, streetAddress: a.street, locality: a.locality,
      region: a.region, postalCode: a.postalCode, countryName: a.country, parameters: [{ label: "TYPE", value: a.type }],
    },
  }));
  return c;
}

function phonesOf(card: VCard): Phone[] {
  return (card.communications?.tels ?? []).map((t) => ({
    number: t.value ?? "", type: (param(t.parameters, "TYPE")?.toLowerCase() ?? "work") as Phone["type"],
  }));
}

function postalAddressesOf(card: VCard): PostalAddress[] {
  return (card.deliveryAddressing ?? []).map(({ address: a }) => ({
    label: a.value || null, street: a.streetAddress ?? "", extended: a.extentedAddress || null, poBox: a.postOfficeBox || null,
    locality: a.locality ?? "", region: a.region || null, postalCode: a.postalCode ?? "", country: a.countryName ?? "",
    type: (param(a.parameters, "TYPE")?.toLowerCase() ?? "work") as PostalAddress["type"],
  }));
}

/**
 * The full replace BlueMind expects: our fields, and everything else kept as it is — the aliases
 * too, unless this write carries the `MailshareAliases` change (WriteOptions.carried).
 */
function wireValue(
  m: MailshareInputs, existing: WireMailshare | null, orgUnitUid: string | null, dataLocation: string | null, options: WriteOptions,
): MailshareInput {
  const primary: Email[] = m.email ? [{ address: m.email.address, allAliases: m.email.allDomains, isDefault: true }] : [];
  const carried = options.carried?.MailshareAliases;
  const aliases = (carried ? aliasEmails(carriedAliases(carried)) : existing?.emails ?? [])
    .filter((e) => !e.isDefault && e.address !== m.email?.address);
  return {
    name: m.name,
    routing: m.routing,
    quota: m.quota,
    hidden: m.hidden,
    archived: existing?.archived ?? false,
    system: existing?.system ?? false,
    orgUnitUid,
    // Never send null on update: BlueMind would re-assign a server without moving the mail.
    dataLocation: dataLocation ?? existing?.dataLocation ?? null,
    emails: [...primary, ...aliases],
    card: cardWith(existing?.card ?? null, m) as MailshareInput["card"],
  };
}

async function resolveOrgUnit(rt: Runtime, domain: string, ref: string | null): Promise<string | null> {
  if (ref === null) return null;
  const ou = await rt.client.resolve.orgUnit(domain, ref);
  if (!ou) throw new Error(`delegation: org unit ${ref} does not exist in ${domain}`);
  return ou.uid;
}

async function resolveServer(rt: Runtime, ref: string | null): Promise<string | null> {
  if (ref === null) return null;
  const server = await rt.client.resolve.server(ref);
  if (!server) throw new Error(`storageServer: server ${ref} does not exist`);
  return server.uid;
}

/**
 * Uploads, replaces or removes the photo so that the server matches `m`, and records bmshare's marks
 * (deletion policy, owner). BlueMind re-encodes photos, so the server's bytes say nothing about which
 * file they came from: the SHA-256 of the file uploaded is recorded with the marks and compared instead.
 */
async function syncPhotoAndMarks(rt: Runtime, domain: string, uid: string, m: MailshareInputs, hasPhoto: boolean, known?: Record<string, string>): Promise<void> {
  const wanted = m.information.photo;
  const settings = known ?? (await mailshareSettings(rt, uid, { fresh: true })) ?? undefined;
  if (wanted === null) {
    if (hasPhoto) await rt.client.mailshares.deletePhoto(domain, uid);
  } else if (!hasPhoto || settings?.[PHOTO_SETTING] !== wanted.sha256) {
    await rt.client.mailshares.setPhoto(domain, uid, fs.readFileSync(wanted.path));
  }
  await patchMailshareSettings(rt, uid, {
    [DELETION_POLICY_SETTING]: m.deletionPolicy, [OWNER_SETTING]: m.owner ?? "", [PHOTO_SETTING]: wanted?.sha256 ?? "",
  }, settings);
}

function outputsOf(item: ItemValue<WireMailshare>): MailshareOutputs {
  const emails = [...item.value.emails].sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
  return {
    uid: item.uid, addresses: emails.map((e) => e.address), dataLocation: item.value.dataLocation ?? null,
    orgUnitUid: item.value.orgUnitUid ?? null,
  };
}

/**
 * Brings the existing mailshare `uid` to `m`: a move first when the storage server changes, then
 * one full-replace update built from a fresh read, under the per-mailshare lock.
 */
async function converge(rt: Runtime, domain: string, uid: string, m: MailshareInputs, options: WriteOptions): Promise<MailshareOutputs> {
  const c = rt.client;
  const [orgUnitUid, server] = await Promise.all([resolveOrgUnit(rt, domain, m.delegation), resolveServer(rt, m.storageServer)]);
  return rt.lock(domain, uid, async () => {
    let live = await c.mailshares.getComplete(domain, uid);
    if (!live) throw new Error(`mailshare ${m.name} (${uid}) no longer exists in ${domain}`);
    if (server && live.value.dataLocation !== server) {
      try {
        await followTask(rt, await c.directory.xfer(domain, uid, server), `moving mailshare ${m.name} to ${m.storageServer}`);
      } finally {
        c.mailshares.expire(domain, uid);
      }
      live = (await c.mailshares.getComplete(domain, uid)) ?? live;
    }
    await c.mailshares.update(domain, uid, wireValue(m, live.value, orgUnitUid, live.value.dataLocation, options));
    await syncPhotoAndMarks(rt, domain, uid, m, live.value.card?.identification?.photo === true);
    // Read back through the run's list, which then knows the mailshare as written.
    const after = await c.mailshares.find(domain, uid);
    return outputsOf(after ?? live);
  });
}

/**
 * A create refused as existing: our own uid (an earlier run that failed midway) converges — unless
 * the caller planned a create on an absent mailshare (`mode` "new", the CLI), which must not write
 * over what appeared since; a mailshare of that name under another uid needs adopt; anything else
 * (an address held by another mailbox) is the server's refusal as it stands.
 */
async function existingOnCreate(rt: Runtime, m: MailshareInputs, uid: string, refusal: unknown, options: WriteOptions): Promise<{ id: string; outs: MailshareOutputs }> {
  const c = rt.client;
  const own = await c.mailshares.getComplete(m.domain, uid);
  const sameName = own?.value.name === m.name ? own : await c.mailshares.findByName(m.domain, m.name, { fresh: true });
  if (!sameName) throw refusal;
  if (options.mode === "new") throw new ExistsError(`mailshare ${m.name} (${sameName.uid}) exists on the server now`);
  if (sameName.uid !== uid && !m.adopt) {
    throw new Error(`a mailshare named ${m.name} already exists in ${m.domain} (uid ${sameName.uid}): set adopt: true to take it over`);
  }
  if (sameName.uid !== uid) rt.report("info", `adopting existing mailshare ${m.name} (${sameName.uid})`);
  return { id: sameName.uid, outs: await converge(rt, m.domain, sameName.uid, m, options) };
}

async function previewUid(rt: Runtime, m: MailshareInputs): Promise<string> {
  const derived = mailshareUid(m.domain, m.name);
  if (!m.adopt) return derived;
  try {
    return (await rt.client.mailshares.findByName(m.domain, m.name))?.uid ?? derived;
  } catch (err) {
    if (isUnreachable(err)) return derived;
    throw err;
  }
}

export const mailshareProvider = defineProvider<MailshareInputs, MailshareOutputs>({
  kind: "Mailshare",
  inputKeys: ["domain", ...OWNED, "owner"],
  listKeys: { "information.phones": (p: Phone) => p.number },
  // A photo is its content: where the file lies differs between checkouts (a laptop, CI).
  comparable: (m) => {
    const information = m.information as Information | null;
    const photo = information?.photo;
    return photo ? { ...m, information: { ...information, photo: { sha256: photo.sha256 } } } : m;
  },

  async check(news, _olds, rt, options) {
    const { domain } = news;
    const { value, failures } = validateSlice(domain, news, OWNED, options);
    if (failures.length > 0) return { inputs: news as MailshareInputs, failures };
    const owner = news.owner ?? null;
    if (owner !== null && !isOwnerLabel(owner)) {
      return { inputs: news as MailshareInputs, failures: [{ property: "owner", reason: "expected an owner label: a text of at most 1024 characters, without control characters" }] };
    }
    const inputs: MailshareInputs = { domain, owner, ...(Object.fromEntries(OWNED.map((k) => [k, value[k]])) as any) };
    // Known before creation, so previews show it: derived from domain and name, or for an adopted
    // mailshare the live one's (looked up when the server can be reached).
    return { inputs: { ...inputs, uid: await previewUid(rt, inputs) }, failures: [] };
  },

  idOf: (m) => mailshareUid(m.domain, m.name),

  checkTransition(olds, news) {
    if (olds.name !== news.name) {
      return [{ property: "name", reason: `cannot rename mailshare ${olds.name} to ${news.name}: ${RENAME_HINT}` }];
    }
    if (olds.domain !== news.domain) {
      return [{ property: "domain", reason: `cannot move mailshare ${olds.name} from ${olds.domain} to ${news.domain}: declare it in the new domain instead` }];
    }
    return [];
  },

  carries: ["MailshareAliases"],

  async create(m, rt, options = {}) {
    const c = rt.client;
    const uid = mailshareUid(m.domain, m.name);
    const [orgUnitUid, dataLocation] = await Promise.all([resolveOrgUnit(rt, m.domain, m.delegation), resolveServer(rt, m.storageServer)]);
    // The uid is deterministic, so the create itself says whether the mailshare exists: no list
    // read before each create. BlueMind refuses a taken uid, name or address (ALREADY_EXISTS).
    let refusal: unknown = null;
    await rt.lock(m.domain, uid, async () => {
      let answered: boolean;
      try {
        answered = await c.mailshares.create(m.domain, uid, wireValue(m, null, orgUnitUid, dataLocation, options));
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        refusal = err;
        return;
      }
      // A mailshare the server just created has no settings yet: nothing to read before marking it.
      // After a lost answer it may have been there before, with settings of its own: read them.
      await syncPhotoAndMarks(rt, m.domain, uid, m, false, answered ? {} : undefined);
    });
    if (refusal !== null) return existingOnCreate(rt, m, uid, refusal, options);
    // Read back (the server places a mailshare without storageServer); it also tells the run's
    // list, so the parts written next know the mailshare without asking again.
    const created = await c.mailshares.find(m.domain, uid);
    if (!created) throw new Error(`mailshare ${m.name} was created but cannot be read back`);
    return { id: uid, outs: outputsOf(created) };
  },

  async read(id, props, rt) {
    const c = rt.client;
    const domain = props.domain;
    // The run's list is this read: absent from it is absent (a plan reads the list as it starts;
    // a part, by contrast, asks again before calling its mailshare gone — server.ts).
    const item = await c.mailshares.find(domain, id);
    if (!item) return null;
    const v = item.value;
    const card = (v.card ?? {}) as VCard;
    const def = v.emails.find((e) => e.isDefault);
    let quota = v.quota ?? null;
    if (props.quota == null && quota !== null && quota === (await defaultQuota(rt, domain))) quota = null;
    let delegation: string | null = null;
    if (v.orgUnitUid) {
      // The user's own form (path in any case, or uid) when it names the live org unit.
      const declared = props.delegation ? await c.resolve.orgUnit(domain, props.delegation) : null;
      if (declared?.uid === v.orgUnitUid) delegation = props.delegation;
      else delegation = (await c.resolve.orgUnit(domain, v.orgUnitUid))?.path ?? v.orgUnitUid;
    }
    let storageServer: string | null = null;
    if (props.storageServer != null && v.dataLocation) {
      const s = await c.resolve.server(v.dataLocation);
      const names = s ? [s.uid, s.value.name, s.value.fqdn] : [v.dataLocation];
      storageServer = names.some((n) => n?.toLowerCase() === props.storageServer!.toLowerCase()) ? props.storageServer : (s?.value.name ?? v.dataLocation);
    }
    const hasPhoto = card.identification?.photo === true;
    const marks = (await mailshareSettings(rt, id)) ?? {};
    const policy = marks[DELETION_POLICY_SETTING];
    const inputs: MailshareInputs = {
      domain,
      name: v.name,
      displayName: card.identification?.formatedName?.value || v.name,
      description: card.explanatory?.note || null,
      email: def ? { address: def.address, allDomains: def.allAliases } : null,
      routing: v.routing,
      quota,
      hidden: v.hidden,
      delegation,
      storageServer,
      information: {
        phones: phonesOf(card),
        addresses: postalAddressesOf(card),
        // Photos are re-encoded by BlueMind: compared by the SHA-256 recorded when bmshare uploaded it.
        photo: hasPhoto ? { path: props.information?.photo?.path ?? "(set on the server)", sha256: marks[PHOTO_SETTING] || "unknown" } : null,
      },
      // The policy the server carries (the mark bmshare writes); none = never marked, which
      // behaves as retain.
      deletionPolicy: policy === "delete" ? "delete" : "retain",
      adopt: props.adopt ?? false,
      // The owner recorded; when none is, the declared one — except for a mailshare marked for
      // deletion, whose owner must be recorded before a run may delete it (so that shows as a change).
      owner: marks[OWNER_SETTING] || (policy === "delete" ? null : props.owner ?? null),
    };
    return { inputs, outs: outputsOf(item) };
  },

  async update(id, _olds, news, rt, options = {}) {
    return converge(rt, news.domain, id, news, options);
  },

  async delete(id, props, rt) {
    if (props.deletionPolicy !== "delete") {
      rt.report("warn", `mailshare ${props.name} (${id}) is retained on the server with its mail, sharing, filters and identities (deletionPolicy: retain); bmshare no longer manages it`);
      return;
    }
    const c = rt.client;
    if (!(await c.mailshares.find(props.domain, id))) return;
    try {
      await followTask(rt, await c.mailshares.delete(props.domain, id), `deleting mailshare ${props.name}`);
    } finally {
      // The task removed it after the request: what the run read since is stale.
      c.mailshares.expire(props.domain, id);
    }
  },
});

export interface MailshareArgs {
  domain?: pulumi.Input<string>;
  name: pulumi.Input<string>;
  displayName?: pulumi.Input<string>;
  description?: pulumi.Input<string | null>;
  email?: pulumi.Input<string | Address | null>;
  routing?: pulumi.Input<Routing>;
  /** `2 GiB`, `500 MiB`, or KiB. */
  quota?: pulumi.Input<string | number | null>;
  hidden?: pulumi.Input<boolean>;
  delegation?: pulumi.Input<string | null>;
  storageServer?: pulumi.Input<string | null>;
  information?: pulumi.Input<Record<string, unknown>>;
  deletionPolicy?: pulumi.Input<DeletionPolicy>;
  adopt?: pulumi.Input<boolean>;
  /** The owner label recorded on the server (the YAML program sets it from the file); none by default. */
  owner?: pulumi.Input<string | null>;
}
