// MD5 digests checked against values recorded from real AWS (LocalStack's SQS snapshots, re-computed).
import assert from "node:assert/strict";
import { test } from "node:test";
import { md5Hex, md5OfAttributes } from "./md5.ts";

const s = (v: string) => ({ DataType: "String", StringValue: v });

test("MD5 of body", () => {
  assert.equal(md5Hex("msg"), "6e2baaf3b97dbeef01c0043275f9a0e7");
});

test("MD5 of message attributes matches AWS vectors", () => {
  assert.equal(md5OfAttributes({ MyAttribute: s("foobar") }), "adb59cd4678ea5a855436b949cd07ab6");
  assert.equal(md5OfAttributes({ Foo: s("Bar") }), "ae7155c6026991b6d54b11589678bf9c");
  assert.equal(md5OfAttributes({ Hello: s("There"), General: s("Kenobi"), "Help.Me": s("Me") }), "4c360f3fdafd970e05fae2f149d997f5");
  assert.equal(md5OfAttributes({ General: s("Kenobi"), Hello: s("There") }), "fca026605781cb4126a1e9044df24232");
  const trace = Buffer.from("traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01", "latin1");
  assert.equal(md5OfAttributes({ attr1: { DataType: "Binary", BinaryValue: trace } }), "8cbe4db156db8a94db8b801b7addb984");
});

test("no attributes, no digest", () => {
  assert.equal(md5OfAttributes(undefined), undefined);
  assert.equal(md5OfAttributes({}), undefined);
});
