// Buses across accounts: another account's PutEvents and another account's rule targeting a bus are refused until
// the bus's policy allows that account (PutPermission), and refused again after RemovePermission. The event keeps the
// sender's account. Two accounts, each with its own client.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { EventBridgeClient, PutEventsCommand, PutPermissionCommand, PutRuleCommand, PutTargetsCommand, RemovePermissionCommand } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Mailroom } from "../../../src/index.ts";
import { sqsClient, startTestServer } from "../../helpers/server.ts";

const ALICE = { accessKeyId: "AKIDALICE", secretAccessKey: "alice-secret", accountId: "111111111111" };
const BOB = { accessKeyId: "AKIDBOB", secretAccessKey: "bob-secret", accountId: "222222222222" };

let server: Mailroom;
let alice: EventBridgeClient;
let bob: EventBridgeClient;
let aliceSqs: SQSClient;
let bobSqs: SQSClient;
before(async () => {
  server = await startTestServer({ accessKeys: [ALICE, BOB] });
  const eb = (k: typeof ALICE) => new EventBridgeClient({ endpoint: server.endpoint, region: "us-east-1", credentials: k, maxAttempts: 1 });
  alice = eb(ALICE);
  bob = eb(BOB);
  aliceSqs = sqsClient(server.endpoint, ALICE);
  bobSqs = sqsClient(server.endpoint, BOB);
});
after(async () => {
  for (const c of [alice, bob, aliceSqs, bobSqs]) c.destroy();
  await server.close();
});

const ALICE_BUS = "arn:aws:events:us-east-1:111111111111:event-bus/default";
const receive = async (c: SQSClient, url: string) =>
  (await c.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ["All"] }))).Messages ?? [];

test("PutEvents to another account's bus: refused per entry without permission, delivered with it, refused after RemovePermission", async () => {
  const { QueueUrl } = await aliceSqs.send(new CreateQueueCommand({ QueueName: "inbox" }));
  await alice.send(new PutRuleCommand({ Name: "from-bob", EventPattern: JSON.stringify({ account: [BOB.accountId] }) }));
  await alice.send(new PutTargetsCommand({ Rule: "from-bob", Targets: [{ Id: "q", Arn: "arn:aws:sqs:us-east-1:111111111111:inbox" }] }));
  const send = () => bob.send(new PutEventsCommand({ Entries: [{ Source: "bob.app", DetailType: "d", Detail: '{"k":1}', EventBusName: ALICE_BUS }] }));

  const denied = await send();
  assert.equal(denied.FailedEntryCount, 1);
  assert.equal(denied.Entries![0].ErrorCode, "AccessDeniedException");
  assert.match(denied.Entries![0].ErrorMessage!, /User: arn:aws:iam::222222222222:root is not authorized to perform: events:PutEvents on resource: arn:aws:events:us-east-1:111111111111:event-bus\/default/);
  // A bus that does not exist answers the same (nothing is learnt about the other account).
  const missing = await bob.send(new PutEventsCommand({ Entries: [{ Source: "b", DetailType: "d", Detail: "{}", EventBusName: "arn:aws:events:us-east-1:111111111111:event-bus/none" }] }));
  assert.equal(missing.Entries![0].ErrorCode, "AccessDeniedException");
  assert.deepEqual(await receive(aliceSqs, QueueUrl!), []);

  await alice.send(new PutPermissionCommand({ Action: "events:PutEvents", Principal: BOB.accountId, StatementId: "bob" }));
  const ok = await send();
  assert.equal(ok.FailedEntryCount, 0);
  const [m] = await receive(aliceSqs, QueueUrl!);
  const e = JSON.parse(m.Body!);
  assert.equal(e.id, ok.Entries![0].EventId);
  assert.equal(e.account, BOB.accountId);
  assert.equal(e.source, "bob.app");

  await alice.send(new RemovePermissionCommand({ StatementId: "bob" }));
  assert.equal((await send()).Entries![0].ErrorCode, "AccessDeniedException");
});

test("a rule of another account targeting a bus: NO_PERMISSIONS to its dead-letter queue without permission, delivered with it", async () => {
  const { QueueUrl: inbox } = await aliceSqs.send(new CreateQueueCommand({ QueueName: "forwarded" }));
  await alice.send(new PutRuleCommand({ Name: "fwd", EventPattern: JSON.stringify({ source: ["bob.fwd"] }) }));
  await alice.send(new PutTargetsCommand({ Rule: "fwd", Targets: [{ Id: "q", Arn: "arn:aws:sqs:us-east-1:111111111111:forwarded" }] }));
  const { QueueUrl: dlq } = await bobSqs.send(new CreateQueueCommand({ QueueName: "bob-dlq" }));
  await bob.send(new PutRuleCommand({ Name: "to-alice", EventPattern: JSON.stringify({ source: ["bob.fwd"] }) }));
  await bob.send(new PutTargetsCommand({
    Rule: "to-alice", Targets: [{ Id: "alice", Arn: ALICE_BUS, RoleArn: "arn:aws:iam::222222222222:role/fwd", DeadLetterConfig: { Arn: "arn:aws:sqs:us-east-1:222222222222:bob-dlq" } }],
  }));
  const emit = () => bob.send(new PutEventsCommand({ Entries: [{ Source: "bob.fwd", DetailType: "d", Detail: '{"n":1}' }] }));

  await emit();
  assert.deepEqual(await receive(aliceSqs, inbox!), []);
  const [dead] = await receive(bobSqs, dlq!);
  assert.equal(dead.MessageAttributes!.ERROR_CODE.StringValue, "NO_PERMISSIONS");
  assert.equal(dead.MessageAttributes!.TARGET_ARN.StringValue, ALICE_BUS);
  assert.equal(dead.MessageAttributes!.RULE_ARN.StringValue, "arn:aws:events:us-east-1:222222222222:rule/to-alice");

  await alice.send(new PutPermissionCommand({ Action: "events:PutEvents", Principal: BOB.accountId, StatementId: "bob-rules" }));
  const sent = await emit();
  const [m] = await receive(aliceSqs, inbox!);
  const e = JSON.parse(m.Body!);
  // The event as EventBridge forwards it: the same event, still the sender's account.
  assert.equal(e.id, sent.Entries![0].EventId);
  assert.equal(e.account, BOB.accountId);
  assert.deepEqual(await receive(bobSqs, dlq!), []);
});
