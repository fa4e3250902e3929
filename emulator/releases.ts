// The BlueMind releases the emulator can be (`--bluemind-version`), each as BlueMind's own source
// history has it (docs/bluemind-versions.md names the files and commits): the ACL verb lattice, how
// ACLs are stored and read, the mail filter's rule model and endpoints, the maintenance endpoints,
// and the address a mailshare's directory entry shows. An endpoint a release does not have is
// simply not registered, so it answers as BlueMind answers any unknown path.
//
// The lattices are kept here, apart from the client's (bluemind/versions.ts, providers/acl.ts),
// for the same reason as verbs.ts: the emulator is an independent oracle.
import type { Verb } from "./model";
import type { EntryEmailDomain } from "./entries";

/** `X: [Y, …]` = X implies Y directly; the keys in Java enum order (the order expanded lists use). */
export type Lattice = Partial<Record<Verb, readonly Verb[]>>;

export interface Release {
  /** The `--bluemind-version` name. */
  name: string;
  /** `InstallationVersion.softwareVersion` (the core bundle's version). */
  softwareVersion: string;
  lattice: Lattice;
  /**
   * Since 2023-10 (AclService, BM-20171) ACLs are stored compacted and read expanded; before, they
   * are stored and read back exactly as sent.
   */
  compactAndExpand: boolean;
  /** MailshareAclSanitize (2023-10/11): a subject that gains Write on a mailshare gets SendAs. */
  sendAsWithWrite: boolean;
  /** `MailFilter.rules`: 4.x `MailFilter.Rule` (a criteria string) or 5.x `MailFilterRule`. */
  filterModel: "criteria" | "rules";
  /** The `_rules`, `_vacation` and `_forwarding` endpoints of IMailboxes (2022-12). */
  filterPartEndpoints: boolean;
  /** IDirEntryMaintenance: 4.x `check` / `repair` taking a set of operation ids, or 5.x `repair(RepairConfig)`. */
  maintenance: "operation-sets" | "repair-config";
  /** IMailboxMgmt `_reset` and `_respawn` (2022-09). */
  indexReset: boolean;
  /** The domain part of an all-domains default address in a mailshare's entry email: 4.x the domain uid, 5.x its default alias (2022-10). */
  entryEmailDomain: EntryEmailDomain;
}

/** 4.x: Verb.java as of 4.0–4.9. */
const LATTICE_4: Lattice = {
  Invitation: [], Freebusy: [], SendOnBehalf: [], Read: ["Invitation"], Write: ["Read", "SendOnBehalf"], Manage: [],
  All: ["Write", "Manage"],
};

/** 5.0 as of 2023-12 to 2024-02: SendAs and ReadExtended, both send verbs under All only. */
const LATTICE_5_0: Lattice = {
  Invitation: [], Freebusy: [], SendOnBehalf: [], SendAs: [], Read: ["Invitation", "Freebusy"], ReadExtended: ["Read"],
  Write: ["Read"], Manage: [], All: ["Write", "Manage", "SendOnBehalf", "SendAs", "ReadExtended"],
};

/** 5.1 (2024-03 and 2024-05): SendAs implies SendOnBehalf, Read implies Freebusy implies Invitation. */
const LATTICE_5_1: Lattice = {
  Invitation: [], Freebusy: ["Invitation"], SendOnBehalf: [], SendAs: ["SendOnBehalf"], Read: ["Freebusy"],
  ReadExtended: ["Read"], Write: ["Read"], Manage: [], All: ["Write", "Manage", "SendOnBehalf", "SendAs", "ReadExtended"],
};

const FIVE = {
  compactAndExpand: true, sendAsWithWrite: true, filterModel: "rules", filterPartEndpoints: true,
  maintenance: "repair-config", indexReset: true, entryEmailDomain: "defaultAlias",
} as const;

export const RELEASES: readonly Release[] = [
  {
    name: "4.8", softwareVersion: "4.8.0", lattice: LATTICE_4, compactAndExpand: false, sendAsWithWrite: false,
    filterModel: "criteria", filterPartEndpoints: false, maintenance: "operation-sets", indexReset: false,
    entryEmailDomain: "uid",
  },
  { name: "5.0", softwareVersion: "5.0.0", lattice: LATTICE_5_0, ...FIVE },
  { name: "5.1", softwareVersion: "5.1.0", lattice: LATTICE_5_1, ...FIVE },
];

export const DEFAULT_RELEASE = "5.1";

/** The release named `name` (`4.8`, `5.0`, `5.1`); an error listing the known ones otherwise. */
export function releaseNamed(name: string = DEFAULT_RELEASE): Release {
  const found = RELEASES.find((r) => r.name === name);
  if (!found) throw new Error(`unknown BlueMind version ${JSON.stringify(name)}: the emulator can be ${RELEASES.map((r) => r.name).join(", ")}`);
  return found;
}
