// Builds the prebuilt server bundle that `mailroom` / `npm start` run: dist/mailroom.mjs (esbuild, one ESM file,
// packages left external) and the SQL migrations beside it. Runs on `npm ci` (prepare) and before `npm start`.
// Running the bundle instead of the sources through tsx saves the loader thread (about 35 MB of idle RSS) and
// the per-call name wrappers tsx adds (docs/adr/0005-prebuilt-bundle.md).
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await build({
  entryPoints: [join(root, "src/cli/main.ts")],
  outfile: join(dist, "mailroom.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
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
