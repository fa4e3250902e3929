// The ACL verb lattice of BlueMind 5 (Verb.java, docs/bluemind-api.md §2.4): `X(Y, …)` = X implies Y.
// Invitation, Freebusy(Invitation), SendOnBehalf, SendAs(SendOnBehalf), Read(Freebusy),
// ReadExtended(Read), Write(Read), Manage, All(Write, Manage, SendOnBehalf, SendAs, ReadExtended).
// Stored ACLs are compacted (implied verbs dropped), read ACLs are expanded.
//
// The emulator keeps its own lattice and wire types (model.ts) instead of sharing the client's
// (bluemind/types.ts, providers/acl.ts): deliberately, so that it stays an independent oracle — a
// misreading of BlueMind shared by client and emulator would otherwise pass every test.
import type { AccessControlEntry, Verb } from "./model";

/** Every verb, in Java enum order (the order expanded lists use). */
export const VERBS: readonly Verb[] = [
  "Invitation", "Freebusy", "SendOnBehalf", "SendAs", "Read", "ReadExtended", "Write", "Manage", "All",
];

const DIRECT: Record<Verb, readonly Verb[]> = {
  Invitation: [],
  Freebusy: ["Invitation"],
  SendOnBehalf: [],
  SendAs: ["SendOnBehalf"],
  Read: ["Freebusy"],
  ReadExtended: ["Read"],
  Write: ["Read"],
  Manage: [],
  All: ["Write", "Manage", "SendOnBehalf", "SendAs", "ReadExtended"],
};

export function isVerb(v: unknown): v is Verb {
  return typeof v === "string" && (VERBS as readonly string[]).includes(v);
}

/** Verb.can: `held` is `wanted` or implies it, directly or transitively. */
export function implies(held: Verb, wanted: Verb): boolean {
  return held === wanted || DIRECT[held].some((v) => implies(v, wanted));
}

/** The verb and everything it implies, in enum order. */
export function expand(verb: Verb): Verb[] {
  return VERBS.filter((v) => implies(verb, v));
}

/** Subjects in first-appearance order with their verbs. */
function bySubject(entries: readonly AccessControlEntry[]): Map<string, Verb[]> {
  const out = new Map<string, Verb[]>();
  for (const e of entries) {
    const verbs = out.get(e.subject) ?? [];
    verbs.push(e.verb);
    out.set(e.subject, verbs);
  }
  return out;
}

/** Read view: every entry replaced by its verb and all implied verbs, de-duplicated per subject. */
export function expandAcl(entries: readonly AccessControlEntry[]): AccessControlEntry[] {
  const out: AccessControlEntry[] = [];
  for (const [subject, verbs] of bySubject(entries)) {
    for (const verb of VERBS) {
      if (verbs.some((held) => implies(held, verb))) out.push({ subject, verb });
    }
  }
  return out;
}

/** Stored form: per subject, duplicates and verbs implied by another verb of the subject removed. */
export function compactAcl(entries: readonly AccessControlEntry[]): AccessControlEntry[] {
  const out: AccessControlEntry[] = [];
  for (const [subject, verbs] of bySubject(entries)) {
    const distinct = [...new Set(verbs)];
    for (const verb of distinct) {
      if (!distinct.some((other) => other !== verb && implies(other, verb))) out.push({ subject, verb });
    }
  }
  return out;
}

/** Whether any of `held` grants `wanted`. */
export function anyImplies(held: Iterable<Verb>, wanted: Verb): boolean {
  for (const v of held) if (implies(v, wanted)) return true;
  return false;
}
