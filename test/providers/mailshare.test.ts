// The Mailshare provider called directly (as the CLI does): adoption, moves, deletion policy,
// the information card, and reads that show nothing cosmetic.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as path from "node:path";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../support/emulator";
import { useSettings } from "../../providers/runtime";
import { setProgressSink } from "../../providers/runtime";
import { mailshareProvider, type MailshareInputs } from "../../providers/mailshare";
import { mailshareUid } from "../../providers/ids";
import { stableUid } from "../../emulator/seed";
import { BLANK_PNG } from "../../emulator/png";

let emu: TestEmulator;
const messages: string[] = [];
const p = mailshareProvider;

beforeAll(async () => {
  emu = await startTestEmulator();
  useSettings({ url: emu.url, apiKey: TEST_KEY, domain: "acme.test", insecure: false }, "flags");
  setProgressSink((level, message) => messages.push(`${level}: ${message}`));
});
afterAll(async () => {
  setProgressSink(undefined);
  await emu.close();
});

async function checked(raw: Record<string, unknown>): Promise<MailshareInputs> {
  const r = await p.check!({}, raw);
  expect(r.failures).toEqual([]);
  return r.inputs as MailshareInputs;
}

const live = async (uid: string) => (await emu.api("GET", `/api/mailshares/acme.test/${uid}/complete`)).json;

describe("Mailshare provider", () => {
  it("creates with the card, photo, delegation and quota default, and reads back without a diff", async () => {
    const inputs = await checked({
      name: "card-box", displayName: "Card box", description: "All the card fields", email: "card-box@acme.test",
      delegation: "/Europe/Paris",
      information: {
        phones: [{ number: "+33 1 00 00 00 01", type: "work" }],
        addresses: [{ street: "1 rue X", locality: "Paris", postalCode: "75001", country: "France" }],
        photo: path.resolve("examples/photos/support-desk.png"),
      },
    });
    const { id, outs } = await p.create(inputs);
    expect(id).toBe(mailshareUid("acme.test", "card-box"));
    expect(outs.orgUnitUid).toBe(stableUid("acme.test", "ou", "Europe", "Paris"));
    const v = (await live(id)).value;
    expect(v.card.explanatory.note).toBe("All the card fields");
    expect(v.card.identification.photo).toBe(true);
    expect(v.card.communications.tels[0].value).toBe("+33 1 00 00 00 01");
    expect(v.quota).toBe(1048576);
    const read = await p.read!(id, outs);
    expect(read.inputs).toEqual(stripUid(inputs));
    expect(p.changes(read.inputs!, inputs)).toEqual([]);
  });

  it("refuses a name taken by a mailshare made in the console, and adopts it with adopt: true", async () => {
    const noreply = stableUid("acme.test", "mailshares", "noreply");
    const plain = await checked({ name: "noreply", email: "noreply@acme.test", hidden: true });
    await expect(p.create(plain)).rejects.toThrow(/already exists.*adopt: true/);
    const adopting = await checked({ name: "noreply", displayName: "Do not reply", email: "noreply@acme.test", hidden: true, adopt: true });
    const { id } = await p.create(adopting);
    expect(id).toBe(noreply);
    expect((await live(noreply)).displayName).toBe("Do not reply");
    expect(messages.some((m) => m.includes("adopting existing mailshare noreply"))).toBe(true);
  });

  it("converges when re-run after a create that failed midway (idempotent)", async () => {
    const inputs = await checked({ name: "rerun", email: "rerun@acme.test" });
    const first = await p.create(inputs);
    const again = await p.create({ ...inputs, displayName: "Rerun" });
    expect(again.id).toBe(first.id);
    expect((await live(first.id)).displayName).toBe("Rerun");
  });

  it("moves the mailbox with an xfer task when the storage server changes, keeping the uid", async () => {
    const inputs = await checked({ name: "mover", email: "mover@acme.test", storageServer: "mail-1" });
    const { id, outs } = await p.create(inputs);
    expect(outs.dataLocation).toBe(stableUid("server", "mail-1"));
    messages.length = 0;
    const moved = await p.update!(id, { ...inputs, ...outs }, { ...inputs, storageServer: "mail-2" });
    expect(moved.outs.dataLocation).toBe(stableUid("server", "mail-2"));
    expect((await live(id)).value.dataLocation).toBe(stableUid("server", "mail-2"));
    expect(messages.some((m) => m.includes("moving mailshare mover to mail-2") && m.includes("task"))).toBe(true);
    const read = await p.read!(id, moved.outs);
    expect(read.inputs.storageServer).toBe("mail-2");
  });

  it("retains the mailshare by default and deletes it (waiting for the task) with deletionPolicy: delete", async () => {
    const kept = await checked({ name: "kept", email: "kept@acme.test" });
    const k = await p.create(kept);
    await emu.api("PUT", `/api/containers/_manage/mailbox:acls-${k.id}/_acl`, { body: [{ subject: stableUid("acme.test", "users", "bob"), verb: "Write" }] });
    messages.length = 0;
    await p.delete!(k.id, { ...kept, ...k.outs });
    expect((await live(k.id)).value.name).toBe("kept");
    expect((await emu.api("GET", `/api/containers/_manage/mailbox:acls-${k.id}/_acl`)).json.length).toBeGreaterThan(0);
    expect(messages.join("\n")).toMatch(/retained on the server.*deletionPolicy: retain/);

    const doomed = await checked({ name: "doomed", email: "doomed@acme.test", deletionPolicy: "delete" });
    const d = await p.create(doomed);
    const settings = await emu.api("GET", `/api/containers/_manage/mailbox:acls-${d.id}/_settings`);
    expect(settings.json["bmshare.deletionPolicy"]).toBe("delete");
    await p.delete!(d.id, { ...doomed, ...d.outs });
    expect((await emu.api("GET", `/api/mailshares/acme.test/${d.id}/complete`)).status).toBe(204);
    expect((await p.read!(d.id, { ...doomed, ...d.outs })).id).toBe("");
  });

  it("reports check failures with the property and BlueMind's refusals with its message", async () => {
    const bad = await p.check!({}, { name: "Bad Name", quota: "2 GB", routing: "sideways" });
    const props = bad.failures!.map((f) => f.property).sort();
    expect(props).toEqual(expect.arrayContaining(["name", "quota", "routing"]));
    const taken = await checked({ name: "takes-bob", email: "bob@acme.test" });
    await expect(p.create(taken)).rejects.toThrow(/already in use: bob@acme.test/);
  });
});

function stripUid(inputs: MailshareInputs): MailshareInputs {
  const { uid: _, ...rest } = inputs as MailshareInputs & { uid?: string };
  return rest as MailshareInputs;
}

describe("the deletion policy mark", () => {
  it("reads the policy the server carries, so switching retain → delete is a change that writes it", async () => {
    const inputs = await checked({ name: "policy-box", email: "policy-box@acme.test" });
    const { id, outs } = await p.create(inputs);
    const asDelete = { ...inputs, deletionPolicy: "delete" as const };
    const before = await p.read!(id, { ...asDelete, ...outs });
    expect(p.changes(before.inputs!, asDelete).map((c) => c.path)).toEqual(["deletionPolicy"]);
    await p.update!(id, { ...inputs, ...outs }, asDelete);
    const settings = await emu.api("GET", `/api/containers/_manage/mailbox:acls-${id}/_settings`);
    expect(settings.json["bmshare.deletionPolicy"]).toBe("delete");
    expect(p.changes((await p.read!(id, { ...asDelete, ...outs })).inputs!, asDelete)).toEqual([]);
  });
});

describe("photo comparison", () => {
  it("compares a photo by content, not by where the file lies", () => {
    const base = { domain: "acme.test", name: "x", information: { phones: [], addresses: [], photo: { path: "/laptop/repo/p.png", sha256: "abc" } } };
    const elsewhere = { ...base, information: { ...base.information, photo: { path: "/ci/checkout/p.png", sha256: "abc" } } };
    expect(p.changes(base, elsewhere)).toEqual([]);
    const changed = { ...base, information: { ...base.information, photo: { path: "/laptop/repo/p.png", sha256: "def" } } };
    expect(p.changes(base, changed).map((c) => c.path)).toEqual(["information.photo.sha256"]);
  });
});

describe("reads that match what the user wrote", () => {
  it("sees a replaced photo file as a change, though BlueMind re-encodes photos", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-photo-"));
    const first = path.join(dir, "a.png");
    fs.copyFileSync(path.resolve("examples/photos/support-desk.png"), first);
    const inputs = await checked({ name: "photo-swap", email: "photo-swap@acme.test", information: { photo: first } });
    const { id, outs } = await p.create(inputs);
    expect(p.changes((await p.read!(id, { ...inputs, ...outs })).inputs!, inputs)).toEqual([]);
    const second = path.join(dir, "b.png");
    fs.writeFileSync(second, BLANK_PNG);
    const swapped = await checked({ name: "photo-swap", email: "photo-swap@acme.test", information: { photo: second } });
    // The CLI reads with the desired inputs as props: the live photo must still differ.
    const before = await p.read!(id, { ...swapped, ...outs });
    expect(p.changes(before.inputs!, swapped).map((c) => c.path)).toEqual(["information.photo.sha256"]);
    await p.update!(id, { ...inputs, ...outs }, swapped);
    expect(p.changes((await p.read!(id, { ...swapped, ...outs })).inputs!, swapped)).toEqual([]);
  });

  it("keeps a delegation written in another case, so a second plan is empty", async () => {
    const inputs = await checked({ name: "ou-case", email: "ou-case@acme.test", delegation: "/europe/paris" });
    const { id, outs } = await p.create(inputs);
    const read = await p.read!(id, { ...inputs, ...outs });
    expect(read.inputs.delegation).toBe("/europe/paris");
    expect(p.changes(read.inputs!, inputs)).toEqual([]);
  });

  it("still reads a mailshare whose ACL container is missing (so a repair can be planned)", async () => {
    const inputs = await checked({ name: "no-container", email: "no-container@acme.test" });
    const { id, outs } = await p.create(inputs);
    delete emu.emulator.store.state.containers[`mailbox:acls-${id}`];
    const read = await p.read!(id, { ...inputs, ...outs });
    expect(read.inputs.name).toBe("no-container");
    expect(read.inputs.deletionPolicy).toBe("retain");
  });

  it("shows an adopted mailshare's own uid at check, so previews point its parts at it", async () => {
    const r = await p.check!({}, { name: "noreply", email: "noreply@acme.test", hidden: true, adopt: true });
    expect(r.inputs.uid).toBe(stableUid("acme.test", "mailshares", "noreply"));
  });
});
