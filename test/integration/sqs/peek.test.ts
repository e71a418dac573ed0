// The developer listing /_aws/sqs/messages (LocalStack's shape): SDK-driven setup, then plain HTTP reads in XML
// and JSON, the path form, an SDK pointed at the route, errors, and with access keys a signature requirement.
// Reading never changes visibility or receive counts (checked through GetQueueAttributes and real receives).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { sqsClient, startTestServer, useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock(Date.now());

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; json: () => any }> {
  const r = await fetch(url, { headers });
  const text = await r.text();
  return { status: r.status, text, json: () => JSON.parse(text) };
}

describe("without access keys", () => {
  const { server, sqs } = useTestServer({ clock });

  async function counts(url: string) {
    const a = await sqs.send(new GetQueueAttributesCommand({
      QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
    }));
    return a.Attributes;
  }
  const listJson = async (url: string, extra = "") =>
    (await get(`${server.endpoint}/_aws/sqs/messages?QueueUrl=${encodeURIComponent(url)}${extra}`, { Accept: "application/json" })).json()
      .ReceiveMessageResponse.ReceiveMessageResult.Message as { Body: string; Attribute: { Name: string; Value: string }[]; MessageAttribute?: unknown[]; ReceiptHandle: string }[];
  const attrMap = (m: { Attribute: { Name: string; Value: string }[] }) => Object.fromEntries(m.Attribute.map((a) => [a.Name, a.Value]));

  test("lists ready, in-flight and delayed messages without side effects (JSON)", async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: "peek-states" }))).QueueUrl!;
    for (const b of ["m1", "m2", "m3"]) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: b, MessageAttributes: { color: { DataType: "String", StringValue: "blue" } } }));
      clock.advance(1);
    }
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "later", DelaySeconds: 60 }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 30 }));
    assert.equal(got.Messages?.[0].Body, "m1");
    const before = await counts(url);
    assert.deepEqual(before, { ApproximateNumberOfMessages: "2", ApproximateNumberOfMessagesNotVisible: "1", ApproximateNumberOfMessagesDelayed: "1" });

    const ready = await listJson(url);
    assert.deepEqual(ready.map((m) => m.Body), ["m2", "m3"]);
    const a = attrMap(ready[0]);
    assert.equal(a.ApproximateReceiveCount, "0");
    assert.equal(a.SenderId, "AKIDTEST");
    assert.ok(a.SentTimestamp && a.ApproximateFirstReceiveTimestamp !== undefined);
    assert.equal(ready[0].ReceiptHandle, "SQS/BACKDOOR/ACCESS");
    assert.deepEqual(ready[0].MessageAttribute, [{ Name: "color", Value: { StringValue: "blue", DataType: "String" } }]);

    const all = await listJson(url, "&ShowInvisible=true&ShowDelayed=true");
    assert.deepEqual(all.map((m) => [m.Body, attrMap(m).IsVisible, attrMap(m).IsDelayed]), [
      ["m1", "false", "false"], ["m2", "true", "false"], ["m3", "true", "false"], ["later", "false", "true"],
    ]);
    assert.equal(attrMap(all[0]).ApproximateReceiveCount, "1");

    // Nothing changed: counts are the same, m1 is still in flight, and m2's first real receive counts 1.
    assert.deepEqual(await counts(url), before);
    const next = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    assert.equal(next.Messages?.[0].Body, "m2");
    assert.equal(next.Messages?.[0].Attributes?.ApproximateReceiveCount, "1");
  });

  test("answers ReceiveMessage XML by default, and at the /<region>/<account>/<name> path", async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: "peek-xml" }))).QueueUrl!;
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "hello <xml>" }));
    const r = await get(`${server.endpoint}/_aws/sqs/messages?QueueUrl=${encodeURIComponent(url)}`);
    assert.equal(r.status, 200);
    assert.match(r.text, /^<\?xml version="1.0"\?><ReceiveMessageResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/"><ReceiveMessageResult><Message>/);
    assert.match(r.text, /<Body>hello &lt;xml&gt;<\/Body>/);
    assert.match(r.text, /<Attribute><Name>ApproximateReceiveCount<\/Name><Value>0<\/Value><\/Attribute>/);
    const p = await get(`${server.endpoint}/_aws/sqs/messages/us-east-1/000000000000/peek-xml`, { Accept: "application/json" });
    assert.equal(p.json().ReceiveMessageResponse.ReceiveMessageResult.Message[0].Body, "hello <xml>");
    const other = await get(`${server.endpoint}/_aws/sqs/messages/us-east-2/000000000000/peek-xml`, { Accept: "application/json" });
    assert.equal(other.status, 400);
    assert.equal(other.json().ErrorResponse.Error.Code, "AWS.SimpleQueueService.NonExistentQueue");
  });

  test("an SDK whose endpoint is the route lists every message through ReceiveMessage", async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: "peek-sdk" }))).QueueUrl!;
    for (const b of ["a", "b", "c"]) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: b }));
    const dev = sqsClient(`${server.endpoint}/_aws/sqs/messages`);
    const got = await dev.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }));
    assert.deepEqual(got.Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount]), [["a", "0"], ["b", "0"], ["c", "0"]]);
    await assert.rejects(dev.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" })), /only accepts ReceiveMessage/);
  });

  test("errors: no QueueUrl, an unreadable one, a missing queue", async () => {
    const j = { Accept: "application/json" };
    const none = await get(`${server.endpoint}/_aws/sqs/messages`, j);
    assert.equal(none.status, 400);
    assert.equal(none.json().ErrorResponse.Error.Code, "AWS.SimpleQueueService.NonExistentQueue");
    const bad = await get(`${server.endpoint}/_aws/sqs/messages?QueueUrl=${encodeURIComponent(`${server.endpoint}/nonsense`)}`, j);
    assert.equal(bad.status, 404);
    assert.equal(bad.json().ErrorResponse.Error.Code, "InvalidAddress");
    const missing = await get(`${server.endpoint}/_aws/sqs/messages?QueueUrl=${encodeURIComponent(`${server.endpoint}/000000000000/nope`)}`);
    assert.equal(missing.status, 400);
    assert.match(missing.text, /<Code>AWS.SimpleQueueService.NonExistentQueue<\/Code>/);
  });

  test("Limit lists only the oldest N (the console's browser); a bad Limit is InvalidParameterValue", async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: "peek-limit" }))).QueueUrl!;
    for (const b of ["l1", "l2", "l3", "l4"]) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: b }));
      clock.advance(1);
    }
    assert.deepEqual((await listJson(url, "&Limit=2")).map((m) => m.Body), ["l1", "l2"]);
    assert.deepEqual((await listJson(url, "&Limit=10000")).map((m) => m.Body), ["l1", "l2", "l3", "l4"]);
    for (const bad of ["0", "10001", "-1", "1.5", "x", "", "99999999999999999999"]) {
      const r = await get(`${server.endpoint}/_aws/sqs/messages?QueueUrl=${encodeURIComponent(url)}&Limit=${encodeURIComponent(bad)}`, { Accept: "application/json" });
      assert.equal(r.status, 400, bad);
      assert.equal(r.json().ErrorResponse.Error.Code, "InvalidParameterValue", bad);
    }
    // Through the SDK pointed at the route, as the console calls it (the query parameter is signed with the rest).
    const dev = sqsClient(`${server.endpoint}/_aws/sqs/messages`);
    dev.middlewareStack.add((next) => (args) => {
      (args.request as { query: Record<string, string> }).query.Limit = "3";
      return next(args);
    }, { step: "build" });
    const got = await dev.send(new ReceiveMessageCommand({ QueueUrl: url }));
    assert.deepEqual(got.Messages?.map((m) => m.Body), ["l1", "l2", "l3"]);
  });

  test("FIFO: messages behind an in-flight message of their group are not visible", async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: "peek.fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } }))).QueueUrl!;
    for (const [b, g] of [["g1-a", "g1"], ["g1-b", "g1"], ["g2-a", "g2"]]) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: b, MessageGroupId: g }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }));
    assert.deepEqual((await listJson(url)).map((m) => m.Body), ["g2-a"]);
    const all = await listJson(url, "&ShowInvisible=1");
    assert.deepEqual(all.map((m) => [m.Body, attrMap(m).IsVisible]), [["g1-a", "false"], ["g1-b", "false"], ["g2-a", "true"]]);
    assert.ok(attrMap(all[0]).SequenceNumber);
  });
});

describe("with access keys", () => {
  const ALICE = { accessKeyId: "AKIDALICE", secretAccessKey: "alice-secret", accountId: "111111111111" };
  const BOB = { accessKeyId: "AKIDBOB", secretAccessKey: "bob-secret", accountId: "222222222222" };
  let server: Mailroom;
  before(async () => {
    server = await startTestServer({ clock, accessKeys: [ALICE, BOB] });
  });
  after(() => server.close());

  test("the listing needs a signature of the queue's account", async () => {
    const alice = sqsClient(server.endpoint, ALICE);
    const url = (await alice.send(new CreateQueueCommand({ QueueName: "peek-private" }))).QueueUrl!;
    await alice.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "secret" }));
    const unsigned = await get(`${server.endpoint}/_aws/sqs/messages?QueueUrl=${encodeURIComponent(url)}`);
    assert.equal(unsigned.status, 403);
    const viaAlice = await sqsClient(`${server.endpoint}/_aws/sqs/messages`, ALICE).send(new ReceiveMessageCommand({ QueueUrl: url }));
    assert.equal(viaAlice.Messages?.[0].Body, "secret");
    await assert.rejects(sqsClient(`${server.endpoint}/_aws/sqs/messages`, BOB).send(new ReceiveMessageCommand({ QueueUrl: url })), { name: "AccessDenied" });
  });
});
