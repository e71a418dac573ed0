// Authentication and accounts through the JS SDK: SigV4 failures with configured keys, keys mapped to accounts
// (separate queues, URLs and ARNs per account, AccessDenied across accounts), regions as separate namespaces,
// and anonymous mode (any key; a 12-digit key id is the account).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand, ReceiveMessageCommand,
  SendMessageCommand, type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { sqsClient, startTestServer } from "../../helpers/server.ts";

const ALICE = { accessKeyId: "AKIDALICE", secretAccessKey: "alice-secret", accountId: "111111111111" };
const BOB = { accessKeyId: "AKIDBOB", secretAccessKey: "bob-secret", accountId: "222222222222" };

describe("with access keys", () => {
  let server: Mailroom;
  let alice: SQSClient;
  let bob: SQSClient;
  before(async () => {
    server = await startTestServer({ accessKeys: [ALICE, BOB] });
    alice = sqsClient(server.endpoint, ALICE);
    bob = sqsClient(server.endpoint, BOB);
  });
  after(() => server.close());

  test("a wrong secret is SignatureDoesNotMatch (403)", async () => {
    const wrong = sqsClient(server.endpoint, { accessKeyId: ALICE.accessKeyId, secretAccessKey: "not-the-secret" });
    await rejectsAws(wrong.send(new ListQueuesCommand({})), {
      name: "SignatureDoesNotMatch", code: "SignatureDoesNotMatch", status: 403, fault: "client",
      message: /^The request signature we calculated does not match the signature you provided\./,
    });
  });

  test("an unknown access key is InvalidClientTokenId (403)", async () => {
    const stranger = sqsClient(server.endpoint, { accessKeyId: "AKIDNOBODY", secretAccessKey: "whatever" });
    await rejectsAws(stranger.send(new CreateQueueCommand({ QueueName: "nope" })), {
      name: "InvalidClientTokenId", code: "InvalidClientTokenId", status: 403, fault: "client",
      message: "The security token included in the request is invalid.",
    });
  });

  test("a failed signature changes nothing", async () => {
    const wrong = sqsClient(server.endpoint, { accessKeyId: ALICE.accessKeyId, secretAccessKey: "bad" });
    await rejectsAws(wrong.send(new CreateQueueCommand({ QueueName: "auth-never" })), { status: 403 });
    await rejectsAws(alice.send(new GetQueueUrlCommand({ QueueName: "auth-never" })), { name: "QueueDoesNotExist" });
  });

  test("two accounts see separate queues of the same name; URLs and ARNs carry the account", async () => {
    const a = (await alice.send(new CreateQueueCommand({ QueueName: "shared-name" }))).QueueUrl;
    const b = (await bob.send(new CreateQueueCommand({ QueueName: "shared-name", Attributes: { DelaySeconds: "7" } }))).QueueUrl;
    assert.equal(a, `${server.endpoint}/111111111111/shared-name`);
    assert.equal(b, `${server.endpoint}/222222222222/shared-name`);

    await alice.send(new SendMessageCommand({ QueueUrl: a, MessageBody: "for alice" }));
    assert.equal((await bob.send(new ReceiveMessageCommand({ QueueUrl: b }))).Messages, undefined);
    const got = await alice.send(new ReceiveMessageCommand({ QueueUrl: a, MessageSystemAttributeNames: ["SenderId"] }));
    assert.equal(got.Messages?.[0].Body, "for alice");

    const aAttrs = await alice.send(new GetQueueAttributesCommand({ QueueUrl: a, AttributeNames: ["QueueArn", "DelaySeconds"] }));
    const bAttrs = await bob.send(new GetQueueAttributesCommand({ QueueUrl: b, AttributeNames: ["QueueArn", "DelaySeconds"] }));
    assert.deepEqual(aAttrs.Attributes, { QueueArn: "arn:aws:sqs:us-east-1:111111111111:shared-name", DelaySeconds: "0" });
    assert.deepEqual(bAttrs.Attributes, { QueueArn: "arn:aws:sqs:us-east-1:222222222222:shared-name", DelaySeconds: "7" });

    assert.equal((await alice.send(new GetQueueUrlCommand({ QueueName: "shared-name" }))).QueueUrl, a);
    assert.equal((await bob.send(new GetQueueUrlCommand({ QueueName: "shared-name" }))).QueueUrl, b);
  });

  test("ListQueues shows only the caller's account", async () => {
    await alice.send(new CreateQueueCommand({ QueueName: "only-alice" }));
    const forBob = await bob.send(new ListQueuesCommand({ QueueNamePrefix: "only-alice" }));
    assert.equal(forBob.QueueUrls, undefined);
    const forAlice = await alice.send(new ListQueuesCommand({ QueueNamePrefix: "only-alice" }));
    assert.deepEqual(forAlice.QueueUrls, [`${server.endpoint}/111111111111/only-alice`]);
  });

  test("using another account's queue URL is AccessDenied (403)", async () => {
    const a = (await alice.send(new CreateQueueCommand({ QueueName: "private" }))).QueueUrl;
    for (const p of [
      bob.send(new SendMessageCommand({ QueueUrl: a, MessageBody: "intruder" })),
      bob.send(new ReceiveMessageCommand({ QueueUrl: a })),
      bob.send(new GetQueueAttributesCommand({ QueueUrl: a, AttributeNames: ["All"] })),
    ]) {
      await rejectsAws(p, { name: "AccessDenied", code: "AccessDenied", status: 403, fault: "client", message: /is denied\.$/ });
    }
    assert.equal((await alice.send(new ReceiveMessageCommand({ QueueUrl: a }))).Messages, undefined);
  });

  test("GetQueueUrl with another owner account does not reveal its queue", async () => {
    await alice.send(new CreateQueueCommand({ QueueName: "owned-by-alice" }));
    await rejectsAws(bob.send(new GetQueueUrlCommand({ QueueName: "owned-by-alice", QueueOwnerAWSAccountId: ALICE.accountId })), {
      status: 400, fault: "client",
    });
  });

  test("regions are separate namespaces", async () => {
    const east = sqsClient(server.endpoint, { ...ALICE, region: "us-east-1" });
    const west = sqsClient(server.endpoint, { ...ALICE, region: "eu-west-1" });
    const e = (await east.send(new CreateQueueCommand({ QueueName: "regional", Attributes: { DelaySeconds: "1" } }))).QueueUrl;
    const w = (await west.send(new CreateQueueCommand({ QueueName: "regional", Attributes: { DelaySeconds: "2" } }))).QueueUrl;
    await east.send(new SendMessageCommand({ QueueUrl: e, MessageBody: "east", DelaySeconds: 0 }));
    assert.equal((await west.send(new ReceiveMessageCommand({ QueueUrl: w }))).Messages, undefined);
    assert.equal((await east.send(new ReceiveMessageCommand({ QueueUrl: e }))).Messages?.[0].Body, "east");
    const wa = await west.send(new GetQueueAttributesCommand({ QueueUrl: w, AttributeNames: ["QueueArn", "DelaySeconds"] }));
    assert.deepEqual(wa.Attributes, { QueueArn: "arn:aws:sqs:eu-west-1:111111111111:regional", DelaySeconds: "2" });
    const westOnly = await west.send(new ListQueuesCommand({ QueueNamePrefix: "shared-name" }));
    assert.equal(westOnly.QueueUrls, undefined);
  });
});

describe("anonymous mode (no access keys)", () => {
  let server: Mailroom;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test("any key and secret work; the default account is 000000000000", async () => {
    const c = sqsClient(server.endpoint, { accessKeyId: "AKIDANY", secretAccessKey: "anything" });
    const { QueueUrl } = await c.send(new CreateQueueCommand({ QueueName: "anon" }));
    assert.equal(QueueUrl, `${server.endpoint}/000000000000/anon`);
    const other = sqsClient(server.endpoint, { accessKeyId: "SOMEONEELSE", secretAccessKey: "x" });
    assert.equal((await other.send(new GetQueueUrlCommand({ QueueName: "anon" }))).QueueUrl, QueueUrl);
  });

  test("a 12-digit access key id is the account", async () => {
    const c = sqsClient(server.endpoint, { accessKeyId: "123456789012", secretAccessKey: "x" });
    const { QueueUrl } = await c.send(new CreateQueueCommand({ QueueName: "by-account" }));
    assert.equal(QueueUrl, `${server.endpoint}/123456789012/by-account`);
    const a = await c.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    assert.equal(a.Attributes?.QueueArn, "arn:aws:sqs:us-east-1:123456789012:by-account");
    const dflt = sqsClient(server.endpoint);
    await rejectsAws(dflt.send(new GetQueueUrlCommand({ QueueName: "by-account" })), { name: "QueueDoesNotExist" });
    await rejectsAws(dflt.send(new SendMessageCommand({ QueueUrl, MessageBody: "x" })), { name: "AccessDenied", status: 403 });
  });
});
