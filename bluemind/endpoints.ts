// Every BlueMind endpoint this client calls, by its `IService.method` name, with its HTTP method,
// path template and query parameters exactly as in `bluemind/endpoints.tsv` — the project's table of
// BlueMind's REST endpoints, generated from the JAX-RS annotations of BlueMind's interfaces (described
// in docs/bluemind-api.md) — or, for the 4.x-only ones, in `bluemind/endpoints-4.tsv`
// (docs/bluemind-versions.md). test/bluemind/endpoints.test.ts checks this table against that file, and
// every test run checks the requests actually sent against it.
//
// Path parameters are filled by name from the `{…}` segments, so the parameter names of a call are
// checked by the compiler (see `PathParams`).

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface EndpointDef {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query: readonly string[];
}

function ep<const P extends string, const Q extends readonly string[] = []>(
  method: HttpMethod, path: P, query?: Q,
): { method: HttpMethod; path: P; query: Q } {
  return { method, path, query: (query ?? []) as Q };
}

export const ENDPOINTS = {
  // IAuthentication, IAPIKeys
  "IAuthentication.login": ep("POST", "/api/auth/login", ["login", "origin"]),
  "IAuthentication.validate": ep("POST", "/api/auth/validate", ["login", "origin"]),
  "IAuthentication.ping": ep("GET", "/api/auth/ping"),
  "IAuthentication.logout": ep("POST", "/api/auth/logout"),
  "IAuthentication.su": ep("POST", "/api/auth/_su", ["login"]),
  "IAuthentication.getCurrentUser": ep("GET", "/api/auth"),
  "IAPIKeys.create": ep("PUT", "/api/auth/keys", ["displayName"]),
  "IAPIKeys.list": ep("GET", "/api/auth/keys"),
  "IAPIKeys.get": ep("GET", "/api/auth/keys/{sid}"),
  "IAPIKeys.delete": ep("DELETE", "/api/auth/keys/{sid}"),

  // IMailshare (+ IDirEntryPhotoSupport)
  "IMailshare.create": ep("PUT", "/api/mailshares/{domainUid}/{uid}"),
  "IMailshare.update": ep("POST", "/api/mailshares/{domainUid}/{uid}"),
  "IMailshare.getComplete": ep("GET", "/api/mailshares/{domainUid}/{uid}/complete"),
  "IMailshare.allComplete": ep("GET", "/api/mailshares/{domainUid}/_complete"),
  "IMailshare.delete": ep("DELETE", "/api/mailshares/{domainUid}/{uid}"),
  "IMailshare.setPhoto": ep("POST", "/api/mailshares/{domainUid}/{uid}/photo"),
  "IMailshare.getPhoto": ep("GET", "/api/mailshares/{domainUid}/{uid}/photo"),
  "IMailshare.deletePhoto": ep("DELETE", "/api/mailshares/{domainUid}/{uid}/photo"),
  "IMailshare.getIcon": ep("GET", "/api/mailshares/{domainUid}/{uid}/icon"),

  // IMailboxes
  "IMailboxes.getComplete": ep("GET", "/api/mailboxes/{domainUid}/{uid}/complete"),
  "IMailboxes.byEmail": ep("GET", "/api/mailboxes/{domainUid}/_byemail", ["email"]),
  "IMailboxes.byName": ep("GET", "/api/mailboxes/{domainUid}/_byname", ["name"]),
  "IMailboxes.byType": ep("GET", "/api/mailboxes/{domainUid}/_byType", ["email"]),
  "IMailboxes.byRouting": ep("GET", "/api/mailboxes/{domainUid}/_byRouting", ["email"]),
  "IMailboxes.list": ep("GET", "/api/mailboxes/{domainUid}/_list"),
  "IMailboxes.listUids": ep("GET", "/api/mailboxes/{domainUid}/_listUids"),
  "IMailboxes.multipleGet": ep("POST", "/api/mailboxes/{domainUid}/_mget"),
  "IMailboxes.getMailboxQuota": ep("GET", "/api/mailboxes/{domainUid}/{uid}/_quota"),
  "IMailboxes.getMailboxConfig": ep("GET", "/api/mailboxes/{domainUid}/{uid}/_config"),
  "IMailboxes.getMailboxFilter": ep("GET", "/api/mailboxes/{domainUid}/{mailboxUid}/_filter"),
  "IMailboxes.setMailboxFilter": ep("POST", "/api/mailboxes/{domainUid}/{mailboxUid}/_filter"),
  "IMailboxes.getMailboxVacation": ep("GET", "/api/mailboxes/{domainUid}/{mailboxUid}/_vacation"),
  "IMailboxes.setMailboxVacation": ep("POST", "/api/mailboxes/{domainUid}/{mailboxUid}/_vacation"),
  "IMailboxes.getMailboxForwarding": ep("GET", "/api/mailboxes/{domainUid}/{mailboxUid}/_forwarding"),
  "IMailboxes.setMailboxForwarding": ep("POST", "/api/mailboxes/{domainUid}/{mailboxUid}/_forwarding"),
  "IMailboxes.getMailboxRules": ep("GET", "/api/mailboxes/{domainUid}/{mailboxUid}/_rules"),
  "IMailboxes.getMailboxRulesByClient": ep("GET", "/api/mailboxes/{domainUid}/{mailboxUid}/_rulesByClient", ["client"]),
  "IMailboxes.getMailboxRule": ep("GET", "/api/mailboxes/{domainUid}/{mailboxUid}/_rules/{id}"),
  "IMailboxes.addMailboxRule": ep("PUT", "/api/mailboxes/{domainUid}/{mailboxUid}/_rules"),
  "IMailboxes.addMailboxRuleRelative": ep("PUT", "/api/mailboxes/{domainUid}/{mailboxUid}/_rules/{position}/{anchorId}"),
  "IMailboxes.updateMailboxRule": ep("POST", "/api/mailboxes/{domainUid}/{mailboxUid}/_rules/{id}"),
  "IMailboxes.deleteMailboxRule": ep("DELETE", "/api/mailboxes/{domainUid}/{mailboxUid}/_rules/{id}"),
  "IMailboxes.moveMailboxRule": ep("POST", "/api/mailboxes/{domainUid}/{mailboxUid}/_rules/{id}/{direction}"),
  "IMailboxes.moveMailboxRuleRelative": ep("POST", "/api/mailboxes/{domainUid}/{mailboxUid}/_rules/{id}/{position}/{anchorId}"),
  "IMailboxes.getMailboxAccessControlList": ep("GET", "/api/mailboxes/{domainUid}/{mailboxUid}/_acls"),
  "IMailboxes.setMailboxAccessControlList": ep("POST", "/api/mailboxes/{domainUid}/{mailboxUid}/_acls"),

  // IMailboxAclUids, IContainerManagement
  "IMailboxAclUids.getUidForMailbox": ep("GET", "/api/mailbox/uids/{uid}/_mailbox_acl"),
  "IContainerManagement.getAccessControlList": ep("GET", "/api/containers/_manage/{containerUid}/_acl"),
  "IContainerManagement.setAccessControlList": ep("PUT", "/api/containers/_manage/{containerUid}/_acl"),
  "IContainerManagement.getDescriptor": ep("GET", "/api/containers/_manage/{containerUid}/_descriptor"),
  "IContainerManagement.canAccess": ep("POST", "/api/containers/_manage/{containerUid}/_canAccess"),
  "IContainerManagement.getSettings": ep("GET", "/api/containers/_manage/{containerUid}/_settings"),
  "IContainerManagement.setSettings": ep("PUT", "/api/containers/_manage/{containerUid}/_settings"),

  // IMailboxIdentity
  "IMailboxIdentity.create": ep("PUT", "/api/mailboxes/{domainUid}/identity/{mboxUid}/{uid}"),
  "IMailboxIdentity.update": ep("POST", "/api/mailboxes/{domainUid}/identity/{mboxUid}/{uid}"),
  "IMailboxIdentity.delete": ep("DELETE", "/api/mailboxes/{domainUid}/identity/{mboxUid}/{uid}"),
  "IMailboxIdentity.get": ep("GET", "/api/mailboxes/{domainUid}/identity/{mboxUid}/{uid}"),
  "IMailboxIdentity.getIdentities": ep("GET", "/api/mailboxes/{domainUid}/identity/{mboxUid}"),
  "IMailboxIdentity.getPossibleIdentities": ep("GET", "/api/mailboxes/{domainUid}/identity/{mboxUid}/_possible"),

  // IDirectory
  "IDirectory.getRoot": ep("GET", "/api/directory/{domain}"),
  "IDirectory.getEntry": ep("POST", "/api/directory/{domain}/_entry"),
  "IDirectory.findByEntryUid": ep("GET", "/api/directory/{domain}/entry-uid/{entryUid}"),
  "IDirectory.getByEmail": ep("GET", "/api/directory/{domain}/_byEmail/{email}"),
  "IDirectory.search": ep("POST", "/api/directory/{domain}/_search"),
  "IDirectory.getMultiple": ep("POST", "/api/directory/{domain}/_mget"),
  "IDirectory.getVCard": ep("GET", "/api/directory/{domain}/{uid}/_vcard"),
  "IDirectory.xfer": ep("POST", "/api/directory/{domain}/_xfer/{entryUid}/{serverUid}"),
  "IDirectory.deleteByEntryUid": ep("DELETE", "/api/directory/{domain}/_byentryuid/{entryUid}"),

  // IUser, IGroup (lookups needed to resolve ACL subjects)
  "IUser.getComplete": ep("GET", "/api/users/{domainUid}/{uid}/complete"),
  "IUser.byEmail": ep("GET", "/api/users/{domainUid}/byEmail/{email}"),
  "IUser.byLogin": ep("GET", "/api/users/{domainUid}/byLogin/{login}"),
  "IGroup.getComplete": ep("GET", "/api/groups/{domainUid}/{uid}/complete"),
  "IGroup.byEmail": ep("GET", "/api/groups/{domainUid}/byEmail/{email}"),
  "IGroup.byName": ep("GET", "/api/groups/{domainUid}/byName/{name}"),
  "IGroup.search": ep("POST", "/api/groups/{domainUid}/_search"),
  "IGroup.getMembers": ep("GET", "/api/groups/{domainUid}/{uid}/members"),
  "IGroup.getExpandedUserMembers": ep("GET", "/api/groups/{domainUid}/{uid}/expandedusersmembers"),

  // IOrgUnits
  "IOrgUnits.getComplete": ep("GET", "/api/directory/_ou/{domain}/{uid}/complete"),
  "IOrgUnits.getChildren": ep("GET", "/api/directory/_ou/{domain}/{uid}/_children"),
  "IOrgUnits.getPath": ep("GET", "/api/directory/_ou/{domain}/{uid}/path"),
  "IOrgUnits.search": ep("POST", "/api/directory/_ou/{domain}/_search"),

  // IDomains, IDomainSettings
  "IDomains.get": ep("GET", "/api/domains/{uid}"),
  "IDomains.all": ep("GET", "/api/domains"),
  "IDomains.findByNameOrAliases": ep("GET", "/api/domains/_lookup", ["name"]),
  "IDomainSettings.get": ep("GET", "/api/domains/{containerUid}/_settings"),

  // IServer
  "IServer.allComplete": ep("GET", "/api/servers/{containerUid}/_complete"),
  "IServer.getComplete": ep("GET", "/api/servers/{containerUid}/{uid}/complete"),
  "IServer.getAssignments": ep("GET", "/api/servers/{containerUid}/{domainUid}/assignments"),
  "IServer.byAssignment": ep("GET", "/api/servers/{containerUid}/{domainUid}/byAssignment", ["tag"]),

  // IMailboxMgmt
  "IMailboxMgmt.consolidateMailbox": ep("POST", "/api/mgmt/mailbox/{domainUid}/{mailboxUid}/_consolidate"),
  "IMailboxMgmt.resetMailbox": ep("POST", "/api/mgmt/mailbox/{domainUid}/{mailboxUid}/_reset"),
  "IMailboxMgmt.respawnMailbox": ep("POST", "/api/mgmt/mailbox/{domainUid}/{mailboxUid}/_respawn"),
  "IMailboxMgmt.consolidateDomain": ep("POST", "/api/mgmt/mailbox/{domainUid}/_consolidate"),

  // IDirEntryMaintenance
  "IDirEntryMaintenance.getAvailableOperations": ep("GET", "/api/directory/{domain}/{entryUid}/mgmt/_maintenance"),
  "IDirEntryMaintenance.repair": ep("POST", "/api/directory/{domain}/{entryUid}/mgmt/_maintenance/repair"),
  // 4.x only (endpoints-4.tsv): a check task, as `repair` takes a set of operation ids there
  "IDirEntryMaintenance.check": ep("POST", "/api/directory/{domain}/{entryUid}/mgmt/_maintenance/check"),

  // IMailboxFoldersByContainer
  "IMailboxFoldersByContainer.searchItems": ep("POST", "/api/mail_folders_container/{container}/_search"),

  // IInstallation
  "IInstallation.getVersion": ep("GET", "/api/system/installation/version"),

  // ITask
  "ITask.status": ep("GET", "/api/tasks/{taskId}"),
  "ITask.getCurrentLogs": ep("GET", "/api/tasks/{taskId}/_currentLogs", ["offset"]),
  "ITask.log": ep("GET", "/api/tasks/{taskId}/_log"),
} as const satisfies Record<string, EndpointDef>;

export type EndpointName = keyof typeof ENDPOINTS;

/** The `{name}` segments of a path template, as a union of names. */
type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;

/** The path parameters an endpoint needs, by name. */
export type PathParams<E extends EndpointName> = { [K in ParamNames<(typeof ENDPOINTS)[E]["path"]>]: string | number };

/** The query parameters an endpoint accepts. */
export type QueryParams<E extends EndpointName> = {
  [K in (typeof ENDPOINTS)[E]["query"][number]]?: string | number | boolean;
};

/**
 * Fills a path template. Every value is encoded with encodeURIComponent: BlueMind decodes path
 * segments with form semantics, so a raw `+` would become a space and a `/` would split the
 * segment (`a+b@x.test` → `a%2Bb%40x.test`).
 */
export function fillPath(template: string, params: Record<string, string | number>): string {
  // A scan rather than a replace with a callback: this runs once per request.
  let path = "";
  let from = 0;
  for (;;) {
    const open = template.indexOf("{", from);
    const close = open < 0 ? -1 : template.indexOf("}", open + 1);
    if (close < 0) return path + template.slice(from);
    const name = template.slice(open + 1, close);
    const value = params[name];
    if (value === undefined || value === null || String(value) === "") {
      throw new TypeError(`missing path parameter "${name}" for ${template}`);
    }
    path += template.slice(from, open) + encodeURIComponent(String(value));
    from = close + 1;
  }
}

/** Query string (with leading `?`) of the defined values; `+` and spaces are percent-encoded. */
export function queryString(query: Record<string, string | number | boolean | undefined> | undefined): string {
  if (!query) return "";
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length > 0 ? `?${parts.join("&")}` : "";
}
