// BlueMind's REST router (RestRootHandler): one tree per HTTP verb, one node per path segment.
// A literal segment always wins over a `{param}` segment at the same depth and there is no
// backtracking, so e.g. a mailshare uid literally equal to `_complete` cannot be addressed.
import type { Ctx } from "./context";

export type Handler = (ctx: Ctx) => unknown;

export type Method = "GET" | "POST" | "PUT" | "DELETE";

interface Node {
  literals: Map<string, Node>;
  param?: Node;
  /** Parameter names are per route: two routes may name the same segment differently. */
  route?: { handler: Handler; names: string[] };
}

const newNode = (): Node => ({ literals: new Map() });

export interface Match {
  handler: Handler;
  params: Record<string, string>;
}

/** Path parameters are URL-decoded with form semantics: `+` becomes a space. */
export function decodeSegment(segment: string): string {
  return decodeURIComponent(segment.replace(/\+/g, " "));
}

export class Router {
  private readonly trees = new Map<Method, Node>();

  add(method: Method, pattern: string, handler: Handler): void {
    let node = this.trees.get(method);
    if (!node) this.trees.set(method, (node = newNode()));
    const names: string[] = [];
    for (const segment of pattern.split("/").filter(Boolean)) {
      const param = /^\{(.+)\}$/.exec(segment);
      if (param) {
        names.push(param[1]);
        node = node.param ??= newNode();
      } else {
        let next = node.literals.get(segment);
        if (!next) node.literals.set(segment, (next = newNode()));
        node = next;
      }
    }
    if (node.route) throw new Error(`duplicate route ${method} ${pattern}`);
    node.route = { handler, names };
  }

  get = (pattern: string, h: Handler) => this.add("GET", pattern, h);
  post = (pattern: string, h: Handler) => this.add("POST", pattern, h);
  put = (pattern: string, h: Handler) => this.add("PUT", pattern, h);
  delete = (pattern: string, h: Handler) => this.add("DELETE", pattern, h);

  match(method: string, path: string): Match | undefined {
    const root = this.trees.get(method as Method);
    if (!root) return undefined;
    let node: Node = root;
    const values: string[] = [];
    const segments = path.split("/").filter(Boolean);
    for (const raw of segments) {
      const literal: Node | undefined = node.literals.get(raw);
      if (literal) {
        node = literal;
      } else if (node.param) {
        try {
          values.push(decodeSegment(raw));
        } catch {
          return undefined;
        }
        node = node.param;
      } else {
        return undefined;
      }
    }
    if (!node.route) return undefined;
    const params: Record<string, string> = {};
    node.route.names.forEach((name, i) => (params[name] = values[i]));
    return { handler: node.route.handler, params };
  }
}
