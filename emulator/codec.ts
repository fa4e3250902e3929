// Reading JSON request bodies the way BlueMind's Jackson codec does, for every service of the
// emulator: an absent field keeps the Java initializer (`dflt`), an explicit null stays null
// (primitives: false / 0), scalars are coerced into String fields, and anything else is a parse
// error (500 "Error during parsing parameter"). Where a service's model differs, its reader says how.
import { npe, parseError } from "./faults";

type Obj = Record<string, unknown>;
type StrMap = Record<string, string | null>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A String field: scalars are coerced, objects and arrays refused. */
export function jStr(v: unknown, dflt: string | null = null): string | null {
  if (v === undefined) return dflt;
  if (v === null) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw parseError();
}

/** A primitive boolean: an explicit null becomes false, whatever the initializer. */
export function jBool(v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (v === null) return false;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw parseError();
}

export function jEnum<T extends string>(v: unknown, allowed: readonly T[], dflt: T | null): T | null {
  if (v === undefined) return dflt;
  if (v === null) return null;
  if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
  throw parseError();
}

export function jStrList(v: unknown, dflt: (string | null)[] | null): (string | null)[] | null {
  if (v === undefined) return dflt;
  if (v === null) return null;
  if (!Array.isArray(v)) throw parseError();
  return v.map((x) => jStr(x));
}

export function jStrMap(v: unknown, dflt: StrMap | null): StrMap | null {
  if (v === undefined) return dflt;
  if (v === null) return null;
  if (!isObj(v)) throw parseError();
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jStr(x)]));
}

export function jLong(v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  throw parseError();
}

/** java.util.Date: epoch milliseconds, or a string Jackson understands (digits or ISO-8601). */
export function jDate(v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "number" && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v))) return Date.parse(v);
  throw parseError();
}

/** A nested list, null elements kept (they fail later, where the server dereferences them). */
export function jList<T>(v: unknown, dflt: T[] | null, item: (x: unknown) => T): (T | null)[] | null {
  if (v === undefined) return dflt;
  if (v === null) return null;
  if (!Array.isArray(v)) throw parseError();
  return v.map((x) => (x === null ? null : item(x)));
}


/** A collection the Java code iterates: null there is a NullPointerException. */
export function each<T>(list: T[] | null): T[] {
  if (list === null) throw npe();
  return list;
}

/** Elements the Java code dereferences. */
export function nonNull<T>(v: T | null): T {
  if (v === null) throw npe();
  return v;
}

/** A boxed Boolean field read strictly: absent or null → `dflt`, anything but a boolean refused (IMailshare's model). */
export function jBoolOrDefault(v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "boolean") throw parseError();
  return v;
}

/** A String field read strictly: absent or null → null, anything but a string refused (IMailshare's model). */
export function jStrStrict(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw parseError();
  return v;
}

export function optString(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw parseError();
  return v;
}

/** A primitive field: absent keeps the Java default, an explicit null becomes 0 / false. */
export function primitive<T extends number | boolean>(v: unknown, dflt: T): T {
  if (v === undefined) return dflt;
  if (v === null) return (typeof dflt === "number" ? 0 : false) as T;
  if (typeof v !== typeof dflt || (typeof v === "number" && !Number.isInteger(v))) throw parseError();
  return v as T;
}

export function optStrings(v: unknown): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) throw parseError();
  return v;
}

export function optEnum<T extends string>(v: unknown, values: readonly T[]): T | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string" || !values.includes(v as T)) throw parseError();
  return v as T;
}
