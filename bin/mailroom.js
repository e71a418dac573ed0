#!/usr/bin/env node
// Entry of the `mailroom` command. In the installed package it runs the prebuilt bundle (dist/mailroom.mjs):
// nothing is compiled at start. In a checkout whose src/ is newer than the bundle it loads the TypeScript sources
// through tsx (a devDependency), so an edited checkout never runs stale code (ADR 0005, ADR 0024).
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundleState } from "./bundle-state.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const bundle = join(root, "dist", "mailroom.mjs");

const state = bundleState(root);
if (state === "current") {
  await import(pathToFileURL(bundle).href);
} else if (state === "stale") {
  let register;
  try {
    ({ register } = await import("tsx/esm/api"));
  } catch {
    process.stderr.write("mailroom: dist/ is missing or older than src/, and tsx is not installed to run the sources: run `npm run build`\n");
    process.exit(1);
  }
  register();
  await import("../src/cli/main.ts");
} else {
  process.stderr.write(`mailroom: ${bundle} is missing: this package was published without its build\n`);
  process.exit(1);
}
