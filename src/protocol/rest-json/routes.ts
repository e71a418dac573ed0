// The REST-JSON route table: every operation's HTTP binding (method + requestUri from the model) compiled once into
// segments, matched against a request's method and path. `{label}` takes one path segment, `{label+}` the rest of
// the path (Smithy httpLabel / greedy labels); literals after `?` in a requestUri must be present in the query.
import type { ProtocolService } from "../codec.ts";

type Segment = string | { label: string; greedy: boolean };

export interface RestRoute<S extends ProtocolService = ProtocolService> {
  service: S;
  operation: string;
  method: string;
  segments: Segment[];
  /** Literal segments: the more a template has, the more specific it is (/v1/x/list beats /v1/x/{id}). */
  literals: number;
  /** Query-string literals the requestUri requires (`?tagging`, `?type=x`). */
  queryLiterals: [string, string | undefined][];
}

export function compileRoutes<S extends ProtocolService>(service: S): RestRoute<S>[] {
  const out: RestRoute<S>[] = [];
  for (const [operation, op] of Object.entries(service.model.operations)) {
    if (!op.http) continue;
    const [pathPart, queryPart] = op.http.requestUri.split("?", 2);
    const segments: Segment[] = pathPart.split("/").map((s) => {
      const m = /^\{([^}]+?)(\+?)\}$/.exec(s);
      return m ? { label: m[1], greedy: m[2] === "+" } : s;
    });
    // "/x/" and "/x" are one route.
    if (segments.length > 2 && segments[segments.length - 1] === "") segments.pop();
    const queryLiterals: [string, string | undefined][] = (queryPart ?? "")
      .split("&")
      .filter((p) => p !== "")
      .map((p) => {
        const eq = p.indexOf("=");
        return eq < 0 ? [p, undefined] : [p.slice(0, eq), p.slice(eq + 1)];
      });
    const literals = segments.filter((s) => typeof s === "string").length;
    out.push({ service, operation, method: op.http.method, segments, literals, queryLiterals });
  }
  return out;
}

function matchOne(route: RestRoute, parts: string[], query: string): Record<string, string> | undefined {
  const segs = route.segments;
  let labels: Record<string, string> | undefined;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    if (typeof seg === "string") {
      if (parts[i] !== seg) return undefined;
      continue;
    }
    if (seg.greedy) {
      if (i >= parts.length) return undefined;
      const rest = parts.slice(i).join("/");
      if (rest === "") return undefined;
      (labels ??= {})[seg.label] = rest;
      return checkQuery(route, query) ? labels : undefined;
    }
    if (parts[i] === undefined || parts[i] === "") return undefined;
    (labels ??= {})[seg.label] = parts[i];
  }
  if (parts.length !== segs.length) return undefined;
  return checkQuery(route, query) ? labels ?? {} : undefined;
}

function checkQuery(route: RestRoute, query: string): boolean {
  if (route.queryLiterals.length === 0) return true;
  const params = new URLSearchParams(query);
  return route.queryLiterals.every(([k, v]) => (v === undefined ? params.has(k) : params.get(k) === v));
}

/**
 * The route a request takes: when templates of several services match (Scheduler, Schemas and Pipes all have
 * /tags/{arn}), those of the service the credential scope names; among them the most specific template.
 */
export function matchRoute<S extends ProtocolService>(
  routes: RestRoute<S>[], path: string, query: string, scopeService: () => string | undefined,
): { route: RestRoute<S>; labels: Record<string, string> } | undefined {
  const parts = path.split("/");
  if (parts.length > 2 && parts[parts.length - 1] === "") parts.pop();
  let found: { route: RestRoute<S>; labels: Record<string, string> }[] | undefined;
  for (const route of routes) {
    const labels = matchOne(route, parts, query);
    if (labels !== undefined) (found ??= []).push({ route, labels });
  }
  if (found === undefined) return undefined;
  if (found.length > 1 && found.some((m) => m.route.service !== found![0].route.service)) {
    const scoped = scopeService();
    const mine = found.filter((m) => m.route.service.signingName === scoped);
    if (mine.length > 0) found = mine;
  }
  let best = found[0];
  for (const m of found) if (m.route.literals > best.route.literals) best = m;
  return best;
}
