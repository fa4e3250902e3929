// description-required: every mailshare says what it is for, so that a reviewer (and whoever finds
// it in the directory later) knows whom to ask.
import type { Rule, RuleParams } from "../model";

export interface DescriptionRequiredParams extends RuleParams {
  minLength?: number;
}

export const descriptionRequired: Rule<DescriptionRequiredParams> = {
  id: "description-required",
  description: "every mailshare has a description (of at least minLength characters)",
  fields: ["description"],
  check(subject, params) {
    if (subject.description === undefined) return [];
    const text = (subject.description ?? "").trim();
    const minimum = params.minLength ?? 1;
    if (text === "") return [{ path: ["description"], message: "no description: say what the mailshare is for and who answers it" }];
    const length = [...text].length;
    if (length < minimum) return [{ path: ["description"], message: `the description has ${length} character${length === 1 ? "" : "s"}, fewer than ${minimum}` }];
    return [];
  },
};
