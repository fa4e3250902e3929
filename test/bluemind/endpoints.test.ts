// The client's endpoint table against bluemind/endpoints.tsv (the project's table of BlueMind's
// endpoints, see docs/bluemind-api.md): every
// endpoint the client names exists there with exactly the same HTTP method, path template and
// query parameters, every table entry is used by a service, and paths are encoded so that BlueMind's
// form decoding gives back the value sent. (Each test file also checks, after it ran, that every
// request it made matches a TSV row: see `requestsOutsideContract` in support.ts.)
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it, expect } from "vitest";
import { ENDPOINTS } from "../../bluemind";
import { fillPath, queryString } from "../../bluemind/endpoints";
import { readTsv, requestsOutsideContract, TSV_4_PATH } from "./support";

const BLUEMIND_DIR = path.resolve(__dirname, "..", "..", "bluemind");

describe("endpoint table vs bluemind/endpoints.tsv", () => {
  const rows5 = readTsv();
  // A 4.x-only form of a method (another path or body) is looked up there first.
  const rows = [...readTsv(TSV_4_PATH).filter((r) => !rows5.some((o) => o.service === r.service && o.javaMethod === r.javaMethod)), ...rows5];

  it("is the contract's list: 232 endpoints of 19 services, one row per service method", () => {
    expect(rows5).toHaveLength(232);
    expect(new Set(rows5.map((r) => r.service)).size).toBe(19);
    expect(new Set(rows5.map((r) => `${r.service}.${r.javaMethod}`)).size).toBe(rows5.length);
    expect(new Set(rows.map((r) => `${r.service}.${r.javaMethod}`)).size).toBe(rows.length);
  });

  it("names every endpoint the client uses exactly as the TSV does: method, path template, query parameters", () => {
    const mismatches: string[] = [];
    for (const [name, def] of Object.entries(ENDPOINTS)) {
      const [service, javaMethod] = name.split(".");
      const row = rows.find((r) => r.service === service && r.javaMethod === javaMethod);
      if (!row) mismatches.push(`${name}: not in the TSV`);
      else if (row.httpMethod !== def.method || row.path !== def.path || row.query.join(",") !== def.query.join(",")) {
        mismatches.push(`${name}: client ${def.method} ${def.path} ?${def.query} vs TSV ${row.httpMethod} ${row.path} ?${row.query}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("has no unused entry, and every endpoint named in a service module is in the table", () => {
    const sources = fs.readdirSync(BLUEMIND_DIR).filter((f) => f.endsWith(".ts") && f !== "endpoints.ts")
      .map((f) => fs.readFileSync(path.join(BLUEMIND_DIR, f), "utf8")).join("\n");
    const named = [...sources.matchAll(/endpoint: "([A-Za-z]+\.[A-Za-z]+)"/g)].map((m) => m[1]);
    expect(named.filter((n) => !(n in ENDPOINTS))).toEqual([]);
    expect(Object.keys(ENDPOINTS).filter((n) => !named.includes(n))).toEqual([]);
  });

  it("encodes path values with encodeURIComponent: + as %2B, / as %2F, @ as %40, space as %20", () => {
    expect(fillPath("/api/directory/{domain}/_byEmail/{email}", { domain: "acme.test", email: "a+b@acme.test" }))
      .toBe("/api/directory/acme.test/_byEmail/a%2Bb%40acme.test");
    expect(fillPath("/api/mailshares/{domainUid}/{uid}", { domainUid: "acme.test", uid: "a/b c" }))
      .toBe("/api/mailshares/acme.test/a%2Fb%20c");
    expect(() => fillPath("/api/tasks/{taskId}", { taskId: "" })).toThrow(/taskId/);
    expect(() => fillPath("/api/mailshares/{domainUid}/{uid}", { domainUid: "acme.test" })).toThrow(/"uid"/);
    // Every endpoint's template: each parameter filled, whatever comes before, between and after.
    for (const [name, def] of Object.entries(ENDPOINTS)) {
      const params = Object.fromEntries([...def.path.matchAll(/\{([^}]+)\}/g)].map((m) => [m[1], "v/w"]));
      expect(fillPath(def.path, params), name).toBe(def.path.replace(/\{[^}]+\}/g, "v%2Fw"));
    }
    expect(queryString({ login: "a+b@x.test", origin: "bm share", skipped: undefined })).toBe("?login=a%2Bb%40x.test&origin=bm%20share");
  });

  it("the runtime request check accepts contract requests and rejects others", () => {
    const line = (m: string, p: string) => `2026-01-01T00:00:00.000Z ${m} ${p} 200 1.0ms`;
    expect(requestsOutsideContract([
      line("GET", "/api/mailshares/acme.test/x%2By/complete"),
      line("GET", "/api/tasks/abc/_currentLogs?offset=3"),
    ])).toEqual([]);
    const bad = [line("GET", "/api/mailshares/acme.test/x/whatever"), line("PATCH", "/api/mailshares/acme.test/x"), line("GET", "/api/domains/_lookup?nam=x")];
    expect(requestsOutsideContract(bad)).toEqual(bad);
  });
});
