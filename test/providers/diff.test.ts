// Field-level changes: readable paths, keyed lists compared by identity and by order.
import { describe, it, expect } from "vitest";
import { diffValues } from "../../providers/diff";

const keys = { shares: (s: any) => `user:${s.user}`, filters: (f: any) => f.name };

describe("diffValues", () => {
  it("names keyed items by identity and nested fields by path", () => {
    const changes = diffValues(
      { shares: [{ user: "alice", level: "read" }, { user: "bob", level: "write" }] },
      { shares: [{ user: "alice", level: "manage" }, { user: "carol", level: "read" }] },
      keys,
    );
    expect(changes).toEqual([
      { path: "shares[user:bob]", kind: "delete", old: { user: "bob", level: "write" } },
      { path: "shares[user:alice].level", kind: "update", old: "read", new: "manage" },
      { path: "shares[user:carol]", kind: "add", new: { user: "carol", level: "read" } },
    ]);
  });

  it("reports a reordering of a keyed list as one change of the list", () => {
    const a = { name: "a", stop: true };
    const b = { name: "b", stop: true };
    expect(diffValues({ filters: [a, b] }, { filters: [b, a] }, keys)).toEqual([
      { path: "filters", kind: "update", old: ["a", "b"], new: ["b", "a"] },
    ]);
    expect(diffValues({ filters: [a, b] }, { filters: [a, b] }, keys)).toEqual([]);
  });

  it("compares unkeyed lists by position and treats null → value as an update", () => {
    expect(diffValues({ to: ["x"], autoReply: null }, { to: ["x", "y"], autoReply: { enabled: true } })).toEqual([
      { path: "to[1]", kind: "add", new: "y" },
      { path: "autoReply", kind: "update", old: null, new: { enabled: true } },
    ]);
  });
});
