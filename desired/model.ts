// TypeScript types of the desired-state YAML (schemas/mailshares.schema.json is the reference) in two
// forms: `Raw*` = what a file may contain, `Canonical*` = the one normalised form (defaults filled,
// addresses lower-case, sizes in KiB, dates in UTC epoch ms, set-like lists sorted). Every canonical
// value is also a valid raw value, so normalising twice changes nothing. test/desired/schema-sync.test.ts
// keeps these types and the JSON Schema in step through the key lists at the end of this file.

export const ROUTINGS = ["internal", "external", "none"] as const;
export type Routing = (typeof ROUTINGS)[number];

export const SHARE_LEVELS = ["read", "write", "manage"] as const;
export type ShareLevel = (typeof SHARE_LEVELS)[number];

export const PHONE_TYPES = ["work", "home", "cell", "fax", "voice", "pager", "text", "video"] as const;
export type PhoneType = (typeof PHONE_TYPES)[number];

export const POSTAL_ADDRESS_TYPES = ["work", "home"] as const;
export type PostalAddressType = (typeof POSTAL_ADDRESS_TYPES)[number];

export const MATCH_MODES = ["all", "any"] as const;
export type MatchMode = (typeof MATCH_MODES)[number];

export const TEXT_FIELDS = ["from", "to", "cc", "toOrCc", "subject", "body"] as const;
export type TextField = (typeof TEXT_FIELDS)[number];
export const CONDITION_FIELDS = [...TEXT_FIELDS, "size"] as const;
export type ConditionField = (typeof CONDITION_FIELDS)[number];

export const TEXT_OPS = ["is", "isNot", "contains", "notContains", "matches", "notMatches"] as const;
export type TextOp = (typeof TEXT_OPS)[number];
export const PRESENCE_OPS = ["exists", "notExists"] as const;
export type PresenceOp = (typeof PRESENCE_OPS)[number];
export const SIZE_OPS = ["greaterThan", "lessThan"] as const;
export type SizeOp = (typeof SIZE_OPS)[number];
export const CONDITION_OPS = [...TEXT_OPS, ...PRESENCE_OPS, ...SIZE_OPS] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** The action kinds, each written as the single key of an action item. */
export const ACTION_KINDS = ["markAsRead", "markAsImportant", "delete", "moveTo", "copyTo", "forwardTo", "discard"] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const SIGNATURE_FORMATS = ["html", "plain"] as const;
export type SignatureFormat = (typeof SIGNATURE_FORMATS)[number];

export const DELETION_POLICIES = ["retain", "delete"] as const;
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];

export const MAINTENANCE_OPERATIONS = ["consolidateIndex", "check", "repair"] as const;
export type MaintenanceOperation = (typeof MAINTENANCE_OPERATIONS)[number];

/** Subject of an automatic reply when the file gives none: empty, as BlueMind reads a reply without one. */
export const DEFAULT_AUTO_REPLY_SUBJECT = "";

// ---------------------------------------------------------------------------------------------
// Raw form: what a YAML file may contain (after the schema accepted it).

export interface RawFile {
  /** Who manages the file's mailshares (a short label); default: the file's path in its Git work tree. */
  owner?: string;
  domain: string;
  mailshares: RawMailshare[];
}

export interface RawAddressObject {
  address: string;
  allDomains?: boolean;
}
export type RawAddress = string | RawAddressObject;

/** `2 GiB`, `500 MiB`, `1048576 KiB` or a plain number of KiB. */
export type RawSize = number | string;
/** `YYYY-MM-DD`, a date-time with offset, or epoch milliseconds. */
export type RawDate = string | number;
export type RawTrigger = string | number | null;

export interface RawMailshare {
  name: string;
  displayName?: string;
  description?: string | null;
  email?: RawAddress | null;
  aliases?: RawAddress[];
  routing?: Routing;
  quota?: RawSize | null;
  hidden?: boolean;
  delegation?: string | null;
  storageServer?: string | null;
  information?: RawInformation;
  shares?: RawShare[];
  autoReply?: RawAutoReply | null;
  filters?: RawFilter[];
  forwarding?: RawForwarding | null;
  identities?: RawIdentity[];
  maintenance?: RawMaintenance;
  deletionPolicy?: DeletionPolicy;
  adopt?: boolean;
}

export interface RawInformation {
  phones?: RawPhone[];
  addresses?: RawPostalAddress[];
  photo?: RawPhoto | null;
}

export interface RawPhone {
  number: string;
  type?: PhoneType;
}

export interface RawPostalAddress {
  label?: string | null;
  street: string;
  extended?: string | null;
  poBox?: string | null;
  locality: string;
  region?: string | null;
  postalCode: string;
  country: string;
  type?: PostalAddressType;
}

export interface RawPhotoObject {
  path: string;
  sha256?: string;
}
export type RawPhoto = string | RawPhotoObject;

/** One of `user` / `group` is set (the schema's oneOf). */
export interface RawShare {
  user?: string;
  group?: string;
  level: ShareLevel;
}

export interface RawAutoReply {
  enabled?: boolean;
  start?: RawDate | null;
  end?: RawDate | null;
  subject?: string;
  message: string;
  html?: string | null;
}

export interface RawFilter {
  name: string;
  active?: boolean;
  match?: MatchMode;
  conditions?: RawCondition[];
  actions: RawAction[];
  stop?: boolean;
}

/** One of `field` / `header` is set; `value` is absent exactly for exists / notExists. */
export interface RawCondition {
  field?: ConditionField;
  header?: string;
  op: ConditionOp;
  value?: string | number;
}

/** Exactly one action kind is set; keepCopy / asAttachment only with forwardTo. */
export interface RawAction {
  markAsRead?: true;
  markAsImportant?: true;
  delete?: true;
  moveTo?: string;
  copyTo?: string;
  forwardTo?: string[];
  keepCopy?: boolean;
  asAttachment?: boolean;
  discard?: true;
}

export interface RawForwarding {
  enabled?: boolean;
  to?: string[];
  localCopy?: boolean;
}

export interface RawIdentity {
  name: string;
  displayName?: string | null;
  email: string;
  signature?: string;
  format?: SignatureFormat;
  default?: boolean;
  sentFolder?: string | null;
}

export interface RawMaintenance {
  consolidateIndex?: RawTrigger;
  check?: RawTrigger;
  repair?: RawTrigger;
}

// ---------------------------------------------------------------------------------------------
// Canonical form: the output of normalise.ts.

export interface Address {
  /** Lower-case. */
  address: string;
  allDomains: boolean;
}

export interface Phone {
  number: string;
  type: PhoneType;
}

export interface PostalAddress {
  label: string | null;
  street: string;
  extended: string | null;
  poBox: string | null;
  locality: string;
  region: string | null;
  postalCode: string;
  country: string;
  type: PostalAddressType;
}

export interface Photo {
  /** Absolute path. */
  path: string;
  /** SHA-256 of the file, lower-case hex: a changed picture is a changed desired state. */
  sha256: string;
}

export interface Information {
  phones: Phone[];
  addresses: PostalAddress[];
  photo: Photo | null;
}

export type Share = { user: string; level: ShareLevel } | { group: string; level: ShareLevel };

export interface AutoReply {
  enabled: boolean;
  /** UTC epoch milliseconds, whole seconds. */
  start: number | null;
  end: number | null;
  subject: string;
  message: string;
  html: string | null;
}

export type Condition =
  | { field: TextField; op: TextOp; value: string }
  | { field: TextField; op: PresenceOp }
  | { field: "size"; op: SizeOp; /** KiB */ value: number }
  | { header: string; op: TextOp; value: string }
  | { header: string; op: PresenceOp };

export type Action =
  | { markAsRead: true }
  | { markAsImportant: true }
  | { delete: true }
  | { moveTo: string }
  | { copyTo: string }
  | { forwardTo: string[]; keepCopy: boolean; asAttachment: boolean }
  | { discard: true };

export interface Filter {
  name: string;
  active: boolean;
  match: MatchMode;
  conditions: Condition[];
  actions: Action[];
  stop: boolean;
}

export interface Forwarding {
  enabled: boolean;
  /** Lower-case, sorted. */
  to: string[];
  localCopy: boolean;
}

export interface Identity {
  name: string;
  displayName: string | null;
  email: string;
  signature: string;
  format: SignatureFormat;
  default: boolean;
  sentFolder: string | null;
}

export interface Maintenance {
  consolidateIndex: string | null;
  check: string | null;
  repair: string | null;
}

export interface CanonicalMailshare {
  name: string;
  displayName: string;
  description: string | null;
  email: Address | null;
  /** Sorted by address. */
  aliases: Address[];
  routing: Routing;
  /** KiB; null = the domain's default mailshare quota. */
  quota: number | null;
  hidden: boolean;
  delegation: string | null;
  storageServer: string | null;
  information: Information;
  /** Sorted: users then groups, by reference. */
  shares: Share[];
  autoReply: AutoReply | null;
  /** In the declared order (it is the order BlueMind applies them in). */
  filters: Filter[];
  forwarding: Forwarding | null;
  /** In the declared order. */
  identities: Identity[];
  maintenance: Maintenance;
  deletionPolicy: DeletionPolicy;
  adopt: boolean;
}

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** Where a mailshare was declared, for later error messages (plan, apply). */
export interface Declaration extends SourceLocation {
  /** Field path inside the file, e.g. `mailshares[2]`. */
  path: string;
}

/** A validated, normalised mailshare as the Pulumi program and the CLI consume it. */
export interface DesiredMailshare extends CanonicalMailshare {
  /** The domain name (lower-case) the declaring file names. */
  domain: string;
  /**
   * Who manages it: the declaring file's `owner:`, else that file's path from the root of its Git work
   * tree (`teams/a/mailshares.yaml`), else from the current folder. A run deletes only mailshares whose
   * recorded owner is one of the owners of the files it was given.
   */
  owner: string;
  declaredAt: Declaration;
}

// ---------------------------------------------------------------------------------------------
// Type-level guarantees: canonical values are raw values (normalise is idempotent by construction).

type Assert<T extends true> = T;
type IsAssignable<A, B> = [A] extends [B] ? true : false;
export type CanonicalIsRaw = Assert<IsAssignable<CanonicalMailshare, RawMailshare>>;

// Key lists per schema object ($defs name → property names). `keysOf<T>()` only compiles when the list
// names every key of T and nothing else, so a field added to a type without its list entry (or the
// reverse) fails `tsc`, and the sync test then compares each list with the schema's `properties`.
type MissingKeys<T, K extends readonly PropertyKey[]> = Exclude<keyof T, K[number]>;
function keysOf<T>() {
  return <const K extends readonly (keyof T)[]>(
    ...keys: K & ([MissingKeys<T, K>] extends [never] ? unknown : { missingKeys: MissingKeys<T, K> })
  ): readonly (keyof T & string)[] => keys as readonly (keyof T & string)[];
}

export const SCHEMA_OBJECT_KEYS: Readonly<Record<string, readonly string[]>> = {
  file: keysOf<RawFile>()("owner", "domain", "mailshares"),
  mailshareAddress: keysOf<RawAddressObject>()("address", "allDomains"),
  mailshare: keysOf<RawMailshare>()(
    "name", "displayName", "description", "email", "aliases", "routing", "quota", "hidden", "delegation",
    "storageServer", "information", "shares", "autoReply", "filters", "forwarding", "identities", "maintenance",
    "deletionPolicy", "adopt",
  ),
  information: keysOf<RawInformation>()("phones", "addresses", "photo"),
  phone: keysOf<RawPhone>()("number", "type"),
  postalAddress: keysOf<RawPostalAddress>()(
    "label", "street", "extended", "poBox", "locality", "region", "postalCode", "country", "type",
  ),
  photo: keysOf<RawPhotoObject>()("path", "sha256"),
  share: keysOf<RawShare>()("user", "group", "level"),
  autoReply: keysOf<RawAutoReply>()("enabled", "start", "end", "subject", "message", "html"),
  filter: keysOf<RawFilter>()("name", "active", "match", "conditions", "actions", "stop"),
  condition: keysOf<RawCondition>()("field", "header", "op", "value"),
  action: keysOf<RawAction>()(
    "markAsRead", "markAsImportant", "delete", "moveTo", "copyTo", "forwardTo", "keepCopy", "asAttachment", "discard",
  ),
  forwarding: keysOf<RawForwarding>()("enabled", "to", "localCopy"),
  identity: keysOf<RawIdentity>()("name", "displayName", "email", "signature", "format", "default", "sentFolder"),
  maintenance: keysOf<RawMaintenance>()("consolidateIndex", "check", "repair"),
};

/** Enumerations of the schema ("$defs name.property" → values), kept in step by the same test. */
export const SCHEMA_ENUMS: Readonly<Record<string, readonly string[]>> = {
  "mailshare.routing": ROUTINGS,
  "mailshare.deletionPolicy": DELETION_POLICIES,
  "phone.type": PHONE_TYPES,
  "postalAddress.type": POSTAL_ADDRESS_TYPES,
  "share.level": SHARE_LEVELS,
  "filter.match": MATCH_MODES,
  "condition.field": CONDITION_FIELDS,
  "condition.op": CONDITION_OPS,
  "identity.format": SIGNATURE_FORMATS,
};
