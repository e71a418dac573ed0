// The EventBridge Schema Registry through @aws-sdk/client-schemas: registries (with the AWS-managed aws.events and
// discovered-schemas) and their errors, schemas and versions checked on write, search, export, TypeScript code
// bindings that compile, registry policies and tags, discoverers inferring schemas from PutEvents (a new version
// only when the shape changes), and attacker probes (content at and past the limit, deep content and events).
// Both backends (MAILROOM_TEST_BACKEND=postgres for PostgreSQL).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import {
  CreateDiscovererCommand, CreateRegistryCommand, CreateSchemaCommand, DeleteDiscovererCommand, DeleteRegistryCommand, DeleteResourcePolicyCommand,
  DeleteSchemaCommand, DeleteSchemaVersionCommand, DescribeCodeBindingCommand, DescribeDiscovererCommand, DescribeRegistryCommand,
  DescribeSchemaCommand, ExportSchemaCommand, GetCodeBindingSourceCommand, GetDiscoveredSchemaCommand, GetResourcePolicyCommand,
  ListDiscoverersCommand, ListRegistriesCommand, ListSchemasCommand, ListSchemaVersionsCommand, ListTagsForResourceCommand, PutCodeBindingCommand,
  PutResourcePolicyCommand, SchemasClient, SearchSchemasCommand, StartDiscovererCommand, StopDiscovererCommand, TagResourceCommand,
  UntagResourceCommand, UpdateDiscovererCommand, UpdateRegistryCommand, UpdateSchemaCommand,
} from "@aws-sdk/client-schemas";
import { ManualClock } from "../../../src/engine/clock.ts";
import { TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 0, 1));
const { server } = useTestServer({ clock });
const ACCOUNT = "000000000000";
let schemasClient: SchemasClient | undefined;
let eventsClient: EventBridgeClient | undefined;
const cfg = () => ({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
/** The clients, made once the server is up (useTestServer starts it in before()). */
const schemas = { send: ((cmd: never) => (schemasClient ??= new SchemasClient(cfg())).send(cmd)) as SchemasClient["send"] };
const events = { send: ((cmd: never) => (eventsClient ??= new EventBridgeClient(cfg())).send(cmd)) as EventBridgeClient["send"] };

/** The AWS error a call fails with: its name, HTTP status and the body's Code. */
async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number; code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; $metadata?: { httpStatusCode?: number }; Code?: string; message: string };
    return { name: err.name, status: err.$metadata?.httpStatusCode, code: err.Code, message: err.message };
  }
  assert.fail("the call succeeded");
}

/** Polls (real time, bounded: a hang guard only) until fn gives a value. */
async function eventually<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const openapi = (props: Record<string, unknown>, title = "Thing") =>
  JSON.stringify({ openapi: "3.0.0", info: { version: "1.0.0", title }, paths: {}, components: { schemas: { [title]: { type: "object", properties: props } } } });

describe("registries", () => {
  test("create, describe, update, list with paging, delete; AWS's errors", async () => {
    const made = await schemas.send(new CreateRegistryCommand({ RegistryName: "orders", Description: "Order events", Tags: { team: "a" } }));
    assert.equal(made.RegistryArn, `arn:aws:schemas:us-east-1:${ACCOUNT}:registry/orders`);
    assert.equal(made.$metadata.httpStatusCode, 201);
    const d = await schemas.send(new DescribeRegistryCommand({ RegistryName: "orders" }));
    assert.deepEqual([d.RegistryName, d.Description, d.Tags], ["orders", "Order events", { team: "a" }]);
    const dup = await failure(schemas.send(new CreateRegistryCommand({ RegistryName: "orders" })));
    assert.deepEqual([dup.name, dup.status, dup.code], ["ConflictException", 409, "ConflictException"]);
    const missing = await failure(schemas.send(new DescribeRegistryCommand({ RegistryName: "nope" })));
    assert.deepEqual([missing.name, missing.status, missing.code], ["NotFoundException", 404, "NotFoundException"]);
    const bad = await failure(schemas.send(new CreateRegistryCommand({ RegistryName: "has space" })));
    assert.deepEqual([bad.name, bad.status], ["BadRequestException", 400]);
    const long = await failure(schemas.send(new CreateRegistryCommand({ RegistryName: "orders", Description: "x".repeat(257) })));
    assert.equal(long.name, "BadRequestException");
    const u = await schemas.send(new UpdateRegistryCommand({ RegistryName: "orders", Description: "changed" }));
    assert.equal(u.Description, "changed");

    for (const n of ["p1", "p2", "p3"]) await schemas.send(new CreateRegistryCommand({ RegistryName: n }));
    const page1 = await schemas.send(new ListRegistriesCommand({ RegistryNamePrefix: "p", Limit: 2 }));
    assert.deepEqual(page1.Registries?.map((r) => r.RegistryName), ["p1", "p2"]);
    const page2 = await schemas.send(new ListRegistriesCommand({ RegistryNamePrefix: "p", Limit: 2, NextToken: page1.NextToken }));
    assert.deepEqual(page2.Registries?.map((r) => r.RegistryName), ["p3"]);
    assert.equal(page2.NextToken, undefined);
    const aws = await schemas.send(new ListRegistriesCommand({ Scope: "AWS" }));
    assert.deepEqual(aws.Registries?.map((r) => r.RegistryName), ["aws.events", "discovered-schemas"]);
    const local = await schemas.send(new ListRegistriesCommand({ Scope: "LOCAL", RegistryNamePrefix: "orders" }));
    assert.deepEqual(local.Registries?.map((r) => r.RegistryName), ["orders"]);

    await schemas.send(new DeleteRegistryCommand({ RegistryName: "p3" }));
    assert.equal((await failure(schemas.send(new DeleteRegistryCommand({ RegistryName: "p3" })))).name, "NotFoundException");
  });

  test("the AWS-managed registries exist and cannot be changed", async () => {
    const d = await schemas.send(new DescribeRegistryCommand({ RegistryName: "aws.events" }));
    assert.equal(d.RegistryName, "aws.events");
    assert.equal((await failure(schemas.send(new DeleteRegistryCommand({ RegistryName: "aws.events" })))).name, "ForbiddenException");
    assert.equal((await failure(schemas.send(new CreateRegistryCommand({ RegistryName: "discovered-schemas" })))).name, "ConflictException");
    const listed = await schemas.send(new ListSchemasCommand({ RegistryName: "aws.events" }));
    assert.ok(listed.Schemas?.some((s) => s.SchemaName === "aws.events@ScheduledEvent"));
    const s = await schemas.send(new DescribeSchemaCommand({ RegistryName: "aws.events", SchemaName: "aws.events@ScheduledEvent" }));
    assert.equal(JSON.parse(s.Content!).components.schemas.AWSEvent["x-amazon-events-detail-type"], "Scheduled Event");
    const refused = await failure(schemas.send(new CreateSchemaCommand({ RegistryName: "aws.events", SchemaName: "x", Type: "OpenApi3", Content: openapi({}) })));
    assert.equal(refused.name, "ForbiddenException");
  });
});

describe("schemas", () => {
  before(async () => {
    await schemas.send(new CreateRegistryCommand({ RegistryName: "shop" }));
  });

  test("create, versions on update (none when unchanged), list, search, export, delete", async () => {
    const v1 = await schemas.send(new CreateSchemaCommand({
      RegistryName: "shop", SchemaName: "shop@OrderPlaced", Type: "OpenApi3", Content: openapi({ id: { type: "string" } }, "OrderPlaced"), Description: "d1", Tags: { k: "v" },
    }));
    assert.deepEqual([v1.SchemaVersion, v1.Type, v1.SchemaArn], ["1", "OpenApi3", `arn:aws:schemas:us-east-1:${ACCOUNT}:schema/shop/shop@OrderPlaced`]);
    assert.ok(v1.VersionCreatedDate instanceof Date);
    const dup = await failure(schemas.send(new CreateSchemaCommand({ RegistryName: "shop", SchemaName: "shop@OrderPlaced", Type: "OpenApi3", Content: openapi({}) })));
    assert.equal(dup.name, "ConflictException");
    const noRegistry = await failure(schemas.send(new CreateSchemaCommand({ RegistryName: "none", SchemaName: "s", Type: "OpenApi3", Content: openapi({}) })));
    assert.equal(noRegistry.name, "NotFoundException");

    const same = await schemas.send(new UpdateSchemaCommand({ RegistryName: "shop", SchemaName: "shop@OrderPlaced", Content: openapi({ id: { type: "string" } }, "OrderPlaced") }));
    assert.equal(same.SchemaVersion, "1");
    const v2 = await schemas.send(new UpdateSchemaCommand({
      RegistryName: "shop", SchemaName: "shop@OrderPlaced", Content: openapi({ id: { type: "string" }, total: { type: "number" } }, "OrderPlaced"),
    }));
    assert.equal(v2.SchemaVersion, "2");
    assert.equal(v2.Description, "d1");
    const desc = await schemas.send(new UpdateSchemaCommand({ RegistryName: "shop", SchemaName: "shop@OrderPlaced", Description: "d2" }));
    assert.deepEqual([desc.SchemaVersion, desc.Description], ["2", "d2"]);

    const old = await schemas.send(new DescribeSchemaCommand({ RegistryName: "shop", SchemaName: "shop@OrderPlaced", SchemaVersion: "1" }));
    assert.deepEqual(Object.keys(JSON.parse(old.Content!).components.schemas.OrderPlaced.properties), ["id"]);
    const latest = await schemas.send(new DescribeSchemaCommand({ RegistryName: "shop", SchemaName: "shop@OrderPlaced" }));
    assert.deepEqual([latest.SchemaVersion, latest.Tags], ["2", { k: "v" }]);
    assert.equal((await failure(schemas.send(new DescribeSchemaCommand({ RegistryName: "shop", SchemaName: "shop@OrderPlaced", SchemaVersion: "9" })))).name, "NotFoundException");
    assert.equal((await failure(schemas.send(new DescribeSchemaCommand({ RegistryName: "shop", SchemaName: "nope" })))).name, "NotFoundException");

    const versions = await schemas.send(new ListSchemaVersionsCommand({ RegistryName: "shop", SchemaName: "shop@OrderPlaced" }));
    assert.deepEqual(versions.SchemaVersions?.map((v) => v.SchemaVersion), ["1", "2"]);
    const listed = await schemas.send(new ListSchemasCommand({ RegistryName: "shop", SchemaNamePrefix: "shop@" }));
    assert.deepEqual(listed.Schemas?.map((s) => [s.SchemaName, s.VersionCount]), [["shop@OrderPlaced", 2]]);
    const found = await schemas.send(new SearchSchemasCommand({ RegistryName: "shop", Keywords: "orderplaced" }));
    assert.deepEqual(found.Schemas?.map((s) => [s.SchemaName, s.SchemaVersions?.map((v) => v.SchemaVersion)]), [["shop@OrderPlaced", ["1", "2"]]]);

    const exported = await schemas.send(new ExportSchemaCommand({ RegistryName: "shop", SchemaName: "shop@OrderPlaced", Type: "JSONSchemaDraft4" }));
    const draft4 = JSON.parse(exported.Content!);
    assert.equal(draft4.$schema, "http://json-schema.org/draft-04/schema#");
    assert.deepEqual(Object.keys(draft4.properties), ["id", "total"]);
    assert.equal((await failure(schemas.send(new ExportSchemaCommand({ RegistryName: "shop", SchemaName: "shop@OrderPlaced", Type: "OpenApi3" })))).name, "BadRequestException");

    const latestRefused = await failure(schemas.send(new DeleteSchemaVersionCommand({ RegistryName: "shop", SchemaName: "shop@OrderPlaced", SchemaVersion: "2" })));
    assert.equal(latestRefused.name, "BadRequestException");
    await schemas.send(new DeleteSchemaVersionCommand({ RegistryName: "shop", SchemaName: "shop@OrderPlaced", SchemaVersion: "1" }));
    const after = await schemas.send(new ListSchemaVersionsCommand({ RegistryName: "shop", SchemaName: "shop@OrderPlaced" }));
    assert.deepEqual(after.SchemaVersions?.map((v) => v.SchemaVersion), ["2"]);
    await schemas.send(new DeleteSchemaCommand({ RegistryName: "shop", SchemaName: "shop@OrderPlaced" }));
    assert.equal((await failure(schemas.send(new DeleteSchemaCommand({ RegistryName: "shop", SchemaName: "shop@OrderPlaced" })))).name, "NotFoundException");
  });

  test("content is checked on write against its type", async () => {
    const cases: [string, string][] = [
      ["OpenApi3", "not json"],
      ["OpenApi3", "[1,2]"],
      ["OpenApi3", JSON.stringify({ openapi: "2.0", info: { title: "t", version: "1" } })],
      ["OpenApi3", JSON.stringify({ openapi: "3.0.0" })],
      ["OpenApi3", JSON.stringify({ openapi: "3.0.0", info: { title: "t", version: "1" }, components: { schemas: { A: { type: "banana" } } } })],
      ["JSONSchemaDraft4", JSON.stringify({ $schema: "http://json-schema.org/draft-07/schema#", type: "object" })],
      ["JSONSchemaDraft4", JSON.stringify({ type: "object", properties: { a: { required: "yes" } } })],
    ];
    for (const [type, content] of cases) {
      const e = await failure(schemas.send(new CreateSchemaCommand({ RegistryName: "shop", SchemaName: "bad", Type: type as "OpenApi3", Content: content })));
      assert.deepEqual([e.name, e.status], ["BadRequestException", 400], content);
    }
    const badType = await failure(schemas.send(new CreateSchemaCommand({ RegistryName: "shop", SchemaName: "bad", Type: "Avro" as "OpenApi3", Content: "{}" })));
    assert.equal(badType.name, "BadRequestException");
    const ok = await schemas.send(new CreateSchemaCommand({
      RegistryName: "shop", SchemaName: "draft4", Type: "JSONSchemaDraft4",
      Content: JSON.stringify({ $schema: "http://json-schema.org/draft-04/schema#", type: "object", properties: { a: { type: "integer" } }, required: ["a"] }),
    }));
    assert.equal(ok.Type, "JSONSchemaDraft4");
  });

  test("probe: content at the 100,000-character limit is taken, one more is refused, deep content is refused without a crash", async () => {
    const base = openapi({ pad: { type: "string", description: "" } }, "Big");
    const atLimit = base.replace('"description":""', `"description":"${"x".repeat(100_000 - base.length)}"`);
    assert.equal(atLimit.length, 100_000);
    const made = await schemas.send(new CreateSchemaCommand({ RegistryName: "shop", SchemaName: "big", Type: "OpenApi3", Content: atLimit }));
    assert.equal(made.SchemaVersion, "1");
    const got = await schemas.send(new DescribeSchemaCommand({ RegistryName: "shop", SchemaName: "big" }));
    assert.equal(got.Content, atLimit);
    const over = await failure(schemas.send(new CreateSchemaCommand({ RegistryName: "shop", SchemaName: "big2", Type: "OpenApi3", Content: `${atLimit} ` })));
    assert.equal(over.name, "BadRequestException");
    // 49,000 levels of nesting within the limit: refused as content, never a stack overflow.
    const deep = `${'{"a":'.repeat(19_000)}1${"}".repeat(19_000)}`;
    const e = await failure(schemas.send(new CreateSchemaCommand({ RegistryName: "shop", SchemaName: "deep", Type: "JSONSchemaDraft4", Content: deep })));
    assert.equal(e.name, "BadRequestException");
    const arrays = `${"[".repeat(99_000)}${"]".repeat(999)}`;
    assert.equal((await failure(schemas.send(new CreateSchemaCommand({ RegistryName: "shop", SchemaName: "deep", Type: "OpenApi3", Content: arrays })))).name, "BadRequestException");
  });

  test("tags and resource policies", async () => {
    const arn = `arn:aws:schemas:us-east-1:${ACCOUNT}:registry/shop`;
    await schemas.send(new TagResourceCommand({ ResourceArn: arn, Tags: { a: "1", b: "2" } }));
    await schemas.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ["a"] }));
    assert.deepEqual((await schemas.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags, { b: "2" });
    const missing = await failure(schemas.send(new ListTagsForResourceCommand({ ResourceArn: `arn:aws:schemas:us-east-1:${ACCOUNT}:registry/none` })));
    assert.equal(missing.name, "NotFoundException");
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    assert.equal((await failure(schemas.send(new TagResourceCommand({ ResourceArn: arn, Tags: tooMany })))).name, "BadRequestException");

    assert.equal((await failure(schemas.send(new GetResourcePolicyCommand({ RegistryName: "shop" })))).name, "NotFoundException");
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "111111111111" }, Action: "schemas:*", Resource: arn }] });
    const put = await schemas.send(new PutResourcePolicyCommand({ RegistryName: "shop", Policy: policy }));
    assert.ok(put.RevisionId);
    const got = await schemas.send(new GetResourcePolicyCommand({ RegistryName: "shop" }));
    assert.deepEqual(JSON.parse(String(got.Policy)), JSON.parse(policy));
    assert.equal(got.RevisionId, put.RevisionId);
    const stale = await failure(schemas.send(new PutResourcePolicyCommand({ RegistryName: "shop", Policy: policy, RevisionId: "not-the-revision" })));
    assert.deepEqual([stale.name, stale.status], ["PreconditionFailedException", 412]);
    const again = await schemas.send(new PutResourcePolicyCommand({ RegistryName: "shop", Policy: policy, RevisionId: put.RevisionId }));
    assert.notEqual(again.RevisionId, put.RevisionId);
    assert.equal((await failure(schemas.send(new PutResourcePolicyCommand({ RegistryName: "shop", Policy: "nope" })))).name, "BadRequestException");
    await schemas.send(new DeleteResourcePolicyCommand({ RegistryName: "shop" }));
    assert.equal((await failure(schemas.send(new DeleteResourcePolicyCommand({ RegistryName: "shop" })))).name, "NotFoundException");
  });
});

/** The files of a zip archive, extracted with the system's unzip into a fresh directory. */
function extract(zipBytes: Uint8Array): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "mailroom-binding-"));
  writeFileSync(join(dir, "binding.zip"), zipBytes);
  execFileSync("unzip", ["-q", "binding.zip", "-d", "out"], { cwd: dir });
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p.slice(join(dir, "out").length + 1));
    }
  };
  walk(join(dir, "out"));
  return { dir, files: files.sort() };
}

describe("code bindings and discovery", () => {
  test("a discoverer infers source@DetailType in discovered-schemas; a new version only when the shape changes", async () => {
    await events.send(new CreateEventBusCommand({ Name: "app" }));
    const busArn = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/app`;
    const d = await schemas.send(new CreateDiscovererCommand({ SourceArn: busArn, Description: "app events" }));
    assert.deepEqual([d.State, d.CrossAccount, d.DiscovererId], ["STARTED", true, "events-event-bus-app"]);
    assert.equal((await failure(schemas.send(new CreateDiscovererCommand({ SourceArn: busArn })))).name, "ConflictException");
    const noBus = await failure(schemas.send(new CreateDiscovererCommand({ SourceArn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/none` })));
    assert.equal(noBus.name, "BadRequestException");
    assert.equal((await schemas.send(new ListDiscoverersCommand({ SourceArnPrefix: busArn }))).Discoverers?.length, 1);

    const put = (detailType: string, detail: unknown, bus = "app") =>
      events.send(new PutEventsCommand({ Entries: [{ EventBusName: bus, Source: "com.shop", DetailType: detailType, Detail: JSON.stringify(detail) }] }));
    const describe = (name: string) =>
      schemas.send(new DescribeSchemaCommand({ RegistryName: "discovered-schemas", SchemaName: name })).catch((e: { name: string }) => {
        if (e.name === "NotFoundException") return undefined;
        throw e;
      });

    await put("Order Placed", { orderId: "o-1", total: 12.5, items: [{ sku: "a", qty: 1 }], customer: { id: "c1" } });
    const v1 = await eventually(() => describe("com.shop@OrderPlaced"), "the discovered schema");
    assert.equal(v1.SchemaVersion, "1");
    const doc = JSON.parse(v1.Content!);
    assert.equal(doc.openapi, "3.0.0");
    assert.equal(doc.info.title, "OrderPlaced");
    assert.equal(doc.components.schemas.AWSEvent["x-amazon-events-source"], "com.shop");
    assert.equal(doc.components.schemas.AWSEvent["x-amazon-events-detail-type"], "Order Placed");
    assert.deepEqual(doc.components.schemas.AWSEvent.properties.detail, { $ref: "#/components/schemas/OrderPlaced" });
    assert.deepEqual(Object.keys(doc.components.schemas.OrderPlaced.properties), ["customer", "items", "orderId", "total"]);
    assert.deepEqual(doc.components.schemas.OrderPlaced.properties.customer, { $ref: "#/components/schemas/Customer" });

    // The same shape with other values: no new version. A sentinel event after it shows the queue was drained.
    await put("Order Placed", { orderId: "o-2", total: 99.25, items: [{ sku: "b", qty: 3 }], customer: { id: "c2" } });
    await put("Sentinel One", { x: 1 });
    await eventually(() => describe("com.shop@SentinelOne"), "the sentinel");
    assert.equal((await describe("com.shop@OrderPlaced"))?.SchemaVersion, "1");

    // A field added: version 2.
    await put("Order Placed", { orderId: "o-3", total: 1.5, items: [], customer: { id: "c3" }, coupon: "X" });
    const v2 = await eventually(async () => {
      const s = await describe("com.shop@OrderPlaced");
      return s?.SchemaVersion === "2" ? s : undefined;
    }, "version 2");
    assert.ok("coupon" in JSON.parse(v2.Content!).components.schemas.OrderPlaced.properties);

    // Stopped: events are not inferred (a sentinel on another bus, with its own discoverer, shows they were seen).
    await schemas.send(new StopDiscovererCommand({ DiscovererId: d.DiscovererId }));
    assert.equal((await schemas.send(new DescribeDiscovererCommand({ DiscovererId: d.DiscovererId }))).State, "STOPPED");
    await events.send(new CreateEventBusCommand({ Name: "other" }));
    await schemas.send(new CreateDiscovererCommand({ SourceArn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/other` }));
    await put("While Stopped", { a: 1 });
    await put("Sentinel Two", { a: 1 }, "other");
    await eventually(() => describe("com.shop@SentinelTwo"), "the second sentinel");
    assert.equal(await describe("com.shop@WhileStopped"), undefined);
    await schemas.send(new StartDiscovererCommand({ DiscovererId: d.DiscovererId }));
    const upd = await schemas.send(new UpdateDiscovererCommand({ DiscovererId: d.DiscovererId, CrossAccount: false, Description: "x" }));
    assert.deepEqual([upd.CrossAccount, upd.Description, upd.State], [false, "x", "STARTED"]);

    // Probe: an event nested 900 levels deep (EventBridge takes up to 1,000) is inferred up to 255 levels, no crash.
    let deep: unknown = 1;
    for (let i = 0; i < 900; i++) deep = { n: deep };
    await put("Deep Event", deep);
    const deepSchema = await eventually(() => describe("com.shop@DeepEvent"), "the deep event's schema");
    assert.ok(deepSchema.Content!.length < 200_000);

    await schemas.send(new DeleteDiscovererCommand({ DiscovererId: d.DiscovererId }));
    assert.equal((await failure(schemas.send(new DescribeDiscovererCommand({ DiscovererId: d.DiscovererId })))).name, "NotFoundException");
  });

  test("GetDiscoveredSchema infers from sample events", async () => {
    const event = { source: "com.shop", "detail-type": "Refund Issued", detail: { amount: 3, at: "2026-01-01T00:00:00Z" } };
    const r = await schemas.send(new GetDiscoveredSchemaCommand({ Type: "OpenApi3", Events: [JSON.stringify(event)] }));
    const doc = JSON.parse(r.Content!);
    assert.deepEqual(doc.components.schemas.RefundIssued.properties.at, { type: "string", format: "date-time" });
    const second = { ...event, detail: { amount: 4, note: "n" } };
    const d4 = JSON.parse((await schemas.send(new GetDiscoveredSchemaCommand({ Type: "JSONSchemaDraft4", Events: [JSON.stringify(event), JSON.stringify(second)] }))).Content!);
    assert.equal(d4.$schema, "http://json-schema.org/draft-04/schema#");
    assert.deepEqual(Object.keys(d4.definitions.RefundIssued.properties), ["amount", "at", "note"]);
    assert.deepEqual(d4.definitions.RefundIssued.required, ["amount"]);
    const eleven = await failure(schemas.send(new GetDiscoveredSchemaCommand({ Type: "OpenApi3", Events: Array.from({ length: 11 }, () => JSON.stringify(event)) })));
    assert.equal(eleven.name, "BadRequestException");
    const e = await failure(schemas.send(new GetDiscoveredSchemaCommand({ Type: "OpenApi3", Events: ["not json"] })));
    assert.equal(e.name, "BadRequestException");
  });

  test("a TypeScript code binding goes CREATE_IN_PROGRESS → CREATE_COMPLETE and its zip compiles with tsc", async () => {
    await schemas.send(new CreateRegistryCommand({ RegistryName: "bind" }));
    const doc = JSON.stringify({
      openapi: "3.0.0", info: { version: "1.0.0", title: "OrderShipped" }, paths: {},
      components: {
        schemas: {
          AWSEvent: {
            type: "object", required: ["detail", "detail-type"], "x-amazon-events-source": "com.shop", "x-amazon-events-detail-type": "Order Shipped",
            properties: { detail: { $ref: "#/components/schemas/OrderShipped" }, "detail-type": { type: "string" }, time: { type: "string", format: "date-time" } },
          },
          OrderShipped: {
            type: "object", required: ["orderId"],
            properties: {
              orderId: { type: "string" }, "weird key": { type: "integer" }, lines: { type: "array", items: { $ref: "#/components/schemas/Line" } },
              address: { type: "object", properties: { city: { type: "string" } } }, class: { type: "boolean" },
            },
          },
          Line: { type: "object", properties: { sku: { type: "string" }, qty: { type: "number" } } },
          "*/ evil": { type: "object", properties: { "'; process.exit(1); '": { type: "string" } } },
        },
      },
    });
    await schemas.send(new CreateSchemaCommand({ RegistryName: "bind", SchemaName: "com.shop@OrderShipped", Type: "OpenApi3", Content: doc }));
    const put = await schemas.send(new PutCodeBindingCommand({ RegistryName: "bind", SchemaName: "com.shop@OrderShipped", Language: "TypeScript3" }));
    assert.equal(put.$metadata.httpStatusCode, 202);
    assert.ok(put.Status === "CREATE_IN_PROGRESS" || put.Status === "CREATE_COMPLETE");
    await eventually(async () => {
      const d = await schemas.send(new DescribeCodeBindingCommand({ RegistryName: "bind", SchemaName: "com.shop@OrderShipped", Language: "TypeScript3" }));
      return d.Status === "CREATE_COMPLETE" ? d : undefined;
    }, "CREATE_COMPLETE");
    const again = await failure(schemas.send(new PutCodeBindingCommand({ RegistryName: "bind", SchemaName: "com.shop@OrderShipped", Language: "TypeScript3" })));
    assert.equal(again.name, "ConflictException");
    const java = await failure(schemas.send(new PutCodeBindingCommand({ RegistryName: "bind", SchemaName: "com.shop@OrderShipped", Language: "Java8" })));
    assert.equal(java.name, "BadRequestException");
    const go = await failure(schemas.send(new PutCodeBindingCommand({ RegistryName: "bind", SchemaName: "com.shop@OrderShipped", Language: "Go1" })));
    assert.equal(go.name, "BadRequestException");
    assert.equal(java.name, "BadRequestException");
    const cobol = await failure(schemas.send(new PutCodeBindingCommand({ RegistryName: "bind", SchemaName: "com.shop@OrderShipped", Language: "Cobol" })));
    assert.equal(cobol.name, "BadRequestException");

    const src = await schemas.send(new GetCodeBindingSourceCommand({ RegistryName: "bind", SchemaName: "com.shop@OrderShipped", Language: "TypeScript3" }));
    const { dir, files } = extract(src.Body!);
    try {
      const pkg = "schema/com/shop/ordershipped";
      assert.ok(files.includes(`${pkg}/AWSEvent.ts`), files.join(","));
      assert.ok(files.includes(`${pkg}/OrderShipped.ts`));
      assert.ok(files.includes(`${pkg}/Marshaller.ts`));
      writeFileSync(join(dir, "out", "use.ts"), [
        `import { AWSEvent, OrderShipped, Marshaller } from './${pkg}/index';`,
        "const e = Marshaller.unmarshal({ detail: { orderId: 'o' }, 'detail-type': 'Order Shipped' }, AWSEvent);",
        "const d: OrderShipped = e.detail;",
        "const id: string = d.orderId;",
        "const lines: number | undefined = d.lines?.[0]?.qty;",
        "export { id, lines };",
        "",
      ].join("\n"));
      const tsc = join(process.cwd(), "node_modules", ".bin", "tsc");
      execFileSync(tsc, ["--strict", "--noEmit", "--target", "es2020", "--module", "commonjs", "--types", "", ...files.filter((f) => f.endsWith(".ts")).map((f) => join("out", f)), join("out", "use.ts")], {
        cwd: dir, stdio: "pipe",
      });
    } catch (e) {
      const err = e as { stdout?: Buffer; stderr?: Buffer };
      assert.fail(`tsc failed: ${err.stdout?.toString() ?? ""}${err.stderr?.toString() ?? ""}${String(e)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a Python36 code binding imports, unmarshalls an event and marshalls it back", async () => {
    const event = { version: "0", id: "1", "detail-type": "Parcel Sent", source: "com.post", account: ACCOUNT, time: "2026-01-01T00:00:00Z", region: "us-east-1",
      resources: ["r"], detail: { parcelId: "p1", weightKg: 1.5, class: "first", to: { city: "Oslo" }, stops: [{ at: "2026-01-02T00:00:00Z", code: 3 }] } };
    const inferred = await schemas.send(new GetDiscoveredSchemaCommand({ Type: "OpenApi3", Events: [JSON.stringify(event)] }));
    await schemas.send(new CreateSchemaCommand({ RegistryName: "bind", SchemaName: "com.post@ParcelSent", Type: "OpenApi3", Content: inferred.Content! }));
    const put = await schemas.send(new PutCodeBindingCommand({ RegistryName: "bind", SchemaName: "com.post@ParcelSent", Language: "Python36" }));
    assert.equal(put.$metadata.httpStatusCode, 202);
    await eventually(async () => {
      const d = await schemas.send(new DescribeCodeBindingCommand({ RegistryName: "bind", SchemaName: "com.post@ParcelSent", Language: "Python36" }));
      return d.Status === "CREATE_COMPLETE" ? d : undefined;
    }, "CREATE_COMPLETE");
    const src = await schemas.send(new GetCodeBindingSourceCommand({ RegistryName: "bind", SchemaName: "com.post@ParcelSent", Language: "Python36" }));
    const { dir, files } = extract(src.Body!);
    try {
      assert.ok(files.includes("schema/com/post/parcelsent/__init__.py"), files.join(","));
      assert.ok(files.includes("schema/com/post/parcelsent/marshaller.py"));
      writeFileSync(join(dir, "out", "use.py"), [
        "import json, sys",
        "from schema.com.post.parcelsent import Marshaller, AWSEvent, ParcelSent",
        "event = json.loads(sys.argv[1])",
        "e = Marshaller.unmarshall(event, AWSEvent)",
        "assert isinstance(e.detail, ParcelSent), type(e.detail)",
        "assert e.detail_type == 'Parcel Sent'",
        "assert e.detail.to.city == 'Oslo'",
        "assert e.detail.stops[0].code == 3",
        "assert e.detail.class_ == 'first'",
        "back = Marshaller.marshall(e)",
        "assert back['detail']['weightKg'] == 1.5 and back['detail-type'] == 'Parcel Sent', back",
        "print('ok')",
        "",
      ].join("\n"));
      const out = execFileSync("python3", ["use.py", JSON.stringify(event)], { cwd: join(dir, "out"), stdio: "pipe" }).toString();
      assert.equal(out.trim(), "ok");
    } catch (e) {
      const err = e as { stdout?: Buffer; stderr?: Buffer };
      assert.fail(`python failed: ${err.stdout?.toString() ?? ""}${err.stderr?.toString() ?? ""}${String(e)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
