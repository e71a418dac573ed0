// The README's options table and the command agree: every flag and variable of the option table
// (src/config/options.ts) is listed, so a new option cannot land undocumented.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { OPTIONS } from "../../src/config/options.ts";

const ROOT = join(import.meta.dirname, "..", "..");

test("README lists every option's flag and variable", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  for (const o of OPTIONS) {
    const flag = o.flag.split(" ")[0];
    assert.ok(readme.includes(`| \`${flag}\` | \`${o.env}`), `README's options table lists ${flag} with ${o.env}`);
  }
});

test("the operations guide keeps a place for the metrics and alarms sections", () => {
  const guide = readFileSync(join(ROOT, "docs", "operations-guide.md"), "utf8");
  for (const h of ["## Health", "## Declared resources", "## Init scripts", "## Profiles", "## Validating SNS signatures", "## Running under systemd", "## Metrics (Prometheus)", "## CloudWatch metrics and alarms"]) {
    assert.ok(guide.includes(h), h);
  }
});
