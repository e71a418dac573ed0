// Content checks and the export to JSON Schema draft 4.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkContent, toJsonSchemaDraft4 } from "./content.ts";
import { inferOpenApi } from "./infer.ts";

test("OpenAPI and draft 4 documents are checked; errors say why", () => {
  const ok = checkContent("OpenApi3", JSON.stringify(inferOpenApi({ source: "s", "detail-type": "t", detail: { a: [1] } })));
  assert.ok("doc" in ok);
  const bad = checkContent("OpenApi3", JSON.stringify({ openapi: "3.0.0", info: { title: "t", version: "1" }, components: { schemas: { A: { properties: { b: { type: ["string", "x"] } } } } } }));
  assert.ok("error" in bad && bad.error.includes("components.schemas.A.properties.b"));
  assert.ok("error" in checkContent("JSONSchemaDraft4", JSON.stringify({ type: "object", allOf: [] })));
  assert.ok("doc" in checkContent("JSONSchemaDraft4", JSON.stringify({ type: ["string", "null"], items: [{ type: "string" }] })));
});

test("export: the AWSEvent component is the root, the others definitions, references rewritten", () => {
  const doc = inferOpenApi({ source: "s", "detail-type": "Thing Done", detail: { sub: { a: 1 } } });
  const d4 = toJsonSchemaDraft4("OpenApi3", doc);
  assert.equal(d4.$schema, "http://json-schema.org/draft-04/schema#");
  assert.equal(d4.title, "ThingDone");
  assert.deepEqual((d4.properties as Record<string, unknown>).detail, { $ref: "#/definitions/ThingDone" });
  assert.deepEqual(Object.keys(d4.definitions as object), ["ThingDone", "Sub"]);
  assert.deepEqual(((d4.definitions as Record<string, { properties: Record<string, unknown> }>).ThingDone.properties).sub, { $ref: "#/definitions/Sub" });
  // The original is untouched.
  assert.equal(((doc.components as { schemas: Record<string, { properties: Record<string, { $ref?: string }> }> }).schemas.ThingDone.properties.sub.$ref), "#/components/schemas/Sub");
});
