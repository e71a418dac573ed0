// The linear wildcard and IAM glob matchers: known cases, the issue-12 inputs within a time bound, and a
// differential check against the RegExp translation they replace on small random inputs (where it is fast).
import assert from "node:assert/strict";
import { test } from "node:test";
import { globMatch, parseWildcard, wildcardMatches, type Wildcard } from "./wildcard.ts";

const w = (p: string): Wildcard => {
  const r = parseWildcard(p);
  assert.ok(typeof r !== "string", r as string);
  return r;
};

test("wildcard: stars, literals, escapes, refusals", () => {
  assert.ok(wildcardMatches(w("*"), ""));
  assert.ok(wildcardMatches(w("a*"), "a"));
  assert.ok(wildcardMatches(w("*a"), "ba"));
  assert.ok(!wildcardMatches(w("a*a"), "a"), "the prefix and suffix may not overlap");
  assert.ok(wildcardMatches(w("a*a"), "aa"));
  assert.ok(wildcardMatches(w("*ab*ab*"), "xabyab"));
  assert.ok(!wildcardMatches(w("*ab*ab*"), "xaby"));
  assert.ok(wildcardMatches(w("a\\*b"), "a*b"));
  assert.ok(!wildcardMatches(w("a\\*b"), "axb"));
  assert.ok(wildcardMatches(w("a\\\\*"), "a\\zz"));
  assert.equal(parseWildcard("a**"), "Consecutive wildcard characters at pos 2");
  assert.equal(parseWildcard("a\\b"), "Invalid escape character at pos 1");
});

test("IAM glob: * and ?, case folding for actions", () => {
  assert.ok(globMatch("*", ""));
  assert.ok(globMatch("?", "x"));
  assert.ok(!globMatch("?", ""));
  assert.ok(globMatch("sqs:Send*", "sqs:SendMessageBatch"));
  assert.ok(globMatch("arn:aws:sqs:*:111111111111:q?", "arn:aws:sqs:us-east-1:111111111111:q1"));
  assert.ok(!globMatch("arn:aws:sqs:*:111111111111:q?", "arn:aws:sqs:us-east-1:111111111111:q"));
  assert.ok(globMatch("SQS:SEND*", "sqs:sendmessage", true));
  assert.ok(!globMatch("SQS:SEND*", "sqs:sendmessage"));
});

test("the issue-12 inputs answer in well under a millisecond", () => {
  const t = process.hrtime.bigint();
  assert.ok(!wildcardMatches(w("*a*a*a*a*a*a*a*b"), "a".repeat(60)));
  assert.ok(!wildcardMatches(w("*a*a*a*a*a*a*a*b"), "a".repeat(100_000)));
  assert.ok(!globMatch("*?".repeat(12) + "!", "arn:aws:sqs:us-east-1:111111111111:" + "q".repeat(80)));
  assert.ok(globMatch("*?".repeat(12) + "!", "x".repeat(30) + "!"));
  assert.ok(process.hrtime.bigint() - t < 20_000_000n);
});

test("differential: same answers as the RegExp translation on random small inputs", () => {
  let seed = 12;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pick = (alphabet: string, max: number) => Array.from({ length: rnd(max + 1) }, () => alphabet[rnd(alphabet.length)]).join("");
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (let i = 0; i < 3000; i++) {
    const value = pick("ab", 8);
    const glob = pick("ab*?", 6);
    let re = "";
    for (const c of glob) re += c === "*" ? ".*" : c === "?" ? "." : esc(c);
    assert.equal(globMatch(glob, value), new RegExp(`^${re}$`, "s").test(value), `${glob} ~ ${value}`);
    const wild = pick("ab*", 6).replace(/\*+/g, "*");
    const wre = wild.split("*").map(esc).join(".*");
    assert.equal(wildcardMatches(w(wild), value), new RegExp(`^${wre}$`, "s").test(value), `${wild} ~ ${value}`);
  }
});
