import assert from "node:assert/strict";
import { test } from "node:test";
import { pipesModel } from "./models/pipes.gen.ts";
import { checkConstraints } from "./constraints.ts";

const ok = { Name: "p", Source: "arn:aws:sqs:us-east-1:000000000000:q", Target: "arn:aws:sqs:us-east-1:000000000000:q", RoleArn: "arn:aws:iam::000000000000:role/r" };
const check = (input: Record<string, unknown>) => checkConstraints(pipesModel, "CreatePipeRequest", input, "", (m) => new Error(m));

test("a valid request passes; each kind of constraint answers coral's wording with the member's path", () => {
  check(ok);
  check({ ...ok, Description: "", Tags: { a: "" }, SourceParameters: { SqsQueueParameters: { BatchSize: 10000 } } });
  assert.throws(() => check({ ...ok, Name: "" }), /Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1/);
  assert.throws(() => check({ ...ok, Name: "a b" }), /at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  assert.throws(() => check({ ...ok, SourceParameters: { SqsQueueParameters: { BatchSize: 10001 } } }), /at 'sourceParameters.sqsQueueParameters.batchSize' .*less than or equal to 10000/);
  assert.throws(() => check({ ...ok, DesiredState: "X" }), /satisfy enum value set: \[RUNNING, STOPPED\]/);
  assert.throws(() => check({ ...ok, Tags: { ["k".repeat(129)]: "v" } }), /at 'tags.key' .*length less than or equal to 128/);
  assert.throws(() => check({ ...ok, SourceParameters: { FilterCriteria: { Filters: [{ Pattern: "x".repeat(4097) }] } } }), /at 'sourceParameters.filterCriteria.filters.1.member.pattern'/);
});

test("lengths count characters, not UTF-16 units; absent members are not checked", () => {
  check({ ...ok, Description: "😀".repeat(512) });
  assert.throws(() => check({ ...ok, Description: "😀".repeat(513) }), /length less than or equal to 512/);
  check({ Name: "p" });
});

test("lengths count code points; a value far over the limit is refused without spreading it", () => {
  check({ ...ok, Description: "😀".repeat(512) }); // 1,024 UTF-16 units, 512 code points: at the limit
  assert.throws(() => check({ ...ok, Description: "😀".repeat(513) }), /length less than or equal to 512/);
  assert.throws(() => check({ ...ok, Description: "x".repeat(4 * 1024 * 1024) }), /length less than or equal to 512/);
});
