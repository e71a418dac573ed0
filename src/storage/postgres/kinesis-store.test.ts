// Unit tests of splitKeys: GetRecords' batch of partition keys from their UTF-8 back to back (ADR 0038).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { splitKeys } from "./kinesis-store.ts";

const pack = (keys: string[]) => ({ bytes: Buffer.concat(keys.map((k) => Buffer.from(k, "utf8"))), lengths: keys.map((k) => Buffer.byteLength(k, "utf8")) });

test("any keys of code points (U+0000, controls, multi-byte, astral) come back as they went in", () => {
  for (const keys of [[], ["\u0000"], ["a", "\u0000b", "c"], ["😀", "é", "\u0000😀\u0000", "€𝄞"], ["\u{10ffff}", "\uffff", "\u0080"]]) {
    const { bytes, lengths } = pack(keys);
    assert.deepEqual(splitKeys(bytes, lengths), keys);
  }
  for (const unit of ["binary", "binary-ascii", "grapheme"] as const) {
    fc.assert(fc.property(fc.array(fc.string({ unit, minLength: 1, maxLength: 256 }), { maxLength: 40 }), (keys) => {
      const { bytes, lengths } = pack(keys);
      assert.deepEqual(splitKeys(bytes, lengths), keys);
    }));
  }
});

test("lengths that do not add up to the bytes answer undefined (the caller reads the rows instead)", () => {
  const { bytes } = pack(["ab", "é😀"]);
  assert.equal(splitKeys(bytes, [2, 5]), undefined);
  assert.equal(splitKeys(bytes, [2, 7]), undefined);
  assert.equal(splitKeys(Buffer.from("abc"), [1, 1]), undefined);
  assert.equal(splitKeys(Buffer.from("abc"), [2, 2]), undefined);
});
