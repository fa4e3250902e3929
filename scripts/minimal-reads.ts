// The minimal read set of a no-op plan: the yardstick the scale benchmark (scripts/bench-scale.ts)
// measures `bmshare plan` against, sent with plain node http and nothing done with the answers but
// finding the uids the next reads need. Per mailshare: its mail filter, its
// ACL container's ACL and settings, its identity list and one identity (5 reads); plus six
// constant reads (the server's version, domain lookup, domain settings, all mailshares, all
// mailboxes, one group search): 5N + 6 requests, at a fixed concurrency over keep-alive connections.
//
// The benchmark runs it as a process of its own, as it runs the CLI, so that both wall times count
// a node start: `node minimal-reads.js URL DOMAIN CONCURRENCY NAMES_FILE` (the key in
// BLUEMIND_API_KEY, the mailshare names as a JSON array in NAMES_FILE) prints its result as JSON.
// It imports nothing but node's own modules, so that the benchmark can run it as plain JavaScript.
import * as fs from "node:fs";
import * as http from "node:http";

export interface MinimalReadsResult {
  requests: number;
  mailshares: number;
  wallMs: number;
  /** CPU time (user + sys) of this process while sending them. */
  cpuMs: number;
}

interface Answer {
  status: number;
  body: string;
}

/** At most `slots` callers inside `run` at once. */
function semaphore(slots: number): <T>(run: () => Promise<T>) => Promise<T> {
  let free = slots;
  const waiting: (() => void)[] = [];
  return async (run) => {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await run();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

/**
 * Sends the minimal read set for the mailshares of `domain` whose name is in `names` (the uids come
 * from the `_complete` answer), with `concurrency` requests in flight at most. Fails on any answer
 * other than 200: a yardstick that reads errors would measure nothing.
 */
export async function sendMinimalReads(
  url: string, apiKey: string, domain: string, names: ReadonlySet<string>, concurrency: number,
): Promise<MinimalReadsResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const exchange = httpExchange(agent);
  const limit = semaphore(concurrency);
  let requests = 0;
  // Every request, so that none is left in flight (and its failure unheard) when one fails.
  const sent: Promise<unknown>[] = [];
  const track = <T>(request: Promise<T>): Promise<T> => {
    sent.push(request);
    request.catch(() => undefined);
    return request;
  };
  const send = (method: "GET" | "POST", path: string, body?: unknown) => track(limit(async () => {
    requests++;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { "x-bm-apikey": apiKey, accept: "application/json" };
    if (payload !== undefined) headers["content-type"] = "application/json";
    const answer = await exchange(method, url + path, headers, payload);
    if (answer.status !== 200) throw new Error(`${method} ${path} answered ${answer.status}`);
    return answer;
  }));
  const get = (path: string) => send("GET", path);
  const d = encodeURIComponent(domain);
  const seg = encodeURIComponent;

  const cpuStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  try {
    const all = get(`/api/mailshares/${d}/_complete`);
    const constants = [
      get("/api/system/installation/version"),
      get(`/api/domains/_lookup?name=${d}`),
      get(`/api/domains/${d}/_settings`),
      get(`/api/mailboxes/${d}/_list`),
      send("POST", `/api/groups/${d}/_search`, { name: "support-team" }),
    ];
    const uids = (JSON.parse((await all).body) as { uid: string; value: { name: string } }[])
      .filter((item) => names.has(item.value.name)).map((item) => item.uid);
    const perMailshare = uids.map(async (uid) => {
      const acl = seg(`mailbox:acls-${uid}`);
      const identityList = get(`/api/mailboxes/${d}/identity/${seg(uid)}`).then(async (answer) => {
        const first = (JSON.parse(answer.body) as { id: string | null }[]).find((i) => i.id !== null);
        if (first) await get(`/api/mailboxes/${d}/identity/${seg(uid)}/${seg(first.id as string)}`);
      });
      await Promise.all([
        get(`/api/mailboxes/${d}/${seg(uid)}/_filter`),
        get(`/api/containers/_manage/${acl}/_acl`),
        get(`/api/containers/_manage/${acl}/_settings`),
        identityList,
      ]);
    });
    await Promise.all([...constants, ...perMailshare]);
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cpu = process.cpuUsage(cpuStart);
    return { requests, mailshares: uids.length, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await Promise.allSettled(sent);
    agent.destroy();
  }
}

type Exchange = (method: string, url: string, headers: Record<string, string>, payload: string | undefined) => Promise<Answer>;

function httpExchange(agent: http.Agent): Exchange {
  return (method, url, headers, payload) => new Promise<Answer>((resolve, reject) => {
    const all: http.OutgoingHttpHeaders = payload === undefined ? headers : { ...headers, "content-length": Buffer.byteLength(payload) };
    const req = http.request(url, { method, agent, headers: all }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(payload);
  });
}

async function main(argv: string[]): Promise<void> {
  const [url, domain, concurrency, namesFile] = argv;
  const apiKey = process.env.BLUEMIND_API_KEY;
  if (!url || !domain || !namesFile || !apiKey || !(Number(concurrency) >= 1)) {
    throw new Error("usage: BLUEMIND_API_KEY=… node minimal-reads.js URL DOMAIN CONCURRENCY NAMES_FILE");
  }
  const names = new Set(JSON.parse(fs.readFileSync(namesFile, "utf8")) as string[]);
  const result = await sendMinimalReads(url, apiKey, domain, names, Number(concurrency));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`minimal reads: ${err instanceof Error ? err.message : err}\n`);
    process.exitCode = 1;
  });
}
