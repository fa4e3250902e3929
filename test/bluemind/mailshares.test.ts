// The client's IMailshare calls against the emulator: create / update (full replace) / reads /
// the run cache / photo upload and download / delete followed as a task.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { NotFoundError, ServerFaultError, type BlueMindClient } from "../../bluemind";
import { makePng, mailshare, requestsOutsideContract, startClientEmulator, uid, type ClientEmulator } from "./support";

const D = "acme.test";
let env: ClientEmulator;
let client: BlueMindClient;

beforeAll(async () => {
  env = await startClientEmulator();
  client = env.client();
});
afterAll(async () => {
  await env.close();
  expect(requestsOutsideContract(env.requests)).toEqual([]);
});

describe("IMailshare through the client", () => {
  it("creates a mailshare and reads it back; an unknown uid reads as null (204)", async () => {
    const id = uid();
    await client.mailshares.create(D, id, mailshare("sales-desk", { card: { identification: { formatedName: { value: "Sales desk", parameters: [] } } } }));
    const item = await client.mailshares.getComplete(D, id);
    expect(item?.uid).toBe(id);
    expect(item?.value.name).toBe("sales-desk");
    expect(item?.value.emails).toEqual([{ address: "sales-desk@acme.test", isDefault: true, allAliases: false }]);
    expect(item?.displayName).toBe("Sales desk");
    expect(typeof item?.created).toBe("number");
    expect(await client.mailshares.getComplete(D, uid("unknown"))).toBeNull();
  });

  it("accepts the domain alias as the domain parameter", async () => {
    const id = uid();
    await client.mailshares.create("acme-corp.test", id, mailshare("alias-made"));
    expect((await client.mailshares.getComplete(D, id))?.value.name).toBe("alias-made");
  });

  it("maps business errors to ServerFaultError with the errorCode and the server's message", async () => {
    const id = uid();
    await client.mailshares.create(D, id, mailshare("dup-name"));
    const err = await client.mailshares.create(D, uid(), mailshare("dup-name")).catch((e) => e);
    expect(err).toBeInstanceOf(ServerFaultError);
    expect(err.errorCode).toBe("ALREADY_EXISTS");
    expect(err.status).toBe(500);
    expect(err.endpoint).toBe("IMailshare.create");
    expect(err.method).toBe("PUT");
    expect(err.path).toBe("/api/mailshares/{domainUid}/{uid}");
    expect(err.serverMessage).toMatch(/already/i);
    const invalid = await client.mailshares.create(D, uid(), mailshare("Upper Case")).catch((e) => e);
    expect(invalid.errorCode).toBe("INVALID_PARAMETER");
  });

  it("update is a full replace: omitted emails are removed", async () => {
    const id = uid();
    await client.mailshares.create(D, id, mailshare("replace-me"));
    await client.mailshares.update(D, id, { name: "replace-me", routing: "none", emails: [] });
    const item = await client.mailshares.getComplete(D, id);
    expect(item?.value.emails).toEqual([]);
    expect(item?.value.routing).toBe("none");
    const missing = await client.mailshares.update(D, uid("nope"), mailshare("nope")).catch((e) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
  });

  it("lists every mailshare through the run cache, refreshed after a write through the client", async () => {
    const before = await client.mailshares.allComplete(D);
    expect(before.some((m) => m.value.name === "noreply")).toBe(true);
    const count = env.requests.length;
    await client.mailshares.allComplete(D);
    expect(env.requests.length).toBe(count); // served from the cache
    const id = uid();
    await client.mailshares.create(D, id, mailshare("cached-later"));
    const after = await client.mailshares.findByName(D, "cached-later");
    expect(after?.uid).toBe(id);
    // A change made behind the client's back is seen after invalidate(domain) — by alias too.
    await env.emu.api("PUT", `/api/mailshares/${D}/${uid()}`, { body: mailshare("behind-back") });
    expect(await client.mailshares.findByName(D, "behind-back")).toBeNull();
    client.cache.invalidate(D);
    expect(await client.mailshares.findByName(D, "behind-back")).not.toBeNull();
    // Results are copies: changing one does not change what the cache serves next.
    const first = await client.mailshares.allComplete(D);
    first[0].value.name = "mutated";
    expect((await client.mailshares.allComplete(D)).some((m) => m.value.name === "mutated")).toBe(false);
  });

  it("uploads a photo as octet-stream, downloads it as PNG, deletes it back to the blank PNG", async () => {
    const id = uid();
    await client.mailshares.create(D, id, mailshare("with-photo"));
    const blank = await client.mailshares.getPhoto(D, id);
    expect(blank.subarray(1, 4).toString("latin1")).toBe("PNG");
    const png = makePng(4, 4, [255, 0, 0, 255]);
    await client.mailshares.setPhoto(D, id, png);
    const stored = await client.mailshares.getPhoto(D, id);
    expect(stored.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(stored.equals(blank)).toBe(false);
    expect(stored.readUInt32BE(16)).toBe(4); // IHDR width survives the re-encoding
    expect((await client.mailshares.getComplete(D, id))?.value.card?.identification.photo).toBe(true);
    expect((await client.mailshares.getIcon(D, id)).subarray(1, 4).toString("latin1")).toBe("PNG");
    await client.mailshares.deletePhoto(D, id);
    expect((await client.mailshares.getPhoto(D, id)).equals(blank)).toBe(true);
    const notImage = await client.mailshares.setPhoto(D, id, Buffer.from("not an image")).catch((e) => e);
    expect(notImage.errorCode).toBe("INVALID_PARAMETER");
  });

  it("deletes through a task followed to Success, with every log line delivered once to onProgress", async () => {
    const id = uid();
    await client.mailshares.create(D, id, mailshare("to-delete"));
    const ref = await client.mailshares.delete(D, id);
    expect(typeof ref.id).toBe("string");
    const seen: { state: string; progress: number; steps: number; newLogs: string[] }[] = [];
    const outcome = await client.followTask(ref, { onProgress: (p) => seen.push(p) });
    expect(outcome.state).toBe("Success");
    expect(outcome.logs.length).toBeGreaterThan(1);
    expect(seen.flatMap((p) => p.newLogs)).toEqual(outcome.logs);
    expect(seen[seen.length - 1].state).toBe("Success");
    expect(await client.mailshares.getComplete(D, id)).toBeNull();
  });
});
