// Dead-letter queues through the JS SDK on a ManualClock: RedrivePolicy validation and round trip, the move to
// the DLQ after maxReceiveCount receives (with DeadLetterQueueSourceArn), and ListDeadLetterSourceQueues.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ListDeadLetterSourceQueuesCommand,
  ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand,
} from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { md5OfAttributes } from "../../helpers/md5.ts";
import { useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock();
const { server, sqs } = useTestServer({ clock });

async function create(name: string, Attributes?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }));
  assert.ok(QueueUrl);
  return QueueUrl;
}

const arn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const policy = (dlq: string, maxReceiveCount: unknown) => JSON.stringify({ deadLetterTargetArn: arn(dlq), maxReceiveCount });

describe("RedrivePolicy", () => {
  test("is returned as compact JSON with a numeric maxReceiveCount, also when given as a string", async () => {
    await create("rp-dlq");
    const src = await create("rp-src", { RedrivePolicy: policy("rp-dlq", "3") });
    const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: src, AttributeNames: ["RedrivePolicy"] }));
    assert.equal(a.Attributes?.RedrivePolicy, `{"deadLetterTargetArn":"${arn("rp-dlq")}","maxReceiveCount":3}`);
    // CreateQueue again with the same policy is idempotent.
    assert.equal(await create("rp-src", { RedrivePolicy: policy("rp-dlq", 3) }), src);
  });

  test("an empty string removes it", async () => {
    await create("rp-clear-dlq");
    const src = await create("rp-clear", { RedrivePolicy: policy("rp-clear-dlq", 2) });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: src, Attributes: { RedrivePolicy: "" } }));
    const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: src, AttributeNames: ["All"] }));
    assert.equal(a.Attributes?.RedrivePolicy, undefined);
  });

  for (const count of [0, 1001, -1, 1.5, "abc"]) {
    test(`maxReceiveCount ${JSON.stringify(count)} is InvalidParameterValue`, async () => {
      await create("rp-bad-dlq");
      const src = await create("rp-bad");
      const value = policy("rp-bad-dlq", count);
      await rejectsAws(sqs.send(new SetQueueAttributesCommand({ QueueUrl: src, Attributes: { RedrivePolicy: value } })), {
        name: "InvalidParameterValue",
        code: "InvalidParameterValue",
        status: 400,
        message: `Value ${value} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: ${count}, valid values are from 1 to 1000 both inclusive.`,
      });
    });
  }

  test("a dead-letter queue that does not exist is InvalidParameterValue", async () => {
    const src = await create("rp-nodlq");
    await rejectsAws(sqs.send(new SetQueueAttributesCommand({ QueueUrl: src, Attributes: { RedrivePolicy: policy("rp-never", 2) } })), {
      name: "InvalidParameterValue", code: "InvalidParameterValue", status: 400, message: /RedrivePolicy/,
    });
    await rejectsAws(sqs.send(new CreateQueueCommand({ QueueName: "rp-nodlq2", Attributes: { RedrivePolicy: policy("rp-never", 2) } })), {
      name: "InvalidParameterValue", status: 400,
    });
  });

  for (const [label, value] of [
    ["not JSON", "{nope"],
    ["a JSON array", "[1]"],
    ["without deadLetterTargetArn", JSON.stringify({ maxReceiveCount: 2 })],
    ["without maxReceiveCount", JSON.stringify({ deadLetterTargetArn: arn("x") })],
  ]) {
    test(`${label} is InvalidParameterValue`, async () => {
      const src = await create("rp-malformed");
      await rejectsAws(sqs.send(new SetQueueAttributesCommand({ QueueUrl: src, Attributes: { RedrivePolicy: value } })), {
        name: "InvalidParameterValue", code: "InvalidParameterValue", status: 400,
      });
    });
  }
});

describe("moving messages to the dead-letter queue", () => {
  test("after maxReceiveCount receives the next receive moves it, with DeadLetterQueueSourceArn", async () => {
    const dlq = await create("mv-dlq");
    const src = await create("mv-src", { VisibilityTimeout: "10", RedrivePolicy: policy("mv-dlq", 2) });
    const attrs = { k: { DataType: "String", StringValue: "v" } };
    const sent = await sqs.send(new SendMessageCommand({
      QueueUrl: src, MessageBody: "poison", MessageAttributes: attrs,
      MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: "Root=1-x" } },
    }));
    for (let i = 1; i <= 2; i++) {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
      assert.equal(r.Messages?.[0].Attributes?.ApproximateReceiveCount, String(i));
      clock.advance(10_000);
    }
    const third = await sqs.send(new ReceiveMessageCommand({ QueueUrl: src }));
    assert.equal(third.Messages, undefined);

    const moved = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: dlq, MessageSystemAttributeNames: ["All"], MessageAttributeNames: ["All"], VisibilityTimeout: 0,
    }));
    const m = moved.Messages?.[0];
    assert.ok(m);
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Body, "poison");
    assert.equal(m.MD5OfMessageAttributes, md5OfAttributes(attrs));
    assert.equal(m.Attributes?.DeadLetterQueueSourceArn, arn("mv-src"));
    assert.equal(m.Attributes?.AWSTraceHeader, "Root=1-x");
    const only = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, VisibilityTimeout: 0, MessageSystemAttributeNames: ["DeadLetterQueueSourceArn"] }));
    assert.deepEqual(only.Messages?.[0].Attributes, { DeadLetterQueueSourceArn: arn("mv-src") });

    const srcCounts = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: src, AttributeNames: ["All"] }));
    assert.equal(srcCounts.Attributes?.ApproximateNumberOfMessages, "0");
    assert.equal(srcCounts.Attributes?.ApproximateNumberOfMessagesNotVisible, "0");
  });

  test("maxReceiveCount 1: a single receive is allowed, the second moves it", async () => {
    const dlq = await create("mv1-dlq");
    const src = await create("mv1-src", { VisibilityTimeout: "0", RedrivePolicy: policy("mv1-dlq", 1) });
    await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: "once" }));
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src }))).Messages?.length, 1);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src }))).Messages, undefined);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq }))).Messages?.[0].Body, "once");
  });

  test("healthy messages are returned while a poisoned one moves in the same receive", async () => {
    const dlq = await create("mix-dlq");
    const src = await create("mix-src", { VisibilityTimeout: "10", RedrivePolicy: policy("mix-dlq", 1) });
    await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: "poison" }));
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src }))).Messages?.[0].Body, "poison");
    await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: "fresh" }));
    clock.advance(10_000);
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 }));
    assert.deepEqual(r.Messages?.map((m) => m.Body), ["fresh"]);
    assert.deepEqual((await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq }))).Messages?.map((m) => m.Body), ["poison"]);
  });

  test("a policy whose dead-letter queue was deleted moves nothing", async () => {
    const dlq = await create("gone-dlq");
    const src = await create("gone-src", { VisibilityTimeout: "0", RedrivePolicy: policy("gone-dlq", 1) });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: dlq }));
    await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: "stays" }));
    for (let i = 0; i < 3; i++) assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src }))).Messages?.[0].Body, "stays");
  });
});

describe("ListDeadLetterSourceQueues", () => {
  test("lists the queues whose RedrivePolicy targets the queue, with paging", async () => {
    const dlq = await create("lds-dlq");
    const other = await create("lds-other-dlq");
    const sources = ["lds-a", "lds-b", "lds-c"];
    for (const s of sources) await create(s, { RedrivePolicy: policy("lds-dlq", 5) });
    await create("lds-x", { RedrivePolicy: policy("lds-other-dlq", 5) });

    const all = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
    assert.deepEqual(all.queueUrls, sources.map((s) => `${server.endpoint}/000000000000/${s}`));
    assert.equal(all.NextToken, undefined);

    const page1 = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq, MaxResults: 2 }));
    assert.equal(page1.queueUrls?.length, 2);
    assert.ok(page1.NextToken);
    const page2 = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq, MaxResults: 2, NextToken: page1.NextToken }));
    assert.deepEqual([...(page1.queueUrls ?? []), ...(page2.queueUrls ?? [])], all.queueUrls);
    assert.equal(page2.NextToken, undefined);

    const x = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: other }));
    assert.deepEqual(x.queueUrls, [`${server.endpoint}/000000000000/lds-x`]);
  });

  test("a queue nobody targets gives an empty list", async () => {
    const lonely = await create("lds-lonely");
    const r = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: lonely }));
    assert.deepEqual(r.queueUrls, []);
  });

  test("removing a policy removes the source", async () => {
    const dlq = await create("lds-rm-dlq");
    const src = await create("lds-rm-src", { RedrivePolicy: policy("lds-rm-dlq", 5) });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: src, Attributes: { RedrivePolicy: "" } }));
    assert.deepEqual((await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }))).queueUrls, []);
  });

  test("on a missing queue is QueueDoesNotExist", async () => {
    await rejectsAws(sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: `${server.endpoint}/000000000000/lds-missing` })), {
      name: "QueueDoesNotExist",
    });
  });
});

describe("RedriveAllowPolicy", () => {
  test("is stored and returned; allowAll permits any source", async () => {
    const dlq = await create("rap-allow", { RedriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }) });
    const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["RedriveAllowPolicy"] }));
    assert.deepEqual(JSON.parse(a.Attributes?.RedriveAllowPolicy ?? "{}"), { redrivePermission: "allowAll" });
    await create("rap-allow-src", { RedrivePolicy: policy("rap-allow", 3) });
  });

  test("denyAll refuses every source queue", async () => {
    await create("rap-deny", { RedriveAllowPolicy: JSON.stringify({ redrivePermission: "denyAll" }) });
    const src = await create("rap-deny-src");
    await rejectsAws(sqs.send(new SetQueueAttributesCommand({ QueueUrl: src, Attributes: { RedrivePolicy: policy("rap-deny", 3) } })), {
      name: "InvalidParameterValue", code: "InvalidParameterValue", status: 400,
    });
  });

  test("byQueue admits only the listed source queues", async () => {
    await create("rap-by", { RedriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [arn("rap-by-ok")] }) });
    await create("rap-by-ok", { RedrivePolicy: policy("rap-by", 3) });
    const other = await create("rap-by-other");
    await rejectsAws(sqs.send(new SetQueueAttributesCommand({ QueueUrl: other, Attributes: { RedrivePolicy: policy("rap-by", 3) } })), {
      name: "InvalidParameterValue", status: 400,
    });
  });

  for (const [label, value] of [
    ["an unknown permission", { redrivePermission: "sometimes" }],
    ["byQueue without sourceQueueArns", { redrivePermission: "byQueue" }],
    ["byQueue with 11 source queues", { redrivePermission: "byQueue", sourceQueueArns: Array.from({ length: 11 }, (_, i) => arn(`s${i}`)) }],
    ["sourceQueueArns with allowAll", { redrivePermission: "allowAll", sourceQueueArns: [arn("x")] }],
  ] as const) {
    test(`${label} is rejected`, async () => {
      const q = await create("rap-invalid");
      await rejectsAws(sqs.send(new SetQueueAttributesCommand({ QueueUrl: q, Attributes: { RedriveAllowPolicy: JSON.stringify(value) } })), {
        status: 400, fault: "client", message: /RedriveAllowPolicy/,
      });
    });
  }
});
