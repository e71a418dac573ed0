// Whether a checkout's prebuilt bundle (dist/mailroom.mjs) is current: shared by bin/mailroom.js (which runs the
// sources through tsx when it is not) and the benchmarks (which build it first, so they never measure tsx).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function newestFile(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestFile(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** "current", "stale" (src/ is newer, or the bundle is missing in a checkout) or "missing" (an installed package without its build). */
export function bundleState(root) {
  const bundle = join(root, "dist", "mailroom.mjs");
  const src = join(root, "src");
  const checkout = existsSync(src);
  if (existsSync(bundle) && (!checkout || statSync(bundle).mtimeMs >= newestFile(src))) return "current";
  return checkout ? "stale" : "missing";
}
