// Composite alarms through the JS SDK (RPC v2 CBOR): PutCompositeAlarm, the rule over the children's states (driven
// with SetAlarmState), the notification to an SNS topic's SQS subscriber, DescribeAlarms' AlarmTypes, ChildrenOf- and
// ParentsOfAlarmName, DeleteAlarms' dependency check, composites of composites, suppression, and hostile rules.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AwsSmithyRpcV2CborProtocol } from "@aws-sdk/core/protocols";
import {
  CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, PutCompositeAlarmCommand, PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { ManualClock } from "../../../src/engine/clock.ts";
import { TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 0, 1, 0, 0, 5));
const { server, sqs, sns } = useTestServer({ clock });
let cw: CloudWatchClient;
const ARN = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:";

async function metricAlarm(name: string) {
  await cw.send(new PutMetricAlarmCommand({
    AlarmName: name, Namespace: "App", MetricName: name, Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 1,
    ComparisonOperator: "GreaterThanThreshold",
  }));
}
const setState = (name: string, StateValue: "OK" | "ALARM" | "INSUFFICIENT_DATA") => cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue, StateReason: "test" }));
async function composite(name: string) {
  const r = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ["CompositeAlarm"] }));
  return r.CompositeAlarms![0];
}
/** The query-compatible error code (x-amzn-query-error), which the SDK gives as Code; its name is the generic ValidationException. */
const codeOf = (e: Error) => (e as Error & { Code?: string }).Code ?? e.name;
async function err(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe("CloudWatch composite alarms", () => {
  before(() => {
    cw = new CloudWatchClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1, protocol: AwsSmithyRpcV2CborProtocol });
  });
  after(() => cw?.destroy());

  test("the rule follows its children; ALARM notifies the topic; describe, children, parents, history", async () => {
    const { QueueUrl: inbox } = await sqs.send(new CreateQueueCommand({ QueueName: "composite-inbox" }));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "composite-alarms" }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:composite-inbox", Attributes: { RawMessageDelivery: "true" } }));
    await metricAlarm("cpu");
    await metricAlarm("disk");
    await cw.send(new PutCompositeAlarmCommand({
      AlarmName: "both", AlarmDescription: "cpu and disk", AlarmRule: `ALARM(cpu) AND ALARM("${ARN}disk")`, AlarmActions: [TopicArn!],
    }));
    let c = await composite("both");
    assert.equal(c.StateValue, "OK");
    assert.equal(c.StateReason, `${ARN}both was created and its alarm rule evaluates to OK`);
    assert.equal(c.AlarmRule, `ALARM(cpu) AND ALARM("${ARN}disk")`);
    assert.equal(c.AlarmArn, `${ARN}both`);

    await setState("cpu", "ALARM");
    assert.equal((await composite("both")).StateValue, "OK");
    await setState("disk", "ALARM");
    c = await composite("both");
    assert.equal(c.StateValue, "ALARM");
    assert.match(c.StateReason!, new RegExp(`^${ARN}(cpu|disk) transitioned to ALARM at [A-Z][a-z]+day \\d\\d [A-Z][a-z]+, \\d{4} \\d\\d:\\d\\d:\\d\\d UTC$`));
    const data = JSON.parse(c.StateReasonData!) as { triggeringAlarms: { arn: string; state: { value: string } }[] };
    assert.deepEqual(data.triggeringAlarms.map((t) => [t.arn, t.state.value]).sort(), [[`${ARN}cpu`, "ALARM"], [`${ARN}disk`, "ALARM"]]);

    let body: string | undefined;
    for (let i = 0; i < 100 && !body; i++) {
      body = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: inbox }))).Messages?.[0]?.Body;
      if (!body) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(body, "the composite's notification arrived");
    const msg = JSON.parse(body) as Record<string, unknown>;
    assert.deepEqual([msg.AlarmName, msg.NewStateValue, msg.OldStateValue, msg.AlarmRule], ["both", "ALARM", "OK", c.AlarmRule]);

    // Without AlarmTypes only metric alarms; with both types each in its list.
    const plain = await cw.send(new DescribeAlarmsCommand({}));
    assert.deepEqual(plain.CompositeAlarms, []);
    assert.ok(plain.MetricAlarms!.some((a) => a.AlarmName === "cpu"));
    const mixed = await cw.send(new DescribeAlarmsCommand({ AlarmTypes: ["CompositeAlarm", "MetricAlarm"], AlarmNamePrefix: "" }));
    assert.ok(mixed.CompositeAlarms!.some((a) => a.AlarmName === "both"));
    const children = await cw.send(new DescribeAlarmsCommand({ ChildrenOfAlarmName: "both" }));
    assert.deepEqual(children.MetricAlarms!.map((a) => a.AlarmName).sort(), ["cpu", "disk"]);
    const parents = await cw.send(new DescribeAlarmsCommand({ ParentsOfAlarmName: "cpu", AlarmTypes: ["CompositeAlarm"] }));
    assert.deepEqual(parents.CompositeAlarms!.map((a) => a.AlarmName), ["both"]);

    const history = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: "both", AlarmTypes: ["CompositeAlarm"] }));
    assert.ok(history.AlarmHistoryItems!.length >= 2);
    assert.ok(history.AlarmHistoryItems!.every((h) => h.AlarmType === "CompositeAlarm"));

    // Back to OK when a child leaves ALARM.
    await setState("cpu", "OK");
    assert.equal((await composite("both")).StateValue, "OK");
  });

  test("AWS's errors: missing children, bad rules, deleting a child a composite depends on", async () => {
    await metricAlarm("lonely");
    let e = await err(cw.send(new PutCompositeAlarmCommand({ AlarmName: "ghosts", AlarmRule: "ALARM(lonely) OR ALARM(nope)" })));
    assert.equal(codeOf(e), "ValidationError");
    assert.match(e.message, /alarms \[nope\] in the alarm rule do not exist/);
    for (const rule of ["ALARM(lonely", "ALARM(lonely) AND", "MAYBE(lonely)", "ALARM(lonely) XOR TRUE", "ALARM()"]) {
      e = await err(cw.send(new PutCompositeAlarmCommand({ AlarmName: "bad", AlarmRule: rule })));
      assert.equal(codeOf(e), "ValidationError", rule);
    }
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: "watcher", AlarmRule: "NOT OK(lonely) AND TRUE" }));
    assert.equal((await composite("watcher")).StateValue, "ALARM"); // lonely is INSUFFICIENT_DATA, so NOT OK(lonely) holds
    e = await err(cw.send(new DeleteAlarmsCommand({ AlarmNames: ["lonely"] })));
    assert.equal(codeOf(e), "ValidationError");
    assert.equal(e.message, "Cannot delete lonely as there are composite alarm(s) depending on it.");
    // A metric alarm cannot take over a composite's name, nor the other way round.
    e = await err(cw.send(new PutCompositeAlarmCommand({ AlarmName: "lonely", AlarmRule: "TRUE" })));
    assert.equal(codeOf(e), "ValidationError");
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: ["lonely", "watcher"] }));
    assert.deepEqual((await cw.send(new DescribeAlarmsCommand({ AlarmNames: ["lonely", "watcher"], AlarmTypes: ["CompositeAlarm", "MetricAlarm"] }))).CompositeAlarms, []);
  });

  test("composites of composites, and a cycle that does not loop", async () => {
    await metricAlarm("leaf");
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: "inner", AlarmRule: "ALARM(leaf)" }));
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: "outer", AlarmRule: `ALARM("${ARN}inner") AND TRUE` }));
    assert.equal((await composite("outer")).StateValue, "OK");
    await setState("leaf", "ALARM");
    assert.equal((await composite("inner")).StateValue, "ALARM");
    assert.equal((await composite("outer")).StateValue, "ALARM");
    // inner now also depends on outer: a cycle (AWS allows it); a change still settles.
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: "inner", AlarmRule: "ALARM(leaf) AND NOT OK(outer)" }));
    await setState("leaf", "OK");
    assert.equal((await composite("inner")).StateValue, "OK");
    assert.equal((await composite("outer")).StateValue, "OK");
    // Two composites cannot be deleted in one call; each is blocked by the other.
    const e = await err(cw.send(new DeleteAlarmsCommand({ AlarmNames: ["inner", "outer"] })));
    assert.equal(codeOf(e), "ValidationError");
  });

  test("an actions suppressor in ALARM suppresses the composite's actions", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "suppressed" }));
    await metricAlarm("maintenance");
    await metricAlarm("errors");
    await setState("maintenance", "ALARM");
    await cw.send(new PutCompositeAlarmCommand({
      AlarmName: "paged", AlarmRule: "ALARM(errors)", AlarmActions: [TopicArn!], ActionsSuppressor: `${ARN}maintenance`,
      ActionsSuppressorWaitPeriod: 60, ActionsSuppressorExtensionPeriod: 60,
    }));
    await setState("errors", "ALARM");
    const c = await composite("paged");
    assert.equal(c.StateValue, "ALARM");
    assert.equal(c.ActionsSuppressedBy, "Alarm");
    const history = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: "paged", AlarmTypes: ["CompositeAlarm"], HistoryItemType: "Action" }));
    assert.deepEqual(history.AlarmHistoryItems, []);
  });

  test("the minute job: a metric alarm it moves to ALARM moves its composite in the same minute", async () => {
    await cw.send(new PutMetricAlarmCommand({
      AlarmName: "silent", Namespace: "App", MetricName: "Heartbeat", Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "breaching",
    }));
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: "outage", AlarmRule: "ALARM(silent)" }));
    assert.equal((await composite("outage")).StateValue, "OK");
    // Past two minute boundaries (PostgreSQL judges a minute one minute after it ended), each run to its end.
    for (let round = 0; round < 2 && (await composite("outage")).StateValue !== "ALARM"; round++) {
      clock.advance(60_000 - (clock.now() % 60_000) + 1_000);
      for (let i = 0; i < 200 && (await composite("outage")).StateValue !== "ALARM"; i++) await new Promise((r) => setTimeout(r, 10));
    }
    const c = await composite("outage");
    assert.equal(c.StateValue, "ALARM");
    assert.match(c.StateReason!, new RegExp(`^${ARN}silent transitioned to ALARM at `));
  });

  test("hostile rules: deep nesting and the longest rule are refused or evaluated, never a crash", async () => {
    await metricAlarm("x");
    const deep = `${"(".repeat(5000)}ALARM(x)${")".repeat(5000)}`;
    let e = await err(cw.send(new PutCompositeAlarmCommand({ AlarmName: "deep", AlarmRule: deep })));
    assert.equal(codeOf(e), "ValidationError");
    const nots = `${"NOT ".repeat(2000)}TRUE`;
    e = await err(cw.send(new PutCompositeAlarmCommand({ AlarmName: "nots", AlarmRule: nots })));
    assert.equal(codeOf(e), "ValidationError");
    // 10,240 characters, the model's maximum: a long flat chain of one child.
    const flat = Array.from({ length: 1138 }, () => "OK(x)").join(" OR "); // 10,238 characters
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: "flat", AlarmRule: flat }));
    assert.equal((await composite("flat")).StateValue, "OK");
    e = await err(cw.send(new PutCompositeAlarmCommand({ AlarmName: "long", AlarmRule: `${flat} OR ${"OK(x)".repeat(100)}` })));
    assert.equal(e.$metadata?.httpStatusCode, 400);
  });
});
