// The run's bulk lists (bluemind/collection.ts, directory-lists.ts): read once, kept current item
// by item. What a user would notice if they went stale: a plan or check answering from before a
// write, or an address that moved reported as free or as still held by its old mailbox.
import { describe, it, expect } from "vitest";
import { ItemCollection } from "../../bluemind/collection";
import { MailboxList } from "../../bluemind/directory-lists";
import type { ItemValue, Mailbox } from "../../bluemind/types";

type Item = { uid: string; value: { name: string; n: number } };

/** A fake server: its items, and how many list and item reads it answered. */
function server(items: Item[]) {
  const state = new Map(items.map((i) => [i.uid, structuredClone(i)]));
  const reads = { list: 0, one: 0 };
  let gate: Promise<void> | null = null;
  return {
    state, reads,
    /** Holds the next item reads until `release` (to put a write in the middle of one). */
    hold() {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => { gate = null; release(); };
    },
    loadAll: async () => { reads.list++; return [...state.values()].map((i) => structuredClone(i)); },
    loadOne: async (uid: string) => {
      reads.one++;
      const answer = structuredClone(state.get(uid) ?? null); // read now, answered later
      if (gate) await gate;
      return answer;
    },
  };
}

const item = (uid: string, n: number): Item => ({ uid, value: { name: uid, n } });

describe("a run's list", () => {
  it("is read once, and an item written since is read again alone", async () => {
    const s = server([item("a", 1), item("b", 1)]);
    const list = new ItemCollection<Item>(s.loadAll, s.loadOne);
    expect((await list.get("a"))?.value.n).toBe(1);
    expect(await list.has("b")).toBe(true);
    expect(await list.get("c")).toBeNull();
    s.state.set("a", item("a", 2));
    list.expire("a");
    expect((await list.get("a"))?.value.n).toBe(2);
    expect((await list.all()).map((i) => i.value.n)).toEqual([2, 1]);
    expect(s.reads).toEqual({ list: 1, one: 1 });
  });

  it("never answers from before a write made while an item was being read again", async () => {
    const s = server([item("a", 1)]);
    const list = new ItemCollection<Item>(s.loadAll, s.loadOne);
    await list.all();
    s.state.set("a", item("a", 2));
    list.expire("a");
    const release = s.hold();
    const first = list.get("a"); // its read sees n = 2, answered later
    await Promise.resolve();
    s.state.set("a", item("a", 3)); // a second write while that read is in flight
    list.expire("a");
    release();
    expect((await first)?.value.n).toBe(3);
    expect((await list.get("a"))?.value.n).toBe(3);
  });

  it("keeps a failed read stale: the next read asks again (never 'absent')", async () => {
    const s = server([item("a", 1)]);
    let fail = true;
    const list = new ItemCollection<Item>(s.loadAll, async (uid) => {
      if (fail) throw new Error("HTTP 503");
      return s.loadOne(uid);
    });
    await list.all();
    list.expire("a");
    await expect(list.get("a")).rejects.toThrow("HTTP 503");
    fail = false;
    expect((await list.get("a"))?.value.n).toBe(1);
  });
});

const mailbox = (uid: string, ...addresses: string[]): ItemValue<Mailbox> => ({
  uid, value: { name: uid, type: "mailshare", emails: addresses.map((a, i) => ({ address: a, allAliases: false, isDefault: i === 0 })) },
} as unknown as ItemValue<Mailbox>);

describe("the mailboxes by address", () => {
  it("follows an address that moves, whichever holder is read again first, and a list read again", async () => {
    const state = new Map([["x", mailbox("x", "x@acme.test", "help@acme.test")], ["y", mailbox("y", "y@acme.test")]]);
    const list = new MailboxList(async () => [...state.values()].map((m) => structuredClone(m)), async (uid) => structuredClone(state.get(uid) ?? null));
    const names = ["acme.test"];
    expect((await list.byEmail("help@acme.test", names))?.uid).toBe("x");
    // help@ moves from x to y: y is read again before x.
    state.set("y", mailbox("y", "y@acme.test", "help@acme.test"));
    state.set("x", mailbox("x", "x@acme.test"));
    list.expire("y");
    // Until x is read again, the run knows both as holders: the address is never reported free.
    expect(await list.byEmail("help@acme.test", names)).not.toBeNull();
    list.expire("x");
    expect((await list.byEmail("help@acme.test", names))?.uid).toBe("y");
    expect(await list.byEmail("help@other.test", names)).toBeNull();
    // The list forgotten and read again: no address of the old reading survives.
    state.delete("y");
    list.forget();
    expect(await list.byEmail("help@acme.test", names)).toBeNull();
    expect((await list.byName("x"))?.uid).toBe("x");
    expect(await list.byName("y")).toBeNull();
  });
});
