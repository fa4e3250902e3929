// Dates of the auto-reply: `YYYY-MM-DD` (00:00 UTC that day), `YYYY-MM-DDTHH:MM[:SS]` with an explicit
// offset (`Z`, `+01:00`), or epoch milliseconds. Normalised to UTC epoch milliseconds in whole seconds:
// BlueMind keeps vacation bounds to the second, so finer values would show as drift forever.
import { describeValue } from "./errors";

/** 2000-01-01T00:00:00Z: epoch-millisecond numbers below this are surely a mistake (`start: 2026`). */
export const EARLIEST_EPOCH_MS = 946_684_800_000;

const DATE_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?(Z|([+-])([0-9]{2}):([0-9]{2})))?$/;
const EXPECTED = "a date YYYY-MM-DD (00:00 UTC that day) or a date-time with an offset such as 2026-12-24T18:00:00+01:00";

export type DateResult = { ms: number } | { error: string };

function fail(value: unknown, hint = ""): DateResult {
  return { error: `expected ${EXPECTED}, found ${describeValue(value)}${hint}` };
}

function hintFor(text: string): string {
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/.test(text)) return " (add an offset: Z for UTC, or +01:00)";
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(text)) return " (write T between the date and the time)";
  if (/\.\d+(Z|[+-]\d{2}:\d{2})?$/.test(text)) return " (whole seconds only: BlueMind keeps no fractions)";
  if (/^\d{1,2}[/.]\d{1,2}[/.]\d{4}$/.test(text)) return " (write the year first: YYYY-MM-DD)";
  return "";
}

export function parseDate(value: unknown): DateResult {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < EARLIEST_EPOCH_MS) {
      return fail(value, " (a number counts milliseconds since 1970 and must be after 2000-01-01)");
    }
    if (value % 1000 !== 0) return fail(value, " (whole seconds only: BlueMind keeps no milliseconds)");
    return { ms: value };
  }
  if (typeof value !== "string") return fail(value);
  const m = DATE_RE.exec(value);
  if (!m) return fail(value, hintFor(value));
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0", m[6] ?? "0"].map(Number);
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(local);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day ||
      hour > 23 || minute > 59 || second > 59) {
    return fail(value, " (no such day or time)");
  }
  let offsetMinutes = 0;
  if (m[8]) {
    const [oh, om] = [Number(m[9]), Number(m[10])];
    if (oh > 14 || om > 59) return fail(value, " (offsets go from -14:00 to +14:00)");
    offsetMinutes = (m[8] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  return { ms: local - offsetMinutes * 60_000 };
}

/** The shortest exact text form: `2026-12-24` at midnight UTC, else `2026-12-24T17:00:00Z`. */
export function formatDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 86_400_000 === 0 ? iso.slice(0, 10) : `${iso.slice(0, 19)}Z`;
}
