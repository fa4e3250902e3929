// share-domains: a mailshare is shared only inside the organisation. A share names a user or group by
// login, name or address; one whose address is in another domain is outside.
import type { Rule, RuleParams } from "../model";
import { allowedDomains, domainOf, listed } from "./domains";

export interface ShareDomainsParams extends RuleParams {
  domains?: string[];
}

export const shareDomains: Rule<ShareDomainsParams> = {
  id: "share-domains",
  description: "shares name only users and groups of the organisation's domains (or the rule's list)",
  fields: ["shares"],
  check(subject, params, context) {
    const allowed = allowedDomains(params.domains, context.organisationDomains);
    return (subject.shares ?? []).flatMap((share, i) => {
      const [kind, reference] = "user" in share ? ["user", share.user] : ["group", share.group];
      const domain = domainOf(reference);
      if (domain === null || allowed.includes(domain)) return [];
      return [{ path: ["shares", i, kind], message: `shares it (${share.level}) with ${kind} ${reference}, outside ${listed(allowed)}` }];
    });
  },
};
