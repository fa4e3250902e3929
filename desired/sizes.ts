// Human sizes: `2 GiB`, `500 MiB`, `1.5 GiB`, `1048576 KiB`, or a plain number of KiB. BlueMind stores
// quotas in KiB, so every size normalises to a whole number of KiB. Only binary units are accepted:
// `GB` is ambiguous (10^9 or 2^30 bytes) and would make a quota silently differ from what was meant.
import { describeValue } from "./errors";

export const SIZE_UNITS = { KiB: 1, MiB: 1024, GiB: 1024 ** 2, TiB: 1024 ** 3 } as const;
export type SizeUnit = keyof typeof SIZE_UNITS;

/** BlueMind keeps a quota in a Java Integer (KiB): just under 2 TiB. */
export const MAX_QUOTA_KIB = 2_147_483_647;
export const MAX_QUOTA_REASON = " (just under 2 TiB: BlueMind keeps quotas in a 32-bit number of KiB)";

const SIZE_RE = /^([0-9]+)(?:\.([0-9]+))? ?(KiB|MiB|GiB|TiB)$/;
const EXPECTED = "a size such as 2 GiB, 500 MiB or 1048576 KiB (binary units KiB, MiB, GiB, TiB), or a plain number of KiB";

export type SizeResult = { kib: number } | { error: string };

function fail(value: unknown, hint = ""): SizeResult {
  return { error: `expected ${EXPECTED}, found ${describeValue(value)}${hint}` };
}

/** What the writer most likely meant: `2 GB`, `2G`, `2 gib` → `2 GiB`. */
function suggestion(text: string): string {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt])(?:i?b|o)?\s*$/i.exec(text);
  if (!m) return "";
  return ` (did you mean "${m[1]} ${m[2].toUpperCase()}iB"?)`;
}

/** Parses a size; `max` (KiB) bounds the result, `maxReason` says why in the message. */
export function parseSize(value: unknown, max = Number.MAX_SAFE_INTEGER, maxReason = ""): SizeResult {
  let kib: number;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return fail(value, " (a plain number counts KiB and must be whole)");
    kib = value;
  } else if (typeof value === "string") {
    const m = SIZE_RE.exec(value);
    if (!m) return fail(value, suggestion(value));
    const fraction = m[2] ?? "";
    // Exact decimal arithmetic: 1.5 GiB is 1572864 KiB, 1.3 KiB is not a whole number of KiB.
    const scaled = BigInt(m[1] + fraction) * BigInt(SIZE_UNITS[m[3] as SizeUnit]);
    const divisor = 10n ** BigInt(fraction.length);
    if (scaled % divisor !== 0n) return fail(value, " (it must come to a whole number of KiB)");
    const whole = scaled / divisor;
    if (whole > BigInt(Number.MAX_SAFE_INTEGER)) return fail(value, " (too large)");
    kib = Number(whole);
  } else {
    return fail(value);
  }
  if (kib < 1) return fail(value, " (at least 1 KiB; there is no \"unlimited\": leave a quota out for the domain default)");
  if (kib > max) return { error: `expected a size of at most ${formatSize(max)}${maxReason}, found ${describeValue(value)}` };
  return { kib };
}

/** The shortest exact human form of a KiB count: 2097152 → `2 GiB`, 1536 → `1536 KiB`. */
export function formatSize(kib: number): string {
  for (const unit of ["TiB", "GiB", "MiB"] as const) {
    const factor = SIZE_UNITS[unit];
    if (kib % factor === 0) return `${kib / factor} ${unit}`;
  }
  return `${kib} KiB`;
}
