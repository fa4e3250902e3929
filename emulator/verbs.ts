// The ACL verb lattice of a BlueMind release (Verb.java, emulator/releases.ts): `X(Y, …)` = X
// implies Y. Since 5.x (2023-10) stored ACLs are compacted (implied verbs dropped) and read ACLs
// expanded; older releases store and return what was sent.
//
// The emulator keeps its own lattices and wire types (model.ts) instead of sharing the client's
// (bluemind/versions.ts, providers/acl.ts): deliberately, so that it stays an independent oracle — a
// misreading of BlueMind shared by client and emulator would otherwise pass every test.
import type { AccessControlEntry, Verb } from "./model";
import type { Lattice } from "./releases";

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

export class Verbs {
  /** Every verb of the release, in Java enum order. */
  readonly all: readonly Verb[];
  private readonly direct: Lattice;

  constructor(lattice: Lattice) {
    this.direct = lattice;
    this.all = Object.keys(lattice) as Verb[];
  }

  /** A constant of the release's Verb enum (what its JSON codec accepts). */
  isVerb(v: unknown): v is Verb {
    return typeof v === "string" && (this.all as readonly string[]).includes(v);
  }

  /** Verb.can: `held` is `wanted` or implies it, directly or transitively. */
  implies(held: Verb, wanted: Verb): boolean {
    return held === wanted || (this.direct[held] ?? []).some((v) => this.implies(v, wanted));
  }

  /** The verb and everything it implies, in enum order. */
  expand(verb: Verb): Verb[] {
    return this.all.filter((v) => this.implies(verb, v));
  }

  /** Whether any of `held` grants `wanted`. */
  anyImplies(held: Iterable<Verb>, wanted: Verb): boolean {
    for (const v of held) if (this.implies(v, wanted)) return true;
    return false;
  }

  /** Read view: every entry replaced by its verb and all implied verbs, de-duplicated per subject. */
  expandAcl(entries: readonly AccessControlEntry[]): AccessControlEntry[] {
    const out: AccessControlEntry[] = [];
    for (const [subject, verbs] of bySubject(entries)) {
      for (const verb of this.all) {
        if (verbs.some((held) => this.implies(held, verb))) out.push({ subject, verb });
      }
    }
    return out;
  }

  /** Stored form: per subject, duplicates and verbs implied by another verb of the subject removed. */
  compactAcl(entries: readonly AccessControlEntry[]): AccessControlEntry[] {
    const out: AccessControlEntry[] = [];
    for (const [subject, verbs] of bySubject(entries)) {
      const distinct = [...new Set(verbs)];
      for (const verb of distinct) {
        if (!distinct.some((other) => other !== verb && this.implies(other, verb))) out.push({ subject, verb });
      }
    }
    return out;
  }
}
