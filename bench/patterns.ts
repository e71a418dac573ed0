// `npm run bench -- patterns`: the worst cases of issue 12 for the pattern matcher and the policy glob, timed
// in-process (no server), in µs per compile or per match. Beside each, the old RegExp/expansion algorithm
// (copied below as a reference) at a reduced size it survives, with that size named; at the sizes
// it took tens of seconds or ran out of heap.
import { performance } from "node:perf_hooks";
import { compileEventPattern, matchesEvent } from "../src/patterns/event-pattern.ts";
import { checkFilterPolicy, matchesAttributes, matchesBody, PatternError } from "../src/patterns/filter-policy.ts";
import { globMatch } from "../src/patterns/wildcard.ts";

/** Mean µs per call of `fn`, run for about `ms` milliseconds after a short warm-up. */
function time(fn: () => unknown, ms = 300): { us: number; runs: number } {
  const warm = performance.now() + 30;
  while (performance.now() < warm) fn();
  let runs = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 10; i++) fn();
    runs += 10;
    now = performance.now();
  }
  return { us: ((now - start) * 1000) / runs, runs };
}

/** Runs `fn` once and gives its µs (for the old algorithms, too slow to repeat). */
function once(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return (performance.now() - t) * 1000;
}

// ---- the old algorithms (before issue 12), reduced to what the bench needs ----

/** Old wildcard: a RegExp with `.*` per star (backtracks on `*a*a*…b`). */
function oldWildcard(pattern: string, value: string): boolean {
  const re = pattern.split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${re}$`, "s").test(value);
}

/** Old IAM glob: a RegExp with `.*` per star and `.` per `?`. */
function oldGlob(pattern: string, value: string): boolean {
  let re = "^";
  for (const c of pattern) re += c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`${re}$`, "s").test(value);
}

/** Old compile: every `$or` combination built before any limit was checked (counts only, like the original). */
function oldExpand(obj: Record<string, unknown>): unknown[][] {
  let alts: unknown[][] = [[]];
  for (const [key, value] of Object.entries(obj)) {
    let here: unknown[][];
    if (key === "$or" && Array.isArray(value)) here = value.flatMap((v) => oldExpand(v as Record<string, unknown>));
    else if (Array.isArray(value)) here = [[key]];
    else here = oldExpand(value as Record<string, unknown>);
    alts = alts.flatMap((a) => here.map((h) => [...a, ...h]));
  }
  return alts;
}

// ---- the cases ----

/** n keys, each holding a 2-way `$or`: 2^n alternatives if expanded (issue 12: n = 24, about 1 KB). */
function orBomb(n: number): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) p[`k${i}`] = { $or: [{ a: ["1"] }, { b: ["2"] }] };
  return p;
}

const SEVEN_STARS = "*a*a*a*a*a*a*a*b";
const GLOB = "*?".repeat(12) + "!";
const ARN = "arn:aws:sqs:us-east-1:111111111111:queue-with-a-rather-long-name-0123456789";

/**
 * A large realistic body-scope policy at the limit: 3 keys, nested, exactly 150 combinations (store 3 × order.type
 * 5 values × depth 2 × (region 3 + order.total 1 × depth 2)), most operator kinds.
 */
const REALISTIC_POLICY = {
  store: ["example_corp", { "anything-but": { prefix: "test" } }, { prefix: "shop-" }],
  order: { type: ["pickup", "delivery", { prefix: "express-" }, { suffix: "-priority" }, { "equals-ignore-case": "WALK-IN" }] },
  $or: [{ region: [{ wildcard: "eu-*-1" }, { prefix: "us-" }, "ap-south-1"] }, { order: { total: [{ numeric: [">", 100, "<=", 5000] }] } }],
};
function realisticBody(): string {
  const items = Array.from({ length: 40 }, (_, i) => ({ sku: `sku-${i}`, qty: i % 7, price: i * 3.5, tags: ["a", "b", `t${i}`] }));
  return JSON.stringify({ store: "example_corp", order: { type: "express-lane", total: 250, channel: "web", items }, region: "eu-west-1", note: "x".repeat(1000) });
}

const REALISTIC_EVENT_PATTERN = JSON.stringify({
  source: ["aws.ec2", { prefix: "com.example." }],
  "detail-type": [{ "equals-ignore-case": "ec2 instance state-change notification" }],
  detail: {
    state: [{ "anything-but": ["pending", "stopping"] }],
    "instance-id": [{ wildcard: "i-*0*" }],
    $or: [{ "c-count": [{ numeric: [">", 0, "<=", 5] }] }, { "source-ip": [{ cidr: "10.0.0.0/24" }] }],
  },
});
const REALISTIC_EVENT = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "com.example.fleet",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state: "terminated", "c-count": 3, tags: Array.from({ length: 50 }, (_, i) => ({ k: `k${i}`, v: `v${i}` })) },
};

interface Line {
  what: string;
  us: number;
  old: string;
}

export function patternsSuite(): string {
  const lines: Line[] = [];
  const refused = (fn: () => unknown) => () => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof PatternError)) throw e;
    }
  };

  const bomb = JSON.stringify(orBomb(24));
  lines.push({
    what: `compile 24-key 2-way $or body policy (${bomb.length} B), refused`,
    us: time(refused(() => checkFilterPolicy(bomb, "MessageBody"))).us,
    old: `${once(() => oldExpand(orBomb(14))).toFixed(0)} µs at 14 keys (×2 per key; 24 keys: out of heap)`,
  });
  lines.push({
    what: `compile the same, attribute scope (${bomb.length} B), refused`,
    us: time(refused(() => checkFilterPolicy(bomb, "MessageAttributes"))).us,
    old: "as above",
  });

  const wild = checkFilterPolicy(JSON.stringify({ k: [{ wildcard: SEVEN_STARS }] }), "MessageAttributes");
  for (const n of [60, 1000]) {
    const attrs = { k: { DataType: "String", StringValue: "a".repeat(n) } };
    const r = time(() => matchesAttributes(wild, attrs));
    lines.push({
      what: `match \`${SEVEN_STARS}\` against ${n} "a"s (SNS attribute)`,
      us: r.us,
      old: n === 60 ? `${once(() => oldWildcard(SEVEN_STARS, "a".repeat(22))).toFixed(0)} µs at 22 "a"s (60: ≈35 s)` : "—",
    });
  }
  // The same stars where every piece is found (the suffix matches), and a piece that nearly matches everywhere.
  const hit = { k: { DataType: "String", StringValue: "a".repeat(1000) + "b" } };
  lines.push({ what: `match \`${SEVEN_STARS}\` against 1000 "a"s + "b" (a match)`, us: time(() => matchesAttributes(wild, hit)).us, old: "—" });
  const near = `*${"a".repeat(30)}b*c`;
  const nearP = checkFilterPolicy(JSON.stringify({ k: [{ wildcard: near }] }), "MessageAttributes");
  const nearV = { k: { DataType: "String", StringValue: "a".repeat(1000) + "c" } };
  lines.push({ what: `match \`*a×30b*c\` against 1000 "a"s + "c" (piece search)`, us: time(() => matchesAttributes(nearP, nearV)).us, old: "—" });
  const ep = compileEventPattern(JSON.stringify({ detail: { k: [{ wildcard: SEVEN_STARS }] } }));
  const ev = { detail: { k: "a".repeat(1000) } };
  lines.push({ what: `match \`${SEVEN_STARS}\` against 1000 "a"s (event pattern)`, us: time(() => matchesEvent(ep, ev)).us, old: "—" });

  lines.push({
    what: `IAM glob \`*?\`×12 + \`!\` against a ${ARN.length}-char ARN`,
    us: time(() => globMatch(GLOB, ARN)).us,
    old: `${once(() => oldGlob("*?".repeat(5) + "!", ARN)).toFixed(0)} µs at ×5 (×12: ≈72 s)`,
  });

  const realText = JSON.stringify(REALISTIC_POLICY);
  const real = checkFilterPolicy(realText, "MessageBody");
  const body = realisticBody();
  lines.push({ what: `compile a realistic body policy (${realText.length} B, 150 combinations)`, us: time(() => checkFilterPolicy(realText, "MessageBody")).us, old: "—" });
  lines.push({ what: `match it against a ${body.length} B body (parse included)`, us: time(() => matchesBody(real, body)).us, old: "—" });
  const rep = compileEventPattern(REALISTIC_EVENT_PATTERN);
  lines.push({ what: `compile a realistic event pattern (${REALISTIC_EVENT_PATTERN.length} chars)`, us: time(() => compileEventPattern(REALISTIC_EVENT_PATTERN)).us, old: "—" });
  lines.push({ what: "match it against an EC2 state-change event with 50 tags", us: time(() => matchesEvent(rep, REALISTIC_EVENT)).us, old: "—" });

  const width = Math.max(...lines.map((l) => l.what.length));
  const out = [
    `# bench patterns: Node ${process.version}; µs per call (mean); every row must be under 1000 µs`,
    "",
    `| ${"case".padEnd(width)} | µs per call | under 1 ms | old algorithm (reference) |`,
    `|${"-".repeat(width + 2)}|---:|:---:|---|`,
    ...lines.map((l) => `| ${l.what.padEnd(width)} | ${l.us.toFixed(2)} | ${l.us < 1000 ? "yes" : "NO"} | ${l.old} |`),
  ];
  return out.join("\n");
}

/** Exit status for the runner: whether every row met the 1 ms bound. */
export function patternsOk(table: string): boolean {
  return !table.includes("| NO |");
}
