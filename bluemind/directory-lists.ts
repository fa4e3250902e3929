// A domain's mailshares (`IMailshare.allComplete`) and mailboxes (`IMailboxes.list`) as run-wide
// collections (collection.ts), indexed the way the lookups of a run need them: by name, and for
// mailboxes by address. With them, checking N mailshares against the directory and reading their
// live state cost one list read per domain instead of several lookups per mailshare.
import { ItemCollection, type Indexer } from "./collection";
import type { Email, ItemValue, Mailbox, Mailshare } from "./types";
import { copyOf } from "./copy";

type Named = ItemValue<{ name: string }>;

/** name → uid (names are unique among the mailboxes of a domain). */
class NameIndex<T extends Named> implements Indexer<T> {
  readonly uids: Map<string, string>;

  constructor() {
    this.uids = new Map();
  }

  add(item: T): void {
    this.uids.set(item.value.name, item.uid);
  }

  remove(item: T): void {
    if (this.uids.get(item.value.name) === item.uid) this.uids.delete(item.value.name);
  }

  clear(): void {
    this.uids.clear();
  }
}

/**
 * Explicit addresses, and the local parts of all-aliases addresses, → the uids holding them. A set:
 * while an address moves, the new holder may be read again before the old one.
 */
class AddressIndex implements Indexer<ItemValue<Mailbox>> {
  readonly exact: Map<string, Set<string>>;
  readonly allAliases: Map<string, Set<string>>;

  constructor() {
    this.exact = new Map();
    this.allAliases = new Map();
  }

  add(item: ItemValue<Mailbox>): void {
    for (const email of item.value.emails ?? []) {
      holders(this.exact, email.address).add(item.uid);
      if (email.allAliases) holders(this.allAliases, localPart(email.address)).add(item.uid);
    }
  }

  remove(item: ItemValue<Mailbox>): void {
    for (const email of item.value.emails ?? []) {
      this.exact.get(email.address)?.delete(item.uid);
      this.allAliases.get(localPart(email.address))?.delete(item.uid);
    }
  }

  clear(): void {
    this.exact.clear();
    this.allAliases.clear();
  }
}

function holders(index: Map<string, Set<string>>, key: string): Set<string> {
  let uids = index.get(key);
  if (!uids) index.set(key, (uids = new Set()));
  return uids;
}

/** One of the holders (BlueMind lets one mailbox hold an address; two only while it moves). */
const firstOf = (uids: Set<string> | undefined): string | undefined => (uids === undefined ? undefined : uids.values().next().value);

const localPart = (address: string) => address.slice(0, address.lastIndexOf("@"));

/**
 * Whether `emails` receive `address`, by BlueMind's rule (`IMailboxes.byEmail`, `IGroup.byEmail`):
 * held explicitly, or through an all-aliases address with the same local part when the domain part
 * is one of the domain's names. `MailboxList.byEmail` answers the same through its index.
 */
export function receives(emails: readonly Email[] | null | undefined, address: string, domainNames: readonly string[]): boolean {
  const domainPart = address.slice(address.lastIndexOf("@") + 1);
  return (emails ?? []).some((e) =>
    e.address === address || (e.allAliases && domainNames.includes(domainPart) && localPart(e.address) === localPart(address)));
}

/** The default address of `emails`, or null. */
export const defaultAddress = (emails: readonly Email[] | null | undefined): string | null =>
  (emails ?? []).find((e) => e.isDefault)?.address ?? null;

/** A domain's mailshares, by uid and by name. */
export class MailshareList extends ItemCollection<ItemValue<Mailshare>> {
  private readonly names: NameIndex<ItemValue<Mailshare>>;

  constructor(loadAll: () => Promise<ItemValue<Mailshare>[]>, loadOne: (uid: string) => Promise<ItemValue<Mailshare> | null>) {
    const names = new NameIndex<ItemValue<Mailshare>>();
    super(loadAll, loadOne, [names]);
    this.names = names;
  }

  /** The mailshare named `name` (exact), or null. */
  byName(name: string): Promise<ItemValue<Mailshare> | null> {
    return this.query((items) => {
      const uid = this.names.uids.get(name);
      return uid === undefined ? null : copyOf(items.get(uid) ?? null);
    });
  }
}

/** A domain's mailboxes (users, groups, mailshares, resources), by uid, name and address. */
export class MailboxList extends ItemCollection<ItemValue<Mailbox>> {
  private readonly names: NameIndex<ItemValue<Mailbox>>;
  private readonly addresses: AddressIndex;

  constructor(loadAll: () => Promise<ItemValue<Mailbox>[]>, loadOne: (uid: string) => Promise<ItemValue<Mailbox> | null>) {
    const names = new NameIndex<ItemValue<Mailbox>>();
    const addresses = new AddressIndex();
    super(loadAll, loadOne, [names, addresses]);
    this.names = names;
    this.addresses = addresses;
  }

  /** The mailbox named `name` (exact, case-sensitive, as `_byname`), or null. */
  byName(name: string): Promise<ItemValue<Mailbox> | null> {
    return this.query((items) => {
      const uid = this.names.uids.get(name);
      return uid === undefined ? null : copyOf(items.get(uid) ?? null);
    });
  }

  /**
   * The mailbox receiving `address`, as `_byemail` answers: the domain part must be one of the
   * domain's names (`domainNames`: its uid and aliases), and the address is held explicitly or
   * through an all-aliases address with the same local part. Compared as given (BlueMind stores
   * addresses in lower case; callers lower-case theirs).
   */
  byEmail(address: string, domainNames: readonly string[]): Promise<ItemValue<Mailbox> | null> {
    return this.query((items) => {
      const at = address.lastIndexOf("@");
      if (at < 0 || !domainNames.includes(address.slice(at + 1))) return null;
      const uid = firstOf(this.addresses.exact.get(address)) ?? firstOf(this.addresses.allAliases.get(address.slice(0, at)));
      return uid === undefined ? null : copyOf(items.get(uid) ?? null);
    });
  }
}
