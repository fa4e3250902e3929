// copyOf: what the run-wide cache hands out is a copy, as deep as the value, keeping JSON's quirks.
import { describe, it, expect } from "vitest";
import { copyOf } from "../../bluemind/copy";

describe("copyOf", () => {
  it("copies JSON data deeply: changing the copy leaves the original as it was", () => {
    const original = JSON.parse('{"a":[{"b":1},"x",null,true],"c":{"d":{"e":"f"}}}');
    const copy = copyOf(original);
    expect(copy).toEqual(original);
    copy.a[0].b = 2;
    copy.c.d.e = "changed";
    copy.a.push("more");
    expect(original).toEqual(JSON.parse('{"a":[{"b":1},"x",null,true],"c":{"d":{"e":"f"}}}'));
  });

  it("keeps a \"__proto__\" key an own property, as JSON.parse makes it, and null-prototype tables as they are", () => {
    const original = JSON.parse('{"__proto__":{"polluted":true},"k":1}');
    const copy = copyOf(original);
    expect(Object.keys(copy)).toEqual(["__proto__", "k"]);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const table = Object.assign(Object.create(null), { constructor: "x" });
    expect(Object.getPrototypeOf(copyOf(table))).toBeNull();
    expect(copyOf(table).constructor).toBe("x");
  });

  it("leaves values that are not JSON to structuredClone (bytes stay bytes, not shared)", () => {
    const bytes = Buffer.from("photo");
    const copy = copyOf({ bytes }).bytes as Uint8Array;
    expect(Buffer.from(copy).toString()).toBe("photo");
    copy[0] = 0;
    expect(bytes.toString()).toBe("photo");
  });
});
