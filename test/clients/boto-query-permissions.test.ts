// Queue permissions and fair queues through boto3 1.26 (Debian) over the SQS query protocol: AddPermission
// writes the policy another account's requests are checked against, RemovePermission takes it away, and a
// standard queue with MessageGroupId spreads receives across groups.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Mailroom } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";
import { startBoto, type Boto } from "./boto.ts";

let server: Mailroom;
let owner: Boto;
let other: Boto;

before(async () => {
  server = await startTestServer({
    accessKeys: [
      { accessKeyId: "AKIDOWNER", secretAccessKey: "owner-secret", accountId: "000000000000" },
      { accessKeyId: "AKIDOTHER", secretAccessKey: "other-secret", accountId: "111111111111" },
    ],
  });
  [owner, other] = await Promise.all([
    startBoto(server.endpoint, { accessKeyId: "AKIDOWNER", secretAccessKey: "owner-secret" }),
    startBoto(server.endpoint, { accessKeyId: "AKIDOTHER", secretAccessKey: "other-secret" }),
  ]);
});
after(async () => {
  owner.close();
  other.close();
  await server.close();
});

test("AddPermission lets another account send; RemovePermission takes it back", async () => {
  const url = (await owner.call("create_queue", { QueueName: "shared-q" })).QueueUrl as string;
  assert.equal((await other.fail("send_message", { QueueUrl: url, MessageBody: "x" })).Code, "AccessDenied");
  await owner.call("add_permission", { QueueUrl: url, Label: "let-other-send", AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] });
  const policy = JSON.parse((await owner.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["Policy"] })).Attributes.Policy);
  assert.equal(policy.Statement[0].Sid, "let-other-send");
  assert.equal(policy.Statement[0].Principal.AWS, "arn:aws:iam::111111111111:root");
  await other.call("send_message", { QueueUrl: url, MessageBody: "from 111111111111" });
  assert.equal((await other.fail("receive_message", { QueueUrl: url })).Code, "AccessDenied");
  const got = await owner.call("receive_message", { QueueUrl: url });
  assert.equal(got.Messages[0].Body, "from 111111111111");
  assert.equal((await owner.fail("add_permission", { QueueUrl: url, Label: "let-other-send", AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] })).Code, "InvalidParameterValue");
  await owner.call("remove_permission", { QueueUrl: url, Label: "let-other-send" });
  assert.equal((await other.fail("send_message", { QueueUrl: url, MessageBody: "x" })).Code, "AccessDenied");
});

test("a flooding message group does not starve another on a standard queue", async () => {
  const url = (await owner.call("create_queue", { QueueName: "fair-q" })).QueueUrl as string;
  for (let b = 0; b < 10; b++) {
    await owner.call("send_message_batch", {
      QueueUrl: url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `a${i}`, MessageBody: `a-${b}-${i}`, MessageGroupId: "tenant-a" })),
    });
  }
  await owner.call("send_message", { QueueUrl: url, MessageBody: "b-0", MessageGroupId: "tenant-b" });
  const first = await owner.call("receive_message", { QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60 });
  const bodies = (first.Messages as { Body: string }[]).map((m) => m.Body);
  assert.ok(bodies.includes("b-0"), `tenant-b's message in the first receive: ${bodies.join(",")}`);
});
