import assert from "node:assert/strict";
import { test } from "node:test";
import { thrownCode } from "../../../../test/helpers/aws-error.ts";
import { AwsError } from "../../../protocol/errors.ts";
import { checkBodyCharacters, checkMessageAttributes, checkSystemAttributes } from "./messages.ts";

const code = thrownCode;
const s = (v: string, t = "String") => ({ DataType: t, StringValue: v });

test("body characters: XML-valid unicode only", () => {
  assert.equal(code(() => checkBodyCharacters("tab\t nl\n cr\r é 😀 \uE000")), "ok");
  assert.equal(code(() => checkBodyCharacters("bell\u0007")), "InvalidMessageContents");
  assert.equal(code(() => checkBodyCharacters("\uFFFF")), "InvalidMessageContents");
  assert.equal(code(() => checkBodyCharacters("lone \uD800 surrogate")), "InvalidMessageContents");
});

test("message attribute rules", () => {
  assert.equal(checkMessageAttributes({ a: s("xy"), n: s("1.5e3", "Number"), b: { DataType: "Binary", BinaryValue: Buffer.from([1]) } }), 1 + 6 + 2 + 1 + 6 + 5 + 1 + 6 + 1);
  assert.equal(code(() => checkMessageAttributes(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, s("v")])))), "InvalidParameterValue");
  for (const name of ["AWS.x", "amazon.y", ".a", "a.", "a..b", "a b", "x".repeat(257)]) {
    assert.equal(code(() => checkMessageAttributes({ [name]: s("v") })), "InvalidParameterValue", name);
  }
  assert.equal(code(() => checkMessageAttributes({ a: s("") })), "InvalidParameterValue");
  assert.equal(code(() => checkMessageAttributes({ a: s("v", "Text") })), "InvalidParameterValue");
  assert.equal(code(() => checkMessageAttributes({ a: s("abc", "Number") })), "InvalidParameterValue");
  assert.equal(code(() => checkMessageAttributes({ a: s("1".repeat(39), "Number") })), "InvalidParameterValue");
  assert.equal(code(() => checkMessageAttributes({ a: s("v", "String.custom") })), "ok");
  assert.equal(code(() => checkMessageAttributes({ a: { DataType: "Binary", StringValue: "x" } })), "InvalidParameterValue");
});

test("only AWSTraceHeader is a settable system attribute", () => {
  assert.equal(code(() => checkSystemAttributes({ AWSTraceHeader: s("Root=1-abc") })), "ok");
  assert.equal(code(() => checkSystemAttributes({ SenderId: s("x") })), "InvalidParameterValue");
});

test("errors are AwsErrors", () => {
  try {
    checkBodyCharacters("\u0000");
  } catch (e) {
    assert.ok(e instanceof AwsError);
  }
});
