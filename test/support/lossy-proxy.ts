// A proxy in front of the emulator that loses answers on purpose: a request matching `lose` is
// forwarded and processed by the emulator, then the connection is cut before the answer reaches the
// client — the "did my write land?" case a client must handle without guessing.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface LossyProxy {
  url: string;
  /** `METHOD /path` of the requests whose answer was dropped, in order. */
  lost: string[];
  close(): Promise<void>;
}

/** `lose(method, path)` says whether to drop this request's answer; `times` bounds how many are dropped. */
export async function startLossyProxy(target: string, lose: (method: string, path: string) => boolean, times = 1): Promise<LossyProxy> {
  const upstream = new URL(target);
  const lost: string[] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const drop = lost.length < times && lose(req.method ?? "GET", path);
    const forward = http.request({
      host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers,
    }, (answer) => {
      if (drop) {
        lost.push(`${req.method} ${path}`);
        answer.resume();
        answer.on("end", () => req.socket.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", () => req.socket.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    lost,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
