// naming: names and addresses follow the organisation's conventions (regular expressions).
import type { Finding, Rule, RuleParams } from "../model";

export interface NamingParams extends RuleParams {
  name?: string;
  address?: string;
}

/** The pattern as a regular expression, or the reason it is none. */
export function compilePattern(source: string): RegExp | { error: string } {
  try {
    return new RegExp(source, "u");
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const compiled = (source: string | undefined): RegExp | undefined => {
  if (source === undefined) return undefined;
  const pattern = compilePattern(source);
  return pattern instanceof RegExp ? pattern : undefined;
};

export const naming: Rule<NamingParams> = {
  id: "naming",
  description: "mailshare names match the name pattern and every address (email and aliases) the address pattern",
  fields: ["name", "email", "aliases"],
  checkParams(params) {
    const problems: { path: string; message: string }[] = [];
    if (params.name === undefined && params.address === undefined) problems.push({ path: "", message: "give name or address (a pattern), else the rule checks nothing" });
    for (const key of ["name", "address"] as const) {
      const source = params[key];
      if (source === undefined) continue;
      const pattern = compilePattern(source);
      if (!(pattern instanceof RegExp)) problems.push({ path: key, message: `expected a regular expression, found ${JSON.stringify(source)}: ${pattern.error}` });
    }
    return problems;
  },
  check(subject, params) {
    const findings: Finding[] = [];
    const namePattern = compiled(params.name);
    if (namePattern && subject.name !== undefined && !namePattern.test(subject.name)) {
      findings.push({ path: ["name"], message: `the name ${JSON.stringify(subject.name)} does not match ${params.name}` });
    }
    const addressPattern = compiled(params.address);
    if (addressPattern) {
      if (subject.email && !addressPattern.test(subject.email.address)) {
        findings.push({ path: ["email"], message: `the address ${subject.email.address} does not match ${params.address}` });
      }
      (subject.aliases ?? []).forEach((alias, i) => {
        if (!addressPattern.test(alias.address)) findings.push({ path: ["aliases", i], message: `the alias ${alias.address} does not match ${params.address}` });
      });
    }
    return findings;
  },
};
