// Queue permissions through the JS SDK with two accounts: AddPermission / RemovePermission write the Policy
// attribute in AWS's form (recorded in LocalStack's test_sqs_permission_lifecycle snapshot), and a request from
// another account is allowed only when the queue policy allows its action (SetQueueAttributes policies too).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  AddPermissionCommand, ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand,
  GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, RemovePermissionCommand, SendMessageBatchCommand,
  SendMessageCommand, SetQueueAttributesCommand, type SQSClient,
} from "@aws-sdk/client-sqs";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { sqsClient, startTestServer } from "../../helpers/server.ts";

const ALICE = { accessKeyId: "AKIDALICE", secretAccessKey: "alice-secret", accountId: "111111111111" };
const BOB = { accessKeyId: "AKIDBOB", secretAccessKey: "bob-secret", accountId: "222222222222" };
const CAROL = { accessKeyId: "AKIDCAROL", secretAccessKey: "carol-secret", accountId: "333333333333" };
const clock = new ManualClock(Date.now());

let server: Mailroom;
let alice: SQSClient;
let bob: SQSClient;
let carol: SQSClient;
before(async () => {
  server = await startTestServer({ accessKeys: [ALICE, BOB, CAROL], clock });
  alice = sqsClient(server.endpoint, ALICE);
  bob = sqsClient(server.endpoint, BOB);
  carol = sqsClient(server.endpoint, CAROL);
});
after(() => server.close());

async function policyOf(url: string): Promise<unknown> {
  const a = await alice.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["Policy"] }));
  return a.Attributes?.Policy === undefined ? undefined : JSON.parse(a.Attributes.Policy);
}

const denied = { name: "AccessDenied", code: "AccessDenied", status: 403, fault: "client" as const, message: /is denied\.$/ };

async function queue(name: string): Promise<{ url: string; arn: string }> {
  const url = (await alice.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  return { url, arn: `arn:aws:sqs:us-east-1:${ALICE.accountId}:${name}` };
}

describe("AddPermission / RemovePermission", () => {
  test("write the policy AWS writes, one account and action as strings, several as lists", async () => {
    const { url, arn } = await queue("perm-lifecycle");
    await alice.send(new AddPermissionCommand({ QueueUrl: url, Label: "crossaccountpermission", AWSAccountIds: [BOB.accountId, CAROL.accountId], Actions: ["ReceiveMessage"] }));
    assert.deepEqual(await policyOf(url), {
      Version: "2008-10-17", Id: `${arn}/SQSDefaultPolicy`,
      Statement: [{
        Sid: "crossaccountpermission", Effect: "Allow",
        Principal: { AWS: [`arn:aws:iam::${BOB.accountId}:root`, `arn:aws:iam::${CAROL.accountId}:root`] },
        Action: "SQS:ReceiveMessage", Resource: arn,
      }],
    });
    await alice.send(new AddPermissionCommand({ QueueUrl: url, Label: "second", AWSAccountIds: [BOB.accountId], Actions: ["SendMessage", "DeleteMessage"] }));
    const p = (await policyOf(url)) as { Statement: unknown[] };
    assert.deepEqual(p.Statement[1], {
      Sid: "second", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${BOB.accountId}:root` },
      Action: ["SQS:SendMessage", "SQS:DeleteMessage"], Resource: arn,
    });
    await rejectsAws(alice.send(new AddPermissionCommand({ QueueUrl: url, Label: "second", AWSAccountIds: [BOB.accountId], Actions: ["SendMessage"] })), {
      name: "InvalidParameterValue", status: 400, message: "Value second for parameter Label is invalid. Reason: Already exists.",
    });
    await alice.send(new RemovePermissionCommand({ QueueUrl: url, Label: "crossaccountpermission" }));
    assert.deepEqual(((await policyOf(url)) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid), ["second"]);
    await alice.send(new RemovePermissionCommand({ QueueUrl: url, Label: "second" }));
    assert.equal(await policyOf(url), undefined);
    await rejectsAws(alice.send(new RemovePermissionCommand({ QueueUrl: url, Label: "second" })), {
      name: "InvalidParameterValue", status: 400, message: "Value second for parameter Label is invalid. Reason: can't find label.",
    });
  });

  test("invalid action names, labels, accounts and too many actions are refused", async () => {
    const { url } = await queue("perm-invalid");
    const add = (Label: string, AWSAccountIds: string[], Actions: string[]) => alice.send(new AddPermissionCommand({ QueueUrl: url, Label, AWSAccountIds, Actions }));
    await rejectsAws(add("x", [BOB.accountId], ["Fly"]), { name: "InvalidParameterValue", status: 400, message: /^Value SQS:Fly for parameter ActionName is invalid\./ });
    await rejectsAws(add("bad label!", [BOB.accountId], ["SendMessage"]), { name: "InvalidParameterValue", status: 400, message: /^Value bad label! for parameter Label is invalid\./ });
    await rejectsAws(add("x".repeat(81), [BOB.accountId], ["SendMessage"]), { name: "InvalidParameterValue", status: 400 });
    await rejectsAws(add("x", ["bob"], ["SendMessage"]), { name: "InvalidParameterValue", status: 400 });
    const eight = ["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes", "GetQueueUrl", "PurgeQueue", "ListDeadLetterSourceQueues"];
    await rejectsAws(add("x", [BOB.accountId], eight), { name: "OverLimit", status: 403 });
    await add("x", [BOB.accountId], eight.slice(0, 7));
    await add("star", [BOB.accountId], ["*"]);
    assert.equal(((await policyOf(url)) as { Statement: { Action: unknown }[] }).Statement[1].Action, "SQS:*");
  });

  test("another account cannot manage permissions even when the policy allows everything", async () => {
    const { url } = await queue("perm-owner-only");
    await alice.send(new AddPermissionCommand({ QueueUrl: url, Label: "all", AWSAccountIds: [BOB.accountId], Actions: ["*"] }));
    await rejectsAws(bob.send(new AddPermissionCommand({ QueueUrl: url, Label: "bob", AWSAccountIds: [BOB.accountId], Actions: ["*"] })), denied);
    await rejectsAws(bob.send(new RemovePermissionCommand({ QueueUrl: url, Label: "all" })), denied);
    await rejectsAws(bob.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: "5" } })), denied);
    await rejectsAws(bob.send(new DeleteQueueCommand({ QueueUrl: url })), denied);
    // ...but what the policy grants works.
    await bob.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "allowed" }));
  });
});

describe("cross-account requests", () => {
  test("are allowed by AddPermission for the granted actions only, batches by their single action", async () => {
    const { url } = await queue("xacct-send");
    await rejectsAws(bob.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "before" })), denied);
    await alice.send(new AddPermissionCommand({ QueueUrl: url, Label: "bobsend", AWSAccountIds: [BOB.accountId], Actions: ["SendMessage"] }));
    await bob.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "from bob" }));
    const batch = await bob.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "a", MessageBody: "batched" }] }));
    assert.equal(batch.Successful?.length, 1);
    await rejectsAws(bob.send(new ReceiveMessageCommand({ QueueUrl: url })), denied);
    await rejectsAws(carol.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "carol" })), denied);
    const got = await alice.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(got.Messages?.map((m) => m.Body).sort(), ["batched", "from bob"]);

    await alice.send(new RemovePermissionCommand({ QueueUrl: url, Label: "bobsend" }));
    await rejectsAws(bob.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "after" })), denied);
  });

  test("a policy set with SetQueueAttributes: wildcards, account ids, Deny, unsupported conditions", async () => {
    const { url, arn } = await queue("xacct-policy");
    const set = (statements: unknown[]) =>
      alice.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) } }));
    await set([
      { Effect: "Allow", Principal: { AWS: "*" }, Action: "sqs:Send*", Resource: "arn:aws:sqs:*:111111111111:xacct-*" },
      { Effect: "Allow", Principal: { AWS: [BOB.accountId] }, Action: ["sqs:receivemessage", "SQS:DeleteMessage", "sqs:ChangeMessageVisibility"], Resource: arn },
      { Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Resource: arn, Condition: { StringEquals: { "aws:PrincipalAccount": CAROL.accountId } } },
      { Effect: "Allow", Principal: "*", Action: "sqs:GetQueueAttributes", Resource: arn, Condition: { NumericLessThan: { "sqs:Unknown": "1" } } },
    ]);
    await bob.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "bob" }));
    await rejectsAws(carol.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "carol" })), denied);
    const got = await bob.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 30 }));
    const handle = got.Messages![0].ReceiptHandle!;
    await bob.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 60 }));
    await bob.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: handle }));
    await rejectsAws(carol.send(new ReceiveMessageCommand({ QueueUrl: url })), denied);
    // A condition this server cannot evaluate makes its statement grant nothing.
    await rejectsAws(bob.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] })), denied);
    // aws:SourceArn is absent on a direct call, so a statement conditioned on it does not match.
    await set([{ Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: arn, Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:us-east-1:111111111111:t" } } }]);
    await rejectsAws(bob.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" })), denied);
  });

  test("GetQueueUrl with QueueOwnerAWSAccountId works when the policy allows GetQueueUrl", async () => {
    const { url } = await queue("xacct-url");
    const lookup = () => bob.send(new GetQueueUrlCommand({ QueueName: "xacct-url", QueueOwnerAWSAccountId: ALICE.accountId }));
    await rejectsAws(lookup(), { name: "QueueDoesNotExist", status: 400 });
    await alice.send(new AddPermissionCommand({ QueueUrl: url, Label: "url", AWSAccountIds: [BOB.accountId], Actions: ["GetQueueUrl", "GetQueueAttributes"] }));
    assert.equal((await lookup()).QueueUrl, url);
    const attrs = await bob.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
    assert.equal(attrs.Attributes?.QueueArn, `arn:aws:sqs:us-east-1:${ALICE.accountId}:xacct-url`);
    await rejectsAws(carol.send(new GetQueueUrlCommand({ QueueName: "xacct-url", QueueOwnerAWSAccountId: ALICE.accountId })), { name: "QueueDoesNotExist" });
  });

  test("another account's missing queue is AccessDenied, not QueueDoesNotExist", async () => {
    await rejectsAws(bob.send(new SendMessageCommand({ QueueUrl: `${server.endpoint}/${ALICE.accountId}/never-made`, MessageBody: "x" })), denied);
  });

  test("a Policy that is not a JSON object is refused", async () => {
    const { url } = await queue("xacct-bad-policy");
    for (const Policy of ["[]", "42", "{nope"]) {
      await rejectsAws(alice.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy } })), { name: "InvalidAttributeValue", status: 400 });
    }
  });
});
