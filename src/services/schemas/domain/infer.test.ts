// Inference and fingerprints: AWS's layout (AWSEvent envelope, detail and nested objects as components), shapes
// compared by keys and kinds not values, and depth bounds that keep any event from overflowing the stack.
import assert from "node:assert/strict";
import { test } from "node:test";
import { contentFingerprint, discoveredName, inferOpenApi, MAX_DEPTH, mergeInferred, pascal, shapeFingerprint } from "./infer.ts";

test("names: source@DetailType with the detail-type in PascalCase", () => {
  assert.equal(discoveredName("aws.ec2", "EC2 Instance State-change Notification"), "aws.ec2@EC2InstanceStateChangeNotification");
  assert.equal(discoveredName("users", "userCreated"), "users@UserCreated");
  assert.equal(pascal("  "), "Event");
  assert.equal(pascal("1 thing"), "N1Thing");
});

test("the inferred document: envelope, detail and nested objects as components, arrays by their first item", () => {
  const doc = inferOpenApi({ source: "s", "detail-type": "Order Placed", detail: { id: "x", n: 1, f: 1.5, ok: true, at: "2026-01-01T00:00:00Z", tags: ["a"], lines: [{ sku: "k" }], gone: null, addr: { city: "c" } } });
  const c = (doc.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
  assert.deepEqual(Object.keys(c), ["AWSEvent", "OrderPlaced", "Addr", "Lines"]);
  assert.deepEqual(c.AWSEvent.properties && (c.AWSEvent.properties as Record<string, unknown>).detail, { $ref: "#/components/schemas/OrderPlaced" });
  const p = c.OrderPlaced.properties as Record<string, unknown>;
  assert.deepEqual(p.n, { type: "number" });
  assert.deepEqual(p.f, { type: "number", format: "double" });
  assert.deepEqual(p.at, { type: "string", format: "date-time" });
  assert.deepEqual(p.tags, { type: "array", items: { type: "string" } });
  assert.deepEqual(p.lines, { type: "array", items: { $ref: "#/components/schemas/Lines" } });
  assert.deepEqual(p.gone, {});
  assert.deepEqual(c.OrderPlaced.required, ["addr", "at", "f", "id", "lines", "n", "ok", "tags"]);
});

test("fingerprints: same shape same print, another shape another; key order does not matter", () => {
  const a = shapeFingerprint({ source: "s", "detail-type": "t", detail: { a: 1, b: { c: "x" } } });
  assert.equal(a, shapeFingerprint({ source: "s", "detail-type": "t", detail: { b: { c: "y" }, a: 7 } }));
  assert.notEqual(a, shapeFingerprint({ source: "s", "detail-type": "t", detail: { a: 1, b: { c: 2 } } }));
  assert.notEqual(a, shapeFingerprint({ source: "s", "detail-type": "t", detail: { a: 1, b: { c: "x", d: 1 } } }));
  assert.notEqual(shapeFingerprint({ source: "s", "detail-type": "t", detail: { a: { b: 1 }, c: 1 } }), shapeFingerprint({ source: "s", "detail-type": "t", detail: { a: { b: 1, c: 1 } } }));
  assert.equal(contentFingerprint({ a: 1, b: [1, { c: 2 }] }), contentFingerprint({ b: [1, { c: 2 }], a: 1 }));
});

test("probe: 100,000 levels of nesting infer and fingerprint without overflowing the stack", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = i % 2 ? { k: deep } : [deep];
  const event = { source: "s", "detail-type": "deep", detail: { root: deep } };
  const fp = shapeFingerprint(event);
  assert.equal(typeof fp, "string");
  const doc = inferOpenApi(event);
  const comps = Object.keys((doc.components as { schemas: object }).schemas).length;
  assert.ok(comps <= MAX_DEPTH + 2, String(comps));
  assert.equal(typeof contentFingerprint(doc), "string");
});

test("samples merged: properties united, required only where every sample has the key, null gives way to a type", () => {
  const a = inferOpenApi({ source: "s", "detail-type": "T", detail: { id: "x", n: null, sub: { a: 1 } } });
  const b = inferOpenApi({ source: "s", "detail-type": "T", detail: { id: "y", n: 2, extra: true, sub: { a: 1, b: "z" } } });
  const m = mergeInferred(a, b);
  const c = (m.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
  assert.deepEqual(Object.keys(c.T.properties as object), ["extra", "id", "n", "sub"]);
  assert.deepEqual(c.T.required, ["id", "sub"]);
  assert.deepEqual((c.T.properties as Record<string, unknown>).n, { type: "number" });
  assert.deepEqual(Object.keys(c.Sub.properties as object), ["a", "b"]);
  assert.deepEqual(c.Sub.required, ["a"]);
  assert.ok(c.AWSEvent.required);
});
