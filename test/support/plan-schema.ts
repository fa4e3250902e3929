// schemas/plan.schema.json compiled once for the tests that check `plan --json` and `drift --json`
// against it, with the annotation keywords every ajv of schemas/ adds (desired/schema-validators.ts).
import Ajv2020 from "ajv/dist/2020";
import planSchema from "../../schemas/plan.schema.json";
import { SCHEMA_ANNOTATIONS } from "../../desired/schema";

const ajv = new Ajv2020({ strict: true, allErrors: true });
for (const keyword of SCHEMA_ANNOTATIONS) ajv.addKeyword(keyword);

/** Validates a JSON plan or drift report; its `errors` say why not. */
export const validatePlanJson = ajv.compile(planSchema);
