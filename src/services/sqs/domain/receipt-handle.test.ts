import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeReceiptHandle, encodeReceiptHandle, newNonce } from "./receipt-handle.ts";

test("receipt handles round-trip and differ per receive", () => {
  const a = { queueId: 3, rowId: 42, nonce: newNonce() };
  const b = { ...a, nonce: newNonce() };
  assert.deepEqual(decodeReceiptHandle(encodeReceiptHandle(a)), a);
  assert.notEqual(encodeReceiptHandle(a), encodeReceiptHandle(b));
});

test("anything else is not a receipt handle", () => {
  for (const bad of ["", "garbage", "MTox", Buffer.from("1:0:1:aaaaaaaaaaaaaaaa").toString("base64"),
    Buffer.from("2:1:1:aaaaaaaaaaaaaaaa").toString("base64"), Buffer.from("1:1:1:short").toString("base64"), "x".repeat(2000)]) {
    assert.equal(decodeReceiptHandle(bad), undefined, bad);
  }
});
