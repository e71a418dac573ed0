// Queue lifecycle through the JS SDK: CreateQueue (idempotency, name rules, FIFO), GetQueueUrl, ListQueues
// paging, DeleteQueue and QueueDeletedRecently, PurgeQueue and PurgeQueueInProgress (on a ManualClock).
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand,
  PurgeQueueCommand, ReceiveMessageCommand, SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { useTestServer } from "../../helpers/server.ts";

const NAME_RULE = "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length";

const clock = new ManualClock();
const { server, sqs } = useTestServer({ clock, profile: "aws" });

async function create(name: string, Attributes?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }));
  assert.ok(QueueUrl);
  return QueueUrl;
}

describe("CreateQueue", () => {
  test("returns <endpoint>/<account>/<name>", async () => {
    assert.equal(await create("cq-basic"), `${server.endpoint}/000000000000/cq-basic`);
  });

  test("is idempotent with no or identical attributes", async () => {
    const url = await create("cq-idem", { VisibilityTimeout: "45", DelaySeconds: "5" });
    assert.equal(await create("cq-idem", { VisibilityTimeout: "45", DelaySeconds: "5" }), url);
    assert.equal(await create("cq-idem"), url);
    // Only the given attributes are compared; a subset that matches is fine.
    assert.equal(await create("cq-idem", { DelaySeconds: "5" }), url);
  });

  test("an explicit default value matches a queue created without it", async () => {
    const url = await create("cq-default");
    assert.equal(await create("cq-default", { VisibilityTimeout: "30", DelaySeconds: "0" }), url);
  });

  test("a different attribute value is QueueAlreadyExists naming the attribute", async () => {
    await create("cq-diff", { DelaySeconds: "5" });
    await rejectsAws(sqs.send(new CreateQueueCommand({ QueueName: "cq-diff", Attributes: { DelaySeconds: "6" } })), {
      name: "QueueNameExists",
      code: "QueueAlreadyExists",
      status: 400,
      message: "A queue already exists with the same name and a different value for attribute DelaySeconds",
    });
    await rejectsAws(sqs.send(new CreateQueueCommand({ QueueName: "cq-diff", Attributes: { VisibilityTimeout: "31" } })), {
      code: "QueueAlreadyExists",
      message: "A queue already exists with the same name and a different value for attribute VisibilityTimeout",
    });
  });

  test("names are case-sensitive", async () => {
    const a = await create("cq-Case");
    const b = await create("cq-case");
    assert.notEqual(a, b);
  });

  test("accepts 80 characters of [A-Za-z0-9_-]", async () => {
    const name = `${"a-_Z9".repeat(16)}`;
    assert.equal(name.length, 80);
    assert.ok((await create(name)).endsWith(`/${name}`));
  });

  for (const bad of ["", "a".repeat(81), "has space", "dot.name", "slash/name", "ünïcode", "q.fifo", "star*"]) {
    test(`rejects invalid name ${JSON.stringify(bad.length > 20 ? `${bad.slice(0, 10)}…(${bad.length})` : bad)}`, async () => {
      await rejectsAws(sqs.send(new CreateQueueCommand({ QueueName: bad })), {
        name: "InvalidParameterValue",
        code: "InvalidParameterValue",
        status: 400,
        ...(bad === "" ? {} : { message: NAME_RULE }),
      });
    });
  }

  test("a FIFO queue needs FifoQueue=true and a .fifo name", async () => {
    await rejectsAws(sqs.send(new CreateQueueCommand({ QueueName: "cq-fifo", Attributes: { FifoQueue: "true" } })), {
      name: "InvalidParameterValue", message: NAME_RULE,
    });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "cq-fifo.fifo", Attributes: { FifoQueue: "true" } }));
    assert.ok(QueueUrl?.endsWith("/cq-fifo.fifo"));
  });

  test("FIFO-only attributes on a standard queue are InvalidAttributeName", async () => {
    await rejectsAws(sqs.send(new CreateQueueCommand({ QueueName: "cq-fifoattr", Attributes: { FifoQueue: "false" } })), {
      name: "InvalidAttributeName", code: "InvalidAttributeName", status: 400, message: "Unknown Attribute FifoQueue.",
    });
    await rejectsAws(
      sqs.send(new CreateQueueCommand({ QueueName: "cq-fifoattr", Attributes: { ContentBasedDeduplication: "true" } })),
      { name: "InvalidAttributeName", message: "Unknown Attribute ContentBasedDeduplication." },
    );
    await rejectsAws(
      sqs.send(new CreateQueueCommand({ QueueName: "cq-fifoattr", Attributes: { DeduplicationScope: "queue" } })),
      { name: "InvalidAttributeName", message: "You can specify the DeduplicationScope only when FifoQueue is set to true." },
    );
  });

  test("unknown attribute is InvalidAttributeName", async () => {
    await rejectsAws(sqs.send(new CreateQueueCommand({ QueueName: "cq-unknown", Attributes: { Foobar: "1" } as Record<string, string> })), {
      name: "InvalidAttributeName", code: "InvalidAttributeName", status: 400, message: "Unknown Attribute Foobar.",
    });
  });

  test("invalid attribute value is InvalidAttributeValue and creates nothing", async () => {
    await rejectsAws(sqs.send(new CreateQueueCommand({ QueueName: "cq-badval", Attributes: { MessageRetentionPeriod: "30" } })), {
      name: "InvalidAttributeValue", code: "InvalidAttributeValue", status: 400, message: /MessageRetentionPeriod/,
    });
    await rejectsAws(sqs.send(new GetQueueUrlCommand({ QueueName: "cq-badval" })), { name: "QueueDoesNotExist" });
  });

  test("tags given at creation are kept", async () => {
    const { ListQueueTagsCommand } = await import("@aws-sdk/client-sqs");
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "cq-tags", tags: { team: "mail", env: "test" } }));
    const t = await sqs.send(new ListQueueTagsCommand({ QueueUrl }));
    assert.deepEqual(t.Tags, { team: "mail", env: "test" });
  });
});

describe("GetQueueUrl", () => {
  test("finds a queue by name", async () => {
    const url = await create("gqu-a");
    assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: "gqu-a" }))).QueueUrl, url);
  });

  test("with QueueOwnerAWSAccountId of the caller's own account", async () => {
    const url = await create("gqu-owner");
    const r = await sqs.send(new GetQueueUrlCommand({ QueueName: "gqu-owner", QueueOwnerAWSAccountId: "000000000000" }));
    assert.equal(r.QueueUrl, url);
  });

  test("with another owner account does not find this account's queue", async () => {
    await create("gqu-other");
    await rejectsAws(sqs.send(new GetQueueUrlCommand({ QueueName: "gqu-other", QueueOwnerAWSAccountId: "111111111111" })), {
      status: 400, fault: "client",
    });
  });

  test("unknown name is QueueDoesNotExist", async () => {
    await rejectsAws(sqs.send(new GetQueueUrlCommand({ QueueName: "gqu-missing" })), {
      name: "QueueDoesNotExist",
      code: "AWS.SimpleQueueService.NonExistentQueue",
      status: 400,
      message: "The specified queue does not exist.",
    });
  });

  test("a queue URL with an AWS host resolves by its path (and region from the host)", async () => {
    const url = await create("gqu-awshost");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "via aws host" }));
    const awsUrl = "https://sqs.us-east-1.amazonaws.com/000000000000/gqu-awshost";
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: awsUrl }));
    assert.equal(r.Messages?.[0].Body, "via aws host");
  });
});

describe("ListQueues", () => {
  const names = Array.from({ length: 7 }, (_, i) => `lq-page-${String(i).padStart(2, "0")}`);
  before(async () => {
    for (const n of names) await create(n);
    await create("lq-other");
  });

  test("filters by prefix", async () => {
    const r = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "lq-page-" }));
    assert.deepEqual(r.QueueUrls, names.map((n) => `${server.endpoint}/000000000000/${n}`));
    assert.equal(r.NextToken, undefined);
  });

  test("the prefix is case-sensitive and an unmatched prefix gives no QueueUrls", async () => {
    const r = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "LQ-PAGE" }));
    assert.equal(r.QueueUrls, undefined);
  });

  test("without a prefix lists every queue of the account", async () => {
    const r = await sqs.send(new ListQueuesCommand({}));
    const urls = r.QueueUrls ?? [];
    for (const n of [...names, "lq-other"]) assert.ok(urls.includes(`${server.endpoint}/000000000000/${n}`), n);
  });

  test("MaxResults pages with NextToken until the end", async () => {
    const seen: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const r = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "lq-page-", MaxResults: 3, NextToken }));
      pages++;
      assert.ok((r.QueueUrls ?? []).length <= 3);
      seen.push(...(r.QueueUrls ?? []));
      NextToken = r.NextToken;
    } while (NextToken);
    assert.equal(pages, 3);
    assert.deepEqual(seen, names.map((n) => `${server.endpoint}/000000000000/${n}`));
  });

  test("no NextToken when MaxResults covers everything", async () => {
    const r = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "lq-page-", MaxResults: 7 }));
    assert.equal(r.QueueUrls?.length, 7);
    assert.equal(r.NextToken, undefined);
  });

  test("MaxResults outside 1..1000 is InvalidParameterValue", async () => {
    for (const MaxResults of [0, 1001]) {
      await rejectsAws(sqs.send(new ListQueuesCommand({ MaxResults })), { name: "InvalidParameterValue", status: 400 });
    }
  });

  test("a garbage NextToken is InvalidParameterValue", async () => {
    await rejectsAws(sqs.send(new ListQueuesCommand({ MaxResults: 2, NextToken: "garbage!!" })), {
      name: "InvalidParameterValue", status: 400,
    });
  });
});

describe("DeleteQueue", () => {
  test("deletes the queue and its messages; later calls say QueueDoesNotExist", async () => {
    const url = await create("dq-a");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "gone" }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    await rejectsAws(sqs.send(new GetQueueUrlCommand({ QueueName: "dq-a" })), { name: "QueueDoesNotExist" });
    await rejectsAws(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" })), {
      name: "QueueDoesNotExist", code: "AWS.SimpleQueueService.NonExistentQueue", status: 400,
    });
    await rejectsAws(sqs.send(new DeleteQueueCommand({ QueueUrl: url })), { name: "QueueDoesNotExist" });
    const list = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "dq-a" }));
    assert.equal(list.QueueUrls, undefined);
  });

  test("re-creating within 60 s is QueueDeletedRecently; after 60 s it works and the queue is empty", async () => {
    const url = await create("dq-recent");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "old" }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    clock.advance(59_000);
    await rejectsAws(sqs.send(new CreateQueueCommand({ QueueName: "dq-recent" })), {
      name: "QueueDeletedRecently",
      code: "AWS.SimpleQueueService.QueueDeletedRecently",
      status: 400,
      message: "You must wait 60 seconds after deleting a queue before you can create another with the same name.",
    });
    clock.advance(1_000);
    assert.equal(await create("dq-recent"), url);
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    assert.equal(r.Messages, undefined);
  });

  test("a missing or malformed QueueUrl is QueueDoesNotExist or InvalidAddress, never a crash", async () => {
    await rejectsAws(sqs.send(new DeleteQueueCommand({ QueueUrl: `${server.endpoint}/000000000000/never-was` })), {
      name: "QueueDoesNotExist", status: 400,
    });
    const err = await rejectsAws(sqs.send(new DeleteQueueCommand({ QueueUrl: "not a url" })), { fault: "client" });
    assert.ok(["InvalidAddress", "QueueDoesNotExist"].includes(err.name), err.name);
  });
});

describe("PurgeQueue", () => {
  test("deletes available, delayed and in-flight messages; a second purge within 60 s is PurgeQueueInProgress (403)", async () => {
    const url = await create("pq-a");
    for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}` }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "delayed", DelaySeconds: 60 }));
    const inflight = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    assert.equal(inflight.Messages?.length, 1);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }));
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessages, "0");
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible, "0");
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessagesDelayed, "0");

    clock.advance(30_000);
    await rejectsAws(sqs.send(new PurgeQueueCommand({ QueueUrl: url })), {
      name: "PurgeQueueInProgress",
      code: "AWS.SimpleQueueService.PurgeQueueInProgress",
      status: 403,
      message: "Only one PurgeQueue operation on pq-a is allowed every 60 seconds.",
    });
    clock.advance(30_000);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    // Visibility expiry of the purged in-flight message brings nothing back.
    clock.advance(60_000);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
  });

  test("messages sent right after a purge are kept", async () => {
    const url = await create("pq-after");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "before" }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    // Same clock instant as the purge: the ManualClock has not moved.
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "after" }));
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(r.Messages?.map((m) => m.Body), ["after"]);
  });

  test("on a missing queue is QueueDoesNotExist", async () => {
    await rejectsAws(sqs.send(new PurgeQueueCommand({ QueueUrl: `${server.endpoint}/000000000000/pq-missing` })), {
      name: "QueueDoesNotExist",
    });
  });
});
