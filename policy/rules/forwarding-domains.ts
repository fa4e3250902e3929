// forwarding-domains: mail leaves the organisation only where the policy says. Both ways a mailshare
// sends its mail on count: its forwarding (`forwarding.to`) and the forward actions of its filters
// (`forwardTo`, with or without a copy kept: without one it is a redirect).
import type { Finding, Rule, RuleParams } from "../model";
import { allowedDomains, domainOf, listed } from "./domains";

export interface ForwardingDomainsParams extends RuleParams {
  domains?: string[];
}

export const forwardingDomains: Rule<ForwardingDomainsParams> = {
  id: "forwarding-domains",
  description: "forwarding and filter forward actions send mail only to the organisation's domains (or the rule's list)",
  fields: ["forwarding", "filters"],
  check(subject, params, context) {
    const allowed = allowedDomains(params.domains, context.organisationDomains);
    const findings: Finding[] = [];
    const outside = (address: string) => {
      const domain = domainOf(address);
      return domain !== null && !allowed.includes(domain);
    };
    const forwarding = subject.forwarding;
    if (forwarding && forwarding.enabled) {
      forwarding.to.forEach((address, i) => {
        if (outside(address)) findings.push({ path: ["forwarding", "to", i], message: `forwards all mail to ${address}, outside ${listed(allowed)}` });
      });
    }
    (subject.filters ?? []).forEach((filter, f) => {
      if (!filter.active) return;
      filter.actions.forEach((action, a) => {
        if (!("forwardTo" in action)) return;
        const verb = action.keepCopy ? "forwards" : "redirects";
        action.forwardTo.forEach((address, i) => {
          if (outside(address)) {
            findings.push({ path: ["filters", f, "actions", a, "forwardTo", i], message: `filter "${filter.name}" ${verb} mail to ${address}, outside ${listed(allowed)}` });
          }
        });
      });
    });
    return findings;
  },
};
