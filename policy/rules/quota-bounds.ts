// quota-bounds: quotas stay within what the organisation plans storage for.
import { formatSize, parseSize } from "../../desired/sizes";
import type { Rule, RuleParams } from "../model";

export interface QuotaBoundsParams extends RuleParams {
  min?: string | number;
  max?: string | number;
  required?: boolean;
}

/** A bound in KiB (the schema has checked it is a size). */
const kib = (size: string | number | undefined): number | undefined => {
  if (size === undefined) return undefined;
  const parsed = parseSize(size);
  return "kib" in parsed ? parsed.kib : undefined;
};

export const quotaBounds: Rule<QuotaBoundsParams> = {
  id: "quota-bounds",
  description: "quotas are at least min and at most max; with required: true every mailshare sets one",
  fields: ["quota"],
  checkParams(params) {
    const problems: { path: string; message: string }[] = [];
    const [min, max] = [kib(params.min), kib(params.max)];
    if (min === undefined && max === undefined && params.required !== true) problems.push({ path: "", message: "give min, max or required: true (else the rule checks nothing)" });
    if (min !== undefined && max !== undefined && min > max) problems.push({ path: "min", message: `expected min at most max, found ${formatSize(min)} > ${formatSize(max)}` });
    return problems;
  },
  check(subject, params) {
    if (subject.quota === undefined) return [];
    const [min, max] = [kib(params.min), kib(params.max)];
    if (subject.quota === null) {
      return params.required ? [{ path: ["quota"], message: "no quota is set (the domain's default applies): set one" }] : [];
    }
    const shown = formatSize(subject.quota);
    if (min !== undefined && subject.quota < min) return [{ path: ["quota"], message: `the quota ${shown} is below the minimum ${formatSize(min)}` }];
    if (max !== undefined && subject.quota > max) return [{ path: ["quota"], message: `the quota ${shown} is above the maximum ${formatSize(max)}` }];
    return [];
  },
};
