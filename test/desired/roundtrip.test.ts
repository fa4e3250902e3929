// Property-based checks of the canonical form over generated mailshares (a small seeded generator, so a
// failure is reproducible from its seed): normalising is idempotent, its output is valid input, and
// writing the same thing differently (case, units, date forms, list order) changes nothing.
import { describe, it, expect } from "vitest";
import * as path from "node:path";
import { normaliseMailshare } from "../../desired/normalise";
import { validateAgainstSchema } from "../../desired/schema";
import {
  CONDITION_FIELDS, PHONE_TYPES, SHARE_LEVELS, TEXT_OPS, PRESENCE_OPS, SIZE_OPS,
  type RawAction, type RawAddress, type RawCondition, type RawMailshare, type RawShare,
} from "../../desired/model";

/** mulberry32: a tiny deterministic PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const chance = (p: number) => next() < p;
  const shuffle = <T>(items: readonly T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return { int, pick, chance, shuffle };
}
type Rng = ReturnType<typeof prng>;

const WORDS = ["desk", "help", "sales", "info", "ops", "team", "hr", "billing", "press", "jobs"];
const DOMAINS = ["acme.test", "acme-corp.test"];
const BASE_DIR = __dirname;

const randomCase = (r: Rng, s: string) => [...s].map((c) => (r.chance(0.3) ? c.toUpperCase() : c)).join("");
const word = (r: Rng) => `${r.pick(WORDS)}${r.chance(0.5) ? r.int(100) : ""}`;
const address = (r: Rng, local = word(r)) => randomCase(r, `${local}@${r.pick(DOMAINS)}`);

function size(r: Rng, kib: number): number | string {
  const forms: (number | string)[] = [kib, `${kib} KiB`, `${kib}KiB`];
  if (kib % 1024 === 0) forms.push(`${kib / 1024} MiB`);
  if (kib % 512 === 0) forms.push(`${kib / 1024} MiB`);
  if (kib % (1024 * 1024) === 0) forms.push(`${kib / 1024 / 1024} GiB`);
  return r.pick(forms);
}

function date(r: Rng, ms: number): string | number {
  const iso = new Date(ms).toISOString().slice(0, 19);
  const forms: (string | number)[] = [ms, `${iso}Z`, `${iso.slice(0, 16)}:00Z`];
  const plusTwo = new Date(ms + 2 * 3600_000).toISOString().slice(0, 19);
  forms.push(`${plusTwo}+02:00`);
  if (ms % 86_400_000 === 0) forms.push(iso.slice(0, 10));
  return r.pick(forms);
}

function condition(r: Rng): RawCondition {
  const field = r.pick(CONDITION_FIELDS);
  if (field === "size") return { field, op: r.pick(SIZE_OPS), value: size(r, (1 + r.int(64)) * 1024) };
  const subject = r.chance(0.3) ? { header: r.pick(["X-Spam-Flag", "List-Id", "X-Priority"]) } : { field };
  if (r.chance(0.2)) return { ...subject, op: r.pick(PRESENCE_OPS) };
  return { ...subject, op: r.pick(TEXT_OPS), value: r.chance(0.2) ? r.int(1000) : word(r) };
}

function action(r: Rng): RawAction {
  switch (r.int(7)) {
    case 0: return { markAsRead: true };
    case 1: return { markAsImportant: true };
    case 2: return { delete: true };
    case 3: return { moveTo: word(r) };
    case 4: return { copyTo: word(r) };
    case 5: return {
      forwardTo: Array.from({ length: 1 + r.int(3) }, () => address(r)),
      ...(r.chance(0.5) ? { keepCopy: r.chance(0.5) } : {}),
      ...(r.chance(0.3) ? { asAttachment: r.chance(0.5) } : {}),
    };
    default: return { discard: true };
  }
}

function optional<T>(r: Rng, value: () => T): T | undefined {
  return r.chance(0.5) ? value() : undefined;
}

/** A schema-valid raw mailshare; undefined fields are dropped. */
function mailshare(r: Rng): RawMailshare {
  const local = word(r);
  const email: RawAddress | undefined = r.chance(0.8) ? (r.chance(0.8) ? address(r, local) : { address: address(r, local) }) : undefined;
  const aliases: RawAddress[] = email
    ? Array.from({ length: r.int(4) }, (_, i) => (r.chance(0.7) ? address(r, `${local}-alias${i}`) : { address: address(r, `${local}-wide${i}`), allDomains: r.chance(0.5) }))
    : [];
  const shares: RawShare[] = Array.from({ length: r.int(5) }, (_, i) =>
    r.chance(0.5) ? { user: r.chance(0.5) ? `user${i}` : address(r, `user${i}`), level: r.pick(SHARE_LEVELS) } : { group: `group${i}`, level: r.pick(SHARE_LEVELS) });
  const start = Date.UTC(2026, r.int(12), 1 + r.int(28), r.chance(0.5) ? 0 : r.int(24), 0, 0);
  const raw: Record<string, unknown> = {
    name: `${local}-${r.int(1000)}`,
    displayName: optional(r, () => `${word(r)} box`),
    description: optional(r, () => (r.chance(0.2) ? null : `About ${word(r)}`)),
    email: email ?? (r.chance(0.3) ? null : undefined),
    aliases: aliases.length > 0 || r.chance(0.3) ? aliases : undefined,
    routing: email ? optional(r, () => r.pick(["internal", "external"] as const)) : optional(r, () => "none" as const),
    quota: optional(r, () => (r.chance(0.1) ? null : size(r, (1 + r.int(20)) * 512 * 1024))),
    hidden: optional(r, () => r.chance(0.5)),
    delegation: optional(r, () => r.pick(["/Europe/Paris", "/Americas", "ou-uid-1", null])),
    storageServer: optional(r, () => r.pick(["mail-1", "mail-2.acme.test", null])),
    information: optional(r, () => ({
      phones: Array.from({ length: r.int(3) }, () => ({ number: `+33 1 ${r.int(100)}`, ...(r.chance(0.5) ? { type: r.pick(PHONE_TYPES) } : {}) })),
      addresses: r.chance(0.5) ? [{ street: `${r.int(99)} Main St`, locality: "Paris", postalCode: "75002", country: "France", ...(r.chance(0.5) ? { region: null, label: "HQ" } : {}) }] : undefined,
      photo: r.chance(0.3) ? r.pick(["fixtures/photo.png", path.join(BASE_DIR, "fixtures", "photo.png"), { path: "./fixtures/photo.png" }, null]) : undefined,
    })),
    shares: shares.length > 0 || r.chance(0.3) ? shares : undefined,
    autoReply: optional(r, () => (r.chance(0.1) ? null : ((enabled) => ({
      enabled,
      start: optional(r, () => date(r, start)),
      end: optional(r, () => date(r, start + (1 + r.int(30)) * 86_400_000)),
      // BlueMind needs a subject while the reply is enabled; a disabled one may have none, or "".
      subject: enabled === false ? optional(r, () => r.pick([`Re: ${word(r)}`, ""])) : `Re: ${word(r)}`,
      message: `Back soon (${word(r)})`,
      html: optional(r, () => (r.chance(0.3) ? null : `<p>${word(r)}</p>`)),
    }))(optional(r, () => r.chance(0.5))))),
    filters: optional(r, () => Array.from({ length: r.int(4) }, (_, i) => ({
      name: `rule ${i}`,
      active: optional(r, () => r.chance(0.5)),
      match: optional(r, () => r.pick(["all", "any"] as const)),
      conditions: optional(r, () => Array.from({ length: r.int(3) }, () => condition(r))),
      actions: Array.from({ length: 1 + r.int(3) }, () => action(r)),
      stop: optional(r, () => r.chance(0.5)),
    }))),
    forwarding: optional(r, () => (r.chance(0.1) ? null : {
      enabled: optional(r, () => r.chance(0.5)),
      to: optional(r, () => Array.from({ length: r.int(3) }, () => address(r))),
      localCopy: optional(r, () => r.chance(0.5)),
    })),
    identities: optional(r, () => (email ? [{
      name: "Main", email: typeof email === "string" ? email : email.address,
      displayName: optional(r, () => word(r)), signature: optional(r, () => `-- ${word(r)}`),
      format: optional(r, () => r.pick(["html", "plain"] as const)), default: optional(r, () => r.chance(0.5)),
      sentFolder: optional(r, () => (r.chance(0.3) ? null : "Sent")),
    }] : [])),
    maintenance: optional(r, () => ({
      consolidateIndex: optional(r, () => r.pick(["2026-11", 7, null])),
      repair: optional(r, () => r.pick(["INC-1", 2026])),
    })),
    deletionPolicy: optional(r, () => r.pick(["retain", "delete"] as const)),
    adopt: optional(r, () => r.chance(0.5)),
  };
  return JSON.parse(JSON.stringify(raw)) as RawMailshare; // drops undefined fields, like YAML would not have them
}

/** The same mailshare written differently: set-like lists shuffled, addresses re-cased, sizes re-unitised. */
function rewrite(r: Rng, raw: RawMailshare): RawMailshare {
  const copy: RawMailshare = JSON.parse(JSON.stringify(raw));
  if (copy.aliases) copy.aliases = r.shuffle(copy.aliases).map((a) => (typeof a === "string" ? randomCase(r, a) : { ...a, address: randomCase(r, a.address) }));
  if (copy.shares) copy.shares = r.shuffle(copy.shares);
  if (copy.forwarding?.to) copy.forwarding.to = r.shuffle(copy.forwarding.to).map((a) => randomCase(r, a));
  if (typeof copy.email === "string") copy.email = randomCase(r, copy.email);
  return copy;
}

const normalise = (raw: RawMailshare) => normaliseMailshare(raw, { baseDir: BASE_DIR });
const RUNS = 300;

describe("canonical form (property-based, seeded)", () => {
  it("generates schema-valid input", () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const raw = mailshare(prng(seed));
      expect(validateAgainstSchema({ domain: "acme.test", mailshares: [raw] }), `seed ${seed}`).toEqual([]);
    }
  });

  it("normalise(normalise(x)) = normalise(x), and the canonical form is valid input", () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const once = normalise(mailshare(prng(seed)));
      expect(once.issues, `seed ${seed}`).toEqual([]);
      expect(validateAgainstSchema({ domain: "acme.test", mailshares: [once.value] }), `seed ${seed}`).toEqual([]);
      const twice = normalise(once.value);
      expect(twice.issues, `seed ${seed}`).toEqual([]);
      expect(twice.value, `seed ${seed}`).toEqual(once.value);
    }
  });

  it("ignores the order of set-like lists and the case of addresses", () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const r = prng(seed);
      const raw = mailshare(r);
      expect(normalise(rewrite(r, raw)).value, `seed ${seed}`).toEqual(normalise(raw).value);
    }
  });

  it("keeps the order of filters, conditions, actions and identities", () => {
    const raw: RawMailshare = {
      name: "ordered", email: "o@acme.test",
      filters: [
        { name: "b", conditions: [{ field: "to", op: "is", value: "z" }, { field: "cc", op: "is", value: "a" }], actions: [{ moveTo: "Z" }, { markAsRead: true }] },
        { name: "a", actions: [{ discard: true }] },
      ],
      identities: [{ name: "z", email: "o@acme.test" }, { name: "a", email: "o@acme.test" }],
    };
    const value = normalise(raw).value;
    expect(value.filters.map((f) => f.name)).toEqual(["b", "a"]);
    expect(value.filters[0].conditions.map((c) => ("value" in c ? c.value : null))).toEqual(["z", "a"]);
    expect(value.filters[0].actions).toEqual([{ moveTo: "Z" }, { markAsRead: true }]);
    expect(value.identities.map((i) => i.name)).toEqual(["z", "a"]);
  });
});
