// The Pulumi program: declares the mailshares of the desired-state YAML (config `desiredState`: a
// file or a folder, default examples/mailshares.yaml). The BlueMind connection comes from the
// stack config the providers receive (`url`, secret `apiKey`, `domain`, `insecure`, `caFile`) or
// from BLUEMIND_URL / BLUEMIND_API_KEY; it never passes through this program.
import * as pulumi from "@pulumi/pulumi";
import { loadDesiredStateOrThrow } from "./desired/load";
import { declareStack } from "./program/stack";

export = async () => {
  const config = new pulumi.Config();
  const sources = (config.get("desiredState") ?? "examples/mailshares.yaml").split(",").map((s) => s.trim()).filter(Boolean);
  const mailshares = await loadDesiredStateOrThrow(sources);
  return declareStack(mailshares);
};
