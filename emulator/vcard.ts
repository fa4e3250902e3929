// The directory card of a mailshare as the server rewrites it: MailshareVCardSanitizer, then
// VCardSanitizer, then MailshareVCardAdapter / AbstractVCardAdapter (docs/bluemind-api.md §3.5, §4.9).
import { emptyVCard, type Email, type VCard } from "./model";
import type { DomainState } from "./store";
import { npe } from "./faults";

const isBlank = (s: unknown) => typeof s !== "string" || s.trim() === "";
/** Guava's Strings.isNullOrEmpty: whitespace is not empty. */
const isNullOrEmpty = (s: unknown) => s === null || s === undefined || s === "";

/** VCard.Communications.Email.defaultEmail: a `default` parameter valued `true` (any case). */
function isDefaultCardEmail(mail: any): boolean {
  const parameters = mail.parameters === undefined ? [] : mail.parameters;
  if (!Array.isArray(parameters)) throw npe();
  return parameters.some((p: any) => {
    if (!p || typeof p.label !== "string" || typeof p.value !== "string") throw npe();
    return p.label.toLowerCase() === "default" && p.value.toLowerCase() === "true";
  });
}

/**
 * VCardSanitizer's formatted name built from the card: given, additional and family names (each
 * trimmed in the card as a side effect, like the server does), else the prefix, else the suffix;
 * for an individual card the company, else the default card email (the last one when none is
 * marked default). Null when there is nothing to build from.
 */
function nameFromCard(card: any): string | null {
  const n = card.identification.name;
  const names: string[] = [];
  for (const key of ["givenNames", "additionalNames", "familyNames"] as const) {
    if (isNullOrEmpty(n[key])) continue;
    n[key] = String(n[key]).trim();
    names.push(n[key]);
  }
  for (const key of ["prefixes", "suffixes"] as const) {
    if (isNullOrEmpty(n[key])) continue;
    n[key] = String(n[key]).trim();
    if (names.length === 0) names.push(n[key]);
  }
  const individual = card.kind === "individual";
  const company = card.organizational?.org?.company;
  if (names.length === 0 && individual && !isNullOrEmpty(company)) names.push(company);
  if (names.length === 0 && individual) {
    let address: string | null = null;
    for (const mail of card.communications?.emails ?? []) {
      address = mail?.value ?? null;
      if (isDefaultCardEmail(mail)) break;
    }
    if (address !== null) names.push(address);
  }
  return names.length > 0 ? names.join(" ") : null;
}

/**
 * The formatted name, in the order the server fills it. On update MailshareVCardSanitizer first
 * puts the mailshare name into a null or empty one; then VCardSanitizer fills a blank one from the
 * card; last MailshareVCardAdapter puts the mailshare name into a still null one. So on create a
 * blank name is built from the card before the mailshare name is used, and an empty or whitespace
 * one with nothing to build from stays as sent.
 */
function sanitizeFormattedName(card: any, name: string, create: boolean): void {
  if (!card.identification || typeof card.identification !== "object") card.identification = emptyVCard().identification;
  const id = card.identification;
  if (!id.formatedName || typeof id.formatedName !== "object") id.formatedName = { value: null, parameters: [] };
  if (!id.name || typeof id.name !== "object") id.name = emptyVCard().identification.name;
  if (!create && isNullOrEmpty(id.formatedName.value)) id.formatedName = { value: name, parameters: [] };
  const built = nameFromCard(card);
  if (built !== null && isBlank(id.formatedName.value)) id.formatedName = { value: built, parameters: [] };
  if (id.formatedName.value === null || id.formatedName.value === undefined) id.formatedName = { value: name, parameters: [] };
}

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

/** The card as stored for mailshare `uid` named `name` with addresses `emails`, on create or update. */
export function storedCard(
  d: DomainState, uid: string, name: string, emails: Email[], given: VCard | null, create: boolean,
): VCard {
  const card = withDefaults(emptyVCard(), structuredClone(given ?? {}));
  // Before the parameters are cleaned and the card emails replaced: the server builds the name first.
  sanitizeFormattedName(card, name, create);
  cleanParameters(card);
  card.kind = "individual";
  card.source = `bm://${d.item.uid}/mailshares/${uid}`;
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

/** The display name of a card (MailshareDirEntryAdapter.getSummary): the formatted name unless null. */
export function cardDisplayName(card: VCard, fallback: string): string {
  const v = card?.identification?.formatedName?.value;
  return v === null || v === undefined ? fallback : v;
}
