import assert from "node:assert/strict";
import { test } from "node:test";
import { asPayload, checkTemplate, dynamicParameter, RenderTooLarge, renderTemplate } from "./template.ts";

const c = { pipeArn: "arn:aws:pipes:us-east-1:000000000000:pipe/p", pipeName: "p", sourceArn: "src", targetArn: "dst", ingestedAt: Date.UTC(2026, 0, 1) };
const rec = { body: { key: "v", n: 3, list: [1, 2], quote: 'a"b' }, attributes: { SenderId: "AID" } };

test("JSON templates: values outside quotes as JSON, inside as text; reserved variables", () => {
  assert.deepEqual(JSON.parse(renderTemplate('{"k": <$.body.key>, "n": <$.body.n>, "l": <$.body.list>, "s": "id <$.attributes.SenderId>", "p": "<aws.pipes.pipe-name>"}', rec, c)),
    { k: "v", n: 3, l: [1, 2], s: "id AID", p: "p" });
  assert.equal(renderTemplate('{"m": <$.missing>}', rec, c), '{"m": null}');
  assert.equal(renderTemplate('{"t": "<aws.pipes.event.ingestion-time>"}', rec, c), '{"t": "2026-01-01T00:00:00.000Z"}');
  assert.deepEqual(JSON.parse(renderTemplate("<aws.pipes.event.json>", rec, c)), rec);
  assert.deepEqual(JSON.parse(renderTemplate("<$.body.list[1]>", rec, c)), 2);
});

test("free text takes values as their text; a single placeholder is the value as JSON", () => {
  assert.equal(renderTemplate("Hello, <$.attributes.SenderId>", rec, c), "Hello, AID");
  assert.equal(renderTemplate("<$.body.key> and <$.body.n>", rec, c), "v and 3");
  assert.equal(renderTemplate("<$.body.key>", rec, c), '"v"');
  assert.equal(renderTemplate("static", rec, c), "static");
  assert.deepEqual(asPayload('{"a":1}'), { a: 1 });
  assert.equal(asPayload("x"), "x");
});

test("checkTemplate refuses unknown variables and bad paths; other <...> text is left alone", () => {
  assert.throws(() => checkTemplate("<aws.pipes.nope>", "T"), /invalid placeholder/);
  assert.throws(() => checkTemplate("<$..a>", "T"), /invalid placeholder/);
  checkTemplate("<b>bold</b> <$.body>", "T");
  assert.equal(renderTemplate("<b>x</b>", rec, c), "<b>x</b>");
});

test("rendering is bounded: a repeated large value stops at 256 KiB", () => {
  const big = { body: "x".repeat(100_000) };
  assert.throws(() => renderTemplate('{"a": "<$.body>", "b": "<$.body>", "c": "<$.body>"}', big, c), RenderTooLarge);
});

test("dynamic parameters: $. paths into the record, other values as given", () => {
  assert.equal(dynamicParameter("$.body.key", rec), "v");
  assert.equal(dynamicParameter("$.body.n", rec), "3");
  assert.equal(dynamicParameter("$.nothing", rec), undefined);
  assert.equal(dynamicParameter("fixed", rec), "fixed");
  assert.equal(dynamicParameter(undefined, rec), undefined);
});
