// PutEvents under a ManualClock: the event time the server forms, rule and target changes seen by the very next
// PutEvents (the rule index is cached per bus), buses named by ARN, deleting a bus deletes its rules.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CreateEventBusCommand, DeleteEventBusCommand, DisableRuleCommand, EnableRuleCommand, EventBridgeClient, ListRulesCommand,
  PutEventsCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 4, 17, 8, 30, 15, 999));
const { server, sqs } = useTestServer({ clock });
const ACCOUNT = "000000000000";
let client: EventBridgeClient | undefined;
const eb = () => (client ??= new EventBridgeClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 }));

async function queue(name: string) {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  return { url, arn };
}
const bodies = async (url: string) =>
  ((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }))).Messages ?? []).map((m) => JSON.parse(m.Body!));
const put = (detail: object, bus?: string) => eb().send(new PutEventsCommand({ Entries: [{ Source: "app", DetailType: "d", Detail: JSON.stringify(detail), EventBusName: bus }] }));

test("the event's time is the server's clock in whole seconds when the entry has no Time", async () => {
  const q = await queue("time-q");
  await eb().send(new PutRuleCommand({ Name: "time", EventPattern: JSON.stringify({ source: ["app"], detail: { k: ["time"] } }) }));
  await eb().send(new PutTargetsCommand({ Rule: "time", Targets: [{ Id: "q", Arn: q.arn }] }));
  await put({ k: "time" });
  const [e] = await bodies(q.url);
  assert.equal(e.time, "2026-05-17T08:30:15Z");
  assert.equal(e.account, ACCOUNT);
  assert.equal(e.region, "us-east-1");
  assert.equal(e.version, "0");
  assert.deepEqual(e.resources, []);
  clock.advance(60_000);
});

test("rule and target changes are seen by the next PutEvents", async () => {
  const a = await queue("chg-a");
  const b = await queue("chg-b");
  await eb().send(new PutRuleCommand({ Name: "chg", EventPattern: JSON.stringify({ source: ["app"], detail: { k: ["chg"] } }) }));
  await eb().send(new PutTargetsCommand({ Rule: "chg", Targets: [{ Id: "a", Arn: a.arn }] }));
  await put({ k: "chg", n: 1 });
  await eb().send(new DisableRuleCommand({ Name: "chg" }));
  await put({ k: "chg", n: 2 });
  await eb().send(new EnableRuleCommand({ Name: "chg" }));
  await eb().send(new PutTargetsCommand({ Rule: "chg", Targets: [{ Id: "b", Arn: b.arn }] }));
  await put({ k: "chg", n: 3 });
  await eb().send(new RemoveTargetsCommand({ Rule: "chg", Ids: ["a"] }));
  // The pattern changes too: n 4 no longer matches, n 5 does.
  await eb().send(new PutRuleCommand({ Name: "chg", EventPattern: JSON.stringify({ source: ["app"], detail: { k: ["chg"], n: [5] } }) }));
  await put({ k: "chg", n: 4 });
  await put({ k: "chg", n: 5 });
  assert.deepEqual((await bodies(a.url)).map((e) => e.detail.n).sort(), [1, 3]);
  assert.deepEqual((await bodies(b.url)).map((e) => e.detail.n).sort(), [3, 5]);
});

test("a bus named by ARN; deleting a bus deletes its rules, and a bus of the same name starts empty", async () => {
  const q = await queue("arn-q");
  const arn = (await eb().send(new CreateEventBusCommand({ Name: "arn-bus" }))).EventBusArn!;
  await eb().send(new PutRuleCommand({ Name: "r", EventBusName: arn, EventPattern: JSON.stringify({ source: ["app"] }) }));
  await eb().send(new PutTargetsCommand({ Rule: "r", EventBusName: arn, Targets: [{ Id: "q", Arn: q.arn }] }));
  assert.deepEqual((await eb().send(new ListRulesCommand({ EventBusName: arn }))).Rules!.map((r) => r.Arn), [`arn:aws:events:us-east-1:${ACCOUNT}:rule/arn-bus/r`]);
  await put({ via: "arn" }, arn);
  assert.deepEqual((await bodies(q.url)).map((e) => e.detail.via), ["arn"]);
  await eb().send(new DeleteEventBusCommand({ Name: "arn-bus" }));
  await rejectsAws(put({ via: "gone" }, "arn-bus"), { name: "ResourceNotFoundException", message: "Event bus arn-bus does not exist." });
  await eb().send(new CreateEventBusCommand({ Name: "arn-bus" }));
  assert.deepEqual((await eb().send(new ListRulesCommand({ EventBusName: "arn-bus" }))).Rules, []);
  await put({ via: "again" }, "arn-bus");
  assert.deepEqual(await bodies(q.url), []);
  // Another account's bus without a policy that allows the caller: the entry is refused (PutEventsResultEntry AccessDeniedException).
  const denied = await eb().send(new PutEventsCommand({ Entries: [{ Source: "app", DetailType: "d", Detail: "{}", EventBusName: "arn:aws:events:us-east-1:111111111111:event-bus/x" }] }));
  assert.equal(denied.FailedEntryCount, 1);
  assert.equal(denied.Entries![0].ErrorCode, "AccessDeniedException");
  await rejectsAws(eb().send(new PutEventsCommand({ Entries: [{ Source: "app", DetailType: "d", Detail: "{}", EventBusName: "arn:aws:events:eu-west-1:000000000000:event-bus/x" }] })), {
    name: "ValidationException", message: /another region/,
  });
});
