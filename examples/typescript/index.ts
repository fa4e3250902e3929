// The mailshares of examples/mailshares.yaml, declared in TypeScript with the resource classes.
// Run from this folder: `pulumi stack init dev && pulumi config set url … && pulumi config set
// --secret apiKey … && pulumi up` (the providers find the project two folders up).
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  Mailshare, MailshareAcl, MailshareAliases, MailshareAutoReply, MailshareFilters, MailshareIdentity, MailshareMaintenance,
} from "../../providers";

const domain = "acme.test";
// The owner recorded on each mailshare (the CLI deletes only mailshares of the owners of the files
// it is given): the YAML file's default owner, so this program and `bmshare -f examples/mailshares.yaml`
// manage the same mailshares as one owner.
const owner = "examples/mailshares.yaml";

/** A mailshare and the parts every mailshare has, wired like the YAML program does. */
function mailshare(name: string, args: Omit<ConstructorParameters<typeof Mailshare>[1], "name" | "domain">) {
  const retain = (args.deletionPolicy ?? "retain") === "retain";
  const ms = new Mailshare(`${domain}/${name}`, { domain, name, owner, ...args }, { retainOnDelete: retain });
  const opts = (always: boolean, after: pulumi.Resource[] = []): pulumi.CustomResourceOptions =>
    ({ parent: ms, dependsOn: [ms, ...after], deletedWith: ms, retainOnDelete: retain && always });
  let aliasesResource: MailshareAliases | undefined;
  return {
    ms,
    aliases: (aliases: ConstructorParameters<typeof MailshareAliases>[1]["aliases"]) =>
      (aliasesResource = new MailshareAliases(`${domain}/${name}/aliases`, { domain, mailshare: ms.uid, aliases }, opts(true))),
    acl: (shares: ConstructorParameters<typeof MailshareAcl>[1]["shares"]) =>
      new MailshareAcl(`${domain}/${name}/acl`, { domain, mailshare: ms.uid, shares }, opts(true)),
    autoReply: (autoReply: ConstructorParameters<typeof MailshareAutoReply>[1]["autoReply"]) =>
      new MailshareAutoReply(`${domain}/${name}/auto-reply`, { domain, mailshare: ms.uid, autoReply }, opts(true)),
    filters: (filters: ConstructorParameters<typeof MailshareFilters>[1]["filters"], forwarding: ConstructorParameters<typeof MailshareFilters>[1]["forwarding"] = null) =>
      new MailshareFilters(`${domain}/${name}/filters`, { domain, mailshare: ms.uid, filters, forwarding }, opts(true)),
    identity: (args: Omit<ConstructorParameters<typeof MailshareIdentity>[1], "domain" | "mailshare">) =>
      // After the aliases: an identity may use one of them.
      new MailshareIdentity(`${domain}/${name}/identity/${args.name}`, { domain, mailshare: ms.uid, ...args }, opts(false, aliasesResource ? [aliasesResource] : [])),
    maintenance: (operation: "consolidateIndex" | "check" | "repair", trigger: string) =>
      new MailshareMaintenance(`${domain}/${name}/maintenance/${operation}`, { domain, mailshare: ms.uid, operation, trigger }, opts(false)),
  };
}

// First-line support.
const support = mailshare("support", {
  displayName: "Support desk",
  description: "First-line support inbox, answered by the support team on weekdays 9:00-18:00.",
  email: "support@acme.test",
  quota: "5 GiB",
  storageServer: "mail-1",
  information: {
    phones: [{ number: "+33 1 23 45 67 89", type: "work" }, { number: "+33 1 23 45 67 90", type: "fax" }],
    addresses: [{
      label: "Head office", street: "12 rue de la Paix", extended: "Building B, 3rd floor", locality: "Paris",
      postalCode: "75002", country: "France",
    }],
    photo: path.resolve(__dirname, "..", "photos", "support-desk.png"),
  },
  deletionPolicy: "retain",
});
support.aliases(["help@acme.test", "support@acme-corp.test", { address: "helpdesk@acme.test", allDomains: true }]);
support.acl([
  { user: "alice@acme.test", level: "manage" },
  { group: "support-team", level: "write" },
  { user: "frank", level: "write" },
  { group: "managers", level: "read" },
  { user: "erin@acme.test", level: "read" },
]);
support.autoReply({
  start: "2026-12-24",
  end: "2027-01-02",
  subject: "Support is closed for the holidays",
  message: "Hello,\n\nThe support desk is closed until January 2. Urgent production incidents:\ncall +33 1 23 45 67 99.\n\nThe ACME support team\n",
  html: "<p>Hello,</p>\n<p>The support desk is closed until <b>January 2</b>. Urgent production incidents:\ncall <a href=\"tel:+33123456799\">+33 1 23 45 67 99</a>.</p>\n<p>The ACME support team</p>\n",
});
support.filters([
  { name: "spam", conditions: [{ header: "X-Spam-Flag", op: "is", value: "YES" }], actions: [{ moveTo: "Junk" }, { markAsRead: true }] },
  {
    name: "invoices", match: "any",
    conditions: [{ field: "subject", op: "contains", value: "invoice" }, { field: "from", op: "contains", value: "@billing." }],
    actions: [{ moveTo: "Invoices" }, { forwardTo: ["dave@acme.test"], keepCopy: true }],
  },
  { name: "urgent", conditions: [{ field: "subject", op: "contains", value: "URGENT" }], actions: [{ markAsImportant: true }], stop: false },
  { name: "large attachments", conditions: [{ field: "size", op: "greaterThan", value: "20 MiB" }], actions: [{ copyTo: "Large attachments" }], stop: false },
  { name: "bounces", active: false, conditions: [{ field: "from", op: "matches", value: "mailer-daemon@*" }], actions: [{ discard: true }] },
]);
support.identity({
  name: "Support", displayName: "ACME Support", email: "support@acme.test", format: "html",
  signature: "<p>ACME Support desk<br>+33 1 23 45 67 89</p>\n", default: true,
});
support.identity({
  name: "Helpdesk (corporate)", displayName: "ACME Corporate Helpdesk", email: "helpdesk@acme-corp.test", format: "plain",
  signature: "--\nACME Corporate Helpdesk\n", sentFolder: "Sent/Helpdesk",
});
support.maintenance("consolidateIndex", "2026-11");
support.maintenance("repair", "INC-4711");

// The sales inbox.
const sales = mailshare("sales-desk", {
  displayName: "ACME Sales", description: "Orders and quote requests.", email: "orders@acme.test", quota: "2 GiB",
});
sales.aliases(["quotes@acme.test", "orders@acme-corp.test"]);
sales.acl([{ user: "dave@acme.test", level: "manage" }, { group: "sales", level: "write" }, { group: "managers", level: "read" }]);
sales.autoReply(null);
sales.filters(
  [{ name: "quotes", conditions: [{ field: "toOrCc", op: "is", value: "quotes@acme.test" }], actions: [{ moveTo: "Quotes" }] }],
  { to: ["leads@crm.example.com"], localCopy: true },
);
sales.identity({ name: "Sales", displayName: "ACME Sales", email: "orders@acme.test", signature: "<p>ACME Sales</p>", default: true });

// A contact box without any address.
const reception = mailshare("reception", {
  displayName: "Reception",
  description: "Visitor log and shared contacts of the front desk; receives no mail.",
  information: { phones: [{ number: "+33 1 23 45 67 00", type: "work" }] },
});
reception.aliases([]);
reception.acl([{ group: "staff", level: "read" }, { user: "alice", level: "manage" }]);
reception.autoReply(null);
reception.filters([]);

// Message templates.
const templates = mailshare("templates", {
  displayName: "Mail templates", description: "Boilerplate answers and message templates.", hidden: true, quota: "500 MiB",
});
templates.aliases([]);
templates.acl([{ group: "staff", level: "read" }, { group: "support-team", level: "write" }, { group: "managers", level: "manage" }]);
templates.autoReply(null);
templates.filters([]);

// The Paris office, delegated to /Europe/Paris and stored on mail-2.
const paris = mailshare("paris-office", {
  displayName: "ACME Paris", email: "paris@acme.test", quota: "1 GiB", delegation: "/Europe/Paris", storageServer: "mail-2",
  information: { addresses: [{ street: "12 rue de la Paix", locality: "Paris", postalCode: "75002", country: "France" }] },
});
paris.aliases(["paris@acme-corp.test"]);
paris.acl([{ user: "alice@acme.test", level: "manage" }, { user: "bob@acme.test", level: "write" }]);
paris.autoReply(null);
paris.filters([]);
paris.identity({ name: "Paris office", displayName: "ACME Paris", email: "paris@acme.test", signature: "ACME Paris", format: "plain" });

export const uids = {
  support: support.ms.uid, sales: sales.ms.uid, reception: reception.ms.uid, templates: templates.ms.uid, paris: paris.ms.uid,
};
