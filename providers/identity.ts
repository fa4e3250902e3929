// `MailshareIdentity`: one sender identity stored on the mailshare's own mailbox (the admin
// console's "Identities" tab) — label, display name, address, signature (HTML or plain), default
// flag and sent folder.
//
// BlueMind lets the client choose identity ids (docs/bluemind-api.md §2.5), so the id is derived from the
// mailshare and the label: every operation is idempotent, and a run that failed midway converges.
// A label change is a new resource (resources are named by label), so no replace is needed.
import type * as pulumi from "@pulumi/pulumi";
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import { defineProvider, type Props } from "./base";
import type { Runtime } from "./runtime";
import { identityId } from "./ids";
import { goneNow, requireMailshare } from "./server";
import { validateSlice } from "./validate";
import { BlueMindError, isNotFound, serverSays } from "../bluemind";
import type { Identity as WireIdentity } from "../bluemind/types";
import { SCHEMA_OBJECT_KEYS, type Identity, type SignatureFormat } from "../desired/model";

/** The inputs of a MailshareIdentity: the canonical `Identity` of desired/model.ts, flat, plus where it lives. */
export interface MailshareIdentityInputs extends Props, Identity {
  domain: string;
  /** Uid of the mailshare (the `uid` output of a `Mailshare`). */
  mailshare: string;
}

export interface MailshareIdentityOutputs extends Props {
  /** The identity's id on the server (deterministic from the mailshare and the label). */
  identityId: string;
}

const IDENTITY_KEYS = SCHEMA_OBJECT_KEYS.identity as readonly (keyof Identity & string)[];

/** `identities[0].email` → `email`: failures name the flat property the user wrote. */
function flatProperty(path: string): string {
  const prefix = "identities[0].";
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

function toWire(m: MailshareIdentityInputs): WireIdentity {
  return {
    email: m.email,
    format: m.format === "plain" ? "PLAIN" : "HTML",
    signature: m.signature,
    displayname: m.displayName,
    name: m.name,
    isDefault: m.default,
    sentFolder: m.sentFolder,
  };
}

/**
 * The stored identity in canonical form. An empty display name or sent folder (what the console
 * stores when a field is cleared) means the same as none; an unknown format reads as itself so
 * that it shows as drift.
 */
function fromWire(domain: string, mailshare: string, w: WireIdentity): MailshareIdentityInputs {
  const format = w.format === "PLAIN" ? "plain" : w.format === "HTML" || w.format == null ? "html" : String(w.format);
  return {
    domain,
    mailshare,
    name: w.name,
    displayName: w.displayname || null,
    email: w.email,
    signature: w.signature ?? "",
    format: format as SignatureFormat,
    default: w.isDefault === true,
    sentFolder: w.sentFolder || null,
  };
}

const serverMessage = (err: unknown) => (err instanceof BlueMindError ? err.serverMessage ?? "" : "");

/** The identity factory's "no ACL container" fault: the mailshare is gone, or its container is broken. */
const isMissingContainer = (err: unknown) => serverSays(err, /mbox container .* not found/);

/** Rewrites BlueMind's business errors about an identity into messages that say what to change. */
function explained(err: unknown, m: MailshareIdentityInputs): unknown {
  const message = serverMessage(err);
  if (serverSays(err, /not found into mailbox emails/)) {
    return new Error(
      `email: ${m.email} is not one of the addresses of mailshare ${m.mailshare} (BlueMind: "${message}"): ` +
      "use the mailshare's email or one of its aliases, or add the address to the mailshare first",
    );
  }
  if (isMissingContainer(err)) {
    return new Error(
      `identity ${m.name}: mailshare ${m.mailshare} has no ACL container (BlueMind: "${message}"); ` +
      "if the mailshare exists, repair it (maintenance: { repair: … })",
    );
  }
  return err;
}

/**
 * Creates the identity, or converges it when the id already exists (a re-run after a failure):
 * the create is sent first, so a new identity costs one request.
 */
async function createOrConverge(rt: Runtime, id: string, m: MailshareIdentityInputs): Promise<void> {
  const c = rt.client;
  const wire = toWire(m);
  try {
    // A lost answer is verified by the client (the id is read back), never sent twice blindly; as
    // the identity may then have been there before, with other fields, it is written once more.
    if (!(await c.identities.create(m.domain, m.mailshare, id, wire))) await c.identities.update(m.domain, m.mailshare, id, wire);
  } catch (err) {
    // The id exists (an earlier run, or someone else): BlueMind answers UNKNOWN "already exists".
    if (!/already exists/.test(serverMessage(err))) throw err;
    await c.identities.update(m.domain, m.mailshare, id, wire);
  }
}

export const mailshareIdentityProvider = defineProvider<MailshareIdentityInputs, MailshareIdentityOutputs>({
  kind: "MailshareIdentity",
  inputKeys: ["domain", "mailshare", ...IDENTITY_KEYS],

  async check(news, _olds, rt, options) {
    const { domain } = news;
    const failures: CheckFailure[] = [];
    const raw = Object.fromEntries(IDENTITY_KEYS.filter((k) => news[k] !== undefined).map((k) => [k, news[k]]));
    // The "email is one of the mailshare's addresses" cross-check reads email and aliases, which
    // this resource does not own: it is skipped here, and BlueMind enforces it on create/update.
    const slice = validateSlice(domain, { identities: [raw] }, ["identities"], options);
    failures.push(...slice.failures.map((f) => ({ property: flatProperty(f.property), reason: f.reason })));
    if (failures.length > 0) return { inputs: news as MailshareIdentityInputs, failures };
    const identity = slice.value.identities[0];
    const inputs: MailshareIdentityInputs = { domain: domain, mailshare: news.mailshare as string, ...identity };
    // Known before creation, so previews show it.
    return { inputs: { ...inputs, identityId: identityId(inputs.mailshare, inputs.name) }, failures: [] };
  },

  idOf: (m) => identityId(m.mailshare, m.name),

  async create(m, rt) {
    const id = identityId(m.mailshare, m.name);
    await requireMailshare(rt, m.domain, m.mailshare);
    try {
      await createOrConverge(rt, id, m);
    } catch (err) {
      throw explained(err, m);
    }
    return { id, outs: { identityId: id } };
  },

  async read(id, props, rt) {
    const { domain, mailshare } = props;
    let stored: WireIdentity | null;
    try {
      stored = await rt.client.identities.get(domain, mailshare, id);
    } catch (err) {
      // No ACL container: gone only when the server says the mailshare itself is gone.
      // Gone with its mailshare: BlueMind deletes a mailshare's identities with it.
      if (isMissingContainer(err) && (await goneNow(rt, domain, mailshare))) return null;
      throw explained(err, props);
    }
    if (!stored) return null;
    return { inputs: fromWire(domain, mailshare, stored), outs: { identityId: id } };
  },

  async update(id, _olds, news, rt) {
    const c = rt.client;
    try {
      await c.identities.update(news.domain, news.mailshare, id, toWire(news));
    } catch (err) {
      // Deleted in the console since the last run: create it again under the same id.
      if (!isNotFound(err)) throw explained(err, news);
      await requireMailshare(rt, news.domain, news.mailshare);
      try {
        await createOrConverge(rt, id, news);
      } catch (again) {
        throw explained(again, news);
      }
    }
    return { identityId: id };
  },

  async delete(id, props, rt) {
    try {
      await rt.client.identities.delete(props.domain, props.mailshare, id);
    } catch (err) {
      if (isNotFound(err)) return; // already gone
      if (isMissingContainer(err) && (await goneNow(rt, props.domain, props.mailshare))) return;
      throw explained(err, props);
    }
  },
});

export interface MailshareIdentityArgs {
  domain?: pulumi.Input<string>;
  /** The mailshare's uid: pass the `uid` output of a `Mailshare`. */
  mailshare: pulumi.Input<string>;
  /** The identity's label, unique within the mailshare. */
  name: pulumi.Input<string>;
  displayName?: pulumi.Input<string | null>;
  /** One of the mailshare's addresses. */
  email: pulumi.Input<string>;
  signature?: pulumi.Input<string>;
  format?: pulumi.Input<SignatureFormat>;
  default?: pulumi.Input<boolean>;
  sentFolder?: pulumi.Input<string | null>;
}
