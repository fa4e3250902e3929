// Wire models of the BlueMind REST API, named and spelled as BlueMind writes them on the wire
// (docs/bluemind-api.md §3; Java field names such as `isDefault`, `displayname`, `formatedName`,
// `extentedAddress` are kept). Types are open: responses are never parsed strictly, so every
// model tolerates fields this client does not know (the `[extra: string]: unknown` signatures).
// Dates are epoch milliseconds (`number`), enums their Java constant names.

/** Fields BlueMind may add in a later release; the client keeps them untouched. */
export interface Open {
  [extra: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// Containers and items (§3.1)

export type ItemFlag = "Seen" | "Deleted" | "Important";

export interface ItemValue<T> extends Open {
  uid: string;
  internalId: number;
  version: number;
  displayName: string | null;
  externalId: string | null;
  createdBy: string | null;
  updatedBy: string | null;
  /** epoch ms */
  created: number | null;
  /** epoch ms */
  updated: number | null;
  flags: ItemFlag[];
  value: T;
}

export interface ListResult<T> extends Open {
  values: T[];
  total: number;
}

export interface TaskRef extends Open {
  id: string;
}

export type TaskState = "NotStarted" | "InProgress" | "InError" | "Success";

export interface TaskStatus extends Open {
  steps: number;
  progress: number;
  lastLogEntry: string | null;
  state: TaskState;
  /** Chosen by the task, often JSON-encoded (`"\"\""`, `"[]"`), or null. */
  result: string | null;
}

/** One element of the `ITask.log` stream. */
export interface TaskLogEvent extends Open {
  done: number;
  total: number;
  message: string;
  end: boolean;
  status?: TaskState;
}

// ---------------------------------------------------------------------------------------------
// Authentication (§2.1, §3.13)

export type LoginStatus = "Ok" | "Bad" | "Expired";

export interface AuthUser extends Open {
  uid: string;
  domainUid: string;
  displayName: string | null;
  value: User | null;
  roles: string[];
  rolesByOU: Record<string, string[]>;
  settings: Record<string, string>;
}

export interface LoginResponse extends Open {
  status: LoginStatus;
  message: string | null;
  authKey: string | null;
  /** `login@domainUid` */
  latd: string | null;
  authUser: AuthUser | null;
}

export type ValidationKind = "TOKEN" | "PASSWORD" | "PASSWORDEXPIRED" | "NONE" | "ARCHIVED";

export interface APIKey extends Open {
  sid: string;
  displayName: string;
  subject: string;
  domainUid: string;
}

// ---------------------------------------------------------------------------------------------
// Directory values (§3.2–§3.4)

export interface Email extends Open {
  /** `local@domain`, stored lower-case. */
  address: string;
  /** The local part is valid at the domain name and every alias of the domain. */
  allAliases: boolean;
  isDefault: boolean;
}

export type Routing = "internal" | "external" | "none";

export interface DirBaseValue extends Open {
  /** Delegation org unit; null = domain root. */
  orgUnitUid: string | null;
  /** Send `[]`, never null (null → 500 NPE). */
  emails: Email[];
  hidden: boolean;
  archived: boolean;
  system: boolean;
  /** Backend server uid (tag `mail/imap`); null on input = auto-assigned round-robin. */
  dataLocation: string | null;
}

export interface Mailshare extends DirBaseValue {
  name: string;
  /** KiB; null on input = the domain's default public-folder quota. */
  quota: number | null;
  routing: Routing;
  /** Always present on output; null on update keeps the previous card. */
  card: VCard | null;
}

export type MailboxType = "user" | "mailshare" | "group" | "resource";

export interface Mailbox extends Open {
  name: string;
  type: MailboxType;
  routing: Routing;
  emails: Email[] | null;
  dataLocation: string | null;
  quota: number | null;
  system: boolean;
  hidden: boolean;
  archived: boolean;
}

export interface MailboxQuota extends Open {
  /** KiB */
  used: number;
  /** KiB */
  quota: number | null;
}

export interface MailboxConfig extends Open {
  quota: number | null;
  messageMaxSize: number | null;
}

export type AccountType = "FULL" | "SIMPLE" | "FULL_AND_VISIO";

export interface User extends DirBaseValue {
  login: string;
  password: string | null;
  routing: Routing;
  quota: number | null;
  accountType: AccountType | null;
  contactInfos: VCard | null;
}

export interface Group extends DirBaseValue {
  name: string;
  description: string | null;
  hiddenMembers: boolean;
  mailArchived: boolean;
  memberCount: number;
}

export type MemberType = "user" | "group" | "external_user";

export interface Member extends Open {
  type: MemberType;
  uid: string;
}

// ---------------------------------------------------------------------------------------------
// VCard (§3.5) — the parts a mailshare card uses

export interface Parameter extends Open {
  label: string;
  value: string;
}

export interface BasicAttribute extends Open {
  value: string | null;
  parameters: Parameter[];
}

export interface VCardName extends Open {
  familyNames: string | null;
  givenNames: string | null;
  additionalNames: string | null;
  prefixes: string | null;
  suffixes: string | null;
  value: string | null;
  parameters: Parameter[];
}

export interface VCardIdentification extends Open {
  /** Display name; the server defaults it to the mailshare `name`. */
  formatedName: BasicAttribute;
  name: VCardName;
  nickname: BasicAttribute;
  /** Output: true when a photo is stored. */
  photo: boolean;
  photoBinary: string | null;
  birthday: number | null;
  anniversary: number | null;
  gender: { value: string | null; text: string | null; parameters: Parameter[] } & Open;
}

export interface Tel extends BasicAttribute {
  ext?: string | null;
}

export interface VCardCommunications extends Open {
  tels: Tel[];
  /** Server-generated from the mailshare `emails`; what a client sends here is ignored. */
  emails: BasicAttribute[];
  impps: BasicAttribute[];
  langs: BasicAttribute[];
}

export interface DeliveryAddress extends Open {
  /** The label. */
  value: string | null;
  postOfficeBox: string | null;
  extentedAddress: string | null;
  streetAddress: string | null;
  locality: string | null;
  region: string | null;
  postalCode: string | null;
  countryName: string | null;
  parameters: Parameter[];
}

export interface VCardExplanatory extends Open {
  urls: BasicAttribute[];
  categories: unknown[];
  /** The mailshare description lives here. */
  note: string | null;
}

export interface VCardOrganizational extends Open {
  title: string | null;
  role: string | null;
  org: { company: string | null; division: string | null; department: string | null } & Open;
  member: unknown[];
}

export type VCardKind = "individual" | "group" | "location" | "org";

export interface VCard extends Open {
  kind: VCardKind;
  source: string | null;
  identification: VCardIdentification;
  deliveryAddressing: { address: DeliveryAddress }[];
  communications: VCardCommunications;
  organizational: VCardOrganizational;
  explanatory: VCardExplanatory;
  security?: Open;
  related?: Open;
}

/** A card as a client writes it: every part optional (the server fills defaults). */
export type VCardInput = {
  [K in keyof VCard]?: K extends "identification" ? Partial<VCardIdentification>
    : K extends "communications" ? Partial<VCardCommunications>
    : K extends "organizational" ? Partial<VCardOrganizational>
    : K extends "explanatory" ? Partial<VCardExplanatory>
    : VCard[K];
};

/** A Mailshare body as sent on create/update (a full replace: absent fields take Java defaults). */
export interface MailshareInput extends Partial<Omit<Mailshare, "card" | "name" | "routing">> {
  name: string;
  routing: Routing;
  card?: VCardInput | null;
}

// ---------------------------------------------------------------------------------------------
// Mail filters (§3.6–§3.9)

export interface Vacation extends Open {
  enabled: boolean;
  /** epoch ms (the server keeps seconds precision) */
  start: number | null;
  end: number | null;
  subject: string | null;
  /** plain body */
  text: string | null;
  /** HTML body */
  textHtml: string | null;
}

export interface Forwarding extends Open {
  enabled: boolean;
  /** Keep a copy in the mailbox. */
  localCopy: boolean;
  emails: string[];
}

export type RuleType = "GENERIC" | "FORWARD" | "VACATION";
export type RuleTrigger = "IN" | "OUT";

export type FilterField = string;

export interface FilterBase extends Open {
  fields: FilterField[];
}
export interface ExistsFilter extends FilterBase {
  operator: "EXISTS";
}
export interface EqualsFilter extends FilterBase {
  operator: "EQUALS";
  values: string[];
}
export type Comparator = "FULLSTRING" | "SUBSTRING" | "PREFIX";
export type Modifier = "NONE" | "CASE_INSENSITIVE" | "IGNORE_NONSPACING_MARK" | "LOOSE";
export interface ContainsFilter extends FilterBase {
  operator: "CONTAINS";
  values: string[];
  comparator?: Comparator;
  modifier?: Modifier;
}
export interface MatchesFilter extends FilterBase {
  operator: "MATCHES";
  values: string[];
}
export interface RangeFilter extends FilterBase {
  operator: "RANGE";
  lowerBound: string | null;
  upperBound: string | null;
  inclusive: boolean;
}
export type MailFilterRuleFilter = ExistsFilter | EqualsFilter | ContainsFilter | MatchesFilter | RangeFilter;

export interface MailFilterRuleCondition extends Open {
  /** Always send it: the JSON creator turns an absent operator into null. */
  operator: "AND" | "OR";
  /** A leaf has a filter; a group has null and nested conditions. */
  filter: MailFilterRuleFilter | null;
  /** Always send (`[]` for a leaf): null on a group → NPE. */
  conditions: MailFilterRuleCondition[];
  negate: boolean;
  clientProperties: Record<string, string>;
}

interface ActionBase extends Open {
  clientProperties?: Record<string, string>;
}
export interface MoveAction extends ActionBase {
  name: "MOVE";
  subtree: string | null;
  id: number | null;
  folder: string | null;
}
export interface CopyAction extends ActionBase {
  name: "COPY";
  subtree: string | null;
  id: number | null;
  folder: string | null;
}
export interface RedirectAction extends ActionBase {
  name: "REDIRECT";
  emails: string[];
  keepCopy: boolean;
}
export interface TransferAction extends ActionBase {
  name: "TRANSFER";
  emails: string[];
  asAttachment: boolean;
  keepCopy: boolean;
}
export interface ReplyAction extends ActionBase {
  name: "REPLY";
  subject: string | null;
  plainBody: string | null;
  htmlBody: string | null;
}
export interface SimpleAction extends ActionBase {
  name: "DISCARD" | "DEFERRED_ACTION";
}
export interface MarkAction extends ActionBase {
  name: "MARK_AS_READ" | "MARK_AS_IMPORTANT" | "MARK_AS_DELETED";
  internalFlags?: string[];
}
export interface SetFlagsAction extends ActionBase {
  name: "SET_FLAGS";
  flags: string[];
  internalFlags?: string[];
}
export interface HeadersAction extends ActionBase {
  name: "ADD_HEADER" | "CATEGORIZE" | "PRIORITIZE";
  headers: Record<string, string>;
}
export interface HeaderNamesAction extends ActionBase {
  name: "REMOVE_HEADERS" | "UNCATEGORIZE" | "UNFOLLOW";
  headerNames: string[];
}
export interface CustomAction extends ActionBase {
  name: "CUSTOM";
  kind: string;
  parameters: Record<string, string>;
}
export type MailFilterRuleAction =
  | MoveAction | CopyAction | RedirectAction | TransferAction | ReplyAction | SimpleAction | MarkAction
  | SetFlagsAction | HeadersAction | HeaderNamesAction | CustomAction;

export interface MailFilterRule extends Open {
  /** Server id, ignored on write; changes on every `_filter` save. */
  id: number | null;
  /** Owner tag: `bluemind` (UI, vacation, forwarding) or `system` (delegation). */
  client: string | null;
  type: RuleType;
  trigger: RuleTrigger;
  deferred: boolean;
  active: boolean;
  name: string | null;
  clientProperties: Record<string, string>;
  conditions: MailFilterRuleCondition[];
  actions: MailFilterRuleAction[];
  /** Stop processing further rules after this one matched. */
  stop: boolean;
}

export interface MailFilter extends Open {
  /** 5.x: MailFilterRule; a 4.x server stores `CriteriaRule`s (see `LegacyMailFilter`). */
  rules: MailFilterRule[];
  vacation: Vacation;
  forwarding: Forwarding;
}

/**
 * 4.x `MailFilter.Rule`: conditions in one string, one `FIELD:MATCHTYPE: value` per line, all of
 * which must hold (RuleParser, SieveWriter); the actions are fields (docs/bluemind-versions.md).
 */
export interface CriteriaRule extends Open {
  name: string | null;
  criteria: string | null;
  star: boolean;
  read: boolean;
  delete: boolean;
  discard: boolean;
  forward: { enabled: boolean; localCopy: boolean; emails: string[] };
  /** The folder to file into; null or empty for none. */
  deliver: string | null;
  active: boolean;
  stop: boolean;
}

/** A 4.x server's MailFilter. */
export interface LegacyMailFilter extends Omit<MailFilter, "rules"> {
  rules: CriteriaRule[];
}

export type RulePosition = "BEFORE" | "AFTER";
export type RuleMoveDirection = "UP" | "DOWN" | "TOP" | "BOTTOM";

// ---------------------------------------------------------------------------------------------
// ACLs (§3.11, §2.4)

export type Verb =
  | "Invitation" | "Freebusy" | "SendOnBehalf" | "SendAs" | "Read" | "ReadExtended" | "Write" | "Manage" | "All";

export interface AccessControlEntry extends Open {
  /** A dir-entry uid (user or group). */
  subject: string;
  verb: Verb;
}

export interface ContainerDescriptor extends Open {
  uid: string;
  name: string | null;
  owner: string | null;
  type: string;
  defaultContainer?: boolean;
  domainUid: string | null;
  readOnly?: boolean;
  settings?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Identities (§3.10)

export type SignatureFormat = "PLAIN" | "HTML";

export interface Identity extends Open {
  email: string;
  format: SignatureFormat;
  /** Required, may be empty. */
  signature: string;
  /** Sender display name. */
  displayname: string | null;
  /** Identity label. */
  name: string;
  isDefault: boolean;
  sentFolder: string | null;
}

export interface IdentityDescription extends Open {
  mbox: string;
  /** null for the synthetic "possible" entries. */
  id: string | null;
  email: string;
  emailIsDefault: boolean | null;
  name: string | null;
  isDefault: boolean | null;
  displayname: string | null;
  signature: string | null;
  mboxName: string | null;
}

// ---------------------------------------------------------------------------------------------
// Directory (§3.12), org units, domains, servers (§3.13)

export type DirEntryKind =
  | "USER" | "GROUP" | "RESOURCE" | "MAILSHARE" | "CALENDAR" | "ADDRESSBOOK" | "DOMAIN" | "ORG_UNIT" | "EXTERNALUSER";

export interface OrgUnitPath extends Open {
  uid: string;
  name: string;
  parent: OrgUnitPath | null;
}

export interface DirEntry extends Open {
  displayName: string | null;
  entryUid: string;
  accountType: AccountType | null;
  kind: DirEntryKind;
  /** e.g. `acme.test/mailshares/<uid>` */
  path: string;
  /** Default address, or null. */
  email: string | null;
  hidden: boolean;
  system: boolean;
  archived: boolean;
  emails: Email[] | null;
  orgUnitUid: string | null;
  orgUnitPath: OrgUnitPath | null;
  dataLocation: string | null;
}

export type DirEntryState = "Archived" | "Active" | "All";

export interface DirEntryQuery {
  order?: { by: "kind" | "displayname"; dir: "asc" | "desc" };
  nameFilter?: string | null;
  /** Default true = hidden entries excluded. */
  hiddenFilter?: boolean;
  emailFilter?: string | null;
  nameOrEmailFilter?: string | null;
  stateFilter?: DirEntryState | null;
  /** Default true = system entries excluded. */
  systemFilter?: boolean;
  kindsFilter?: DirEntryKind[] | null;
  entries?: string[] | null;
  orgUnitIds?: string[] | null;
  accountTypeFilter?: AccountType | null;
  from?: number;
  /** -1 = all */
  size?: number;
  entryUidFilter?: string[] | null;
  onlyManagable?: boolean;
  dataLocation?: string | null;
}

export interface OrgUnit extends Open {
  /** No "/" allowed. */
  name: string;
  parentUid: string | null;
}

export interface OrgUnitQuery {
  from?: number;
  /** -1 = all */
  size?: number;
  /** Case-insensitive substring of the `/`-joined path. */
  query?: string | null;
  managableKinds?: DirEntryKind[] | null;
}

export interface Domain extends Open {
  label: string;
  /** = the domain uid */
  name: string;
  description: string | null;
  properties: Record<string, string>;
  global: boolean;
  aliases: string[];
  defaultAlias: string;
}

/** Domain settings (`mail_routing_relay`, `mailbox_default_publicfolder_quota`, … as strings). */
export type DomainSettings = Record<string, string>;

export interface Server extends Open {
  ip: string;
  fqdn: string;
  name: string;
  /** e.g. `mail/imap` for a mail backend */
  tags: string[];
}

export interface Assignment extends Open {
  domainUid: string;
  serverUid: string;
  tag: string;
}

// ---------------------------------------------------------------------------------------------
// Maintenance (§2.10, §2.11)

export interface MaintenanceOperation extends Open {
  identifier: string;
  description: string | null;
}

/** `IInstallation.getVersion`. */
export interface InstallationVersion extends Open {
  /** The core's version, e.g. `5.1.0` (may carry a build suffix). */
  softwareVersion: string | null;
  databaseVersion: string | null;
  /** Never set by BlueMind's own code: null. */
  versionName: string | null;
  needsUpgrade: boolean;
}

export interface RepairConfig {
  /** null or empty = every available operation */
  opIdentifiers: string[] | null;
  /** true = check only (the "check" of the admin console) */
  dry: boolean;
  logToCoreLog: boolean;
  verbose: boolean;
}

/** IBaseMailboxFolders.searchItems's body (net.bluemind.backend.mail.api.MailboxFolderSearchQuery). */
export interface MailboxFolderSearchQuery {
  query: {
    /** Elasticsearch query string on the message bodies; null matches every message. */
    query?: string | null;
    maxResults: number;
    offset: number;
    /** Required: BlueMind dereferences it (a null scope is a NullPointerException). */
    scope: { folderScope: { folderUid: string } | null; isDeepTraversal: boolean };
  };
  sort?: null;
}

/** net.bluemind.backend.mail.api.SearchResult: `totalResults` counts every match, `results` is one page. */
export interface MailSearchResult extends Open {
  results: unknown[] | null;
  totalResults: number;
  hasMoreResults: boolean;
}
