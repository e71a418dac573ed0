// SigV4 over the query protocol with a server that has access keys: boto3 1.26 (Debian) signs form-encoded POSTs;
// a right key works, a wrong secret is SignatureDoesNotMatch and an unknown key InvalidClientTokenId (both 403),
// and each key works in its own account. Uses the system clock: boto3 signs with the real time.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Mailroom } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";
import { startBoto, type Boto } from "./boto.ts";

let server: Mailroom;
let good: Boto;
let other: Boto;
let wrongSecret: Boto;
let unknownKey: Boto;

before(async () => {
  server = await startTestServer({
    accessKeys: [
      { accessKeyId: "AKIDQUERY", secretAccessKey: "query-secret", accountId: "000000000000" },
      { accessKeyId: "AKIDOTHER", secretAccessKey: "other-secret", accountId: "111111111111" },
    ],
  });
  [good, other, wrongSecret, unknownKey] = await Promise.all([
    startBoto(server.endpoint, { accessKeyId: "AKIDQUERY", secretAccessKey: "query-secret" }),
    startBoto(server.endpoint, { accessKeyId: "AKIDOTHER", secretAccessKey: "other-secret", region: "eu-west-1" }),
    startBoto(server.endpoint, { accessKeyId: "AKIDQUERY", secretAccessKey: "not-the-secret" }),
    startBoto(server.endpoint, { accessKeyId: "AKIDNOBODY", secretAccessKey: "query-secret" }),
  ]);
});
after(async () => {
  for (const b of [good, other, wrongSecret, unknownKey]) b?.close();
  await server?.close();
});

test("a configured key signs every kind of request successfully", async () => {
  const { QueueUrl } = await good.call("create_queue", { QueueName: "auth-q", Attributes: { VisibilityTimeout: "10" }, tags: { k: "v v" } });
  assert.equal(QueueUrl, `${server.endpoint}/000000000000/auth-q`);
  // Bodies with characters that need percent-encoding in the signed form body.
  const body = "sig ~!*'() +&= \r\n é 😀";
  await good.call("send_message", { QueueUrl, MessageBody: body, MessageAttributes: { a: { DataType: "String", StringValue: "x y+z" } } });
  const r = await good.call("receive_message", { QueueUrl, MessageAttributeNames: ["All"], AttributeNames: ["SenderId"] });
  assert.equal(r.Messages[0].Body, body);
  assert.equal(r.Messages[0].Attributes.SenderId, "AKIDQUERY");
  await good.call("delete_message", { QueueUrl, ReceiptHandle: r.Messages[0].ReceiptHandle });
});

test("a wrong secret is SignatureDoesNotMatch (403)", async () => {
  const e = await wrongSecret.fail("list_queues");
  assert.equal(e.Code, "SignatureDoesNotMatch");
  assert.equal(e.HTTPStatusCode, 403);
  assert.equal(e.Type, "Sender");
  assert.ok(e.Message.startsWith("The request signature we calculated does not match the signature you provided."), e.Message);
  assert.equal((await wrongSecret.fail("send_message", { QueueUrl: `${server.endpoint}/000000000000/auth-q`, MessageBody: "x" })).Code, "SignatureDoesNotMatch");
});

test("an unknown access key is InvalidClientTokenId (403)", async () => {
  const e = await unknownKey.fail("get_queue_url", { QueueName: "auth-q" });
  assert.deepEqual([e.Code, e.Message, e.HTTPStatusCode], ["InvalidClientTokenId", "The security token included in the request is invalid.", 403]);
});

test("unsigned requests are refused when keys are configured", async () => {
  const r = await fetch(server.endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "Action=ListQueues&Version=2012-11-05",
  });
  assert.equal(r.status, 403);
  assert.match(await r.text(), /^<\?xml version="1\.0"\?><ErrorResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/"><Error><Type>Sender<\/Type><Code>/);
});

test("each key works in its own account and region", async () => {
  const { QueueUrl } = await other.call("create_queue", { QueueName: "auth-q" });
  assert.equal(QueueUrl, `${server.endpoint}/111111111111/auth-q`);
  const arn = (await other.call("get_queue_attributes", { QueueUrl, AttributeNames: ["QueueArn"] })).Attributes.QueueArn;
  assert.equal(arn, "arn:aws:sqs:eu-west-1:111111111111:auth-q");
  assert.deepEqual((await other.call("list_queues")).QueueUrls, [QueueUrl]);
  assert.deepEqual((await good.call("list_queues")).QueueUrls, [`${server.endpoint}/000000000000/auth-q`]);
});
