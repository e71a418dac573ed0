// CloudWatch through the current JS SDK speaking Smithy RPC v2 CBOR: custom metrics (PutMetricData, GetMetricStatistics
// with percentiles, GetMetricData with metric math, ListMetrics), the AWS/SQS namespace filled from the server's own
// counters and gauges each minute, and an alarm on ApproximateNumberOfMessagesVisible that goes to ALARM and publishes
// AWS's alarm message to an SNS topic whose SQS subscriber receives it — all under a ManualClock. Both backends.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AwsSmithyRpcV2CborProtocol } from "@aws-sdk/core/protocols";
import {
  CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, DescribeAlarmsForMetricCommand, DisableAlarmActionsCommand,
  EnableAlarmActionsCommand, GetMetricDataCommand, GetMetricStatisticsCommand, ListMetricsCommand, PutMetricAlarmCommand, PutMetricDataCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { ManualClock } from "../../../src/engine/clock.ts";
import { TEST_BACKEND, TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const clock = new ManualClock(T0 + 5_000);
const { server, sqs, sns } = useTestServer({ clock });
let cw: CloudWatchClient;

/**
 * Advances the clock past the next minute boundary and lets the minute job run; on PostgreSQL (other nodes may write
 * the same database) alarms judge a minute one minute after it ended, so a second boundary passes there.
 */
async function nextMinute(): Promise<void> {
  await oneMinute();
  if (TEST_BACKEND === "postgres") await oneMinute();
}

async function oneMinute(): Promise<void> {
  const now = clock.now();
  clock.advance(60_000 - (now % 60_000));
  // The job's writes run on the next turns; a request through the server after them sees them.
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 50));
}

/** Polls (real time, bounded) until fn gives a value: the minute job runs on the server's turns after the clock moved. */
async function until<T>(fn: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 250; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("timed out waiting");
}

describe("CloudWatch over Smithy RPC v2 CBOR", () => {
  before(() => {
    cw = new CloudWatchClient({
      endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1,
      protocol: AwsSmithyRpcV2CborProtocol,
      // With RPC v2 CBOR this SDK version gzips PutMetricData bodies over 10 KB but keeps the uncompressed
      // Content-Length (set while serializing), so such a request never completes against any server; the JSON
      // client compresses correctly (cloudwatch-json.test.ts covers gzip bodies).
      disableRequestCompression: true,
    });
  });
  after(() => cw?.destroy());

  test("custom metrics: PutMetricData, GetMetricStatistics with percentiles, ListMetrics", async () => {
    const t = new Date(T0);
    await cw.send(new PutMetricDataCommand({
      Namespace: "App", MetricData: [
        { MetricName: "Latency", Dimensions: [{ Name: "Api", Value: "get" }], Timestamp: t, Values: [10, 20, 30, 40], Counts: [1, 1, 1, 1], Unit: "Milliseconds" },
        { MetricName: "Latency", Dimensions: [{ Name: "Api", Value: "get" }], Timestamp: new Date(T0 + 1000), Value: 100, Unit: "Milliseconds" },
        { MetricName: "Jobs", Timestamp: t, StatisticValues: { SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 4 } },
      ],
    }));
    const r = await cw.send(new GetMetricStatisticsCommand({
      Namespace: "App", MetricName: "Latency", Dimensions: [{ Name: "Api", Value: "get" }], StartTime: new Date(T0 - 60_000), EndTime: new Date(T0 + 120_000),
      Period: 60, Statistics: ["SampleCount", "Sum", "Average", "Minimum", "Maximum"], ExtendedStatistics: ["p50"],
    }));
    assert.equal(r.Label, "Latency");
    assert.equal(r.Datapoints?.length, 1);
    const d = r.Datapoints![0];
    assert.deepEqual([d.SampleCount, d.Sum, d.Average, d.Minimum, d.Maximum, d.Unit], [5, 200, 40, 10, 100, "Milliseconds"]);
    assert.equal(d.Timestamp?.getTime(), T0);
    assert.equal(d.ExtendedStatistics?.p50, 30);
    const list = await cw.send(new ListMetricsCommand({ Namespace: "App" }));
    assert.deepEqual(list.Metrics?.map((m) => [m.MetricName, m.Dimensions?.map((x) => `${x.Name}=${x.Value}`).join()]), [["Jobs", ""], ["Latency", "Api=get"]]);
    const filtered = await cw.send(new ListMetricsCommand({ Namespace: "App", Dimensions: [{ Name: "Api" }] }));
    assert.equal(filtered.Metrics?.length, 1);
  });

  test("GetMetricData: MetricStat and metric math", async () => {
    await cw.send(new PutMetricDataCommand({
      Namespace: "Math", MetricData: [
        { MetricName: "Errors", Timestamp: new Date(T0), Value: 2 },
        { MetricName: "Errors", Timestamp: new Date(T0 + 120_000), Value: 6 },
        { MetricName: "Requests", Timestamp: new Date(T0), Value: 10 },
        { MetricName: "Requests", Timestamp: new Date(T0 + 60_000), Value: 10 },
        { MetricName: "Requests", Timestamp: new Date(T0 + 120_000), Value: 20 },
      ],
    }));
    const stat = (id: string, name: string) => ({ Id: id, MetricStat: { Metric: { Namespace: "Math", MetricName: name }, Period: 60, Stat: "Sum" }, ReturnData: false });
    const r = await cw.send(new GetMetricDataCommand({
      StartTime: new Date(T0), EndTime: new Date(T0 + 180_000), ScanBy: "TimestampAscending",
      MetricDataQueries: [
        stat("e", "Errors"), stat("r", "Requests"),
        { Id: "rate", Expression: "100 * FILL(e, 0) / r", Label: "Error rate" },
        { Id: "high", Expression: "IF(rate > 20, 1, 0)" },
        { Id: "total", Expression: "SUM([e, r])" },
        { Id: "avg", Expression: "AVG(r)" },
      ],
    }));
    const by = Object.fromEntries(r.MetricDataResults!.map((x) => [x.Id, x]));
    assert.deepEqual(by.rate.Values, [20, 0, 30]);
    assert.equal(by.rate.Label, "Error rate");
    assert.deepEqual(by.rate.Timestamps?.map((x: Date) => x.getTime()), [T0, T0 + 60_000, T0 + 120_000]);
    assert.deepEqual(by.high.Values, [0, 0, 1]);
    assert.deepEqual(by.total.Values, [12, 10, 26]);
    assert.deepEqual(by.avg.Values, [40 / 3]);
    assert.equal(by.e, undefined);
    // Newest first by default.
    const desc = await cw.send(new GetMetricDataCommand({ StartTime: new Date(T0), EndTime: new Date(T0 + 180_000), MetricDataQueries: [{ ...stat("r", "Requests"), ReturnData: true }] }));
    assert.deepEqual(desc.MetricDataResults![0].Values, [20, 10, 10]);
    // Paging by MaxDatapoints.
    const p1 = await cw.send(new GetMetricDataCommand({ StartTime: new Date(T0), EndTime: new Date(T0 + 180_000), MaxDatapoints: 2, MetricDataQueries: [{ ...stat("r", "Requests"), ReturnData: true }] }));
    assert.deepEqual(p1.MetricDataResults![0].Values, [20, 10]);
    assert.equal(p1.MetricDataResults![0].StatusCode, "PartialData");
    const p2 = await cw.send(new GetMetricDataCommand({ StartTime: new Date(T0), EndTime: new Date(T0 + 180_000), MaxDatapoints: 2, NextToken: p1.NextToken, MetricDataQueries: [{ ...stat("r", "Requests"), ReturnData: true }] }));
    assert.deepEqual(p2.MetricDataResults![0].Values, [10]);
    assert.equal(p2.NextToken, undefined);
  });

  test("AWS's errors and limits", async () => {
    const err = (p: Promise<unknown>) => p.then(() => assert.fail("accepted"), (e: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => e);
    let e = await err(cw.send(new PutMetricDataCommand({ Namespace: "AWS/SQS", MetricData: [{ MetricName: "x", Value: 1 }] })));
    assert.equal(e.name, "InvalidParameterValueException");
    assert.equal(e.$metadata.httpStatusCode, 400);
    e = await err(cw.send(new PutMetricDataCommand({ Namespace: "A", MetricData: [{ MetricName: "x", Value: 1, StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 } }] })));
    assert.equal(e.name, "InvalidParameterCombinationException");
    e = await err(cw.send(new PutMetricDataCommand({ Namespace: "A", MetricData: [{ MetricName: "x", Value: Number.NaN }] })));
    assert.equal(e.name, "InvalidParameterValueException");
    e = await err(cw.send(new PutMetricDataCommand({ Namespace: "A", MetricData: Array.from({ length: 1001 }, () => ({ MetricName: "x", Value: 1 })) })));
    assert.match(e.message, /1000/);
    e = await err(cw.send(new PutMetricDataCommand({ Namespace: "A", MetricData: [{ MetricName: "x", Value: 1, Timestamp: new Date(clock.now() + 3 * 3_600_000) }] })));
    assert.match(e.message, /two hours in the future/);
    e = await err(cw.send(new GetMetricStatisticsCommand({ Namespace: "A", MetricName: "x", StartTime: new Date(T0), EndTime: new Date(T0 + 86_400_000 * 2), Period: 60, Statistics: ["Sum"] })));
    assert.equal(e.name, "InvalidParameterCombinationException");
    assert.match(e.message, /exceeds the limit of 1440/);
    e = await err(cw.send(new GetMetricStatisticsCommand({ Namespace: "A", MetricName: "x", StartTime: new Date(T0), EndTime: new Date(T0 + 60_000), Period: 61, Statistics: ["Sum"] })));
    assert.match(e.message, /multiple of 60/);
    e = await err(cw.send(new GetMetricDataCommand({ StartTime: new Date(T0), EndTime: new Date(T0 + 60_000), MetricDataQueries: [{ Id: "a", Expression: "b + 1" }, { Id: "b", Expression: "a * 2" }] })));
    assert.match(e.message, /Circular/);
    // Deep nesting and long expressions are refused, not recursed into.
    e = await err(cw.send(new GetMetricDataCommand({ StartTime: new Date(T0), EndTime: new Date(T0 + 60_000), MetricDataQueries: [{ Id: "a", Expression: `${"(".repeat(1000)}1${")".repeat(1000)}` }] })));
    assert.equal(e.name, "InvalidParameterValueException");
    e = await err(cw.send(new GetMetricDataCommand({ StartTime: new Date(T0), EndTime: new Date(T0 + 60_000), MetricDataQueries: [{ Id: "a", Expression: "1+".repeat(1500) + "1" }] })));
    assert.equal(e.name, "InvalidParameterValueException");
    e = await err(cw.send(new SetAlarmStateCommand({ AlarmName: "nope", StateValue: "ALARM", StateReason: "x" })));
    assert.equal(e.name, "ResourceNotFound");
    assert.equal(e.$metadata.httpStatusCode, 404);
    e = await err(cw.send(new PutMetricAlarmCommand({ AlarmName: "bad", MetricName: "x", Namespace: "A", Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanThreshold", Statistic: "Sum", ExtendedStatistic: "p90" })));
    assert.equal(e.name, "InvalidParameterCombinationException");
  });

  test("an alarm on ApproximateNumberOfMessagesVisible goes to ALARM and its SNS topic's SQS subscriber gets AWS's alarm message", async () => {
    const { QueueUrl: watched } = await sqs.send(new CreateQueueCommand({ QueueName: "watched" }));
    const { QueueUrl: inbox } = await sqs.send(new CreateQueueCommand({ QueueName: "alarm-inbox" }));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "alarms" }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:alarm-inbox", Attributes: { RawMessageDelivery: "false" } }));
    await cw.send(new PutMetricAlarmCommand({
      AlarmName: "backlog", AlarmDescription: "too many messages", Namespace: "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: "watched" }], Statistic: "Maximum", Period: 60, EvaluationPeriods: 1, Threshold: 3,
      ComparisonOperator: "GreaterThanOrEqualToThreshold", AlarmActions: [TopicArn!], OKActions: [TopicArn!],
    }));
    let alarms = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["backlog"] }));
    assert.equal(alarms.MetricAlarms?.[0].StateValue, "INSUFFICIENT_DATA");
    assert.equal(alarms.MetricAlarms?.[0].StateReason, "Unchecked: Initial alarm creation");
    assert.equal(alarms.MetricAlarms?.[0].AlarmArn, "arn:aws:cloudwatch:us-east-1:000000000000:alarm:backlog");

    await sqs.send(new SendMessageBatchCommand({ QueueUrl: watched, Entries: [1, 2, 3, 4].map((i) => ({ Id: String(i), MessageBody: `m${i}` })) }));
    await nextMinute();
    alarms = await until(async () => {
      const r = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["backlog"] }));
      return r.MetricAlarms?.[0].StateValue === "INSUFFICIENT_DATA" ? undefined : r;
    });
    assert.equal(alarms.MetricAlarms?.[0].StateValue, "ALARM");
    const reasonData = JSON.parse(alarms.MetricAlarms?.[0].StateReasonData ?? "{}");
    assert.deepEqual([reasonData.version, reasonData.statistic, reasonData.period, reasonData.recentDatapoints, reasonData.threshold], ["1.0", "Maximum", 60, [4], 3]);
    assert.deepEqual(Object.keys(reasonData.evaluatedDatapoints[0]), ["timestamp", "sampleCount", "value"]);
    assert.match(alarms.MetricAlarms?.[0].StateReason ?? "", /^Threshold Crossed: 1 datapoint \[4\.0 \(\d\d\/\d\d\/\d\d \d\d:\d\d:00\)\] was greater than or equal to the threshold \(3\.0\)\.$/);

    // The AWS/SQS datapoints the alarm read are there for GetMetricStatistics too.
    const end = Math.floor(clock.now() / 60_000) * 60_000;
    const stats = await cw.send(new GetMetricStatisticsCommand({
      Namespace: "AWS/SQS", MetricName: "NumberOfMessagesSent", Dimensions: [{ Name: "QueueName", Value: "watched" }],
      StartTime: new Date(end - 120_000), EndTime: new Date(end), Period: 60, Statistics: ["Sum"],
    }));
    assert.equal(stats.Datapoints?.[0]?.Sum, 4);

    // The delivery engine publishes the alarm message to the topic; the queue subscriber receives the SNS envelope.
    let body: string | undefined;
    for (let i = 0; i < 100 && !body; i++) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: inbox }));
      body = got.Messages?.[0]?.Body;
      if (!body) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(body, "the alarm message arrived");
    const envelope = JSON.parse(body) as { Subject: string; Message: string; TopicArn: string };
    assert.equal(envelope.TopicArn, TopicArn);
    assert.equal(envelope.Subject, 'ALARM: "backlog" in US East (N. Virginia)');
    const msg = JSON.parse(envelope.Message) as Record<string, unknown> & { Trigger: Record<string, unknown> };
    assert.equal(msg.AlarmName, "backlog");
    assert.equal(msg.AlarmDescription, "too many messages");
    assert.equal(msg.AWSAccountId, "000000000000");
    assert.equal(msg.NewStateValue, "ALARM");
    assert.equal(msg.OldStateValue, "INSUFFICIENT_DATA");
    assert.equal(msg.Region, "US East (N. Virginia)");
    assert.match(String(msg.StateChangeTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.deepEqual(msg.Trigger.Dimensions, [{ value: "watched", name: "QueueName" }]);
    assert.equal(msg.Trigger.Statistic, "MAXIMUM");
    assert.equal(msg.Trigger.StatisticType, "Statistic");
    assert.equal(msg.Trigger.EvaluateLowSampleCountPercentile, "");
    assert.equal(msg.Trigger.Unit, null);
    assert.equal(msg.Trigger.DatapointsToAlarm, undefined);
    assert.equal(msg.Trigger.Threshold, 3);

    const history = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: "backlog" }));
    assert.deepEqual(history.AlarmHistoryItems?.map((h) => h.HistoryItemType), ["Action", "StateUpdate", "ConfigurationUpdate"]);
    assert.equal(history.AlarmHistoryItems?.[1].HistorySummary, "Alarm updated from INSUFFICIENT_DATA to ALARM");
    const forMetric = await cw.send(new DescribeAlarmsForMetricCommand({ Namespace: "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible", Dimensions: [{ Name: "QueueName", Value: "watched" }] }));
    assert.deepEqual(forMetric.MetricAlarms?.map((a) => a.AlarmName), ["backlog"]);
  });

  test("a metric math alarm", async () => {
    const base = Math.floor(clock.now() / 60_000) * 60_000;
    await cw.send(new PutMetricDataCommand({
      Namespace: "MathAlarm", MetricData: [
        { MetricName: "Errors", Timestamp: new Date(base), Value: 3 },
        { MetricName: "Requests", Timestamp: new Date(base), Value: 10 },
      ],
    }));
    await cw.send(new PutMetricAlarmCommand({
      AlarmName: "error-rate", EvaluationPeriods: 1, Threshold: 20, ComparisonOperator: "GreaterThanThreshold",
      Metrics: [
        { Id: "e", MetricStat: { Metric: { Namespace: "MathAlarm", MetricName: "Errors" }, Period: 60, Stat: "Sum" }, ReturnData: false },
        { Id: "r", MetricStat: { Metric: { Namespace: "MathAlarm", MetricName: "Requests" }, Period: 60, Stat: "Sum" }, ReturnData: false },
        { Id: "rate", Expression: "100 * e / r", Label: "Error rate" },
      ],
    }));
    const bad = await cw.send(new PutMetricAlarmCommand({
      AlarmName: "two-outputs", EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanThreshold",
      Metrics: [{ Id: "a", Expression: "1" }, { Id: "b", Expression: "2" }],
    })).catch((x: Error) => x);
    assert.equal((bad as Error).name, "InvalidParameterValueException");
    await nextMinute();
    const a = await until(async () => {
      const r = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["error-rate"] }))).MetricAlarms!;
      return r[0].StateValue === "INSUFFICIENT_DATA" ? undefined : r[0];
    });
    assert.equal(a.StateValue, "ALARM");
    assert.equal(a.Metrics?.length, 3);
    assert.match(a.StateReason ?? "", /\[30\.0 \(/);
  });

  test("SetAlarmState runs the new state's actions unless disabled; TreatMissingData; DeleteAlarms", async () => {
    await cw.send(new PutMetricAlarmCommand({
      AlarmName: "quiet", Namespace: "App", MetricName: "Nothing", Statistic: "Sum", Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 1,
      Threshold: 0, ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "breaching",
    }));
    await nextMinute();
    let a = await until(async () => {
      const r = (await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: "qui" }))).MetricAlarms!;
      return r[0].StateValue === "ALARM" ? r : undefined;
    });
    assert.equal(a[0].StateValue, "ALARM");
    await cw.send(new DisableAlarmActionsCommand({ AlarmNames: ["quiet"] }));
    await cw.send(new SetAlarmStateCommand({ AlarmName: "quiet", StateValue: "OK", StateReason: "testing", StateReasonData: "{}" }));
    a = (await cw.send(new DescribeAlarmsCommand({ StateValue: "OK" }))).MetricAlarms!;
    assert.deepEqual(a.map((x) => [x.AlarmName, x.ActionsEnabled, x.StateReason]), [["quiet", false, "testing"]]);
    await cw.send(new EnableAlarmActionsCommand({ AlarmNames: ["quiet"] }));
    const e = await cw.send(new SetAlarmStateCommand({ AlarmName: "quiet", StateValue: "ALARM", StateReason: "x", StateReasonData: "{not json" })).catch((x: Error) => x);
    assert.equal((e as Error).name, "InvalidFormatFault");
    // Paging DescribeAlarms.
    const p1 = await cw.send(new DescribeAlarmsCommand({ MaxRecords: 1 }));
    assert.equal(p1.MetricAlarms?.length, 1);
    const p2 = await cw.send(new DescribeAlarmsCommand({ MaxRecords: 1, NextToken: p1.NextToken }));
    assert.notEqual(p2.MetricAlarms?.[0].AlarmName, p1.MetricAlarms?.[0].AlarmName);
    // A name that is no alarm does not stop the others from being deleted (DeleteAlarms API reference).
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: ["quiet", "never-was"] }));
    assert.deepEqual((await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["quiet"] }))).MetricAlarms, []);
  });
});
