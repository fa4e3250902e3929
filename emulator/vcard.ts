// The directory card of a mailshare as the server rewrites it (MailshareVCardSanitizer,
// AbstractVCardAdapter; bluemind-api.md §3.5 and §4.9).
import { emptyVCard, type Email, type VCard } from "./model";
import type { DomainState } from "./store";

const isBlank = (s: unknown) => typeof s !== "string" || s.trim() === "";

/** Deep-merges a client card over the all-parts-present default, so every part exists on output. */
function withDefaults(base: any, given: any): any {
  if (given === undefined) return base;
  if (base === null || typeof base !== "object" || Array.isArray(base)) return given;
  if (given === null || typeof given !== "object" || Array.isArray(given)) return given;
  const out: any = { ...given };
  for (const [k, v] of Object.entries(base)) out[k] = withDefaults(v, given[k]);
  return out;
}

/** Drops blank parameters and strips `;` from the others, everywhere in the card. */
function cleanParameters(node: any): void {
  if (Array.isArray(node)) {
    node.forEach(cleanParameters);
    return;
  }
  if (!node || typeof node !== "object") return;
  for (const [k, v] of Object.entries(node)) {
    if (k === "parameters" && Array.isArray(v)) {
      node[k] = v
        .filter((p: any) => p && !isBlank(p.label) && !isBlank(p.value))
        .map((p: any) => ({ label: String(p.label).replace(/;/g, ""), value: String(p.value).replace(/;/g, "") }));
    } else {
      cleanParameters(v);
    }
  }
}

/** The card as stored for mailshare `uid` named `name` with addresses `emails`. */
export function storedCard(d: DomainState, uid: string, name: string, emails: Email[], given: VCard | null): VCard {
  const card = withDefaults(emptyVCard(), structuredClone(given ?? {}));
  cleanParameters(card);
  card.kind = "individual";
  card.source = `bm://${d.item.uid}/mailshares/${uid}`;
  if (isBlank(card.identification.formatedName?.value)) card.identification.formatedName = { value: name, parameters: [] };
  card.identification.photo = false;
  card.identification.photoBinary = null;
  card.communications.emails = cardEmails(d, emails);
  return card;
}

/**
 * One card email per address (DEFAULT / SYSTEM / TYPE parameters); an allAliases address also
 * yields `local@<d>` for every alias of the domain other than its own domain, plus the default alias
 * when its own domain was an alias. Addresses ending in `.internal` are left out.
 */
function cardEmails(d: DomainState, emails: Email[]): any[] {
  const out: any[] = [];
  const push = (address: string, isDefault: boolean) => {
    if (address.endsWith(".internal")) return;
    out.push({
      value: address,
      parameters: [
        { label: "DEFAULT", value: String(isDefault) },
        { label: "SYSTEM", value: "false" },
        { label: "TYPE", value: "work" },
      ],
    });
  };
  const domain = d.item.value;
  for (const e of emails) {
    push(e.address, e.isDefault);
    if (!e.allAliases) continue;
    const [local, own] = e.address.split("@");
    for (const alias of domain.aliases) if (alias !== own) push(`${local}@${alias}`, false);
    if (domain.aliases.includes(own)) push(`${local}@${domain.defaultAlias}`, false);
  }
  return out;
}

/** The display name of a card (formatted name), or the fallback. */
export function cardDisplayName(card: VCard, fallback: string): string {
  const v = card?.identification?.formatedName?.value;
  return isBlank(v) ? fallback : v;
}
