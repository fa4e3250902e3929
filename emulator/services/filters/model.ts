// The filter's wire model as BlueMind's Jackson codec builds it: absent fields keep the Java
// initializer, explicit nulls stay null (even where that later ends in a NullPointerException, as
// on the server).
import { type Vacation } from "../../model";
export type Obj = Record<string, unknown>;
export type StrMap = Record<string, string | null>;

export interface Filter extends Obj {
  operator: string;
  fields: (string | null)[] | null;
}

export interface Condition {
  operator: "AND" | "OR" | null;
  filter: Filter | null;
  conditions: (Condition | null)[] | null;
  negate: boolean;
  clientProperties: StrMap | null;
}

export interface Action extends Obj {
  name: string;
  clientProperties: StrMap | null;
}

export type RuleType = "GENERIC" | "FORWARD" | "VACATION";

export interface Rule {
  client: string | null;
  type: RuleType | null;
  trigger: "IN" | "OUT" | null;
  deferred: boolean;
  active: boolean;
  name: string | null;
  clientProperties: StrMap | null;
  conditions: (Condition | null)[] | null;
  actions: (Action | null)[] | null;
  stop: boolean;
}

export type StoredRuleBody = Rule & { id: number };

export interface FilterBody {
  rules: (Rule | null)[] | null;
  vacation: Vacation | null;
  forwarding: ForwardingBody | null;
}

export interface ForwardingBody {
  enabled: boolean;
  localCopy: boolean;
  emails: (string | null)[] | null;
}

/** GENERIC, FORWARD, VACATION: the order of the database enum the rules are sorted by. */
export const TYPE_ORDER: Record<RuleType, number> = { GENERIC: 0, FORWARD: 1, VACATION: 2 };
