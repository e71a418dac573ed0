// CloudWatch through @aws-sdk/client-cloudwatch as it comes (AWS JSON 1.0, X-Amz-Target GraniteServiceVersion20100801):
// gzip-compressed PutMetricData bodies (the requestCompression trait, over 10 KB), the awsQueryCompatible error
// codes, and the RPC v2 CBOR route refusing what it does not know. Runs on both backends.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, GetMetricDataCommand, GetMetricStatisticsCommand, ListMetricsCommand,
  PutMetricAlarmCommand, PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import { cbor } from "@smithy/core/cbor";
import { ManualClock } from "../../../src/engine/clock.ts";
import { TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";

const T0 = Date.UTC(2026, 0, 1);
const { server } = useTestServer({ clock: new ManualClock(T0 + 30_000) });
let cw: CloudWatchClient;

describe("CloudWatch over AWS JSON 1.0", () => {
  before(() => {
    cw = new CloudWatchClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  after(() => cw?.destroy());

  test("a gzip-compressed PutMetricData of 1,000 metrics", async () => {
    const MetricData = Array.from({ length: 1000 }, (_, i) => ({ MetricName: "Big", Dimensions: [{ Name: "Shard", Value: String(i % 10) }], Timestamp: new Date(T0), Value: i }));
    await cw.send(new PutMetricDataCommand({ Namespace: "Gz", MetricData }));
    const list = await cw.send(new ListMetricsCommand({ Namespace: "Gz" }));
    assert.equal(list.Metrics?.length, 10);
    const s = await cw.send(new GetMetricStatisticsCommand({
      Namespace: "Gz", MetricName: "Big", Dimensions: [{ Name: "Shard", Value: "3" }], StartTime: new Date(T0), EndTime: new Date(T0 + 60_000),
      Period: 60, Statistics: ["SampleCount", "Sum"],
    }));
    assert.deepEqual([s.Datapoints?.[0].SampleCount, s.Datapoints?.[0].Sum], [100, Array.from({ length: 100 }, (_, k) => 3 + 10 * k).reduce((a, b) => a + b, 0)]);
  });

  test("PutMetricData's 1 MB limit counts the bytes as sent: 2 MB of JSON is refused, the same gzipped is accepted", async () => {
    const MetricData = Array.from({ length: 1000 }, (_, i) => ({
      MetricName: "Wide", Dimensions: [{ Name: "a", Value: "x".repeat(1000) }, { Name: "b", Value: `${i % 5}`.repeat(1000) }], Timestamp: new Date(T0), Value: i,
    }));
    const plain = new CloudWatchClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1, disableRequestCompression: true });
    try {
      const e = (await plain.send(new PutMetricDataCommand({ Namespace: "Limit", MetricData })).catch((x) => x)) as Error & { $metadata: { httpStatusCode?: number } };
      assert.equal(e.$metadata.httpStatusCode, 413);
      assert.equal(e.name, "RequestEntityTooLarge");
    } finally {
      plain.destroy();
    }
    await cw.send(new PutMetricDataCommand({ Namespace: "Limit", MetricData }));
    assert.equal((await cw.send(new ListMetricsCommand({ Namespace: "Limit" }))).Metrics?.length, 5);
  });

  test("errors carry the query-compatible code", async () => {
    const e = (await cw.send(new PutMetricDataCommand({ Namespace: "AWS/X", MetricData: [{ MetricName: "m", Value: 1 }] })).catch((x) => x)) as Error & { Code?: string };
    assert.equal(e.name, "InvalidParameterValueException");
    assert.equal(e.message, "The value AWS/ for parameter Namespace is invalid.");
  });

  test("probes: forged paging tokens, oversized lists and out-of-range values get AWS errors", async () => {
    const name = (p: Promise<unknown>) => p.then(() => "accepted", (e: Error) => e.name);
    for (const token of ["garbage", Buffer.from('{"o":-5}').toString("base64url"), Buffer.from("[]").toString("base64url")]) {
      assert.equal(await name(cw.send(new ListMetricsCommand({ NextToken: token }))), "InvalidNextToken");
      assert.equal(await name(cw.send(new DescribeAlarmsCommand({ NextToken: token }))), "InvalidNextToken");
      assert.equal(await name(cw.send(new DescribeAlarmHistoryCommand({ NextToken: token }))), "InvalidNextToken");
      assert.equal(await name(cw.send(new GetMetricDataCommand({
        NextToken: token, StartTime: new Date(T0), EndTime: new Date(T0 + 60_000), MetricDataQueries: [{ Id: "a", Expression: "1" }],
      }))), "InvalidNextToken");
    }
    assert.equal(await name(cw.send(new ListMetricsCommand({ Dimensions: Array.from({ length: 11 }, (_, i) => ({ Name: `d${i}` })) }))), "InvalidParameterValueException");
    assert.equal(await name(cw.send(new DescribeAlarmsCommand({ MaxRecords: 101 }))), "InvalidParameterValueException");
    assert.equal(await name(cw.send(new GetMetricDataCommand({
      StartTime: new Date(T0), EndTime: new Date(T0 + 60_000), MetricDataQueries: Array.from({ length: 501 }, (_, i) => ({ Id: `q${i}`, Expression: "1" })),
    }))), "InvalidParameterValueException");
    assert.equal(await name(cw.send(new PutMetricDataCommand({ Namespace: "P", MetricData: [{ MetricName: "m", Dimensions: Array.from({ length: 31 }, (_, i) => ({ Name: `d${i}`, Value: "v" })), Value: 1 }] }))), "InvalidParameterValueException");
    assert.equal(await name(cw.send(new PutMetricDataCommand({ Namespace: "P", MetricData: [{ MetricName: "m", Value: 2 ** 361 }] }))), "InvalidParameterValueException");
    assert.equal(await name(cw.send(new PutMetricAlarmCommand({
      AlarmName: "too-long", Namespace: "P", MetricName: "m", Statistic: "Sum", Period: 3600, EvaluationPeriods: 25, Threshold: 1, ComparisonOperator: "GreaterThanThreshold",
    }))), "InvalidParameterValueException");
    assert.equal(await name(cw.send(new PutMetricAlarmCommand({
      AlarmName: "lambda-action", Namespace: "P", MetricName: "m", Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 1,
      ComparisonOperator: "GreaterThanThreshold", AlarmActions: ["arn:aws:lambda:us-east-1:000000000000:function:f"],
    }))), "InvalidParameterValueException");
    // Another account's topic would be published to without its topic policy: refused.
    assert.equal(await name(cw.send(new PutMetricAlarmCommand({
      AlarmName: "foreign-topic", Namespace: "P", MetricName: "m", Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 1,
      ComparisonOperator: "GreaterThanThreshold", AlarmActions: ["arn:aws:sns:us-east-1:999999999999:theirs"],
    }))), "InvalidParameterValueException");
  });

  test("RPC v2 CBOR: unknown operations, unknown services and bad bodies get CBOR errors, never a crash", async () => {
    const post = (path: string, body: Uint8Array | string) => fetch(`${server.endpoint}${path}`, {
      method: "POST", body: typeof body === "string" ? Buffer.from(body, "latin1") : Buffer.from(body), headers: { "smithy-protocol": "rpc-v2-cbor", "content-type": "application/cbor", accept: "application/cbor" },
    });
    let res = await post("/service/GraniteServiceVersion20100801/operation/NoSuchThing", cbor.serialize({}));
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("smithy-protocol"), "rpc-v2-cbor");
    const body = cbor.deserialize(new Uint8Array(await res.arrayBuffer())) as { __type: string };
    assert.match(body.__type, /UnknownOperationException/);
    res = await post("/service/GraniteServiceVersion20100801/operation/ListMetrics", "\xff\xff\xff");
    assert.equal(res.status, 400);
    await res.arrayBuffer();
    res = await post("/service/NoSuchService/operation/ListMetrics", cbor.serialize({}));
    assert.ok(res.status >= 400 && res.status < 500);
    await res.arrayBuffer();
    // A deeply nested CBOR body is refused by the nesting bound.
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    res = await post("/service/GraniteServiceVersion20100801/operation/ListMetrics", cbor.serialize({ Dimensions: deep }));
    assert.equal(res.status, 400);
    await res.arrayBuffer();
  });
});
