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

test("version 2 handles are 32 base64 characters; version 1 handles issued before still decode", () => {
  const h = { queueId: 7, rowId: 2 ** 40 + 5, nonce: newNonce() };
  const v2 = encodeReceiptHandle(h);
  assert.match(v2, /^[A-Za-z0-9+/]{32}$/);
  assert.deepEqual(decodeReceiptHandle(v2), h);
  const v1 = Buffer.from(`1:${h.queueId}:${h.rowId}:${h.nonce}`, "utf8").toString("base64");
  assert.deepEqual(decodeReceiptHandle(v1), h);
  // Beyond version 2's fields (row ids from 2^48): version 1.
  const big = { queueId: 7, rowId: 2 ** 50, nonce: newNonce() };
  assert.deepEqual(decodeReceiptHandle(encodeReceiptHandle(big)), big);
  assert.match(Buffer.from(encodeReceiptHandle(big), "base64").toString("utf8"), /^1:7:/);
});

test("version 2 look-alikes with zero ids or a wrong marker are refused", () => {
  const mk = (f: (b: Buffer) => void) => {
    const b = Buffer.from(encodeReceiptHandle({ queueId: 3, rowId: 9, nonce: newNonce() }), "base64");
    f(b);
    return b.toString("base64");
  };
  for (const bad of [mk((b) => b.writeUInt32BE(0, 1)), mk((b) => b.writeUIntBE(0, 6, 6)), mk((b) => (b[5] = 1)), mk((b) => (b[0] = 3))]) {
    assert.equal(decodeReceiptHandle(bad), undefined, bad);
  }
});
