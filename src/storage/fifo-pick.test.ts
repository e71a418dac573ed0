// Unit tests of the FIFO candidate choice: blocked groups, ready prefixes, group order.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fifoCandidates } from "./fifo-pick.ts";

test("in-flight groups are skipped, delayed messages end a group's prefix, groups by oldest message", () => {
  const row = (id: number, group: string, visibleAt = 0, receiveCount = 0) => ({ id, group, visibleAt, receiveCount });
  const got = fifoCandidates([
    row(1, "b"), row(2, "a", 50, 1), row(3, "a"), row(4, "b"), row(5, "c", 20), row(6, "c"), row(7, "d", 5, 1), row(8, "d"),
  ], 10);
  assert.deepEqual(got.map((g) => g.map((r) => r.id)), [[1, 4], [7, 8]]);
});
