// Wire models of the BlueMind REST API as the emulator stores and serves them
// (field names exactly as BlueMind spells them, see docs/bluemind-api.md §3). A copy, on purpose, of
// what bluemind/types.ts declares for the client: the emulator is an independent oracle for the
// client, so a misreading of the contract must not be shared by both (see also verbs.ts).

export interface ItemValue<T> {
  uid: string;
  internalId: number;
  version: number;
  displayName: string | null;
  externalId: string | null;
  createdBy: string | null;
  updatedBy: string | null;
  created: number | null;
  updated: number | null;
  flags: string[];
  value: T;
}

export interface Email {
  address: string;
  allAliases: boolean;
  isDefault: boolean;
}

export type Routing = "internal" | "external" | "none";
export const ROUTINGS: readonly Routing[] = ["internal", "external", "none"];

export interface DirBaseValue {
  orgUnitUid: string | null;
  emails: Email[];
  hidden: boolean;
  archived: boolean;
  system: boolean;
  dataLocation: string | null;
}

export interface BasicAttribute {
  value: string | null;
  parameters: { label: string; value: string }[];
}

export type VCard = Record<string, any>;

export interface Mailshare extends DirBaseValue {
  name: string;
  quota: number | null;
  routing: Routing;
  card: VCard;
}

export interface User extends DirBaseValue {
  login: string;
  password: string | null;
  routing: Routing;
  quota: number | null;
  accountType: string;
  contactInfos: VCard;
}

export interface Group extends DirBaseValue {
  name: string;
  description: string | null;
  hiddenMembers: boolean;
  mailArchived: boolean;
  memberCount: number;
}

export interface Member {
  type: "user" | "group" | "external_user";
  uid: string;
}

export interface OrgUnit {
  name: string;
  parentUid: string | null;
}

export interface OrgUnitPath {
  uid: string;
  name: string;
  parent: OrgUnitPath | null;
}

export interface Domain {
  label: string;
  name: string;
  description: string;
  properties: Record<string, string>;
  global: boolean;
  aliases: string[];
  defaultAlias: string;
}

export interface Server {
  ip: string;
  fqdn: string;
  name: string;
  tags: string[];
}

export interface Assignment {
  domainUid: string;
  serverUid: string;
  tag: string;
}

export type Verb =
  | "Invitation" | "Freebusy" | "SendOnBehalf" | "SendAs" | "Read" | "ReadExtended" | "Write" | "Manage" | "All";

export interface AccessControlEntry {
  subject: string;
  verb: Verb;
}

export interface Identity {
  email: string;
  format: "PLAIN" | "HTML";
  signature: string;
  displayname: string | null;
  name: string;
  isDefault: boolean;
  sentFolder: string | null;
}

export type RuleType = "GENERIC" | "FORWARD" | "VACATION";

export interface MailFilterRule {
  id: number | null;
  client: string | null;
  type: RuleType;
  trigger: "IN" | "OUT";
  deferred: boolean;
  active: boolean;
  name: string | null;
  clientProperties: Record<string, string>;
  conditions: Record<string, any>[];
  actions: Record<string, any>[];
  stop: boolean;
}

export interface Vacation {
  enabled: boolean;
  start: number | null;
  end: number | null;
  subject: string | null;
  text: string | null;
  textHtml: string | null;
}

export interface Forwarding {
  enabled: boolean;
  localCopy: boolean;
  emails: string[];
}

export interface MailFilter {
  rules: MailFilterRule[];
  vacation: Vacation;
  forwarding: Forwarding;
}

export type DirKind = "USER" | "GROUP" | "RESOURCE" | "MAILSHARE" | "CALENDAR" | "ADDRESSBOOK" | "DOMAIN" | "ORG_UNIT" | "EXTERNALUSER";

export interface DirEntry {
  displayName: string | null;
  entryUid: string;
  accountType: string | null;
  kind: DirKind;
  path: string;
  email: string | null;
  hidden: boolean;
  system: boolean;
  archived: boolean;
  emails: Email[];
  orgUnitUid: string | null;
  orgUnitPath: OrgUnitPath | null;
  dataLocation: string | null;
}

export type TaskState = "NotStarted" | "InProgress" | "InError" | "Success";

export interface TaskStatus {
  steps: number;
  progress: number;
  lastLogEntry: string | null;
  state: TaskState;
  result: string | null;
}

export interface APIKey {
  sid: string;
  displayName: string;
  subject: string;
  domainUid: string;
}

/** The e-mail regex BlueMind uses everywhere (EmailHelper); lower case only. */
export const EMAIL_RE =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-z0-9-]+\.)+[a-z]{2,}$/;

export function isEmail(s: unknown): s is string {
  return typeof s === "string" && EMAIL_RE.test(s);
}

export function attr(value: string | null): BasicAttribute {
  return { value, parameters: [] };
}

/** A VCard with every part present, as the server writes it on output. */
export function emptyVCard(): VCard {
  return {
    kind: "individual",
    source: null,
    identification: {
      formatedName: attr(null),
      name: { familyNames: null, givenNames: null, additionalNames: null, prefixes: null, suffixes: null, value: null, parameters: [] },
      nickname: attr(null),
      photo: false,
      photoBinary: null,
      birthday: null,
      anniversary: null,
      gender: { value: null, text: null, parameters: [] },
    },
    deliveryAddressing: [],
    communications: { tels: [], emails: [], impps: [], langs: [] },
    organizational: { title: null, role: null, org: { company: null, division: null, department: null }, member: [] },
    explanatory: { urls: [], categories: [], note: null },
    security: { key: { value: null, parameters: [] } },
    related: { spouse: null, manager: null, assistant: null },
  };
}
