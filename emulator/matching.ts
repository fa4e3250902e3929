// SQL-like matching and Java list semantics the directory searches reproduce (ILIKE with accents
// folded, subList bounds), and whether an address is held by a list of e-mails.
import type { Email } from "./model";
import { JavaException } from "./faults";
import { Store, type DomainState } from "./store";

/** PostgreSQL's `unaccent`, as DirEntryStore applies it to names and filters. */
export function unaccent(s: string): string {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}

/** `value ILIKE pattern`: `%` any run, `_` one character, `\` escapes; NULL never matches. */
export function ilike(value: string | null, pattern: string): boolean {
  if (value === null) return false;
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) re += escapeRe(pattern[++i]);
    else if (c === "%") re += "[\\s\\S]*";
    else if (c === "_") re += "[\\s\\S]";
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, "i").test(value);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** `java.util.List.subList(from, to)`, with the exceptions Java throws on bad bounds. */
export function javaSubList<T>(list: T[], from: number, to: number): T[] {
  if (from < 0 || to > list.length) {
    throw new JavaException("IndexOutOfBoundsException", `fromIndex: ${from}, toIndex: ${to}, size: ${list.length}`);
  }
  if (from > to) throw new JavaException("IllegalArgumentException", `fromIndex(${from}) > toIndex(${to})`);
  return list.slice(from, to);
}

/**
 * Whether `emails` hold `address`: an explicit address, or an allAliases address with the same
 * local part when the domain part is the domain uid or one of its aliases.
 */
export function holdsAddress(d: DomainState, emails: Email[] | null | undefined, address: string): boolean {
  const [local, domainPart] = address.split("@");
  const domainEmail = Store.domainNames(d).includes(domainPart);
  return (emails ?? []).some((m) =>
    m.address === address || (m.allAliases && domainEmail && m.address.split("@")[0] === local),
  );
}
