// This project's own Pulumi program (Pulumi.yaml's `main`): the mailshares of the config
// `desiredState`, by default examples/mailshares.yaml. The program itself is the package's
// library function (program/index.ts), the one a GitOps repository's index.ts calls.
import * as pulumi from "@pulumi/pulumi";
import { mailsharesProgram } from "./program";

export = async () => mailsharesProgram({ desiredState: new pulumi.Config().get("desiredState") ?? "examples/mailshares.yaml" });
