// Builds what the package ships (ADR 0005, ADR 0024):
//   dist/mailroom.mjs  the `mailroom` command (src/cli/main.ts), run by bin/mailroom.js and `npm start`;
//   dist/index.mjs     the library (src/index.ts): import { startMailroom } from "mailroom";
//   dist/chunk-*.mjs   code both share (one esbuild build with splitting, so it is loaded once);
//   dist/migrations/   each module's SQL migrations, where src/storage/migrations.ts looks for them in the bundle;
//   dist/types/        type declarations of the library's surface (tsc --emitDeclarationOnly), unless --no-types.
// npm packages stay external (they are the package's dependencies). Runs on `npm ci` (prepare), before `npm pack`
// and at `npm start` (bundle only). `--start` then runs the command in this same process, so the signals npm
// forwards reach the server directly (no shell or second node in between).
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const args = new Set(process.argv.slice(2));
const start = args.has("--start");
const types = !args.has("--no-types") && !start;

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await build({
  entryPoints: { mailroom: join(root, "src/cli/main.ts"), index: join(root, "src/index.ts") },
  outdir: dist,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  chunkNames: "chunk-[hash]",
  platform: "node",
  format: "esm",
  // Node 20.19 is the oldest supported (package.json engines): no syntax or API beyond it.
  target: "node20.19",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
// Each module's migrations (src/storage/migrations/<backend>, src/services/<name>/migrations/<backend>) go to
// dist/migrations/<module>/<backend>, where src/storage/migrations.ts looks for them in the bundle.
cpSync(join(root, "src/storage/migrations"), join(dist, "migrations", "platform"), { recursive: true });
for (const name of readdirSync(join(root, "src/services"))) {
  const dir = join(root, "src/services", name, "migrations");
  if (existsSync(dir)) cpSync(dir, join(dist, "migrations", name), { recursive: true });
}

if (types) buildTypes();

/**
 * The library's type declarations: tsc emits declarations for every source file it reaches into a scratch folder;
 * only the files dist/index.d.ts reaches are kept (the public surface imports nothing heavy: no pg or
 * better-sqlite3 types), with their relative ".ts" specifiers rewritten to ".js" (TypeScript resolves those to the
 * .d.ts beside them). A declaration error in a kept file fails the build; one elsewhere is irrelevant.
 */
function buildTypes() {
  const scratch = mkdtempSync(join(tmpdir(), "mailroom-types-"));
  const tsc = join(root, "node_modules", ".bin", "tsc");
  const r = spawnSync(tsc, ["-p", join(root, "tsconfig.build.json"), "--outDir", scratch], { cwd: root, encoding: "utf8" });
  if (r.error) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`tsc could not run (${r.error.message}): typescript is a devDependency; run npm ci`);
  }
  const errors = (r.stdout + r.stderr).split("\n").filter((l) => /^src\/.*\(\d+,\d+\): error/.test(l));
  const kept = new Set();
  const queue = ["index.d.ts"];
  const nonRelative = new Set();
  while (queue.length > 0) {
    const rel = queue.pop();
    if (kept.has(rel)) continue;
    const file = join(scratch, rel);
    if (!existsSync(file)) throw new Error(`type declarations: ${rel} was not emitted`);
    kept.add(rel);
    const text = readFileSync(file, "utf8");
    const out = text.replace(/(from\s+|import\s*\(\s*)(["'])([^"']+)\2/g, (whole, pre, q, spec) => {
      if (!spec.startsWith(".")) {
        nonRelative.add(spec);
        return whole;
      }
      const target = relative(scratch, resolve(dirname(file), spec.replace(/\.ts$/, ".d.ts")));
      queue.push(target);
      return `${pre}${q}${spec.replace(/\.ts$/, ".js")}${q}`;
    });
    mkdirSync(dirname(join(dist, "types", rel)), { recursive: true });
    writeFileSync(join(dist, "types", rel), out);
  }
  const relevant = errors.filter((l) => kept.has(l.slice(4, l.indexOf("(")).replace(/\.ts$/, ".d.ts")));
  if (relevant.length > 0) throw new Error(`type declarations:\n${relevant.join("\n")}`);
  const foreign = [...nonRelative].filter((s) => !s.startsWith("node:"));
  if (foreign.length > 0) throw new Error(`type declarations import packages a user may not have: ${foreign.join(", ")}`);
  rmSync(scratch, { recursive: true, force: true });
}

if (start) {
  // `npm start`: the command in this process (its flags follow `npm start --`).
  process.argv.splice(2, process.argv.length - 2, ...process.argv.slice(2).filter((a) => a !== "--start"));
  await import(pathToFileURL(join(dist, "mailroom.mjs")).href);
}
