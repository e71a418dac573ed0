// Schema Registry probes and discovery across accounts: bad paging tokens, limits, versions and ARNs answer AWS's
// BadRequestException or NotFoundException (never a 500); a discoverer infers another account's events on its bus
// while CrossAccount is true and skips them once it is false; each account sees only its own registries. Both backends.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { EventBridgeClient, PutEventsCommand, PutPermissionCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import {
  CreateDiscovererCommand, CreateRegistryCommand, CreateSchemaCommand, DescribeRegistryCommand, DescribeSchemaCommand, GetCodeBindingSourceCommand,
  ListRegistriesCommand, ListSchemasCommand, ListTagsForResourceCommand, SchemasClient, UpdateDiscovererCommand,
} from "@aws-sdk/client-schemas";
import type { Mailroom } from "../../../src/index.ts";
import { startTestServer } from "../../helpers/server.ts";

const ALICE = { accessKeyId: "AKIDALICE", secretAccessKey: "alice-secret", accountId: "111111111111" };
const BOB = { accessKeyId: "AKIDBOB", secretAccessKey: "bob-secret", accountId: "222222222222" };
let server: Mailroom;
let alice: SchemasClient;
let bob: SchemasClient;
let aliceEvents: EventBridgeClient;
let bobEvents: EventBridgeClient;

before(async () => {
  server = await startTestServer({ accessKeys: [ALICE, BOB] });
  const cfg = (k: typeof ALICE) => ({ endpoint: server.endpoint, region: "us-east-1", credentials: k, maxAttempts: 1 });
  alice = new SchemasClient(cfg(ALICE));
  bob = new SchemasClient(cfg(BOB));
  aliceEvents = new EventBridgeClient(cfg(ALICE));
  bobEvents = new EventBridgeClient(cfg(BOB));
});
after(() => server.close());

async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode };
  }
  assert.fail("the call succeeded");
}

async function eventually<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test("bad paging tokens, limits, versions and ARNs are AWS errors, never a 500", async () => {
  await alice.send(new CreateRegistryCommand({ RegistryName: "mine" }));
  const cases: [string, () => Promise<unknown>, string, number][] = [
    ["garbage token", () => alice.send(new ListRegistriesCommand({ NextToken: "%%%not-a-token" })), "BadRequestException", 400],
    ["limit 0", () => alice.send(new ListSchemasCommand({ RegistryName: "mine", Limit: 0 })), "BadRequestException", 400],
    ["limit 101", () => alice.send(new ListSchemasCommand({ RegistryName: "mine", Limit: 101 })), "BadRequestException", 400],
    ["scope", () => alice.send(new ListRegistriesCommand({ Scope: "EVERYTHING" })), "BadRequestException", 400],
    ["version abc", () => alice.send(new DescribeSchemaCommand({ RegistryName: "aws.events", SchemaName: "aws.events@ScheduledEvent", SchemaVersion: "abc" })), "BadRequestException", 400],
    ["version 2 of a built-in", () => alice.send(new DescribeSchemaCommand({ RegistryName: "aws.events", SchemaName: "aws.events@ScheduledEvent", SchemaVersion: "2" })), "NotFoundException", 404],
    ["not an ARN", () => alice.send(new ListTagsForResourceCommand({ ResourceArn: "nope" })), "BadRequestException", 400],
    ["bob's ARN", () => alice.send(new ListTagsForResourceCommand({ ResourceArn: `arn:aws:schemas:us-east-1:${BOB.accountId}:registry/mine` })), "NotFoundException", 404],
    ["binding never put", () => alice.send(new GetCodeBindingSourceCommand({ RegistryName: "aws.events", SchemaName: "aws.events@ScheduledEvent", Language: "TypeScript3" })), "NotFoundException", 404],
    ["schema name with a slash", () => alice.send(new CreateSchemaCommand({ RegistryName: "mine", SchemaName: "a/b", Type: "OpenApi3", Content: "{}" })), "BadRequestException", 400],
    ["discoverer on another account's bus", () => alice.send(new CreateDiscovererCommand({ SourceArn: `arn:aws:events:us-east-1:${BOB.accountId}:event-bus/default` })), "BadRequestException", 400],
    ["discoverer on a queue", () => alice.send(new CreateDiscovererCommand({ SourceArn: `arn:aws:sqs:us-east-1:${ALICE.accountId}:queue` })), "BadRequestException", 400],
  ];
  for (const [what, p, name, status] of cases) {
    const e = await failure(p());
    assert.deepEqual([e.name, e.status], [name, status], what);
  }
  // Bob does not see Alice's registry.
  assert.equal((await failure(bob.send(new DescribeRegistryCommand({ RegistryName: "mine" })))).name, "NotFoundException");
});

test("CrossAccount: another account's events on the bus are inferred while true, skipped once false", async () => {
  await aliceEvents.send(new PutPermissionCommand({ Action: "events:PutEvents", Principal: BOB.accountId, StatementId: "bob" }));
  const d = await alice.send(new CreateDiscovererCommand({ SourceArn: `arn:aws:events:us-east-1:${ALICE.accountId}:event-bus/default` }));
  assert.equal(d.CrossAccount, true);
  const bus = `arn:aws:events:us-east-1:${ALICE.accountId}:event-bus/default`;
  const describe = (c: SchemasClient, name: string) =>
    c.send(new DescribeSchemaCommand({ RegistryName: "discovered-schemas", SchemaName: name })).catch((e: { name: string }) => {
      if (e.name === "NotFoundException") return undefined;
      throw e;
    });
  const sent = await bobEvents.send(new PutEventsCommand({ Entries: [{ EventBusName: bus, Source: "bob.app", DetailType: "From Bob", Detail: '{"k":1}' }] }));
  assert.equal(sent.FailedEntryCount, 0);
  await eventually(() => describe(alice, "bob.app@FromBob"), "bob's event's schema in alice's registry");
  // The schema is the bus owner's: Bob has none.
  assert.equal(await describe(bob, "bob.app@FromBob"), undefined);

  await alice.send(new UpdateDiscovererCommand({ DiscovererId: d.DiscovererId, CrossAccount: false }));
  await bobEvents.send(new PutEventsCommand({ Entries: [{ EventBusName: bus, Source: "bob.app", DetailType: "Skipped", Detail: '{"k":1}' }] }));
  await aliceEvents.send(new PutEventsCommand({ Entries: [{ Source: "alice.app", DetailType: "Own", Detail: '{"k":1}' }] }));
  await eventually(() => describe(alice, "alice.app@Own"), "alice's own event's schema");
  assert.equal(await describe(alice, "bob.app@Skipped"), undefined);
});

test("events another account's rule forwards to the bus (a bus target) are discovered too, unless CrossAccount is false", async () => {
  const id = "events-event-bus-default";
  await alice.send(new UpdateDiscovererCommand({ DiscovererId: id, CrossAccount: true }));
  const aliceBus = `arn:aws:events:us-east-1:${ALICE.accountId}:event-bus/default`;
  await bobEvents.send(new PutRuleCommand({ Name: "to-alice", EventPattern: JSON.stringify({ source: ["bob.fwd"] }) }));
  await bobEvents.send(new PutTargetsCommand({ Rule: "to-alice", Targets: [{ Id: "alice", Arn: aliceBus }] }));
  const describe = (name: string) =>
    alice.send(new DescribeSchemaCommand({ RegistryName: "discovered-schemas", SchemaName: name })).catch((e: { name: string }) => {
      if (e.name === "NotFoundException") return undefined;
      throw e;
    });
  await bobEvents.send(new PutEventsCommand({ Entries: [{ Source: "bob.fwd", DetailType: "Forwarded", Detail: '{"k":1}' }] }));
  await eventually(() => describe("bob.fwd@Forwarded"), "the forwarded event's schema");

  await alice.send(new UpdateDiscovererCommand({ DiscovererId: id, CrossAccount: false }));
  await bobEvents.send(new PutEventsCommand({ Entries: [{ Source: "bob.fwd", DetailType: "Forwarded Skipped", Detail: '{"k":1}' }] }));
  await aliceEvents.send(new PutEventsCommand({ Entries: [{ Source: "alice.app", DetailType: "Own Again", Detail: '{"k":1}' }] }));
  await eventually(() => describe("alice.app@OwnAgain"), "alice's own event's schema");
  assert.equal(await describe("bob.fwd@ForwardedSkipped"), undefined);
});
