// Keeps generated documentation true to the code.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { operationsDoc } from "../scripts/operations-doc.ts";

test("docs/operations.md matches the operation tables (run npm run gen:docs)", () => {
  assert.equal(readFileSync(new URL("../docs/operations.md", import.meta.url), "utf8"), operationsDoc());
});
