// EventBridge's rule counters: a dispatch's counts reach the registry only when applied (after its commit), through
// each rule's handles, with no series for what was never counted.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Metrics } from "../../metrics/registry.ts";
import { DispatchCounts, eventsMetrics, RuleCounters } from "./metrics.ts";

test("dispatch counts: added on apply only, per rule and series, nothing for series never counted", async () => {
  const m = new Metrics();
  const em = eventsMetrics(m);
  const a = new RuleCounters(em, { account: "111111111111", region: "us-east-1", bus: "default", rule: "a" });
  const b = new RuleCounters(em, { account: "111111111111", region: "us-east-1", bus: "orders", rule: "b" });
  const counts = new DispatchCounts();
  for (let i = 0; i < 3; i++) counts.add(a, "matchedEvents");
  counts.add(b, "invocations", 2);
  // Not committed yet: nothing counted.
  assert.doesNotMatch(await m.scrape(), /mailroom_events_matched_events_total\{/);
  counts.apply();
  const text = await m.scrape();
  assert.match(text, /mailroom_events_matched_events_total\{account="111111111111",region="us-east-1",event_bus_name="default",rule_name="a"\} 3/);
  assert.match(text, /mailroom_events_invocations_total\{account="111111111111",region="us-east-1",event_bus_name="orders",rule_name="b"\} 2/);
  assert.doesNotMatch(text, /rule_name="a"\} 0|mailroom_events_failed_invocations_total\{/);
  // CloudWatch: RuleName alone on the default bus, EventBusName and RuleName on another.
  const dims = m.drainCounters().map((d) => [d.metric.metric, d.metric.dimensions?.(d.resource), d.value]);
  assert.deepEqual(dims, [
    ["MatchedEvents", [{ Name: "RuleName", Value: "a" }], 3],
    ["Invocations", [{ Name: "EventBusName", Value: "orders" }, { Name: "RuleName", Value: "b" }], 2],
  ]);
});

test("rule counters without a registry (no server) count nothing and do not fail", () => {
  const c = new RuleCounters(undefined, { account: "1", region: "r", bus: "default", rule: "a" });
  const counts = new DispatchCounts();
  counts.add(c, "triggeredRules");
  counts.apply();
});
