// `MailshareAliases`: the set of alias addresses of a mailshare — every address but the default one,
// which belongs to `Mailshare`. Exact-set semantics: an alias added by hand in the console shows up
// as drift and `up` removes it.
//
// BlueMind has no call per address: the addresses are the `emails` list of the mailshare, written by
// IMailshare.update, a full replace of the whole mailshare (docs/bluemind-api.md §4, item 5). `Mailshare` writes
// the same object, so every write here is a read-modify-write under the per-mailshare lock, built
// from a read made inside the lock, that keeps the default address and every other field as read.
import type * as pulumi from "@pulumi/pulumi";
import { defineProvider, type Props } from "./base";
import type { Runtime } from "./runtime";
import { deepEqual } from "./diff";
import { freshMailshare, liveMailshare } from "./server";
import { validateSlice } from "./validate";
import { sortAliases } from "../desired/normalise";
import type { Address } from "../desired/model";
import type { Email, ItemValue, Mailshare as WireMailshare, MailshareInput } from "../bluemind/types";

/** The inputs of a MailshareAliases, in canonical form. */
export interface MailshareAliasesInputs extends Props {
  domain: string;
  /** The mailshare uid (the `uid` output of a `Mailshare`). */
  mailshare: string;
  /** Sorted by address, then allDomains (desired/normalise.ts). */
  aliases: Address[];
}

const OWNED = ["aliases"] as const;
const ID_SUFFIX = "/aliases";


/** The live aliases: every address of the mailshare but the default one. */
function aliasesOf(item: ItemValue<WireMailshare>): Address[] {
  return sortAliases(item.value.emails.filter((e) => !e.isDefault).map((e) => ({ address: e.address, allDomains: e.allAliases })));
}

/** The wire form of the aliases: addresses that are not the default one. */
export const aliasEmails = (aliases: readonly Address[]): Email[] =>
  aliases.map((a) => ({ address: a.address, allAliases: a.allDomains, isDefault: false }));

/** The aliases a `Mailshare` write carries for this resource (WriteOptions.carried). */
export const carriedAliases = (inputs: Props): Address[] => (inputs as MailshareAliasesInputs).aliases;

/** The full replace BlueMind expects: the default address, `aliases`, and every other field as read. */
function withAliases(live: WireMailshare, aliases: readonly Address[]): MailshareInput {
  const primary = live.emails.filter((e) => e.isDefault);
  return { ...live, emails: [...primary, ...aliasEmails(aliases)], card: live.card as MailshareInput["card"] };
}

/**
 * Makes the mailshare's aliases exactly `aliases`, from a fresh read under the lock; writes nothing
 * when they already are (so a re-run after a failure midway is harmless). A refusal by the server
 * (an address used by another mailbox: 500 ALREADY_EXISTS) surfaces with BlueMind's message.
 */
async function setAliases(rt: Runtime, domain: string, mailshare: string, aliases: readonly Address[]): Promise<void> {
  await rt.lock(domain, mailshare, async () => {
    const live = await freshMailshare(rt, domain, mailshare);
    if (deepEqual(aliasesOf(live), sortAliases(aliases))) return;
    await rt.client.mailshares.update(domain, mailshare, withAliases(live.value, aliases));
  });
}

export const mailshareAliasesProvider = defineProvider<MailshareAliasesInputs, Props>({
  kind: "MailshareAliases",
  inputKeys: ["domain", "mailshare", "aliases"],
  listKeys: { aliases: (a: Address) => a.address },

  async check(news, _olds, rt, options) {
    const { domain } = news;
    // Only `aliases` is owned: the rule "aliases need a primary address" reads `email`, which
    // belongs to Mailshare, so validateSlice skips it (the YAML loader checks whole mailshares).
    const { value, failures } = validateSlice(domain, news, OWNED, options);
    if (failures.length > 0) return { inputs: news as MailshareAliasesInputs, failures };
    return { inputs: { domain: domain, mailshare: news.mailshare as string, aliases: value.aliases }, failures: [] };
  },

  idOf: (m) => `${m.mailshare}${ID_SUFFIX}`,

  async create(m, rt) {
    await setAliases(rt, m.domain, m.mailshare, m.aliases);
    return { id: `${m.mailshare}${ID_SUFFIX}`, outs: {} };
  },

  async read(id, props, rt) {
    const mailshare = props.mailshare;
    const item = await liveMailshare(rt, props.domain, mailshare);
    if (!item) return null;
    return { inputs: { domain: props.domain, mailshare, aliases: aliasesOf(item) }, outs: {} };
  },

  async update(id, _olds, news, rt) {
    await setAliases(rt, news.domain, news.mailshare, news.aliases);
    return {};
  },

  // Only reached when the alias set is removed while the mailshare stays (with the mailshare,
  // `deletedWith` skips it): the mailshare keeps its default address only.
  async delete(id, props, rt) {
    const mailshare = props.mailshare;
    await rt.lock(props.domain, mailshare, async () => {
      const live = await rt.client.mailshares.getComplete(props.domain, mailshare);
      if (!live || aliasesOf(live).length === 0) return;
      await rt.client.mailshares.update(props.domain, mailshare, withAliases(live.value, []));
    });
  },
});

export interface MailshareAliasesArgs {
  domain?: pulumi.Input<string>;
  /** The mailshare uid: the `uid` output of a `Mailshare`. */
  mailshare: pulumi.Input<string>;
  /** `help@acme.test`, or `{ address, allDomains: true }` for the local part on every domain alias. */
  aliases?: pulumi.Input<pulumi.Input<string | Address>[]>;
}
