// The metrics of EventBridge, Kinesis and Step Functions with their official clients, under a ManualClock: each
// service is driven, /metrics is scraped (series named after the CloudWatch metrics, labelled by account, region and
// the resource), and after the minute boundary the same counts are read back as AWS/Events, AWS/Kinesis and AWS/States
// datapoints through the CloudWatch API, with AWS's dimensions (a default-bus rule by RuleName alone, a custom bus's
// by EventBusName and RuleName; StreamName; StateMachineArn). Throughput limits are on, so throttles are counted too.
// Runs on SQLite, and on PostgreSQL with MAILROOM_TEST_BACKEND=postgres.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CloudWatchClient, GetMetricStatisticsCommand, ListMetricsCommand, type Dimension } from "@aws-sdk/client-cloudwatch";
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import {
  CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordCommand, PutRecordsCommand, RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
} from "@aws-sdk/client-kinesis";
import {
  CreateActivityCommand, CreateStateMachineCommand, GetActivityTaskCommand, SendTaskSuccessCommand, StartExecutionCommand, StartSyncExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/engine/clock.ts";
import { TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";
import { def, ROLE, sfnClient, waitFor } from "../stepfunctions/helpers.ts";

const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const clock = new ManualClock(T0 + 1_000);
const { server, sqs } = useTestServer({ clock, kinesisThroughputLimits: true });
const ACCOUNT = "000000000000";
const REGION = "us-east-1";
const config = () => ({ endpoint: server.endpoint, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
let eb: EventBridgeClient;
let kinesis: KinesisClient;
let sfn: ReturnType<typeof sfnClient>;
let cw: CloudWatchClient;

/** The value of one series (name and exact label set), or undefined. */
function value(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.indexOf("}");
    const got = line.slice(name.length + 1, close).split(",");
    if (want.every((w) => got.includes(w)) && got.length === want.length) return Number(line.slice(close + 2));
  }
  return undefined;
}
const scrape = async () => {
  const res = await fetch(`${server.endpoint}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls (real time, bounded) until the scrape shows `want` for the series: outbox deliveries settle on their own turns. */
async function scrapeUntil(name: string, labels: Record<string, string>, want: number): Promise<string> {
  let t = "";
  for (let i = 0; i < 300; i++) {
    t = await scrape();
    if (value(t, name, labels) === want) return t;
    await sleep(10);
  }
  assert.equal(value(t, name, labels), want, `${name} ${JSON.stringify(labels)}`);
  return t;
}

/** The sum of a metric's datapoints over the hour around T0 (every minute the test spanned). */
async function sum(namespace: string, metric: string, dims: Dimension[]): Promise<number | undefined> {
  const r = await cw.send(new GetMetricStatisticsCommand({
    Namespace: namespace, MetricName: metric, Dimensions: dims, StartTime: new Date(T0 - 3_600_000), EndTime: new Date(T0 + 3_600_000), Period: 3600, Statistics: ["Sum"],
  }));
  if (!r.Datapoints?.length) return undefined;
  return r.Datapoints.reduce((n, d) => n + (d.Sum ?? 0), 0);
}
/** Moves the clock past the next minute boundary and waits until the minute job has written `metric`'s datapoint. */
async function afterMinute(namespace: string, metric: string, dims: Dimension[], want: number): Promise<void> {
  clock.advance(60_000 - (clock.now() % 60_000) + 1_000);
  for (let i = 0; i < 300; i++) {
    if ((await sum(namespace, metric, dims)) === want) return;
    await sleep(10);
  }
  assert.equal(await sum(namespace, metric, dims), want, `${namespace} ${metric} ${JSON.stringify(dims)}`);
}

const rule = (bus: string, name: string) => ({ account: ACCOUNT, region: REGION, event_bus_name: bus, rule_name: name });
const stream = (name: string) => ({ account: ACCOUNT, region: REGION, stream_name: name });
const machine = (arn: string) => ({ account: ACCOUNT, region: REGION, state_machine_arn: arn });

describe("metrics of EventBridge, Kinesis and Step Functions", () => {
  before(() => {
    eb = new EventBridgeClient(config());
    kinesis = new KinesisClient(config());
    sfn = sfnClient(server.endpoint);
    cw = new CloudWatchClient(config());
  });
  after(() => {
    eb?.destroy();
    kinesis?.destroy();
    sfn?.destroy();
    cw?.destroy();
  });

  test("EventBridge: rules triggered, matched events, invocations, failures and dead letters", async () => {
    const { QueueUrl: target } = await sqs.send(new CreateQueueCommand({ QueueName: "eb-target" }));
    const { QueueUrl: dlqUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "eb-dlq" }));
    const q = (n: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${n}`;
    await eb.send(new CreateEventBusCommand({ Name: "orders" }));
    const pattern = JSON.stringify({ source: ["shop"] });
    // Default bus: a queue, a missing queue with a dead-letter queue (fails at once), a missing stream with a
    // dead-letter queue (an outbox row the delivery engine gives up on), a missing queue whose dead-letter queue is
    // missing too, and the custom bus (then one hop further to the default bus is not made: DeadLetterInvocations).
    await eb.send(new PutRuleCommand({ Name: "d1", EventPattern: pattern }));
    const put = await eb.send(new PutTargetsCommand({
      Rule: "d1", Targets: [
        { Id: "ok", Arn: q("eb-target") },
        { Id: "gone", Arn: q("eb-nope"), DeadLetterConfig: { Arn: q("eb-dlq") } },
        { Id: "gone-stream", Arn: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/eb-nope`, DeadLetterConfig: { Arn: q("eb-dlq") } },
        { Id: "no-dlq", Arn: q("eb-nope"), DeadLetterConfig: { Arn: q("eb-dlq-nope") } },
        { Id: "bus", Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/orders` },
      ],
    }));
    assert.equal(put.FailedEntryCount, 0, JSON.stringify(put.FailedEntries));
    await eb.send(new PutRuleCommand({ Name: "r1", EventBusName: "orders", EventPattern: pattern }));
    await eb.send(new PutTargetsCommand({
      Rule: "r1", EventBusName: "orders", Targets: [
        { Id: "q", Arn: q("eb-target") },
        { Id: "back", Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default` },
      ],
    }));
    // A rule that matches nothing: no series.
    await eb.send(new PutRuleCommand({ Name: "quiet", EventPattern: JSON.stringify({ source: ["other"] }) }));
    const r = await eb.send(new PutEventsCommand({ Entries: [1, 2].map((i) => ({ Source: "shop", DetailType: "order", Detail: JSON.stringify({ i }) })) }));
    assert.equal(r.FailedEntryCount, 0);

    const d1 = rule("default", "d1");
    const r1 = rule("orders", "r1");
    // The outbox row for the missing stream settles on the engine's turn: 2 events x 5 targets, of which 2 x 3 failed.
    let t = await scrapeUntil("mailroom_events_invocations_total", d1, 10);
    assert.equal(value(t, "mailroom_events_triggered_rules_total", d1), 2);
    assert.equal(value(t, "mailroom_events_matched_events_total", d1), 2);
    assert.equal(value(t, "mailroom_events_failed_invocations_total", d1), 6);
    t = await scrapeUntil("mailroom_events_invocations_sent_to_dlq_total", d1, 4);
    assert.equal(value(t, "mailroom_events_invocations_failed_to_be_sent_to_dlq_total", d1), 2);
    assert.equal(value(t, "mailroom_events_dead_letter_invocations_total", d1), undefined);
    assert.equal(value(t, "mailroom_events_triggered_rules_total", r1), 2);
    assert.equal(value(t, "mailroom_events_invocations_total", r1), 2);
    // r1's event bus target back to the default bus would be a second hop: not invoked.
    assert.equal(value(t, "mailroom_events_dead_letter_invocations_total", r1), 2);
    assert.equal(value(t, "mailroom_events_triggered_rules_total", rule("default", "quiet")), undefined);
    // What the counts say arrived: 2 events on the target from d1 and 2 from r1; 4 dead letters.
    let got = 0;
    for (let i = 0; i < 20 && got < 4; i++) got += (await sqs.send(new ReceiveMessageCommand({ QueueUrl: target, MaxNumberOfMessages: 10 }))).Messages?.length ?? 0;
    assert.equal(got, 4);
    let dead = 0;
    for (let i = 0; i < 20 && dead < 4; i++) dead += (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }))).Messages?.length ?? 0;
    assert.equal(dead, 4);

    // AWS/Events: RuleName alone for the default bus, EventBusName and RuleName for a custom bus.
    await afterMinute("AWS/Events", "Invocations", [{ Name: "RuleName", Value: "d1" }], 10);
    assert.equal(await sum("AWS/Events", "TriggeredRules", [{ Name: "RuleName", Value: "d1" }]), 2);
    assert.equal(await sum("AWS/Events", "FailedInvocations", [{ Name: "RuleName", Value: "d1" }]), 6);
    assert.equal(await sum("AWS/Events", "InvocationsSentToDlq", [{ Name: "RuleName", Value: "d1" }]), 4);
    assert.equal(await sum("AWS/Events", "InvocationsFailedToBeSentToDlq", [{ Name: "RuleName", Value: "d1" }]), 2);
    const custom = [{ Name: "EventBusName", Value: "orders" }, { Name: "RuleName", Value: "r1" }];
    assert.equal(await sum("AWS/Events", "Invocations", custom), 2);
    assert.equal(await sum("AWS/Events", "MatchedEvents", custom), 2);
    assert.equal(await sum("AWS/Events", "DeadLetterInvocations", custom), 2);
    assert.equal(await sum("AWS/Events", "Invocations", [{ Name: "RuleName", Value: "r1" }]), undefined);
    const listed = await cw.send(new ListMetricsCommand({ Namespace: "AWS/Events", MetricName: "Invocations" }));
    const dims = (listed.Metrics ?? []).map((m) => (m.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`).sort().join(",")).sort();
    assert.deepEqual(dims, ["EventBusName=orders,RuleName=r1", "RuleName=d1"]);
  });

  test("Kinesis: incoming records and bytes, PutRecord(s), GetRecords, throttled writes and reads", async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: "ks", ShardCount: 1 }));
    await kinesis.send(new PutRecordCommand({ StreamName: "ks", PartitionKey: "p", Data: Buffer.from("hello") }));
    const many = await kinesis.send(new PutRecordsCommand({ StreamName: "ks", Records: [1, 2, 3].map((i) => ({ PartitionKey: `k${i}`, Data: Buffer.alloc(10, i) })) }));
    assert.equal(many.FailedRecordCount, 0);
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: "ks", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }));
    const read = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    assert.equal(read.Records?.length, 4);
    let t = await scrape();
    const ks = stream("ks");
    assert.equal(value(t, "mailroom_kinesis_incoming_records_total", ks), 4);
    assert.equal(value(t, "mailroom_kinesis_incoming_bytes_total", ks), 35);
    assert.equal(value(t, "mailroom_kinesis_put_record_success_total", ks), 1);
    assert.equal(value(t, "mailroom_kinesis_put_record_bytes_total", ks), 5);
    assert.equal(value(t, "mailroom_kinesis_put_records_success_total", ks), 1);
    assert.equal(value(t, "mailroom_kinesis_put_records_total_records_total", ks), 3);
    assert.equal(value(t, "mailroom_kinesis_put_records_successful_records_total", ks), 3);
    assert.equal(value(t, "mailroom_kinesis_put_records_bytes_total", ks), 30);
    assert.equal(value(t, "mailroom_kinesis_get_records_success_total", ks), 1);
    assert.equal(value(t, "mailroom_kinesis_get_records_records_total", ks), 4);
    assert.equal(value(t, "mailroom_kinesis_get_records_bytes_total", ks), 35);
    // Read to the end: caught up, so the one GetRecords call's iterator age is 0 (Kinesis developer guide).
    assert.equal(value(t, "mailroom_kinesis_get_records_iterator_age_milliseconds_count", ks), 1);
    assert.equal(value(t, "mailroom_kinesis_get_records_iterator_age_milliseconds_sum", ks), 0);

    // Over the shard's 1,000 records a second: 10 records refused; over 5 GetRecords a second: the 6th refused.
    await kinesis.send(new CreateStreamCommand({ StreamName: "kt", ShardCount: 1 }));
    const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.alloc(1, 1) }));
    await kinesis.send(new PutRecordsCommand({ StreamName: "kt", Records: batch(500) }));
    await kinesis.send(new PutRecordsCommand({ StreamName: "kt", Records: batch(500) }));
    const over = await kinesis.send(new PutRecordsCommand({ StreamName: "kt", Records: batch(10) }));
    assert.equal(over.FailedRecordCount, 10);
    const it = await kinesis.send(new GetShardIteratorCommand({ StreamName: "kt", ShardId: "shardId-000000000000", ShardIteratorType: "LATEST" }));
    let throttled = 0;
    for (let i = 0; i < 6; i++) {
      try {
        await kinesis.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }));
      } catch (e) {
        assert.equal((e as Error).name, "ProvisionedThroughputExceededException");
        throttled++;
      }
    }
    assert.equal(throttled, 1);
    t = await scrape();
    const kt = stream("kt");
    assert.equal(value(t, "mailroom_kinesis_incoming_records_total", kt), 1000);
    assert.equal(value(t, "mailroom_kinesis_write_provisioned_throughput_exceeded_total", kt), 10);
    assert.equal(value(t, "mailroom_kinesis_put_records_throttled_records_total", kt), 10);
    assert.equal(value(t, "mailroom_kinesis_put_records_total_records_total", kt), 1010);
    assert.equal(value(t, "mailroom_kinesis_put_records_success_total", kt), 2);
    assert.equal(value(t, "mailroom_kinesis_read_provisioned_throughput_exceeded_total", kt), 1);
    assert.equal(value(t, "mailroom_kinesis_get_records_success_total", kt), 5);

    await afterMinute("AWS/Kinesis", "IncomingRecords", [{ Name: "StreamName", Value: "ks" }], 4);
    assert.equal(await sum("AWS/Kinesis", "IncomingBytes", [{ Name: "StreamName", Value: "ks" }]), 35);
    assert.equal(await sum("AWS/Kinesis", "GetRecords.Records", [{ Name: "StreamName", Value: "ks" }]), 4);
    assert.equal(await sum("AWS/Kinesis", "PutRecord.Success", [{ Name: "StreamName", Value: "ks" }]), 1);
    assert.equal(await sum("AWS/Kinesis", "PutRecords.SuccessfulRecords", [{ Name: "StreamName", Value: "kt" }]), 1000);
    assert.equal(await sum("AWS/Kinesis", "WriteProvisionedThroughputExceeded", [{ Name: "StreamName", Value: "kt" }]), 10);
    assert.equal(await sum("AWS/Kinesis", "ReadProvisionedThroughputExceeded", [{ Name: "StreamName", Value: "kt" }]), 1);
  });

  test("Kinesis: records pushed to an enhanced fan-out consumer, by stream and consumer", async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: "kf", ShardCount: 1 }));
    const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/kf`, ConsumerName: "reader" }));
    await kinesis.send(new PutRecordCommand({ StreamName: "kf", PartitionKey: "p", Data: Buffer.from("fanned") }));
    const out = await kinesis.send(new SubscribeToShardCommand({ ConsumerARN: Consumer!.ConsumerARN, ShardId: "shardId-000000000000", StartingPosition: { Type: "TRIM_HORIZON" } }));
    const it = out.EventStream![Symbol.asyncIterator]();
    const first = await it.next();
    assert.equal(first.value?.SubscribeToShardEvent?.Records?.length, 1);
    const labels = { account: ACCOUNT, region: REGION, stream_name: "kf", consumer_name: "reader" };
    const t = await scrapeUntil("mailroom_kinesis_subscribe_to_shard_event_records_total", labels, 1);
    assert.equal(value(t, "mailroom_kinesis_subscribe_to_shard_event_bytes_total", labels), 6);
    await it.return?.();
    const dims = [{ Name: "StreamName", Value: "kf" }, { Name: "ConsumerName", Value: "reader" }];
    await afterMinute("AWS/Kinesis", "SubscribeToShardEvent.Records", dims, 1);
    assert.equal(await sum("AWS/Kinesis", "SubscribeToShardEvent.Bytes", dims), 6);
  });

  test("Step Functions: executions started, succeeded, failed, aborted and timed out", async () => {
    const create = async (name: string, definition: string, type?: "EXPRESS") =>
      (await sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE, type }))).stateMachineArn!;
    const ok = await create("ok", def({ P: { Type: "Pass", End: true } }));
    const bad = await create("bad", def({ F: { Type: "Fail", Error: "E", Cause: "c" } }));
    const slow = await create("slow", def({ W: { Type: "Wait", Seconds: 3600, End: true } }));
    const late = await create("late", JSON.stringify({ StartAt: "W", TimeoutSeconds: 5, States: { W: { Type: "Wait", Seconds: 600, End: true } } }));
    const fast = await create("fast", def({ P: { Type: "Pass", End: true } }), "EXPRESS");
    for (const arn of [ok, ok, bad]) await waitFor(sfn, (await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }))).executionArn!);
    const s = await sfn.send(new StartExecutionCommand({ stateMachineArn: slow }));
    await waitFor(sfn, s.executionArn!, (d) => d.status === "RUNNING");
    await sfn.send(new StopExecutionCommand({ executionArn: s.executionArn }));
    const sync = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: fast }));
    assert.equal(sync.status, "SUCCEEDED");
    const deadline = clock.now() + 5_000;
    const l = await sfn.send(new StartExecutionCommand({ stateMachineArn: late }));
    // Past the 5 s TimeoutSeconds, once the scheduler armed its timer for it: the runner ends it TIMED_OUT.
    for (let i = 0; i < 400 && !clock.pending().some((at) => at <= deadline); i++) await sleep(5);
    clock.advance(6_000);
    assert.equal((await waitFor(sfn, l.executionArn!)).status, "TIMED_OUT");
    const t = await scrape();
    assert.equal(value(t, "mailroom_states_executions_started_total", machine(ok)), 2);
    assert.equal(value(t, "mailroom_states_executions_succeeded_total", machine(ok)), 2);
    assert.equal(value(t, "mailroom_states_executions_started_total", machine(bad)), 1);
    assert.equal(value(t, "mailroom_states_executions_failed_total", machine(bad)), 1);
    assert.equal(value(t, "mailroom_states_executions_aborted_total", machine(slow)), 1);
    assert.equal(value(t, "mailroom_states_executions_timed_out_total", machine(late)), 1);
    assert.equal(value(t, "mailroom_states_executions_started_total", machine(fast)), 1);
    assert.equal(value(t, "mailroom_states_executions_succeeded_total", machine(fast)), 1);
    assert.equal(value(t, "mailroom_states_executions_failed_total", machine(ok)), undefined);
    // ExecutionTime: one observation per ended execution; the timed-out one took its 6 s of manual clock.
    assert.equal(value(t, "mailroom_states_execution_time_milliseconds_count", machine(ok)), 2);
    assert.equal(value(t, "mailroom_states_execution_time_milliseconds_count", machine(fast)), 1);
    assert.ok((value(t, "mailroom_states_execution_time_milliseconds_sum", machine(late)) ?? 0) >= 5_000);

    await afterMinute("AWS/States", "ExecutionsSucceeded", [{ Name: "StateMachineArn", Value: ok }], 2);
    assert.equal(await sum("AWS/States", "ExecutionsStarted", [{ Name: "StateMachineArn", Value: ok }]), 2);
    assert.equal(await sum("AWS/States", "ExecutionsFailed", [{ Name: "StateMachineArn", Value: bad }]), 1);
    assert.equal(await sum("AWS/States", "ExecutionsAborted", [{ Name: "StateMachineArn", Value: slow }]), 1);
    assert.equal(await sum("AWS/States", "ExecutionsTimedOut", [{ Name: "StateMachineArn", Value: late }]), 1);
    assert.equal(await sum("AWS/States", "ExecutionsSucceeded", [{ Name: "StateMachineArn", Value: fast }]), 1);
    // The distribution's minute is a statistic set: SampleCount 1 and the duration for the timed-out execution.
    const et = await cw.send(new GetMetricStatisticsCommand({
      Namespace: "AWS/States", MetricName: "ExecutionTime", Dimensions: [{ Name: "StateMachineArn", Value: late }], StartTime: new Date(T0 - 3_600_000),
      EndTime: new Date(T0 + 3_600_000), Period: 3600, Statistics: ["SampleCount", "Maximum"], ExtendedStatistics: ["p50"],
    }));
    assert.equal(et.Datapoints?.[0]?.SampleCount, 1);
    assert.ok((et.Datapoints?.[0]?.Maximum ?? 0) >= 5_000);
    assert.equal(et.Datapoints?.[0]?.ExtendedStatistics?.p50, et.Datapoints?.[0]?.Maximum);
  });

  test("Step Functions: activity tasks scheduled, started and succeeded", async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: "work" }));
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: "uses-work", definition: def({ A: { Type: "Task", Resource: activityArn, End: true } }), roleArn: ROLE }));
    const x = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    assert.ok(task.taskToken);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: "{}" }));
    assert.equal((await waitFor(sfn, x.executionArn!)).status, "SUCCEEDED");
    const a = { account: ACCOUNT, region: REGION, activity_arn: activityArn! };
    const t = await scrape();
    assert.equal(value(t, "mailroom_states_activities_scheduled_total", a), 1);
    assert.equal(value(t, "mailroom_states_activities_started_total", a), 1);
    assert.equal(value(t, "mailroom_states_activities_succeeded_total", a), 1);
    assert.equal(value(t, "mailroom_states_activities_failed_total", a), undefined);
    await afterMinute("AWS/States", "ActivitiesSucceeded", [{ Name: "ActivityArn", Value: activityArn! }], 1);
    assert.equal(await sum("AWS/States", "ActivitiesScheduled", [{ Name: "ActivityArn", Value: activityArn! }]), 1);
  });
});
