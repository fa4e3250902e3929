// Placing a finding in its file. Rules see normalised mailshares, whose aliases, shares and
// forwarding addresses are sorted; the file lists them in its own order. So each file with findings
// is read again with positions, and a list index of the normalised mailshare is mapped to the item
// of the file that normalises to the same value.
import type { DesiredMailshare } from "../desired/model";
import { formatPath, type FieldPath } from "../desired/errors";
import { parseYaml, type ParsedFile } from "../desired/parse";
import { readDesiredFile } from "../desired/files";
import type { Violation } from "./model";
import type { PolicyFinding } from "./evaluate";

/** What identifies an item of a sorted list across normalisation (an address, a share's subject); null for other items. */
function identity(value: unknown): string | null {
  if (typeof value === "string") return value.toLowerCase();
  if (value && typeof value === "object") {
    const v = value as Record<string, unknown>;
    // An alias is written as its address or as { address }; a share by its subject.
    if (typeof v.address === "string") return v.address.toLowerCase();
    for (const key of ["user", "group"]) if (typeof v[key] === "string") return `${key}:${(v[key] as string).toLowerCase()}`;
  }
  return null;
}

/**
 * `path` of the normalised mailshare as a path of the file's mailshare `raw`: list indexes of sorted
 * lists mapped to the file's item of the same value; a field the file does not write (a default)
 * keeps its name, and SourceMap.locate places it at its nearest written ancestor.
 */
export function rawPath(raw: unknown, canonical: unknown, path: FieldPath): FieldPath {
  const out: (string | number)[] = [];
  let [r, c] = [raw, canonical];
  for (let n = 0; n < path.length; n++) {
    let segment = path[n];
    if (typeof segment === "number" && Array.isArray(r) && Array.isArray(c)) {
      const wanted = identity(c[segment]);
      if (wanted !== null && identity(r[segment]) !== wanted) {
        const index = r.findIndex((item) => identity(item) === wanted);
        if (index < 0) return [...out, ...path.slice(n)];
        segment = index;
      }
      [r, c] = [r[segment], c[path[n] as number]];
    } else {
      [r, c] = [(r as Record<string, unknown> | undefined)?.[segment], (c as Record<string, unknown> | undefined)?.[segment]];
    }
    out.push(segment);
  }
  return out;
}

/** Index of `mailshares[12]` → 12. */
const indexOf = (declared: string) => Number(/^mailshares\[(\d+)\]$/.exec(declared)?.[1] ?? -1);

export function locateFindings(found: readonly { mailshare: DesiredMailshare; findings: PolicyFinding[] }[]): Violation[] {
  const files = new Map<string, ParsedFile | null>();
  const parsed = (file: string) => {
    if (!files.has(file)) {
      const read = readDesiredFile(file);
      files.set(file, "error" in read ? null : parseYaml(file, read.text, { full: true }));
    }
    return files.get(file) ?? null;
  };
  const violations: Violation[] = [];
  for (const { mailshare: m, findings } of found) {
    const at = m.declaredAt;
    const index = indexOf(at.path);
    const file = parsed(at.file);
    const raw = file && index >= 0 ? (file.data as { mailshares?: unknown[] } | undefined)?.mailshares?.[index] : undefined;
    for (const f of findings) {
      const inFile: FieldPath = ["mailshares", index, ...rawPath(raw, m, f.path)];
      // The file may have changed since it was validated: then the mailshare's own line.
      const place = file && raw !== undefined ? file.map.locate(inFile) : at;
      violations.push({
        rule: f.rule, level: f.level, policy: f.policy, domain: m.domain, mailshare: m.name, file: at.file, line: place.line, column: place.column,
        path: formatPath(raw !== undefined ? inFile : ["mailshares", index, ...f.path]), message: f.message,
      });
    }
  }
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule) || a.policy.localeCompare(b.policy));
}
