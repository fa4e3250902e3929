// Every BlueMind service the emulator serves: one module per service.
import type { Router } from "../router";
import type { Release } from "../releases";
import * as auth from "./auth";
import * as mailshares from "./mailshares";
import * as mailboxes from "./mailboxes";
import * as filters from "./filters";
import * as acl from "./acl";
import * as identities from "./identities";
import * as directory from "./directory";
import * as users from "./users";
import * as groups from "./groups";
import * as orgunits from "./orgunits";
import * as domains from "./domains";
import * as servers from "./servers";
import * as mailboxmgmt from "./mailboxmgmt";
import * as maintenance from "./maintenance";
import * as tasks from "./tasks";
import * as installation from "./installation";
import * as mailFolders from "./mail-folders";

const SERVICES: { register(r: Router, release: Release): void }[] = [
  auth, mailshares, mailboxes, filters, acl, identities, directory, users, groups, orgunits, domains, servers,
  mailboxmgmt, maintenance, tasks, installation, mailFolders,
];

/** Registers what `release` serves: a service leaves out the endpoints that release does not have. */
export function registerServices(r: Router, release: Release): void {
  for (const service of SERVICES) service.register(r, release);
}
