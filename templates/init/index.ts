// The Pulumi program of this repository: the mailshares of mailshares/ (or of the stack config
// `desiredState`), each a set of resources of bluemind-mailshares' providers. The connection comes
// from the stack config (`url`, secret `apiKey`) or BLUEMIND_URL / BLUEMIND_API_KEY.
import { mailsharesProgram } from "bluemind-mailshares";

export = async () => mailsharesProgram();
