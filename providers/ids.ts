// Deterministic identifiers, so that every operation is idempotent and previews show real values:
// the same domain and name always give the same mailshare uid, the same mailshare and identity
// label the same identity id (docs/architecture.md, rule 3).
import { createHash } from "node:crypto";

function uuidFrom(...parts: string[]): string {
  const h = createHash("sha1").update(parts.join("\u0000")).digest("hex");
  // RFC 4122 layout, version 5 (name-based, SHA-1), variant 10xx.
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The uid of the mailshare `name` of `domain` (domain uid, lower-case). */
export function mailshareUid(domain: string, name: string): string {
  return uuidFrom("bmshare/mailshare", domain.toLowerCase(), name);
}

/** The id of the identity labelled `name` on mailshare `mailshareUid`. */
export function identityId(mailshareUid: string, name: string): string {
  return uuidFrom("bmshare/identity", mailshareUid, name);
}
