// A Wait longer than node's timer range (2^31-1 ms, ~24.8 days) must not make the scheduler's one timer fire at
// once and re-arm every millisecond: SystemClock caps the delay (src/engine/clock.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { SystemClock } from "../../../src/index.ts";

test("SystemClock does not fire a timer set a year ahead", async () => {
  let fired = 0;
  const h = new SystemClock().setTimer(365 * 86_400_000, () => fired++);
  await new Promise((r) => setTimeout(r, 30));
  h.cancel();
  assert.equal(fired, 0);
});
