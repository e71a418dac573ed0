// The npm package as a user gets it: `npm pack` (which builds dist/ through `prepare`), installed from the tarball
// into an empty project, then started both ways under plain node with nothing else installed: the library
// (`import { startMailroom } from "mailroom"`) and the command (`npx mailroom`, here node_modules/.bin/mailroom),
// which must answer SIGTERM by closing cleanly. Its type declarations must compile in a project without
// @types/node. Bad flags and variables get one line naming them.
//
// The dependencies come from the npm cache (--prefer-offline). better-sqlite3's install script compiles it from
// source (about a minute on a busy machine), so by default the test installs with --ignore-scripts and copies the
// addon built for this checkout (same version); MAILROOM_PACKAGE_TEST_BUILD=1 runs the real install scripts.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

const ROOT = join(import.meta.dirname, "..", "..");
const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; dependencies: Record<string, string> };
const work = mkdtempSync(join(tmpdir(), "mailroom-package-"));
const project = join(work, "project");
let tarball = "";
// Plain node: no tsx loader or other options inherited from the test runner.
const plainEnv = () => {
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: "", NODE_PATH: "" };
  for (const k of Object.keys(env)) if (k.startsWith("MAILROOM_")) delete env[k];
  return env;
};

before(async () => {
  const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  tarball = join(work, out.trim().split("\n").pop()!);
  assert.ok(existsSync(tarball), `npm pack made ${tarball}`);
  cpSync(join(ROOT, "test", "package", "fixture"), project, { recursive: true });
  const full = process.env.MAILROOM_PACKAGE_TEST_BUILD === "1";
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...(full ? [] : ["--ignore-scripts"]), tarball], {
    cwd: project, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" }, stdio: ["ignore", "pipe", "inherit"],
  });
  if (!full) {
    const ours = JSON.parse(readFileSync(join(ROOT, "node_modules/better-sqlite3/package.json"), "utf8")).version;
    const theirs = JSON.parse(readFileSync(join(project, "node_modules/better-sqlite3/package.json"), "utf8")).version;
    assert.equal(theirs, ours, "the checkout's better-sqlite3 build matches the installed version");
    cpSync(join(ROOT, "node_modules/better-sqlite3/build"), join(project, "node_modules/better-sqlite3/build"), { recursive: true });
  }
});

after(() => rmSync(work, { recursive: true, force: true }));

test("the tarball holds the build, the command and the types, and no sources, tests or benchmarks", () => {
  const list = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n").map((p) => p.replace(/^package\//, ""));
  for (const f of ["dist/index.mjs", "dist/mailroom.mjs", "dist/types/index.d.ts", "bin/mailroom.js", "package.json", "README.md", "console/dist/index.html"]) {
    assert.ok(list.includes(f), `${f} in the tarball`);
  }
  assert.ok(list.some((f) => /^dist\/migrations\/sqs\/sqlite\/0001_.*\.sql$/.test(f)), "migrations shipped");
  for (const f of list) assert.doesNotMatch(f, /^(src|test|bench|scripts|\.ci|console\/src|console\/node_modules)\//, `${f} should not ship`);
  assert.ok(list.length < 120, `${list.length} files`);
  const installed = JSON.parse(readFileSync(join(project, "node_modules/mailroom/package.json"), "utf8"));
  assert.equal(installed.dependencies.tsx, undefined, "tsx is not a runtime dependency");
  assert.equal(installed.dependencies.esbuild, undefined, "esbuild is not a runtime dependency");
  assert.equal(existsSync(join(project, "node_modules/tsx")), false, "tsx is not installed with the package");
});

test("import { startMailroom } from \"mailroom\" under plain node: starts, answers health and SQS, closes", () => {
  const r = spawnSync(process.execPath, ["library.mjs"], { cwd: project, encoding: "utf8", env: plainEnv(), timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout.trim().split("\n").pop()!);
  assert.equal(got.version, PKG.version);
  assert.equal(got.health.status, "ok");
  assert.equal(got.health.services.sqs, "running");
  assert.match(got.queueUrl, /\/000000000000\/declared$/);
  assert.match(got.describe, /profile test/);
});

test("the type declarations compile in a project without @types/node", () => {
  const tsc = join(ROOT, "node_modules", ".bin", "tsc");
  const r = spawnSync(tsc, ["-p", "tsconfig.json"], { cwd: project, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

/** Starts node_modules/.bin/mailroom; resolves with the child and its endpoint once it prints its ready line. */
function startBin(args: string[]): Promise<{ child: ReturnType<typeof spawn>; endpoint: string; output: () => string }> {
  const child = spawn(join(project, "node_modules", ".bin", "mailroom"), args, { cwd: project, env: plainEnv() });
  let out = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (out += c));
  return new Promise((resolve, reject) => {
    const onData = () => {
      const m = /ready at (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        child.stdout!.off("data", onData);
        resolve({ child, endpoint: m[1], output: () => out });
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`mailroom exited with ${code}: ${out}`)));
  });
}

test("npx mailroom: --version, starts without compiling, answers, and SIGTERM closes it cleanly", async () => {
  const bin = join(project, "node_modules", ".bin", "mailroom");
  assert.equal(execFileSync(bin, ["--version"], { env: plainEnv(), encoding: "utf8" }).trim(), PKG.version);
  // npx finds the package's command in the project (no download, no compile).
  assert.equal(execFileSync("npx", ["--no-install", "mailroom", "--version"], { cwd: project, env: plainEnv(), encoding: "utf8" }).trim(), PKG.version);
  const help = execFileSync(bin, ["--help"], { env: plainEnv(), encoding: "utf8" });
  for (const s of ["SQS", "SNS", "EventBridge", "Kinesis", "Step Functions", "--profile", "--config", "--init-dir"]) assert.ok(help.includes(s), `--help names ${s}`);
  const { child, endpoint, output } = await startBin(["--port", "0", "--memory"]);
  try {
    const health = await (await fetch(`${endpoint}/_localstack/health`)).json();
    assert.equal(health.services.sqs, "running");
    // The web console ships in the package and is served from it (ADR 0032).
    const page = await fetch(`${endpoint}/_console/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    const script = /src="(\/_console\/assets\/[^"]+\.js)"/.exec(await page.text());
    assert.ok(script, "index.html names its script");
    assert.equal((await fetch(`${endpoint}${script[1]}`)).status, 200);
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.CreateQueue",
        authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00" },
      body: JSON.stringify({ QueueName: "from-bin" }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.match((await res.json()).QueueUrl, /from-bin$/);
  } finally {
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    assert.equal(await exited, 0, output());
  }
  assert.match(output(), /stopping \(SIGTERM\)/);
});

test("npx mailroom: SIGTERM to npx stops the server too (npx's shell does not pass it on; the server sees its parent go)", async () => {
  const child = spawn("npx", ["--no-install", "mailroom", "--port", "0", "--memory"], { cwd: project, env: plainEnv() });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      const m = /ready at (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`npx exited with ${code}: ${out}`)));
  });
  assert.equal((await fetch(`${endpoint}/_mailroom/health`)).status, 200);
  child.kill("SIGTERM");
  const deadline = Date.now() + 10_000;
  let gone = false;
  while (!gone && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    gone = await fetch(`${endpoint}/_mailroom/health`).then(() => false, () => true);
  }
  assert.ok(gone, "the server stopped after npx did");
});

test("a bad flag or variable is one line naming it, never a stack trace", () => {
  const bin = join(project, "node_modules", ".bin", "mailroom");
  const cases: { args: string[]; env?: Record<string, string>; names: string }[] = [
    { args: ["--access-keys", "bad"], names: "--access-keys" },
    { args: [], env: { MAILROOM_ACCESS_KEYS: "bad" }, names: "MAILROOM_ACCESS_KEYS" },
    { args: [], env: { MAILROOM_MEMORY: "yes" }, names: "MAILROOM_MEMORY" },
    { args: ["--port", "70000"], names: "--port" },
    { args: [], env: { MAILROOM_PORT: "http" }, names: "MAILROOM_PORT" },
    { args: ["--log-level", "loud"], names: "--log-level" },
    { args: ["--profile", "fast"], names: "--profile" },
    { args: ["--durability", "maybe"], names: "--durability" },
    { args: ["--no-such-flag"], names: "--no-such-flag" },
    { args: ["--memory", "--port", "0", "--config", "missing.yaml"], names: "missing.yaml" },
    { args: ["--memory", "--port", "0", "--tls-cert", "missing.pem", "--tls-key", "missing.pem"], names: "--tls-cert" },
    { args: ["--port", "0", "--data-dir", "/etc/passwd/x"], names: "--data-dir" },
    // node's recursive mkdir never returns for a path under /proc: the start must answer, not spin
    { args: ["--port", "0", "--data-dir", "/proc/mailroom/data"], names: "--data-dir" },
    { args: ["--port", "0", "--database", "postgres://nobody@127.0.0.1:1/x"], names: "--database" },
  ];
  for (const c of cases) {
    const r = spawnSync(bin, c.args, { cwd: project, env: { ...plainEnv(), ...c.env }, encoding: "utf8", timeout: 20_000 });
    const what = JSON.stringify(c);
    assert.equal(r.status, 1, `${what}: exit ${r.status}, ${r.stdout}${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `${what}: one line, got ${r.stderr}`);
    assert.ok(lines[0].startsWith("mailroom: ") && lines[0].includes(c.names), `${what}: ${lines[0]}`);
  }
});

test("npm start hands SIGTERM to the server: it stops and the port closes", async () => {
  const child = spawn("npm", ["start", "--silent", "--", "--port", "0", "--memory"], { cwd: ROOT, env: plainEnv() });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      const m = /ready at (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`npm start exited with ${code}: ${out}`)));
  });
  assert.equal((await fetch(`${endpoint}/_mailroom/health`)).status, 200);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM"); // to npm itself, as a service manager or a terminal would
  await exited;
  assert.match(out, /stopping \(SIGTERM\)/);
  await assert.rejects(fetch(`${endpoint}/_mailroom/health`), "the server is gone with npm");
});
