// Human sizes and dates, and the helpers behind error messages (paths, suggestions, ordering).
import { describe, it, expect } from "vitest";
import { formatSize, parseSize, MAX_QUOTA_KIB } from "../../desired/sizes";
import { formatDate, parseDate } from "../../desired/dates";
import { closest, formatPath, sortErrors, type DesiredStateError } from "../../desired/errors";

describe("sizes", () => {
  it("parses binary units and plain KiB numbers exactly", () => {
    expect(parseSize("2 GiB")).toEqual({ kib: 2 * 1024 * 1024 });
    expect(parseSize("1.5GiB")).toEqual({ kib: 1572864 });
    expect(parseSize("0.5 KiB")).toHaveProperty("error", expect.stringContaining("whole number of KiB"));
    expect(parseSize(1048576)).toEqual({ kib: 1048576 });
    expect(parseSize(1.5)).toHaveProperty("error", expect.stringContaining("must be whole"));
    expect(parseSize("3 TiB", MAX_QUOTA_KIB)).toHaveProperty("error", expect.stringMatching(/^expected a size of at most 2147483647 KiB, found "3 TiB"$/));
  });

  it("suggests the binary unit for decimal or abbreviated ones", () => {
    for (const [given, meant] of [["2 GB", "2 GiB"], ["500m", "500 MiB"], ["1 gib", "1 GiB"], ["10 Ko", "10 KiB"]]) {
      expect(parseSize(given), given).toHaveProperty("error", expect.stringContaining(`did you mean "${meant}"?`));
    }
  });

  it("formats KiB in the largest exact unit", () => {
    expect([2097152, 1536, 1024, 7, 3 * 1024 ** 3].map(formatSize)).toEqual(["2 GiB", "1536 KiB", "1 MiB", "7 KiB", "3 TiB"]);
  });
});

describe("dates", () => {
  it("reads a date as 00:00 UTC and a date-time through its offset", () => {
    expect(parseDate("2026-12-24")).toEqual({ ms: Date.UTC(2026, 11, 24) });
    expect(parseDate("2026-12-24T18:30+01:00")).toEqual({ ms: Date.UTC(2026, 11, 24, 17, 30) });
    expect(parseDate("2026-12-24T18:30:15Z")).toEqual({ ms: Date.UTC(2026, 11, 24, 18, 30, 15) });
    expect(parseDate(Date.UTC(2026, 0, 1))).toEqual({ ms: Date.UTC(2026, 0, 1) });
  });

  it("refuses impossible or imprecise dates with a hint", () => {
    expect(parseDate("2026-02-29")).toHaveProperty("error", expect.stringContaining("no such day"));
    expect(parseDate("2026-12-24T24:00Z")).toHaveProperty("error", expect.stringContaining("no such day or time"));
    expect(parseDate("2026-12-24T10:00+15:00")).toHaveProperty("error", expect.stringContaining("offsets go from"));
    expect(parseDate(Date.UTC(2026, 0, 1) + 1)).toHaveProperty("error", expect.stringContaining("whole seconds"));
    expect(parseDate("24/12/2026")).toHaveProperty("error", expect.stringContaining("year first"));
    expect(parseDate(true)).toHaveProperty("error", expect.stringContaining("found true"));
  });

  it("formats back to the shortest exact form", () => {
    expect(formatDate(Date.UTC(2026, 11, 24))).toBe("2026-12-24");
    expect(formatDate(Date.UTC(2026, 11, 24, 17))).toBe("2026-12-24T17:00:00Z");
  });
});

describe("error helpers", () => {
  it("writes field paths as in the messages", () => {
    expect(formatPath(["mailshares", 0, "shares", 1, "level"])).toBe("mailshares[0].shares[1].level");
    expect(formatPath(["mailshares", 2, "odd key"])).toBe('mailshares[2]["odd key"]');
    expect(formatPath([])).toBe("(document)");
  });

  it("suggests close names only", () => {
    expect(closest("emial", ["email", "aliases"])).toBe("email");
    expect(closest("display_name", ["displayName", "description"])).toBe("displayName");
    expect(closest("wirte", ["read", "write", "manage"])).toBe("write");
    expect(closest("colour", ["name", "email", "routing"])).toBeUndefined();
  });

  it("orders errors by file order, line, column, and drops exact repeats", () => {
    const e = (file: string, line: number, column: number): DesiredStateError => ({ file, line, column, path: "p", message: "m" });
    expect(sortErrors([e("b", 1, 1), e("a", 9, 1), e("b", 1, 1), e("a", 2, 5), e("a", 2, 3)], ["b", "a"]))
      .toEqual([e("b", 1, 1), e("a", 2, 3), e("a", 2, 5), e("a", 9, 1)]);
  });
});
