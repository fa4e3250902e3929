// The built-in rules, by id: the names a policy file uses (schemas/policy.schema.json lists the same).
import type { Rule } from "../model";
import { forwardingDomains } from "./forwarding-domains";
import { manageShare } from "./manage-share";
import { autoReplyEnd } from "./auto-reply-end";
import { shareDomains } from "./share-domains";
import { quotaBounds } from "./quota-bounds";
import { naming } from "./naming";
import { descriptionRequired } from "./description-required";

export const RULES: Readonly<Record<string, Rule<any>>> = Object.fromEntries(
  [forwardingDomains, manageShare, autoReplyEnd, shareDomains, quotaBounds, naming, descriptionRequired].map((rule) => [rule.id, rule]),
);
