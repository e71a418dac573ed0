// The layering docs/architecture.md describes, checked on the import graph of src/ (static imports, re-exports and
// import() with a literal path). Each failure names the importing file, the imported one and the rule.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [p] : [];
  });
}

const IMPORT = /(?:^|[\s;])((?:import|export)\s[^;]*?)\sfrom\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s+["']([^"']+)["']/gm;

/**
 * src-relative path → the src-relative paths it imports (package imports left out). `runtime: true` leaves out
 * type-only imports (`import type`), which TypeScript erases.
 */
export function importGraph(o: { runtime?: boolean } = {}): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files(SRC)) {
    const text = readFileSync(file, "utf8");
    const out: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[2] ?? m[3] ?? m[4];
      if (!spec.startsWith(".")) continue;
      if (o.runtime && m[1] && /^(import|export)\s+type\s/.test(m[1].trim())) continue;
      out.push(relative(SRC, resolve(dirname(file), spec)));
    }
    graph.set(relative(SRC, file), out);
  }
  return graph;
}

const serviceOf = (p: string) => (p.startsWith("services/") && p.split("/").length > 2 ? p.split("/")[1] : undefined);

/** The rules: each returns why an import is not allowed, or undefined. */
const RULES: ((from: string, to: string) => string | undefined)[] = [
  (from, to) =>
    from.startsWith("protocol/") && /^(services|storage|server|delivery|engine)\//.test(to)
      ? "protocol/ is wire formats only: it imports no services/, storage/, server/, delivery/ or engine/ code"
      : undefined,
  (from, to) => {
    // A service (or the platform's delivery engine) reaches another service only through that service's index.ts;
    // the storage adapters implement the services' ports, and the composition roots wire everything.
    const target = serviceOf(to);
    if (!target || serviceOf(from) === target) return undefined;
    if (from.startsWith("storage/") || from === "index.ts" || from === "services/index.ts") return undefined;
    return to === `services/${target}/index.ts` ? undefined : `another service is reached only through services/${target}/index.ts`;
  },
  (from, to) =>
    /^services\/[^/]+\/domain\//.test(from) && /^(storage|server)\/|^delivery\/(?!policy\.ts$)/.test(to)
      ? "domain code is pure: it imports no storage adapter or server code, and of the delivery engine only its policies (delivery/policy.ts)"
      : undefined,
  (from, to) =>
    /^(engine|auth|patterns|util)\//.test(from) && /^(services|storage|server|delivery)\//.test(to)
      ? "engine/, auth/, patterns/ and util/ are below services, storage and the server"
      : undefined,
  (from, to) =>
    from.startsWith("server/") && /^(services\/[^/]+\/|storage\/)/.test(to)
      ? "the server knows services only through services/types.ts and services/module.ts"
      : undefined,
];

test("imports respect the layering", () => {
  const problems: string[] = [];
  for (const [from, tos] of importGraph()) {
    for (const to of tos) {
      for (const rule of RULES) {
        const why = rule(from, to);
        if (why) problems.push(`src/${from} imports src/${to}: ${why}`);
      }
    }
  }
  assert.deepEqual(problems, [], `\n${problems.join("\n")}`);
});

test("no import cycles inside a service (at run time: type-only imports are erased)", () => {
  const graph = importGraph({ runtime: true });
  const cycles: string[] = [];
  for (const start of graph.keys()) {
    const svc = serviceOf(start);
    if (!svc) continue;
    // Depth-first search for a path back to start within the same service.
    const seen = new Set<string>();
    const walk = (node: string, path: string[]): void => {
      for (const next of graph.get(node) ?? []) {
        if (serviceOf(next) !== svc) continue;
        if (next === start) {
          cycles.push([...path, next].map((p) => `src/${p}`).join(" → "));
          continue;
        }
        if (seen.has(next)) continue;
        seen.add(next);
        walk(next, [...path, next]);
      }
    };
    walk(start, [start]);
  }
  // Report each cycle once (from its smallest member).
  const unique = [...new Set(cycles.filter((c) => c.split(" → ")[0] === [...c.split(" → ")].sort()[0]))];
  assert.deepEqual(unique, [], `\n${unique.join("\n")}`);
});

test("the rules see the imports (a self-check of the parser)", () => {
  const graph = importGraph();
  assert.ok(graph.get("index.ts")?.includes("services/index.ts"));
  assert.ok((graph.get("services/sqs/service.ts") ?? []).some((p) => p.startsWith("services/sqs/operations/")));
});

test("every service folder has the same shape", () => {
  // index.ts: the module and public surface; service.ts: the wire definition (operations table); operations/ only
  // operations; domain/ pure logic; store.ts the port; errors.ts its AWS errors; migrations/ its tables. Background
  // work lives in jobs/ and internal routes in routes.ts when a service has them.
  const REQUIRED = ["index.ts", "service.ts", "store.ts", "errors.ts", "operations", "domain", "migrations"];
  const problems: string[] = [];
  for (const name of readdirSync(join(SRC, "services"))) {
    const dir = join(SRC, "services", name);
    if (!statSync(dir).isDirectory()) continue;
    const entries = new Set(readdirSync(dir));
    for (const r of REQUIRED) if (!entries.has(r)) problems.push(`src/services/${name}/ has no ${r}`);
    for (const f of files(dir)) {
      const rel = relative(dir, f);
      if (/\b(setTimeout|setInterval|setTimer)\(/.test(readFileSync(f, "utf8"))) {
        problems.push(`src/services/${name}/${rel} holds a timer: due work registers with the scheduler (engine/scheduler.ts) from jobs/`);
      }
    }
  }
  assert.deepEqual(problems, [], `\n${problems.join("\n")}`);
});

test("the filter-policy matcher runs in a browser: the web console bundles it (ADR 0032)", () => {
  // src/patterns/filter-policy.ts and what it imports: no node modules, no packages, no Buffer or process at run time.
  const graph = importGraph({ runtime: true });
  const reach = new Set<string>();
  const walk = (f: string) => {
    if (reach.has(f)) return;
    reach.add(f);
    for (const g of graph.get(f) ?? []) walk(g);
  };
  walk("patterns/filter-policy.ts");
  const problems: string[] = [];
  for (const f of reach) {
    const text = readFileSync(join(SRC, f), "utf8").replace(/^\s*(\/\/|\/\*|\*).*$/gm, "");
    for (const m of text.matchAll(/from\s+["']([^"'.][^"']*)["']/g)) if (!/^import\s+type\s/.test(m.input!.slice(text.lastIndexOf("\n", m.index) + 1))) problems.push(`src/${f} imports ${m[1]}`);
    for (const m of text.matchAll(/\b(Buffer|process|require)\s*[.(]/g)) problems.push(`src/${f} uses ${m[1]}`);
  }
  assert.deepEqual(problems, [], `\n${problems.join("\n")}`);
  assert.ok(reach.has("patterns/matcher.ts"));
});
