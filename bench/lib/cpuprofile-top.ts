// Summarises a V8 .cpuprofile (node --cpu-prof, e.g. through BENCH_SERVER_NODE_ARGS): the top frames by self time,
// and the share of time under frames whose name matches each of a few markers (inclusive), as a text table.
// `node --import tsx bench/lib/cpuprofile-top.ts <file.cpuprofile> [n]`
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
const n = Number(process.argv[3] ?? 25);
const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(p.nodes.map((x) => [x.id, x]));
const parent = new Map<number, number>();
for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const label = (x: Node) => `${x.callFrame.functionName || "(anonymous)"} ${x.callFrame.url.replace(/^.*\/(src|node_modules)\//, "$1/")}:${x.callFrame.lineNumber + 1}`;

const selfByLabel = new Map<string, number>();
for (const [id, t] of self) {
  const l = label(byId.get(id) as Node);
  selfByLabel.set(l, (selfByLabel.get(l) ?? 0) + t);
}
const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)} %`;
console.log(`# ${file}: ${(total / 1e6).toFixed(2)} s sampled`);
console.log("## top self time");
for (const [l, t] of [...selfByLabel].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${pct(t)}  ${l}`);

// Inclusive share under markers: a sample counts once per marker if any ancestor matches.
// By function name (the server runs the bundle, dist/mailroom.mjs, so every frame has the same file).
const markers: [string, RegExp][] = [
  ["(idle): waiting for I/O, including the thread pool's fdatasync", /^\(idle\) /],
  ["(garbage collector)", /^\(garbage collector\) /],
  ["SqliteDb.flush: the batch's SQL and COMMIT (and, at FULL, its fsync)", /^flush .*mailroom\.mjs/],
  ["the pipeline (handler wire: codec, auth, operation)", /^wire /],
  ["SigV4 verification", /^(verifySigV4|fromAuthorization|authenticate) /],
  ["ReceiveMessage operation", /^receiveMessage /],
  ["DeleteMessage operation", /^deleteMessage /],
  ["SendMessage operation", /^sendMessage /],
  ["socket writes", /^(writeBuffer|writev|writeGeneric|writeUtf8String) /],
];
const inclusive = new Map<string, number>();
p.samples.forEach((id, i) => {
  const dt = p.timeDeltas[i] ?? 0;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const x = byId.get(cur) as Node;
    const l = label(x);
    for (const [name, re] of markers) if (!seen.has(name) && re.test(l)) seen.add(name);
  }
  for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
});
console.log("## inclusive");
for (const [name] of markers) console.log(`${pct(inclusive.get(name) ?? 0)}  ${name}`);
