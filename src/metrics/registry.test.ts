// The metrics registry: counters fold past the label limit and drain per minute for CloudWatch, request histograms
// are cumulative in the exposition, gauges are read once per scrape, and the hot path stays cheap (a probe).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Metrics, type ResourceMetric } from "./registry.ts";

const sent: ResourceMetric = { name: "t_sent_total", help: "sent", resourceLabel: "queue_name", cloudwatch: { namespace: "AWS/SQS", metric: "NumberOfMessagesSent", dimension: "QueueName", unit: "Count" } };
const depth: ResourceMetric = { name: "t_depth", help: "depth", resourceLabel: "queue_name" };

test("counters: per resource, folded past the limit, drained for CloudWatch", async () => {
  const m = new Metrics(2);
  const c = m.counter(sent);
  c.add("1", "r", "a", 2);
  c.add("1", "r", "b");
  c.add("1", "r", "c", 5);
  c.add("1", "r", "a");
  const text = await m.scrape();
  assert.match(text, /t_sent_total\{account="1",region="r",queue_name="a"\} 3/);
  assert.match(text, /t_sent_total\{account="1",region="r",queue_name="b"\} 1/);
  assert.match(text, /t_sent_total\{account="other",region="other",queue_name="other"\} 5/);
  assert.deepEqual(m.drainCounters().map((d) => [d.resource, d.value]), [["a", 3], ["b", 1], ["c", 5]]);
  assert.deepEqual(m.drainCounters(), []);
  c.add("1", "r", "b");
  assert.deepEqual(m.drainCounters().map((d) => [d.resource, d.value]), [["b", 1]]);
  // The Prometheus counter keeps its total.
  assert.match(await m.scrape(), /queue_name="b"\} 2/);
});

test("request histograms are cumulative; throttles counted; invented operations fold", async () => {
  const m = new Metrics();
  m.observeRequest("sqs", "SendMessage", "", 0.0007);
  m.observeRequest("sqs", "SendMessage", "", 0.3);
  m.observeRequest("sns", "Publish", "Throttling", 0.001);
  const text = await m.scrape();
  assert.match(text, /mailroom_request_duration_seconds_bucket\{le="0.001",service="sqs",operation="SendMessage",code=""\} 1/);
  assert.match(text, /mailroom_request_duration_seconds_bucket\{le="0.5",service="sqs",operation="SendMessage",code=""\} 2/);
  assert.match(text, /mailroom_request_duration_seconds_bucket\{le="\+Inf",service="sqs",operation="SendMessage",code=""\} 2/);
  assert.match(text, /mailroom_request_duration_seconds_count\{service="sqs",operation="SendMessage",code=""\} 2/);
  assert.match(text, /mailroom_requests_total\{service="sns",operation="Publish",code="Throttling"\} 1/);
  assert.match(text, /mailroom_throttled_requests_total\{service="sns",operation="Publish"\} 1/);
});

test("gauges are read once per scrape for all of a source's families", async () => {
  const m = new Metrics();
  let reads = 0;
  const other: ResourceMetric = { ...depth, name: "t_other" };
  m.gauges([depth, other], async () => {
    reads++;
    return [{ metric: depth, account: "1", region: "r", resource: "q", value: 7 }, { metric: other, account: "1", region: "r", resource: "q", value: 9 }];
  });
  const text = await m.scrape();
  assert.match(text, /t_depth\{account="1",region="r",queue_name="q"\} 7/);
  assert.match(text, /t_other\{account="1",region="r",queue_name="q"\} 9/);
  assert.equal(reads, 1);
  assert.equal((await m.sampleGauges()).length, 2);
});

test("probe: the hot path stays cheap (a counter add and a request observation)", () => {
  const m = new Metrics();
  const c = m.counter(sent);
  const n = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    c.add("000000000000", "us-east-1", "bench");
    m.observeRequest("sqs", "SendMessage", "", 0.002);
  }
  const perCall = ((performance.now() - t0) * 1e6) / n;
  // About 0.2 µs on an idle core; the bound leaves room for a loaded CI machine.
  assert.ok(perCall < 5_000, `${perCall.toFixed(0)} ns per request`);
});

test("an invalid limit is refused", () => {
  assert.throws(() => new Metrics(0), /invalid metrics label limit/);
});

test("past the label limit, counters of resources quiet for an hour are forgotten", async () => {
  const m = new Metrics(1);
  const c = m.counter(sent);
  c.add("1", "r", "old");
  c.add("1", "r", "busy");
  for (let i = 0; i < 62; i++) {
    c.add("1", "r", "busy");
    m.drainCounters();
  }
  c.add("1", "r", "old");
  // "old" starts again from its new count; "busy" kept its total.
  const last = m.drainCounters().map((d) => [d.resource, d.value]);
  assert.deepEqual(last, [["old", 1]]);
  const text = await m.scrape();
  assert.match(text, /t_sent_total\{account="1",region="r",queue_name="busy"\} 63/);
  assert.match(text, /t_sent_total\{account="other",region="other",queue_name="other"\} 1/);
});

test("series with several resource labels: labels and CloudWatch dimensions from the resource, folded as one", async () => {
  const split = (r: string) => r.split("/");
  const rules: ResourceMetric = {
    name: "t_invocations_total", help: "inv", resourceLabel: "rule_name",
    labels: (r) => (r === "other" ? { event_bus_name: "other", rule_name: "other" } : { event_bus_name: split(r)[0], rule_name: split(r)[1] }),
    cloudwatch: { namespace: "AWS/Events", metric: "Invocations", dimension: "RuleName", unit: "Count", dimensions: (r) => [{ Name: "EventBusName", Value: split(r)[0] }, { Name: "RuleName", Value: split(r)[1] }] },
  };
  const m = new Metrics(1);
  const c = m.counter(rules);
  c.add("1", "r", "bus/a", 2);
  c.add("1", "r", "bus/b");
  const text = await m.scrape();
  assert.match(text, /t_invocations_total\{account="1",region="r",event_bus_name="bus",rule_name="a"\} 2/);
  assert.match(text, /t_invocations_total\{account="other",region="other",event_bus_name="other",rule_name="other"\} 1/);
  const [d] = m.drainCounters();
  assert.deepEqual(d.metric.dimensions?.(d.resource), [{ Name: "EventBusName", Value: "bus" }, { Name: "RuleName", Value: "a" }]);
});

test("distributions: a histogram per resource, folded past the limit; minute statistics with a bounded sample for CloudWatch", async () => {
  const age: ResourceMetric = { name: "t_age_ms", help: "age", resourceLabel: "stream_name", cloudwatch: { namespace: "AWS/Kinesis", metric: "GetRecords.IteratorAgeMilliseconds", dimension: "StreamName", unit: "Milliseconds" } };
  const m = new Metrics(1);
  const d = m.distribution(age, [10, 100]);
  d.observe("1", "r", "s", 5);
  d.observe("1", "r", "s", 50);
  d.observe("1", "r", "t", 500);
  const text = await m.scrape();
  assert.match(text, /t_age_ms_bucket\{le="10",account="1",region="r",stream_name="s"\} 1/);
  assert.match(text, /t_age_ms_bucket\{le="100",account="1",region="r",stream_name="s"\} 2/);
  assert.match(text, /t_age_ms_count\{account="other",region="other",stream_name="other"\} 1/);
  const [s, t] = m.drainDistributions();
  assert.deepEqual([s.resource, s.sum, s.count, s.min, s.max, s.values], ["s", 55, 2, 5, 50, [5, 50]]);
  assert.equal(t.max, 500);
  assert.deepEqual(m.drainDistributions(), []);
  for (let i = 0; i < 5000; i++) d.observe("1", "r", "s", i);
  const [big] = m.drainDistributions();
  assert.deepEqual([big.count, big.min, big.max, big.values.length], [5000, 0, 4999, 1000]);
});

test("a resource handle: no series before its first add, the same entry as add(), and counts again after a drain forgot it", async () => {
  const m = new Metrics(1);
  const c = m.counter(sent);
  const h = c.of("1", "r", "old");
  // Made but never counted: no series, no CloudWatch datapoint.
  assert.doesNotMatch(await m.scrape(), /queue_name="old"/);
  assert.deepEqual(m.drainCounters(), []);
  h.add();
  c.add("1", "r", "old", 2);
  assert.deepEqual(m.drainCounters().map((d) => [d.resource, d.value]), [["old", 3]]);
  // Past the label limit, "old" goes quiet for an hour of drains and is forgotten; the handle still counts.
  for (let i = 0; i < 62; i++) {
    c.add("1", "r", "busy");
    m.drainCounters();
  }
  h.add(4);
  assert.deepEqual(m.drainCounters().map((d) => [d.resource, d.value]), [["old", 4]]);
  h.add();
  c.add("1", "r", "old");
  assert.deepEqual(m.drainCounters().map((d) => [d.resource, d.value]), [["old", 2]]);
});
