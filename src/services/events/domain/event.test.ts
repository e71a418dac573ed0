// PutEvents entries and target bodies: sizes, per-entry errors, event time, InputPath steps.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkEntry, entrySize, eventTime, formEvent, MAX_DETAIL_DEPTH, nestingDepth } from "./event.ts";

test("entrySize counts Time as 14 bytes and UTF-8 bytes of Source, DetailType, Detail and Resources", () => {
  assert.equal(entrySize({ Source: "s", DetailType: "dt", Detail: "{\"é\":1}", Resources: ["ab", "c"] }), 1 + 2 + 8 + 3);
  assert.equal(entrySize({ Time: new Date(0), Source: "s" }), 15);
});

test("checkEntry: required members in order, malformed detail, reserved sources", () => {
  assert.deepEqual(checkEntry({ DetailType: "t", Detail: "{}" }), { error: { ErrorCode: "InvalidArgument", ErrorMessage: "Parameter Source is not valid. Reason: Source is a required argument." } });
  assert.deepEqual(checkEntry({ Source: "s", Detail: "{}" }), { error: { ErrorCode: "InvalidArgument", ErrorMessage: "Parameter DetailType is not valid. Reason: DetailType is a required argument." } });
  assert.deepEqual(checkEntry({ Source: "s", DetailType: "t" }), { error: { ErrorCode: "InvalidArgument", ErrorMessage: "Parameter Detail is not valid. Reason: Detail is a required argument." } });
  for (const d of ["\"x\"", "[1]", "{", "null", "3"]) assert.equal((checkEntry({ Source: "s", DetailType: "t", Detail: d }) as { error: { ErrorCode: string } }).error.ErrorCode, "MalformedDetail");
  assert.equal((checkEntry({ Source: "aws.s3", DetailType: "t", Detail: "{}" }) as { error: { ErrorCode: string } }).error.ErrorCode, "NotAuthorizedForSourceException");
  assert.deepEqual(checkEntry({ Source: "awsx", DetailType: "t", Detail: "{\"a\":1}" }), { detail: { a: 1 } });
});

test("eventTime: whole seconds, ISO 8601 UTC", () => {
  assert.equal(eventTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), "2026-01-02T03:04:05Z");
});

test("the formed event's fields, in AWS's order", () => {
  const e = formEvent("id", { Source: "s", DetailType: "t" }, { items: [{ a: 1 }, { "a b": "x" }], n: null }, "000000000000", "us-east-1", 0);
  assert.deepEqual(Object.keys(e), ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]);
});

test("probe: Detail nesting is counted in one pass and bounded (deeper is MalformedDetail, not a crash)", () => {
  assert.equal(nestingDepth('{"a":[{"b":"[[[{{"}]]}'), 3);
  assert.equal(nestingDepth('{"a":"\\"}'), 1);
  const deep = (n: number) => `{"a":${"[".repeat(n - 1)}${"]".repeat(n - 1)}}`;
  assert.ok("detail" in checkEntry({ Source: "s", DetailType: "t", Detail: deep(MAX_DETAIL_DEPTH) }));
  assert.deepEqual(checkEntry({ Source: "s", DetailType: "t", Detail: deep(MAX_DETAIL_DEPTH + 1) }), { error: { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." } });
  assert.deepEqual(checkEntry({ Source: "s", DetailType: "t", Detail: deep(120_000) }), { error: { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." } });
});
