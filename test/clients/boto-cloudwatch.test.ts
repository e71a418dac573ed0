// CloudWatch through boto3: Debian's boto3 1.26 speaks the query protocol to it, the pyenv boto3 1.43 Smithy RPC v2
// CBOR (botocore's monitoring model lists smithy-rpc-v2-cbor, json, query). PutMetricData, GetMetricData with metric
// math, GetMetricStatistics, ListMetrics, alarms, and AWS's error codes as botocore parses them from each envelope.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Mailroom } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";
import { type Boto, JSON_PYTHON, startBoto } from "./boto.ts";

const T = Date.UTC(2026, 0, 1, 0, 0, 0);

for (const [name, python, protocol] of [["query (boto3 1.26)", undefined, "query"], ["smithy-rpc-v2-cbor (boto3 1.43)", JSON_PYTHON, "smithy-rpc-v2-cbor"]] as const) {
  describe(`CloudWatch over ${name}`, () => {
    let server: Mailroom;
    let cw: Boto;
    before(async () => {
      server = await startTestServer({ clock: new (await import("../../src/engine/clock.ts")).ManualClock(T + 30_000) });
      cw = await startBoto(server.endpoint, { service: "cloudwatch", python, protocol });
    });
    after(async () => {
      cw?.close();
      await server?.close();
    });

    test("the driver's boto3 speaks the expected protocol", () => {
      assert.equal(cw.info.protocol, protocol);
    });

    test("PutMetricData, GetMetricData with math, GetMetricStatistics, ListMetrics", async () => {
      const iso = (ms: number) => new Date(ms).toISOString();
      await cw.call("put_metric_data", {
        Namespace: "Boto", MetricData: [
          { MetricName: "Hits", Dimensions: [{ Name: "Page", Value: "home" }], Timestamp: iso(T), Value: 3, Unit: "Count" },
          { MetricName: "Hits", Dimensions: [{ Name: "Page", Value: "home" }], Timestamp: iso(T + 60_000), Values: [1, 2], Counts: [2, 1], Unit: "Count" },
        ],
      });
      const data = await cw.call("get_metric_data", {
        StartTime: iso(T), EndTime: iso(T + 120_000), ScanBy: "TimestampAscending",
        MetricDataQueries: [
          { Id: "h", MetricStat: { Metric: { Namespace: "Boto", MetricName: "Hits", Dimensions: [{ Name: "Page", Value: "home" }] }, Period: 60, Stat: "Sum" }, ReturnData: false },
          { Id: "double", Expression: "h * 2", Label: "Doubled" },
        ],
      });
      assert.equal(data.MetricDataResults.length, 1);
      assert.equal(data.MetricDataResults[0].Id, "double");
      assert.equal(data.MetricDataResults[0].Label, "Doubled");
      assert.deepEqual(data.MetricDataResults[0].Values, [6, 8]);
      assert.deepEqual(data.MetricDataResults[0].Timestamps.map((t: string) => Date.parse(t)), [T, T + 60_000]);
      const stats = await cw.call("get_metric_statistics", {
        Namespace: "Boto", MetricName: "Hits", Dimensions: [{ Name: "Page", Value: "home" }], StartTime: iso(T), EndTime: iso(T + 120_000),
        Period: 120, Statistics: ["Sum", "SampleCount", "Maximum"],
      });
      assert.equal(stats.Datapoints.length, 1);
      assert.deepEqual([stats.Datapoints[0].Sum, stats.Datapoints[0].SampleCount, stats.Datapoints[0].Maximum, stats.Datapoints[0].Unit], [7, 4, 3, "Count"]);
      // 1,000 metrics: over 10 KB, which botocore 1.43 gzips (requestCompression) and 1.26 sends as it is.
      await cw.call("put_metric_data", { Namespace: "BotoBig", MetricData: Array.from({ length: 1000 }, (_, i) => ({ MetricName: "Big", Dimensions: [{ Name: "N", Value: String(i % 5) }], Timestamp: iso(T), Value: 1 })) });
      assert.equal((await cw.call("list_metrics", { Namespace: "BotoBig" })).Metrics.length, 5);
      const list = await cw.call("list_metrics", { Namespace: "Boto" });
      assert.deepEqual(list.Metrics, [{ Namespace: "Boto", MetricName: "Hits", Dimensions: [{ Name: "Page", Value: "home" }] }]);
    });

    test("alarms and AWS's error codes", async () => {
      await cw.call("put_metric_alarm", {
        AlarmName: "boto-alarm", Namespace: "Boto", MetricName: "Hits", Statistic: "Sum", Period: 60, EvaluationPeriods: 1,
        Threshold: 1, ComparisonOperator: "GreaterThanThreshold", AlarmActions: ["arn:aws:sns:us-east-1:000000000000:t"],
      });
      const d = await cw.call("describe_alarms", { AlarmNames: ["boto-alarm"] });
      assert.equal(d.MetricAlarms[0].StateValue, "INSUFFICIENT_DATA");
      assert.deepEqual(d.MetricAlarms[0].AlarmActions, ["arn:aws:sns:us-east-1:000000000000:t"]);
      await cw.call("set_alarm_state", { AlarmName: "boto-alarm", StateValue: "OK", StateReason: "by hand" });
      const h = await cw.call("describe_alarm_history", { AlarmName: "boto-alarm", HistoryItemType: "StateUpdate" });
      assert.equal(h.AlarmHistoryItems[0].HistorySummary, "Alarm updated from INSUFFICIENT_DATA to OK");
      const missing = await cw.fail("set_alarm_state", { AlarmName: "none", StateValue: "OK", StateReason: "x" });
      assert.deepEqual([missing.Code, missing.HTTPStatusCode], ["ResourceNotFound", 404]);
      // AWS-recorded (LocalStack snapshots test_set_alarm_invalid_input, test_put_metric_data_validation).
      const invalid = await cw.fail("set_alarm_state", { AlarmName: "boto-alarm", StateValue: "INVALID", StateReason: "x" });
      assert.deepEqual([invalid.Code, invalid.HTTPStatusCode, invalid.Message], ["ValidationError", 400,
        "1 validation error detected: Value 'INVALID' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]"]);
      const sizes = await cw.fail("put_metric_data", { Namespace: "Boto", MetricData: [{ MetricName: "x", Values: [1, 2], Counts: [1] }] });
      assert.deepEqual([sizes.Code, sizes.Message], ["InvalidParameterValue", "The parameters MetricData.member.1.Values and MetricData.member.1.Counts must be of the same size."]);
      const both = await cw.fail("put_metric_data", { Namespace: "Boto", MetricData: [{ MetricName: "x", Value: 1, Values: [1] }] });
      assert.deepEqual([both.Code, both.Message], ["InvalidParameterCombination", "The parameters MetricData.member.1.Value and MetricData.member.1.Values are mutually exclusive and you have specified both."]);
      const many = await cw.fail("get_metric_statistics", { Namespace: "Boto", MetricName: "x", StartTime: new Date(T).toISOString(), EndTime: new Date(T + 86_400_000).toISOString(), Period: 1, Statistics: ["Sum"] });
      assert.deepEqual([many.Code, many.Message], ["InvalidParameterCombination", "You have requested up to 86400 datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, or decreasing the time range."]);
      const reserved = await cw.fail("put_metric_data", { Namespace: "AWS/Mine", MetricData: [{ MetricName: "x", Value: 1 }] });
      assert.deepEqual([reserved.Code, reserved.HTTPStatusCode], ["InvalidParameterValue", 400]);
      await cw.call("delete_alarms", { AlarmNames: ["boto-alarm"] });
      assert.deepEqual((await cw.call("describe_alarms", {})).MetricAlarms, []);
    });
  });
}
