// REST-JSON details the Schema Registry needed first: body timestamps whose shape says iso8601 are written as ISO
// strings (Smithy timestampFormat; epoch seconds otherwise), and an error's own members (Schemas' Code and Message)
// travel in its body beside `message`. Through the real SDK client's deserializers (harness.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { DescribeSchemaCommand, NotFoundException, SchemasClient } from "@aws-sdk/client-schemas";
import { AwsError } from "../../src/protocol/errors.ts";
import { schemasModel } from "../../src/protocol/models/schemas.gen.ts";
import { echoService, pipeline, through, type Captured } from "./harness.ts";

const schemas = echoService(schemasModel, ["rest-json"]);
const handler = pipeline([schemas.definition]);
const T = new Date("2026-12-06T20:00:00.123Z");

test("iso8601 timestamps go out as ISO strings and come back as the same Date", async () => {
  const cap: Captured = {};
  schemas.answer("DescribeSchema", { SchemaName: "s", LastModified: T, VersionCreatedDate: T, SchemaVersion: "1", Tags: {} });
  const out = await new SchemasClient(through(handler, cap)).send(new DescribeSchemaCommand({ RegistryName: "r", SchemaName: "s" }));
  const body = JSON.parse(String(cap.reply?.body));
  assert.equal(body.LastModified, "2026-12-06T20:00:00.123Z");
  assert.equal(out.LastModified?.getTime(), T.getTime());
  assert.equal(out.VersionCreatedDate?.getTime(), T.getTime());
});

test("an error's body carries its shape's members (Code, Message) and the SDK raises the modelled exception", async () => {
  const cap: Captured = {};
  schemas.answer("DescribeSchema", new AwsError("NotFoundException", "Schema s does not exist.", { status: 404, body: { Code: "NotFoundException", Message: "Schema s does not exist." } }));
  await assert.rejects(new SchemasClient(through(handler, cap)).send(new DescribeSchemaCommand({ RegistryName: "r", SchemaName: "s" })), (e: unknown) => {
    assert.ok(e instanceof NotFoundException);
    assert.equal(e.Code, "NotFoundException");
    assert.equal(e.message, "Schema s does not exist.");
    assert.equal(cap.reply?.headers["x-amzn-errortype"], "NotFoundException");
    assert.deepEqual(JSON.parse(String(cap.reply?.body)), { message: "Schema s does not exist.", Code: "NotFoundException", Message: "Schema s does not exist." });
    return true;
  });
});
