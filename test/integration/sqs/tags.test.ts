// Queue tags through the JS SDK: TagQueue, UntagQueue, ListQueueTags, CreateQueue tags, and their limits.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CreateQueueCommand, ListQueueTagsCommand, TagQueueCommand, UntagQueueCommand } from "@aws-sdk/client-sqs";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { useTestServer } from "../../helpers/server.ts";

const { server, sqs } = useTestServer();

let n = 0;
async function queue(tags?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `tags-${++n}`, tags }));
  assert.ok(QueueUrl);
  return QueueUrl;
}

async function tagsOf(QueueUrl: string) {
  return (await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags;
}

test("a new queue has no tags (no Tags key)", async () => {
  assert.equal(await tagsOf(await queue()), undefined);
});

test("TagQueue adds and overwrites; UntagQueue removes; unknown keys are ignored", async () => {
  const url = await queue({ team: "a" });
  await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { env: "prod", team: "b", empty: "" } }));
  assert.deepEqual(await tagsOf(url), { team: "b", env: "prod", empty: "" });
  await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ["team", "never-set"] }));
  assert.deepEqual(await tagsOf(url), { env: "prod", empty: "" });
  await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ["env", "empty"] }));
  assert.equal(await tagsOf(url), undefined);
});

test("keys and values keep unicode and punctuation", async () => {
  const url = await queue();
  const tags = { "ключ:a/b.c=d+e-f_@": "värde 📬", "aws-like:key": "v" };
  await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: tags }));
  assert.deepEqual(await tagsOf(url), tags);
});

test("50 tags are accepted; the 51st is InvalidParameterValue", async () => {
  const url = await queue();
  const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, `v${i}`]));
  await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: fifty }));
  await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { k0: "overwrite" } }));
  await rejectsAws(sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { k50: "x" } })), {
    name: "InvalidParameterValue", code: "InvalidParameterValue", status: 400,
  });
  assert.equal(Object.keys((await tagsOf(url)) ?? {}).length, 50);
});

test("key and value lengths: 128/256 fine, 129/257 InvalidParameterValue", async () => {
  const url = await queue();
  await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { ["k".repeat(128)]: "v".repeat(256) } }));
  await rejectsAws(sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { ["k".repeat(129)]: "v" } })), { name: "InvalidParameterValue", status: 400 });
  await rejectsAws(sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { k: "v".repeat(257) } })), { name: "InvalidParameterValue", status: 400 });
});

test("CreateQueue with invalid tags is InvalidParameterValue", async () => {
  await rejectsAws(sqs.send(new CreateQueueCommand({ QueueName: "tags-bad", tags: { ["k".repeat(129)]: "v" } })), {
    name: "InvalidParameterValue", status: 400,
  });
});

test("empty Tags / TagKeys are client errors", async () => {
  const url = await queue();
  await rejectsAws(sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: {} })), { status: 400, fault: "client" });
  await rejectsAws(sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: [] })), { status: 400, fault: "client" });
});

test("on a missing queue is QueueDoesNotExist", async () => {
  const missing = `${server.endpoint}/000000000000/tags-missing`;
  await rejectsAws(sqs.send(new TagQueueCommand({ QueueUrl: missing, Tags: { a: "b" } })), { name: "QueueDoesNotExist" });
  await rejectsAws(sqs.send(new UntagQueueCommand({ QueueUrl: missing, TagKeys: ["a"] })), { name: "QueueDoesNotExist" });
  await rejectsAws(sqs.send(new ListQueueTagsCommand({ QueueUrl: missing })), { name: "QueueDoesNotExist" });
});
