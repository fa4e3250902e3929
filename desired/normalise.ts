// Raw (schema-valid) mailshare → the one canonical form: defaults filled, addresses lower-case, sizes
// in KiB, dates in UTC epoch ms, photo as absolute path + SHA-256, set-like lists (aliases, shares,
// forwarding addresses) sorted and de-duplicated, ordered lists (filters, conditions, actions,
// identities, phones, postal addresses) kept as written. Two files that mean the same thing give equal
// canonical values, so plans never show cosmetic changes; a canonical value normalises to itself.
import {
  DEFAULT_AUTO_REPLY_SUBJECT, PRESENCE_OPS,
  type Action, type Address, type AutoReply, type CanonicalMailshare, type Condition, type Filter, type Forwarding,
  type Identity, type Information, type Maintenance, type PresenceOp, type RawAction, type RawAddress, type RawAutoReply,
  type RawCondition, type RawFilter, type RawForwarding, type RawIdentity, type RawInformation, type RawMailshare,
  type RawMaintenance, type RawTrigger, type Share, type SizeOp, type TextField, type TextOp,
} from "./model";
import type { FieldPath, Issue } from "./errors";
import { MAX_QUOTA_KIB, MAX_QUOTA_REASON, parseSize } from "./sizes";
import { parseDate } from "./dates";
import { inspectPhoto } from "./photo";

export interface NormaliseContext {
  /** Directory of the YAML file: photo paths are relative to it. */
  baseDir: string;
}

export interface NormaliseResult {
  /** Complete even when there are issues (unparsable values become null); only trust it without issues. */
  value: CanonicalMailshare;
  /** Paths relative to the mailshare. */
  issues: Issue[];
}

export function normaliseAddress(raw: RawAddress): Address {
  return typeof raw === "string"
    ? { address: raw.toLowerCase(), allDomains: false }
    : { address: raw.address.toLowerCase(), allDomains: raw.allDomains ?? false };
}

/** A share subject as compared and stored: e-mail addresses lower-case, logins and group names as written. */
export function normaliseReference(ref: string): string {
  return ref.includes("@") ? ref.toLowerCase() : ref;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Lower-cased, sorted, without repeats: forwarding addresses are a set. */
export function addressSet(addresses: readonly string[]): string[] {
  return [...new Set(addresses.map((a) => a.toLowerCase()))].sort(byText);
}

/** Aliases are a set: sorted by address, then allDomains. */
export function sortAliases(aliases: readonly Address[]): Address[] {
  return [...aliases].sort((a, b) => byText(a.address, b.address) || Number(a.allDomains) - Number(b.allDomains));
}

export function normaliseMailshare(raw: RawMailshare, context: NormaliseContext): NormaliseResult {
  const issues: Issue[] = [];
  const issue = (path: FieldPath, message: string) => issues.push({ path, message });
  const email = raw.email == null ? null : normaliseAddress(raw.email);
  const aliases = sortAliases((raw.aliases ?? []).map(normaliseAddress));
  let quota: number | null = null;
  if (raw.quota != null) {
    const parsed = parseSize(raw.quota, MAX_QUOTA_KIB, MAX_QUOTA_REASON);
    if ("error" in parsed) issue(["quota"], parsed.error);
    else quota = parsed.kib;
  }
  const value: CanonicalMailshare = {
    name: raw.name,
    displayName: raw.displayName ?? raw.name,
    description: raw.description ?? null,
    email,
    aliases,
    routing: raw.routing ?? (email ? "internal" : "none"),
    quota,
    hidden: raw.hidden ?? false,
    delegation: raw.delegation ?? null,
    storageServer: raw.storageServer ?? null,
    information: normaliseInformation(raw.information ?? {}, context, issue),
    shares: normaliseShares(raw),
    autoReply: raw.autoReply == null ? null : normaliseAutoReply(raw.autoReply, issue),
    filters: (raw.filters ?? []).map((f, i) => normaliseFilter(f, ["filters", i], issue)),
    forwarding: raw.forwarding == null ? null : normaliseForwarding(raw.forwarding),
    identities: (raw.identities ?? []).map(normaliseIdentity),
    maintenance: normaliseMaintenance(raw.maintenance ?? {}),
    deletionPolicy: raw.deletionPolicy ?? "retain",
    adopt: raw.adopt ?? false,
  };
  return { value, issues };
}

type Report = (path: FieldPath, message: string) => void;

function normaliseInformation(raw: RawInformation, context: NormaliseContext, issue: Report): Information {
  let photo: Information["photo"] = null;
  if (raw.photo != null) {
    const [file, pinned] = typeof raw.photo === "string" ? [raw.photo, undefined] : [raw.photo.path, raw.photo.sha256];
    const inspected = inspectPhoto(file, context.baseDir, pinned);
    if ("error" in inspected) issue(["information", "photo"], inspected.error);
    else photo = { path: inspected.path, sha256: inspected.sha256 };
  }
  return {
    phones: (raw.phones ?? []).map((p) => ({ number: p.number, type: p.type ?? "work" })),
    addresses: (raw.addresses ?? []).map((a) => ({
      label: a.label ?? null, street: a.street, extended: a.extended ?? null, poBox: a.poBox ?? null,
      locality: a.locality, region: a.region ?? null, postalCode: a.postalCode, country: a.country, type: a.type ?? "work",
    })),
    photo,
  };
}

/** Shares are a set: users then groups, by reference, then level. */
export function normaliseShares(raw: Pick<RawMailshare, "shares">): Share[] {
  const shares: Share[] = (raw.shares ?? []).map((s) =>
    s.user !== undefined ? { user: normaliseReference(s.user), level: s.level } : { group: normaliseReference(s.group ?? ""), level: s.level });
  const key = (s: Share) => ("user" in s ? `0 ${s.user}` : `1 ${s.group}`);
  return shares.sort((a, b) => byText(key(a), key(b)) || byText(a.level, b.level));
}

function normaliseAutoReply(raw: RawAutoReply, issue: Report): AutoReply {
  const date = (field: "start" | "end"): number | null => {
    const given = raw[field];
    if (given == null) return null;
    const parsed = parseDate(given);
    if ("error" in parsed) {
      issue(["autoReply", field], parsed.error);
      return null;
    }
    return parsed.ms;
  };
  return {
    enabled: raw.enabled ?? true,
    start: date("start"),
    end: date("end"),
    // BlueMind reads a reply without subject back as "": omitted and empty are the same.
    subject: raw.subject ?? DEFAULT_AUTO_REPLY_SUBJECT,
    message: raw.message,
    html: raw.html ?? null,
  };
}

function normaliseFilter(raw: RawFilter, path: FieldPath, issue: Report): Filter {
  return {
    name: raw.name,
    active: raw.active ?? true,
    match: raw.match ?? "all",
    conditions: (raw.conditions ?? []).map((c, i) => normaliseCondition(c, [...path, "conditions", i], issue)),
    actions: raw.actions.map(normaliseAction),
    stop: raw.stop ?? true,
  };
}

const isPresenceOp = (op: string): op is PresenceOp => (PRESENCE_OPS as readonly string[]).includes(op);

function normaliseCondition(raw: RawCondition, path: FieldPath, issue: Report): Condition {
  if (raw.field === "size") {
    const parsed = parseSize(raw.value);
    if ("error" in parsed) issue([...path, "value"], parsed.error);
    return { field: "size", op: raw.op as SizeOp, value: "error" in parsed ? 0 : parsed.kib };
  }
  const subject = raw.header !== undefined ? { header: raw.header } : { field: raw.field as TextField };
  if (isPresenceOp(raw.op)) return { ...subject, op: raw.op };
  return { ...subject, op: raw.op as TextOp, value: String(raw.value ?? "") };
}

function normaliseAction(raw: RawAction): Action {
  if (raw.forwardTo !== undefined) {
    return { forwardTo: addressSet(raw.forwardTo), keepCopy: raw.keepCopy ?? true, asAttachment: raw.asAttachment ?? false };
  }
  if (raw.moveTo !== undefined) return { moveTo: raw.moveTo };
  if (raw.copyTo !== undefined) return { copyTo: raw.copyTo };
  if (raw.markAsRead) return { markAsRead: true };
  if (raw.markAsImportant) return { markAsImportant: true };
  if (raw.delete) return { delete: true };
  return { discard: true };
}

/** Forwarding that is off and has no addresses is the same as none at all. */
function normaliseForwarding(raw: RawForwarding): Forwarding | null {
  const forwarding = { enabled: raw.enabled ?? true, to: addressSet(raw.to ?? []), localCopy: raw.localCopy ?? true };
  return !forwarding.enabled && forwarding.to.length === 0 ? null : forwarding;
}

function normaliseIdentity(raw: RawIdentity): Identity {
  return {
    name: raw.name,
    displayName: raw.displayName ?? null,
    email: raw.email.toLowerCase(),
    signature: raw.signature ?? "",
    format: raw.format ?? "html",
    default: raw.default ?? false,
    sentFolder: raw.sentFolder ?? null,
  };
}

function trigger(value: RawTrigger | undefined): string | null {
  return value == null ? null : String(value);
}

function normaliseMaintenance(raw: RawMaintenance): Maintenance {
  return { consolidateIndex: trigger(raw.consolidateIndex), check: trigger(raw.check), repair: trigger(raw.repair) };
}
