// The directory lookups of `validate`'s server cross-checks, over the providers' client (limits
// included), once the server has said which release it is: a refused key, a server that does not
// answer or a release bmshare does not speak is one message, not one per mailshare. A module of its
// own so that `validate --offline` loads no REST client (cli/main.ts requires it on demand).
import type { Connection } from "../providers/connection";
import { RUNTIME, useSettings } from "../providers/runtime";
import { bluemindLookups } from "../desired/bluemind-lookups";
import type { DirectoryLookups } from "../desired/online";
import { refuseUnsupportedServer } from "./command";

export async function connectLookups(connection: Connection): Promise<DirectoryLookups> {
  useSettings(connection, "flags");
  await refuseUnsupportedServer(RUNTIME);
  return bluemindLookups(RUNTIME.client);
}
