// Which BlueMind the client speaks to, and what follows from it: the server's version is read once
// per run (`IInstallation.getVersion`, cached in the run cache) and mapped to the wire form of each
// capability that differs between releases. Facts and their sources: docs/bluemind-versions.md.
//
// Supported: 4.7 to 4.9 and 5.0 to 5.4. Refused: what predates the filter rule names bmshare keys
// filters by (4.6 and older), 5.5 and later (a new kind of shared mailbox, with its own calendars
// and contacts, whose API the public source does not show), and anything unreadable — nothing is
// written to a server whose API is guessed.
import { UnsupportedVersionError } from "./errors";
import type { InstallationVersion, Verb } from "./types";

/** The ACL verb lattice of a release: `X: [Y…]` = X implies Y directly, keys in Java enum order. */
export type Lattice = Partial<Record<Verb, readonly Verb[]>>;

export interface Capabilities {
  /** The version as the server reported it (`softwareVersion`). */
  version: string;
  major: number;
  minor: number;
  /** The verb lattice (Verb.java of that release). */
  lattice: Lattice;
  /** Whether the Verb enum has `SendAs` (5.x): on 4.x `Write` implies `SendOnBehalf` only. */
  sendAs: boolean;
  /** `MailFilter.rules`: 4.x `MailFilter.Rule` (a criteria string) or 5.x `MailFilterRule`. */
  filterModel: "criteria" | "rules";
  /** IMailboxes `_vacation`, `_forwarding`, `_rules` (5.x). */
  filterPartEndpoints: boolean;
  /**
   * IDirEntryMaintenance: 4.x `check` / `repair` with a set of operation ids, 5.x
   * `repair(RepairConfig)`; null when the release cannot be told apart (4.9).
   */
  maintenance: "operation-sets" | "repair-config" | null;
}

/** What the README and the refusals call the supported range. */
export const SUPPORTED_RANGE = "4.7–4.9 and 5.0–5.4";

const LATTICE_4: Lattice = {
  Invitation: [], Freebusy: [], SendOnBehalf: [], Read: ["Invitation"], Write: ["Read", "SendOnBehalf"], Manage: [],
  All: ["Write", "Manage"],
};
const LATTICE_5_0: Lattice = {
  Invitation: [], Freebusy: [], SendOnBehalf: [], SendAs: [], Read: ["Invitation", "Freebusy"], ReadExtended: ["Read"],
  Write: ["Read"], Manage: [], All: ["Write", "Manage", "SendOnBehalf", "SendAs", "ReadExtended"],
};
const LATTICE_5_1: Lattice = {
  Invitation: [], Freebusy: ["Invitation"], SendOnBehalf: [], SendAs: ["SendOnBehalf"], Read: ["Freebusy"],
  ReadExtended: ["Read"], Write: ["Read"], Manage: [], All: ["Write", "Manage", "SendOnBehalf", "SendAs", "ReadExtended"],
};

/** `major.minor` of a `softwareVersion` (`5.1.0`, `4.8.12.51234`, `5.0.0-rc1`); null when it has none. */
export function parseVersion(software: unknown): { major: number; minor: number } | null {
  if (typeof software !== "string") return null;
  const m = /^\s*(\d+)\.(\d+)(?:[.\-+].*)?\s*$/.exec(software);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

const refusal = (found: string, why: string) =>
  `BlueMind ${found} is not supported (${why}); bmshare supports BlueMind ${SUPPORTED_RANGE}: nothing was written`;

/** The capabilities of the server that answered `v`, or UnsupportedVersionError. */
export function capabilitiesOf(v: InstallationVersion | null): Capabilities {
  const software = typeof v?.softwareVersion === "string" ? v.softwareVersion.trim() : "";
  const parsed = parseVersion(software);
  if (!parsed) {
    throw new UnsupportedVersionError(
      `the server reports no usable BlueMind version (softwareVersion ${JSON.stringify(v?.softwareVersion ?? null)}), so bmshare cannot tell which API it speaks; ` +
      `it supports BlueMind ${SUPPORTED_RANGE}: nothing was written`, software || null);
  }
  const { major, minor } = parsed;
  const base = { version: software, major, minor };
  if (major === 4 && minor >= 7) {
    return { ...base, lattice: LATTICE_4, sendAs: false, filterModel: "criteria", filterPartEndpoints: false, maintenance: minor <= 8 ? "operation-sets" : null };
  }
  if (major === 5 && minor <= 4) {
    const five = { sendAs: true, filterModel: "rules", filterPartEndpoints: true, maintenance: "repair-config" } as const;
    return { ...base, ...five, lattice: minor === 0 ? LATTICE_5_0 : LATTICE_5_1 };
  }
  if (major < 4 || (major === 4 && minor < 7)) throw new UnsupportedVersionError(refusal(software, "older than 4.7: its filter rules have no names"), software);
  if (major === 5) throw new UnsupportedVersionError(refusal(software, "5.5 and later have new-generation shared mailboxes, whose API bmshare does not know yet"), software);
  throw new UnsupportedVersionError(refusal(software, "a release bmshare does not know"), software);
}
