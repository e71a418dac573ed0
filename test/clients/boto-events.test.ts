// boto3 (Debian's python3-boto3 1.26, EventBridge over AWS JSON 1.1) against an in-process server: buses, rules
// with patterns and schedules, SQS and Kinesis targets, PutEvents, TestEventPattern, archives and a replay, tags, and an error.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Mailroom } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";
import { type Boto, QUERY_PYTHON, startBoto } from "./boto.ts";

let server: Mailroom;
let events: Boto;
let sqs: Boto;
let kinesis: Boto;
before(async () => {
  server = await startTestServer();
  events = await startBoto(server.endpoint, { python: QUERY_PYTHON, service: "events", protocol: "json" });
  sqs = await startBoto(server.endpoint, { python: QUERY_PYTHON, service: "sqs", protocol: "query" });
  kinesis = await startBoto(server.endpoint, { python: QUERY_PYTHON, service: "kinesis", protocol: "json" });
});
after(async () => {
  events?.close();
  sqs?.close();
  kinesis?.close();
  await server?.close();
});

const ACCOUNT = "000000000000";

async function receiveAll(QueueUrl: string): Promise<Record<string, any>[]> {
  const out: Record<string, any>[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await sqs.call("receive_message", { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
    for (const m of r.Messages ?? []) {
      out.push(JSON.parse(m.Body));
      await sqs.call("delete_message", { QueueUrl, ReceiptHandle: m.ReceiptHandle });
    }
    if (!r.Messages?.length && out.length > 0) return out;
  }
  return out;
}

test("boto3 speaks AWS JSON 1.1 to EventBridge", () => {
  assert.equal(events.info.protocol, "json");
  assert.match(events.info.boto3, /^1\.26\./);
});

test("buses, rules, targets, PutEvents and TestEventPattern", async () => {
  const { QueueUrl } = await sqs.call("create_queue", { QueueName: "boto-events" });
  const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:boto-events`;
  const bus = await events.call("create_event_bus", { Name: "boto-bus", Tags: [{ Key: "team", Value: "py" }] });
  assert.equal(bus.EventBusArn, `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/boto-bus`);
  const rule = await events.call("put_rule", { Name: "orders", EventBusName: "boto-bus", EventPattern: JSON.stringify({ source: ["shop"], detail: { total: [{ numeric: [">", 100] }] } }) });
  assert.equal(rule.RuleArn, `arn:aws:events:us-east-1:${ACCOUNT}:rule/boto-bus/orders`);
  const t = await events.call("put_targets", { Rule: "orders", EventBusName: "boto-bus", Targets: [{ Id: "q", Arn: queueArn }] });
  assert.equal(t.FailedEntryCount, 0);
  const put = await events.call("put_events", { Entries: [
    { Source: "shop", DetailType: "Order", Detail: JSON.stringify({ total: 250 }), EventBusName: "boto-bus" },
    { Source: "shop", DetailType: "Order", Detail: JSON.stringify({ total: 50 }), EventBusName: "boto-bus" },
    { Source: "shop", DetailType: "Order", EventBusName: "boto-bus" },
  ] });
  assert.equal(put.FailedEntryCount, 1);
  assert.equal(put.Entries[2].ErrorCode, "InvalidArgument");
  const got = await receiveAll(QueueUrl);
  assert.deepEqual(got.map((e) => e.detail.total), [250]);
  assert.equal(got[0]["detail-type"], "Order");
  const listed = await events.call("list_rules", { EventBusName: "boto-bus" });
  assert.deepEqual(listed.Rules.map((r: { Name: string }) => r.Name), ["orders"]);
  const tested = await events.call("test_event_pattern", {
    EventPattern: JSON.stringify({ detail: { ip: [{ cidr: "10.0.0.0/8" }] } }),
    Event: JSON.stringify({ id: "1", account: ACCOUNT, source: "s", time: "2026-01-01T00:00:00Z", region: "us-east-1", resources: [], "detail-type": "t", detail: { ip: "10.1.2.3" } }),
  });
  assert.equal(tested.Result, true);
  assert.deepEqual((await events.call("list_tags_for_resource", { ResourceARN: bus.EventBusArn })).Tags, [{ Key: "team", Value: "py" }]);
  await events.call("tag_resource", { ResourceARN: rule.RuleArn, Tags: [{ Key: "k", Value: "v" }] });
  assert.deepEqual((await events.call("list_tags_for_resource", { ResourceARN: rule.RuleArn })).Tags, [{ Key: "k", Value: "v" }]);
});

test("a Kinesis stream target with KinesisParameters: the record is the event, keyed by the path's value", async () => {
  await kinesis.call("create_stream", { StreamName: "boto-events", ShardCount: 1 });
  await events.call("put_rule", { Name: "to-kinesis", EventPattern: JSON.stringify({ source: ["boto"] }) });
  const t = await events.call("put_targets", { Rule: "to-kinesis", Targets: [{ Id: "k", Arn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/boto-events`, KinesisParameters: { PartitionKeyPath: "$.detail.user" } }] });
  assert.equal(t.FailedEntryCount, 0);
  const listed = await events.call("list_targets_by_rule", { Rule: "to-kinesis" });
  assert.deepEqual(listed.Targets[0].KinesisParameters, { PartitionKeyPath: "$.detail.user" });
  const put = await events.call("put_events", { Entries: [{ Source: "boto", DetailType: "d", Detail: JSON.stringify({ user: "py-1" }) }] });
  const it = (await kinesis.call("get_shard_iterator", { StreamName: "boto-events", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" })).ShardIterator;
  let records: { PartitionKey: string; Data: string }[] = [];
  for (let i = 0; i < 100 && records.length === 0; i++) {
    records = (await kinesis.call("get_records", { ShardIterator: it })).Records;
    if (records.length === 0) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(records[0].PartitionKey, "py-1");
  assert.equal(JSON.parse(Buffer.from(records[0].Data, "base64").toString()).id, put.Entries[0].EventId);
});

test("a scheduled rule is described with its expression; an invalid one is refused", async () => {
  await events.call("put_rule", { Name: "nightly", ScheduleExpression: "cron(0 2 * * ? *)", State: "DISABLED" });
  const d = await events.call("describe_rule", { Name: "nightly" });
  assert.equal(d.ScheduleExpression, "cron(0 2 * * ? *)");
  assert.equal(d.State, "DISABLED");
  const e = await events.fail("put_rule", { Name: "bad", ScheduleExpression: "rate(1 hours)" });
  assert.equal(e.Code, "ValidationException");
  assert.equal(e.Message, "Parameter ScheduleExpression is not valid.");
  const nf = await events.fail("describe_rule", { Name: "nope" });
  assert.equal(nf.Code, "ResourceNotFoundException");
  assert.equal(nf.HTTPStatusCode, 400);
});

test("an archive and a replay", async () => {
  const { QueueUrl } = await sqs.call("create_queue", { QueueName: "boto-replay" });
  await events.call("put_rule", { Name: "rp", EventPattern: JSON.stringify({ source: ["rp"] }) });
  await events.call("put_targets", { Rule: "rp", Targets: [{ Id: "q", Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:boto-replay` }] });
  const a = await events.call("create_archive", { ArchiveName: "boto-arch", EventSourceArn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`, EventPattern: JSON.stringify({ source: ["rp"] }) });
  assert.equal(a.State, "ENABLED");
  const start = new Date(Date.now() - 5000).toISOString();
  await events.call("put_events", { Entries: [{ Source: "rp", DetailType: "t", Detail: "{\"n\":1}" }] });
  assert.equal((await receiveAll(QueueUrl)).length, 1);
  const d = await events.call("describe_archive", { ArchiveName: "boto-arch" });
  assert.equal(d.EventCount, 1);
  const r = await events.call("start_replay", {
    ReplayName: "boto-replay", EventSourceArn: a.ArchiveArn, EventStartTime: start, EventEndTime: new Date(Date.now() + 1000).toISOString(),
    Destination: { Arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default` },
  });
  assert.equal(r.State, "STARTING");
  const replayed = await receiveAll(QueueUrl);
  assert.equal(replayed.length, 1);
  assert.equal(replayed[0]["replay-name"], "boto-replay");
  for (let i = 0; i < 50 && (await events.call("describe_replay", { ReplayName: "boto-replay" })).State !== "COMPLETED"; i++) await new Promise((res) => setTimeout(res, 100));
  assert.equal((await events.call("describe_replay", { ReplayName: "boto-replay" })).State, "COMPLETED");
  const e = await events.fail("describe_archive", { ArchiveName: "nope" });
  assert.equal(e.Code, "ResourceNotFoundException");
  assert.equal(e.Message, "Archive nope does not exist.");
});
