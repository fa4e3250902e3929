// The package's entry point (`import { mailsharesProgram } from "bluemind-mailshares"`): the Pulumi
// program as a function, for the `index.ts` of a GitOps repository (`bmshare init` writes one) and for
// this project's own index.ts. It declares the mailshares of desired-state YAML files; the BlueMind
// connection comes from the stack config the providers receive (`url`, secret `apiKey`, `domain`,
// `insecure`, `caFile`) or from BLUEMIND_URL / BLUEMIND_API_KEY, and never passes through the program.
import * as pulumi from "@pulumi/pulumi";
import { loadDesiredStateOrThrow } from "../desired/load";
import { declareStack, type StackOutputs } from "./stack";

export { declareStack, type MailshareSummary, type StackOutputs } from "./stack";

/** Where the desired state is when neither the options nor the stack config say. */
export const DEFAULT_DESIRED_STATE = "mailshares/";

export interface MailsharesProgramOptions {
  /**
   * Files or folders of desired-state YAML, relative to the program's folder. Default: the stack
   * config `desiredState` (comma-separated for several), else `mailshares/`.
   */
  desiredState?: string | readonly string[];
}

/** The sources to load: the options, else the stack config `desiredState`, else the default. */
function sourcesOf(options: MailsharesProgramOptions): string[] {
  const given = options.desiredState ?? new pulumi.Config().get("desiredState") ?? DEFAULT_DESIRED_STATE;
  const list = typeof given === "string" ? given.split(",") : [...given];
  return list.map((s) => s.trim()).filter(Boolean);
}

/**
 * Declares one resource set per desired mailshare (the Pulumi stack of docs/architecture.md) and
 * returns the stack outputs: per mailshare its uid, addresses and deletion policy, and a summary.
 * Bad input fails the whole program, naming file, line and field, before any resource is declared.
 */
export async function mailsharesProgram(options: MailsharesProgramOptions = {}): Promise<StackOutputs> {
  return declareStack(await loadDesiredStateOrThrow(sourcesOf(options)));
}
