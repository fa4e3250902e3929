// Loading files and folders: several files at once, folders, a mailshare declared in two files, the
// stable order of errors, and the canonical form that makes equivalent files indistinguishable.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkSources, loadDesiredState, loadDesiredStateOrThrow } from "../../desired/load";
import { DesiredStateInvalid, formatError } from "../../desired/errors";

let dir: string;
const write = (name: string, text: string | Buffer) => {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-desired-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const box = (name: string, extra = "") => `domain: acme.test\nmailshares:\n  - name: ${name}\n${extra}`;

describe("loading several files and folders", () => {
  it("loads every *.yaml / *.yml of a folder, sorted, and ignores other files", async () => {
    write("team/b.yml", box("bravo"));
    write("team/a.yaml", box("alpha"));
    write("team/notes.txt", "not yaml");
    const result = await loadDesiredState([path.join(dir, "team")]);
    expect(result.ok).toBe(true);
    expect(result.files).toEqual([path.join(dir, "team", "a.yaml"), path.join(dir, "team", "b.yml")]);
    expect(result.mailshares.map((m) => [m.name, m.declaredAt.file, m.declaredAt.line])).toEqual([
      ["alpha", path.join(dir, "team", "a.yaml"), 3],
      ["bravo", path.join(dir, "team", "b.yml"), 3],
    ]);
  });

  it("refuses a file of a folder named like the policy file but not exactly it, instead of reading it as mailshares", async () => {
    write("misnamed/a.yaml", box("alpha"));
    write("misnamed/bmshare.policy.yml", "rules:\n  manage-share: { level: mandatory }\n");
    write("misnamed/BMSHARE.POLICY.YAML", "rules: {}\n");
    const result = await loadDesiredState([path.join(dir, "misnamed")]);
    expect(result.ok).toBe(false);
    expect(result.errors.map(formatError).map((e) => path.basename(e))).toEqual(["BMSHARE.POLICY.YAML", "bmshare.policy.yml"].map((name) =>
      `${name}:1:1: (document): named like a policy file, but a policy file is named exactly bmshare.policy.yaml: rename it (as it is, it is no policy and no mailshare file)`));
  });

  it("says which subfolders holding YAML files a folder given does not read", async () => {
    write("layout/a.yaml", box("alpha"));
    write("layout/team-b/b.yaml", box("bravo"));
    write("layout/photos/face.png", "png");
    write("layout/.hidden/c.yaml", box("charlie"));
    const result = await loadDesiredState([path.join(dir, "layout")]);
    expect(result.ok).toBe(true);
    expect(result.mailshares.map((m) => m.name)).toEqual(["alpha"]);
    const sub = path.join(dir, "layout", "team-b");
    expect(result.notes).toEqual([`${sub} is not read: -f ${path.join(dir, "layout")} reads the .yaml files directly in it, not in its subfolders (give -f ${sub} as well)`]);
  });

  it("reports a mailshare declared in two files, naming both places", async () => {
    const first = write("dup/one.yaml", box("support"));
    const second = write("dup/two.yaml", "# team B\n" + box("support", "    email: support@acme.test\n"));
    const result = await loadDesiredState([first, second]);
    expect(result.ok).toBe(false);
    expect(result.errors.map(formatError)).toEqual([
      `${second}:4:11: mailshares[0].name: mailshare "support" of acme.test is already declared at ${first}:3:11: declare each mailshare once`,
    ]);
    expect(result.mailshares.map((m) => m.declaredAt.file)).toEqual([first]);
  });

  it("keeps same-named mailshares of different domains apart, but not their addresses", async () => {
    const a = write("domains/a.yaml", box("support", "    email: desk@acme.test\n"));
    const b = write("domains/b.yaml", "domain: beta.test\nmailshares:\n  - name: support\n    email: desk@acme.test\n");
    const result = await loadDesiredState([a, b]);
    expect(result.errors.map(formatError)).toEqual([
      `${b}:4:12: mailshares[0].email: address desk@acme.test is already used by mailshare support (email at ${a}:4:12): an address belongs to one mailbox only`,
    ]);
  });

  it("reads a file given twice once, and reports missing paths and empty folders with the rest", async () => {
    const good = write("twice.yaml", box("once"));
    fs.mkdirSync(path.join(dir, "empty"), { recursive: true });
    const missing = path.join(dir, "missing.yaml");
    const result = await loadDesiredState([good, missing, good, path.join(dir, "empty")]);
    expect(result.files).toEqual([good]);
    expect(result.errors.map(formatError)).toEqual([
      `${missing}:1:1: (document): no such file or folder`,
      `${path.join(dir, "empty")}:1:1: (document): expected a folder with .yaml or .yml files, found none`,
    ]);
    expect(result.mailshares.map((m) => m.name)).toEqual(["once"]);
  });

  it("reports the errors of every file together, in file order then position", async () => {
    const z = write("order/z.yaml", box("zulu", "    quota: lots\n    hidden: maybe\n"));
    const a = write("order/a.yaml", "domain: acme.test\nmailshares: {}\n");
    const result = await loadDesiredState([z, a]);
    expect(result.errors.map((e) => `${path.basename(e.file)}:${e.line} ${e.path}`)).toEqual([
      "z.yaml:4 mailshares[0].quota", "z.yaml:5 mailshares[0].hidden", "a.yaml:2 mailshares",
    ]);
    const again = await loadDesiredState([z, a]);
    expect(again.errors).toEqual(result.errors);
  });

  it("throws every error at once from loadDesiredStateOrThrow", async () => {
    const bad = write("throw.yaml", box("x", "    quota: 2 GB\n    routing: sometimes\n"));
    const error = await loadDesiredStateOrThrow([bad]).catch((e) => e);
    expect(error).toBeInstanceOf(DesiredStateInvalid);
    expect((error as DesiredStateInvalid).errors).toHaveLength(2);
    expect((error as Error).message).toContain(`${bad}:4:12: mailshares[0].quota:`);
    expect((error as Error).message).toContain(`${bad}:5:14: mailshares[0].routing: expected one of internal, external, none, found "sometimes"`);
  });

  it("checks photo size and resolves the photo relative to its YAML file", async () => {
    const big = Buffer.alloc(1024 * 1024);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(big);
    write("photos/big.png", big);
    fs.copyFileSync(path.join(__dirname, "fixtures", "photo.png"), path.join(dir, "photos", "ok.png"));
    const file = write("photos/desk.yaml", `domain: acme.test
mailshares:
  - name: big
    information: { photo: big.png }
  - name: ok
    information: { photo: { path: ./ok.png } }
`);
    const result = await loadDesiredState([file]);
    expect(result.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message.split(",")[0]}`)).toEqual([
      "4:27 mailshares[0].information.photo: expected an image smaller than 1 MiB (BlueMind refuses larger photos)",
    ]);
    expect(result.mailshares[0].information.photo).toEqual({
      path: path.join(dir, "photos", "ok.png"),
      sha256: "87c4da45d9c085a1af764d6aeaf15ab2b8ce297b645a75efabcda7fcaf7ab8fc",
    });
  });
});

describe("positions and canonical form", () => {
  it("points inside anchored blocks at the anchor, and at an alias for the alias itself", async () => {
    const text = `domain: acme.test
mailshares:
  - name: &first one
    shares: &common
      - { group: staff, level: reed }
  - name: two
    shares: *common
  - name: three
    shares: *first
`;
    const result = await checkSources([{ file: "anchors.yaml", text }]);
    const level = `expected one of read, write, manage (the console's "admin" level is manage), found "reed" (did you mean "read"?)`;
    expect(result.errors.map(formatError)).toEqual([
      `anchors.yaml:5:32: mailshares[0].shares[0].level: ${level}`,
      `anchors.yaml:5:32: mailshares[1].shares[0].level: ${level}`,
      `anchors.yaml:9:13: mailshares[2].shares: expected a list, found "one"`,
    ]);
  });

  it("gives equivalent files the same canonical mailshares", async () => {
    const terse = `domain: ACME.test
mailshares:
  - name: desk
    email: Desk@ACME.test
    aliases: [zz@acme.test, { address: Help@acme.test, allDomains: true }, aa@acme-corp.test]
    quota: 1.5 GiB
    shares: [{ group: staff, level: read }, { user: Bob@acme.test, level: write }, { user: alice, level: manage }]
    autoReply: { start: 2026-12-24T01:00:00+01:00, end: 1798848000000, subject: Closed, message: Closed }
    forwarding: { to: [B@x.test, a@x.test, b@x.test] }
    filters:
      - { name: big, conditions: [{ field: size, op: greaterThan, value: 10240 }], actions: [{ moveTo: Big }] }
    maintenance: { repair: 2026 }
`;
    const verbose = `domain: acme.test
mailshares:
  - name: desk
    displayName: desk
    description: null
    email: { address: desk@acme.test, allDomains: false }
    aliases:
      - aa@acme-corp.test
      - { address: help@acme.test, allDomains: true }
      - zz@acme.test
    routing: internal
    quota: 1572864 KiB
    hidden: false
    delegation: null
    storageServer: null
    information: { phones: [], addresses: [], photo: null }
    shares:
      - { user: alice, level: manage }
      - { user: bob@acme.test, level: write }
      - { group: staff, level: read }
    autoReply:
      enabled: true
      start: 2026-12-24
      end: 2027-01-02T00:00:00Z
      subject: Closed
      message: Closed
      html: null
    forwarding: { enabled: true, to: [a@x.test, b@x.test], localCopy: true }
    filters:
      - name: big
        active: true
        match: all
        conditions: [{ field: size, op: greaterThan, value: 10 MiB }]
        actions: [{ moveTo: Big }]
        stop: true
    identities: []
    maintenance: { consolidateIndex: null, check: null, repair: "2026" }
    deletionPolicy: retain
    adopt: false
`;
    const a = await checkSources([{ file: "terse.yaml", text: terse }]);
    const b = await checkSources([{ file: "verbose.yaml", text: verbose }]);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    const strip = ({ declaredAt: _d, owner: _o, ...m }: (typeof a.mailshares)[number]) => m;
    expect(a.mailshares.map(strip)).toEqual(b.mailshares.map(strip));
    expect(a.mailshares[0].domain).toBe("acme.test");
    expect(a.mailshares[0].autoReply).toMatchObject({ start: Date.UTC(2026, 11, 24), end: Date.UTC(2027, 0, 2) });
  });

  it("drops forwarding that is off with no addresses, like none at all", async () => {
    const result = await checkSources([{ file: "f.yaml", text: box("x", "    forwarding: { enabled: false, localCopy: false }\n") }]);
    expect(result.mailshares[0].forwarding).toBeNull();
  });
});

describe("owner", () => {
  it("is the file's owner key, else its path from the Git work tree's root, for every mailshare and in owners", async () => {
    const repo = path.join(dir, "repo");
    fs.mkdirSync(path.join(repo, ".git"), { recursive: true });
    const a = write("repo/teams/a/mailshares.yaml", box("alpha"));
    const b = write("repo/teams/b.yaml", `owner: team-b\n${box("bravo")}`);
    const empty = write("repo/empty.yaml", "domain: acme.test\nmailshares: []\n");
    const result = await loadDesiredState([a, b, empty]);
    expect(result.ok).toBe(true);
    expect(result.mailshares.map((m) => [m.name, m.owner])).toEqual([["alpha", "teams/a/mailshares.yaml"], ["bravo", "team-b"]]);
    expect(result.owners).toEqual(["empty.yaml", "team-b", "teams/a/mailshares.yaml"]);
  });

  it("outside a Git work tree, is the path from the current folder; for given texts, source.owner or the file name", async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-owner-"));
    try {
      const file = path.join(outside, "x.yaml");
      fs.writeFileSync(file, box("xray"));
      const loaded = await loadDesiredState([file]);
      expect(loaded.mailshares[0].owner).toBe(path.relative(process.cwd(), file).split(path.sep).join("/"));
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
    const given = await checkSources([
      { file: "./teams//c.yaml", text: box("charlie") },
      { file: "d.yaml", text: box("delta"), owner: "team-d" },
      { file: "e.yaml", text: `owner: team-e\n${box("echo")}`, owner: "team-d" },
    ]);
    expect(given.mailshares.map((m) => m.owner)).toEqual(["teams/c.yaml", "team-d", "team-e"]);
    expect(given.owners).toEqual(["team-d", "team-e", "teams/c.yaml"]);
  });

  it("must be a short label", async () => {
    const result = await checkSources([{ file: "o.yaml", text: `owner: "-not ok"\n${box("x")}` }]);
    expect(result.errors.map(formatError)).toEqual([
      'o.yaml:1:8: owner: expected a short label: letters, digits and . _ @ / - (starting with a letter or digit), at most 128 characters, such as team-support, found "-not ok"',
    ]);
  });
});
