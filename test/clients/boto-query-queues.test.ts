// Queue management through boto3 1.26 (Debian), which speaks the SQS query protocol: CreateQueue, GetQueueUrl,
// ListQueues, DeleteQueue, Get/SetQueueAttributes, PurgeQueue, tags and ListDeadLetterSourceQueues, with the
// errors real AWS gives for them (test expectations from /work/research-sqs/sqs-facts.md).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ManualClock, type Mailroom } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";
import { startBoto, type Boto } from "./boto.ts";

const NAME_RULE = "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length";

let server: Mailroom;
let boto: Boto;
const clock = new ManualClock();

before(async () => {
  server = await startTestServer({ clock, profile: "aws" });
  boto = await startBoto(server.endpoint);
});
after(async () => {
  boto?.close();
  await server?.close();
});

const urlOf = (name: string) => `${server.endpoint}/000000000000/${name}`;

async function create(name: string, args: Record<string, unknown> = {}): Promise<string> {
  const r = await boto.call("create_queue", { QueueName: name, ...args });
  return r.QueueUrl as string;
}

test("the driver's boto3 speaks the query protocol", () => {
  assert.equal(boto.info.protocol, "query");
  assert.match(boto.info.boto3, /^1\.26\./);
});

describe("CreateQueue", () => {
  test("returns the queue URL, and the same URL again for the same attributes", async () => {
    const url = await create("cq-basic", { Attributes: { VisibilityTimeout: "45" } });
    assert.equal(url, urlOf("cq-basic"));
    assert.equal(await create("cq-basic", { Attributes: { VisibilityTimeout: "45" } }), url);
    // With no attributes the call always succeeds (only supplied attributes are compared).
    assert.equal(await create("cq-basic"), url);
    // A default value given explicitly matches a queue that has the default.
    assert.equal(await create("cq-basic", { Attributes: { DelaySeconds: "0" } }), url);
  });

  test("a different attribute value is QueueAlreadyExists naming the attribute", async () => {
    await create("cq-diff", { Attributes: { DelaySeconds: "5" } });
    const e = await boto.fail("create_queue", { QueueName: "cq-diff", Attributes: { DelaySeconds: "6" } });
    assert.deepEqual(e, {
      Code: "QueueAlreadyExists",
      Message: "A queue already exists with the same name and a different value for attribute DelaySeconds",
      Type: "Sender",
      QueryErrorCode: null,
      HTTPStatusCode: 400,
    });
  });

  test("name rules: 1-80 of [A-Za-z0-9_-], case-sensitive", async () => {
    const ok = "A-z_0".padEnd(80, "x");
    assert.equal(await create(ok), urlOf(ok));
    assert.notEqual(await create("CaseQ"), await create("caseq"));
    for (const bad of ["x".repeat(81), "has.dot", "has space", "ünï", "a/b", "q.fifo", ""]) {
      const e = await boto.fail("create_queue", { QueueName: bad });
      assert.equal(e.Code, "InvalidParameterValue", bad);
      assert.equal(e.Message, NAME_RULE, bad);
      assert.equal(e.HTTPStatusCode, 400);
    }
  });

  test("attributes and tags given at creation are stored", async () => {
    const url = await create("cq-attrs", {
      Attributes: { VisibilityTimeout: "60", DelaySeconds: "3", MaximumMessageSize: "2048", MessageRetentionPeriod: "3600", ReceiveMessageWaitTimeSeconds: "2" },
      tags: { team: "mail", "cost-center": "42" },
    });
    const { Attributes } = await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["All"] });
    assert.equal(Attributes.VisibilityTimeout, "60");
    assert.equal(Attributes.DelaySeconds, "3");
    assert.equal(Attributes.MaximumMessageSize, "2048");
    assert.equal(Attributes.MessageRetentionPeriod, "3600");
    assert.equal(Attributes.ReceiveMessageWaitTimeSeconds, "2");
    const tags = await boto.call("list_queue_tags", { QueueUrl: url });
    assert.deepEqual(tags.Tags, { team: "mail", "cost-center": "42" });
  });

  test("unknown, FIFO-only and invalid attributes are rejected", async () => {
    let e = await boto.fail("create_queue", { QueueName: "cq-bad", Attributes: { Foobar: "1" } });
    assert.deepEqual([e.Code, e.Message, e.HTTPStatusCode], ["InvalidAttributeName", "Unknown Attribute Foobar.", 400]);
    e = await boto.fail("create_queue", { QueueName: "cq-bad", Attributes: { FifoQueue: "false" } });
    assert.deepEqual([e.Code, e.Message], ["InvalidAttributeName", "Unknown Attribute FifoQueue."]);
    e = await boto.fail("create_queue", { QueueName: "cq-bad", Attributes: { ContentBasedDeduplication: "true" } });
    assert.deepEqual([e.Code, e.Message], ["InvalidAttributeName", "Unknown Attribute ContentBasedDeduplication."]);
    for (const [k, v] of [["VisibilityTimeout", "43201"], ["DelaySeconds", "-1"], ["MaximumMessageSize", "100"], ["MessageRetentionPeriod", "30"], ["ReceiveMessageWaitTimeSeconds", "abc"]]) {
      e = await boto.fail("create_queue", { QueueName: "cq-bad", Attributes: { [k]: v } });
      assert.equal(e.Code, "InvalidAttributeValue", k);
      assert.match(e.Message, new RegExp(`^Invalid value for the parameter ${k}\\.`), k);
    }
    assert.equal((await boto.fail("get_queue_url", { QueueName: "cq-bad" })).Code, "AWS.SimpleQueueService.NonExistentQueue");
  });

  test("a name deleted less than 60 s ago is QueueDeletedRecently", async () => {
    const url = await create("cq-recent");
    await boto.call("delete_queue", { QueueUrl: url });
    const e = await boto.fail("create_queue", { QueueName: "cq-recent" });
    assert.deepEqual([e.Code, e.Message, e.HTTPStatusCode], [
      "AWS.SimpleQueueService.QueueDeletedRecently",
      "You must wait 60 seconds after deleting a queue before you can create another with the same name.",
      400,
    ]);
    clock.advance(60_000);
    assert.equal(await create("cq-recent"), url);
  });
});

describe("GetQueueUrl", () => {
  test("finds a queue by name, and reports a missing one in the query wording", async () => {
    const url = await create("gqu");
    assert.deepEqual(await boto.call("get_queue_url", { QueueName: "gqu" }), { QueueUrl: url });
    assert.deepEqual(await boto.call("get_queue_url", { QueueName: "gqu", QueueOwnerAWSAccountId: "000000000000" }), { QueueUrl: url });
    const e = await boto.fail("get_queue_url", { QueueName: "gqu-missing" });
    assert.deepEqual(e, {
      Code: "AWS.SimpleQueueService.NonExistentQueue",
      Message: "The specified queue does not exist for this wsdl version.",
      Type: "Sender",
      QueryErrorCode: null,
      HTTPStatusCode: 400,
    });
    assert.equal((await boto.fail("get_queue_url", { QueueName: "GQU" })).Code, "AWS.SimpleQueueService.NonExistentQueue");
  });
});

describe("ListQueues", () => {
  before(async () => {
    for (const n of ["lq-a", "lq-b", "lq-c", "lq-d", "lq-e"]) await create(n);
  });

  test("by prefix, without a token when MaxResults is not given", async () => {
    const r = await boto.call("list_queues", { QueueNamePrefix: "lq-" });
    assert.deepEqual(r, { QueueUrls: ["lq-a", "lq-b", "lq-c", "lq-d", "lq-e"].map(urlOf) });
    assert.deepEqual(await boto.call("list_queues", { QueueNamePrefix: "lq-c" }), { QueueUrls: [urlOf("lq-c")] });
    // No match: no QueueUrls element at all.
    assert.deepEqual(await boto.call("list_queues", { QueueNamePrefix: "zzz" }), {});
    const all = await boto.call("list_queues");
    assert.ok(all.QueueUrls.length >= 5);
    assert.equal(all.NextToken, undefined);
  });

  test("pages with MaxResults and NextToken", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await boto.call("list_queues", { QueueNamePrefix: "lq-", MaxResults: 2, ...(token ? { NextToken: token } : {}) });
      assert.ok(r.QueueUrls.length <= 2);
      seen.push(...r.QueueUrls);
      token = r.NextToken;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ["lq-a", "lq-b", "lq-c", "lq-d", "lq-e"].map(urlOf));
    // Exactly MaxResults left: no token.
    const last = await boto.call("list_queues", { QueueNamePrefix: "lq-", MaxResults: 5 });
    assert.equal(last.QueueUrls.length, 5);
    assert.equal(last.NextToken, undefined);
  });

  test("MaxResults out of range and a bad token are InvalidParameterValue", async () => {
    for (const max of [0, 1001]) {
      const e = await boto.fail("list_queues", { MaxResults: max });
      assert.deepEqual([e.Code, e.HTTPStatusCode], ["InvalidParameterValue", 400]);
    }
    const e = await boto.fail("list_queues", { NextToken: "not-a-token" });
    assert.equal(e.Code, "InvalidParameterValue");
  });
});

describe("DeleteQueue", () => {
  test("deletes; the queue is gone for every operation", async () => {
    const url = await create("dq");
    assert.deepEqual(await boto.call("delete_queue", { QueueUrl: url }), {});
    assert.equal((await boto.fail("get_queue_url", { QueueName: "dq" })).Code, "AWS.SimpleQueueService.NonExistentQueue");
    for (const [op, args] of [
      ["delete_queue", {}],
      ["send_message", { MessageBody: "x" }],
      ["receive_message", {}],
      ["get_queue_attributes", { AttributeNames: ["All"] }],
      ["purge_queue", {}],
      ["list_queue_tags", {}],
    ] as const) {
      const e = await boto.fail(op, { QueueUrl: url, ...args });
      assert.deepEqual([e.Code, e.Message, e.HTTPStatusCode], ["AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist for this wsdl version.", 400], op);
    }
    assert.deepEqual((await boto.call("list_queues", { QueueNamePrefix: "dq" })).QueueUrls, undefined);
  });
});

describe("Get/SetQueueAttributes", () => {
  let url: string;
  before(async () => {
    url = await create("qa");
  });

  test("All returns every attribute of a new standard queue, as strings", async () => {
    const { Attributes } = await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["All"] });
    const created = String(Math.floor(clock.now() / 1000));
    assert.deepEqual(Attributes, {
      QueueArn: "arn:aws:sqs:us-east-1:000000000000:qa",
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "0",
      ApproximateNumberOfMessagesDelayed: "0",
      CreatedTimestamp: created,
      LastModifiedTimestamp: created,
      VisibilityTimeout: "30",
      MaximumMessageSize: "1048576",
      MessageRetentionPeriod: "345600",
      DelaySeconds: "0",
      ReceiveMessageWaitTimeSeconds: "0",
      SqsManagedSseEnabled: "true",
    });
  });

  test("each name alone returns just that attribute; no names return none", async () => {
    const all = (await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["All"] })).Attributes;
    for (const name of Object.keys(all)) {
      const r = await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: [name] });
      assert.deepEqual(r.Attributes, { [name]: all[name] }, name);
    }
    const two = await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["DelaySeconds", "QueueArn"] });
    assert.deepEqual(two.Attributes, { DelaySeconds: "0", QueueArn: all.QueueArn });
    assert.deepEqual(await boto.call("get_queue_attributes", { QueueUrl: url }), {});
    // Optional attributes that were never set are left out, even when asked for.
    assert.deepEqual(await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["Policy", "RedrivePolicy"] }), {});
  });

  test("an unknown name is InvalidAttributeName", async () => {
    const e = await boto.fail("get_queue_attributes", { QueueUrl: url, AttributeNames: ["All", "Foobar"] });
    assert.deepEqual(e, { Code: "InvalidAttributeName", Message: "Unknown Attribute Foobar.", Type: "Sender", QueryErrorCode: null, HTTPStatusCode: 400 });
  });

  test("SetQueueAttributes changes values and LastModifiedTimestamp", async () => {
    clock.advance(5_000);
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*" }] });
    assert.deepEqual(await boto.call("set_queue_attributes", { QueueUrl: url, Attributes: { VisibilityTimeout: "90", DelaySeconds: "7", Policy: policy } }), {});
    const { Attributes } = await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["All"] });
    assert.equal(Attributes.VisibilityTimeout, "90");
    assert.equal(Attributes.DelaySeconds, "7");
    assert.equal(Attributes.Policy, policy);
    assert.equal(Attributes.LastModifiedTimestamp, String(Math.floor(clock.now() / 1000)));
    assert.notEqual(Attributes.LastModifiedTimestamp, Attributes.CreatedTimestamp);
    // An empty Policy clears it.
    await boto.call("set_queue_attributes", { QueueUrl: url, Attributes: { Policy: "" } });
    assert.deepEqual(await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["Policy"] }), {});
  });

  test("SetQueueAttributes validation: InvalidAttributeName and InvalidAttributeValue", async () => {
    for (const name of ["Foobar", "QueueArn", "ApproximateNumberOfMessages", "CreatedTimestamp", "FifoQueue"]) {
      const e = await boto.fail("set_queue_attributes", { QueueUrl: url, Attributes: { [name]: "1" } });
      assert.deepEqual([e.Code, e.Message, e.HTTPStatusCode], ["InvalidAttributeName", `Unknown Attribute ${name}.`, 400], name);
    }
    for (const [k, v] of [["VisibilityTimeout", "-1"], ["MaximumMessageSize", "1048577"], ["MessageRetentionPeriod", "1209601"], ["DelaySeconds", "901"], ["ReceiveMessageWaitTimeSeconds", "21"], ["SqsManagedSseEnabled", "yes"], ["Policy", "{not json"]]) {
      const e = await boto.fail("set_queue_attributes", { QueueUrl: url, Attributes: { [k]: v } });
      assert.deepEqual([e.Code, e.HTTPStatusCode], ["InvalidAttributeValue", 400], k);
      assert.ok(e.Message.startsWith(`Invalid value for the parameter ${k}.`), e.Message);
    }
    // Nothing was changed by the failed calls.
    assert.equal((await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["VisibilityTimeout"] })).Attributes.VisibilityTimeout, "90");
  });

  test("RedrivePolicy: stored with a numeric maxReceiveCount, validated", async () => {
    const dlq = await create("qa-dlq");
    const arn = "arn:aws:sqs:us-east-1:000000000000:qa-dlq";
    await boto.call("set_queue_attributes", { QueueUrl: url, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: "3" }) } });
    const r = await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["RedrivePolicy"] });
    assert.deepEqual(JSON.parse(r.Attributes.RedrivePolicy), { deadLetterTargetArn: arn, maxReceiveCount: 3 });
    const bad = JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 0 });
    const e = await boto.fail("set_queue_attributes", { QueueUrl: url, Attributes: { RedrivePolicy: bad } });
    assert.deepEqual([e.Code, e.Message], ["InvalidParameterValue", `Value ${bad} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive.`]);
    const missing = JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:nope", maxReceiveCount: 2 });
    assert.equal((await boto.fail("set_queue_attributes", { QueueUrl: url, Attributes: { RedrivePolicy: missing } })).Code, "InvalidParameterValue");
    await boto.call("set_queue_attributes", { QueueUrl: url, Attributes: { RedrivePolicy: "" } });
    assert.deepEqual(await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["RedrivePolicy"] }), {});
    await boto.call("delete_queue", { QueueUrl: dlq });
  });
});

describe("PurgeQueue", () => {
  test("removes visible and in-flight messages; a second purge within 60 s is PurgeQueueInProgress (403)", async () => {
    const url = await create("pq");
    for (let i = 0; i < 3; i++) await boto.call("send_message", { QueueUrl: url, MessageBody: `m${i}` });
    await boto.call("receive_message", { QueueUrl: url });
    const counts = async () =>
      (await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] })).Attributes;
    assert.deepEqual(await counts(), { ApproximateNumberOfMessages: "2", ApproximateNumberOfMessagesNotVisible: "1" });
    assert.deepEqual(await boto.call("purge_queue", { QueueUrl: url }), {});
    assert.deepEqual(await counts(), { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" });

    // Messages sent after the purge are kept.
    await boto.call("send_message", { QueueUrl: url, MessageBody: "after" });
    clock.advance(59_999);
    const e = await boto.fail("purge_queue", { QueueUrl: url });
    assert.deepEqual(e, {
      Code: "AWS.SimpleQueueService.PurgeQueueInProgress",
      Message: "Only one PurgeQueue operation on pq is allowed every 60 seconds.",
      Type: "Sender",
      QueryErrorCode: null,
      HTTPStatusCode: 403,
    });
    assert.equal((await counts()).ApproximateNumberOfMessages, "1");
    clock.advance(1);
    await boto.call("purge_queue", { QueueUrl: url });
    assert.equal((await counts()).ApproximateNumberOfMessages, "0");
  });
});

describe("tags", () => {
  test("TagQueue, ListQueueTags, UntagQueue", async () => {
    const url = await create("tq");
    assert.deepEqual(await boto.call("list_queue_tags", { QueueUrl: url }), {});
    assert.deepEqual(await boto.call("tag_queue", { QueueUrl: url, Tags: { a: "1", b: "two words", "c:d": "é&<x>" } }), {});
    assert.deepEqual((await boto.call("list_queue_tags", { QueueUrl: url })).Tags, { a: "1", b: "two words", "c:d": "é&<x>" });
    await boto.call("tag_queue", { QueueUrl: url, Tags: { a: "overwritten", e: "" } });
    assert.deepEqual((await boto.call("list_queue_tags", { QueueUrl: url })).Tags, { a: "overwritten", b: "two words", "c:d": "é&<x>", e: "" });
    assert.deepEqual(await boto.call("untag_queue", { QueueUrl: url, TagKeys: ["b", "c:d", "not-there"] }), {});
    assert.deepEqual((await boto.call("list_queue_tags", { QueueUrl: url })).Tags, { a: "overwritten", e: "" });
  });

  test("tag limits are InvalidParameterValue", async () => {
    const url = await create("tq-limits");
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    assert.equal((await boto.fail("tag_queue", { QueueUrl: url, Tags: many })).Code, "InvalidParameterValue");
    assert.equal((await boto.fail("tag_queue", { QueueUrl: url, Tags: { ["k".repeat(129)]: "v" } })).Code, "InvalidParameterValue");
    assert.equal((await boto.fail("tag_queue", { QueueUrl: url, Tags: { k: "v".repeat(257) } })).Code, "InvalidParameterValue");
    assert.deepEqual(await boto.call("list_queue_tags", { QueueUrl: url }), {});
  });
});

describe("ListDeadLetterSourceQueues", () => {
  test("lists the queues whose RedrivePolicy targets the queue", async () => {
    const dlq = await create("ldl-dlq");
    const policy = JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:ldl-dlq", maxReceiveCount: 2 });
    await create("ldl-src1", { Attributes: { RedrivePolicy: policy } });
    const src2 = await create("ldl-src2");
    await boto.call("set_queue_attributes", { QueueUrl: src2, Attributes: { RedrivePolicy: policy } });
    await create("ldl-other");
    const r = await boto.call("list_dead_letter_source_queues", { QueueUrl: dlq });
    assert.deepEqual(r, { queueUrls: [urlOf("ldl-src1"), urlOf("ldl-src2")] });
    const page1 = await boto.call("list_dead_letter_source_queues", { QueueUrl: dlq, MaxResults: 1 });
    assert.deepEqual(page1.queueUrls, [urlOf("ldl-src1")]);
    assert.ok(page1.NextToken);
    const page2 = await boto.call("list_dead_letter_source_queues", { QueueUrl: dlq, MaxResults: 1, NextToken: page1.NextToken });
    assert.deepEqual(page2, { queueUrls: [urlOf("ldl-src2")] });
    const none = await boto.call("list_dead_letter_source_queues", { QueueUrl: urlOf("ldl-other") });
    assert.deepEqual(none.queueUrls ?? [], []);
    assert.equal((await boto.fail("list_dead_letter_source_queues", { QueueUrl: urlOf("ldl-nope") })).Code, "AWS.SimpleQueueService.NonExistentQueue");
  });
});
