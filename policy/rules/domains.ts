// Which domain an address or a share reference names, and whether the organisation owns it: what the
// forwarding and sharing rules both ask.

/** The domain of an address (`frank@acme.test` → `acme.test`), lower-case; null for a bare login or name. */
export function domainOf(reference: string): string | null {
  const at = reference.lastIndexOf("@");
  return at < 0 ? null : reference.slice(at + 1).toLowerCase();
}

/** The domains a rule allows: its own list when it has one, else the organisation's. */
export function allowedDomains(own: unknown, organisation: readonly string[]): readonly string[] {
  return Array.isArray(own) ? own.map((d) => String(d).toLowerCase()) : organisation;
}

export const listed = (domains: readonly string[]) => `the organisation (${domains.join(", ")})`;
