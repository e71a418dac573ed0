// Request logs and trace context: at debug level one JSON line per request (operation, status, error code, latency,
// request id); X-Amzn-Trace-Id becomes each sent message's AWSTraceHeader system attribute, a given AWSTraceHeader
// overriding it (AWS X-Ray developer guide, "Amazon SQS and AWS X-Ray"); with an OTLP endpoint every request is a
// span posted as OTLP/HTTP JSON to a local receiver, joined to the X-Ray trace it came with.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateQueueCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { CreateTopicCommand, PublishBatchCommand, PublishCommand, SubscribeCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { Mailroom } from "../../../src/index.ts";
import { startReceiver, type Receiver } from "../../helpers/receiver.ts";
import { snsClient, sqsClient, startTestServer } from "../../helpers/server.ts";

const TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

/** Adds X-Amzn-Trace-Id to every request of this client while `trace.header` is set. */
function traced<C extends SQSClient | SNSClient>(client: C, trace: { header?: string }): C {
  type Build = (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => Promise<unknown>;
  (client.middlewareStack as unknown as { add(m: Build, o: object): void }).add(
    (next) => async (args) => {
      const req = args.request as { headers: Record<string, string> };
      if (trace.header) req.headers["X-Amzn-Trace-Id"] = trace.header;
      return next(args);
    },
    { step: "build", name: "xrayHeader" },
  );
  return client;
}

describe("request logs and trace headers", () => {
  let server: Mailroom;
  let receiver: Receiver;
  let sqs: SQSClient;
  let sns: SNSClient;
  const trace: { header?: string } = {};
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  before(async () => {
    receiver = await startReceiver();
    // Log lines go to stderr: kept here while the server runs.
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const s = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      if (s.startsWith('{"time"')) {
        lines.push(s);
        return true;
      }
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    server = await startTestServer({ logLevel: "debug", otlpEndpoint: receiver.url.replace(/\/$/, "") });
    sqs = traced(sqsClient(server.endpoint), trace);
    sns = traced(snsClient(server.endpoint), trace);
  });
  after(async () => {
    sqs.destroy();
    sns.destroy();
    await server.close();
    process.stderr.write = write;
    await receiver.close();
  });

  const requests = () => lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "request");

  test("debug: one line per request with operation, status, error code, latency and request id", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "logged" }));
    await assert.rejects(sqs.send(new GetQueueUrlCommand({ QueueName: "missing" })));
    const seen = requests();
    const ok = seen.find((l) => l.operation === "CreateQueue");
    assert.ok(ok, JSON.stringify(seen));
    assert.equal(ok.level, "debug");
    assert.equal(ok.service, "sqs");
    assert.equal(ok.status, 200);
    assert.equal(ok.error, undefined);
    assert.equal(typeof ok.latencyMs, "number");
    assert.match(ok.requestId, /^[0-9a-f-]{36}$/);
    const failed = seen.find((l) => l.operation === "GetQueueUrl");
    assert.equal(failed.status, 400);
    assert.equal(failed.error, "QueueDoesNotExist");
    assert.ok(QueueUrl);
  });

  test("X-Amzn-Trace-Id becomes AWSTraceHeader on SendMessage and every entry of SendMessageBatch; a given attribute wins", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "traced" }));
    trace.header = TRACE;
    try {
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "one" }));
      // The answer's digest covers only what the client sent: no system attributes, no digest.
      assert.equal(sent.MD5OfMessageSystemAttributes, undefined);
      await sqs.send(new SendMessageBatchCommand({
        QueueUrl, Entries: [
          { Id: "a", MessageBody: "two" },
          { Id: "b", MessageBody: "three", MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: "Root=1-00000000-000000000000000000000001" } } },
        ],
      }));
    } finally {
      trace.header = undefined;
    }
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "untraced" }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["AWSTraceHeader"] }));
    const byBody = Object.fromEntries((got.Messages ?? []).map((m) => [m.Body, m.Attributes?.AWSTraceHeader]));
    assert.deepEqual(byBody, { one: TRACE, two: TRACE, three: "Root=1-00000000-000000000000000000000001", untraced: undefined });
  });

  test("a traced Publish or PublishBatch reaches SQS subscribers with the trace as AWSTraceHeader", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "subscriber" }));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "traced-topic" }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:subscriber" }));
    trace.header = TRACE;
    try {
      await sns.send(new PublishCommand({ TopicArn, Message: "published" }));
      await sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: "1", Message: "batched" }] }));
    } finally {
      trace.header = undefined;
    }
    await sns.send(new PublishCommand({ TopicArn, Message: "untraced" }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["AWSTraceHeader"] }));
    const byMessage = Object.fromEntries((got.Messages ?? []).map((m) => [JSON.parse(m.Body!).Message, m.Attributes?.AWSTraceHeader]));
    assert.deepEqual(byMessage, { published: TRACE, batched: TRACE, untraced: undefined });
  });

  test("OTLP: each request is a SERVER span, exported as JSON, in the X-Ray trace it came with", async () => {
    trace.header = TRACE;
    try {
      await sqs.send(new GetQueueUrlCommand({ QueueName: "traced" }));
    } finally {
      trace.header = undefined;
    }
    // Spans are exported each second: wait for the batch holding this one.
    const deadline = Date.now() + 5000;
    let span: Record<string, unknown> | undefined;
    while (!span && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      for (const r of receiver.received) {
        const doc = JSON.parse(r.body);
        for (const rs of doc.resourceSpans) {
          assert.deepEqual(rs.resource.attributes.find((a: { key: string }) => a.key === "service.name").value, { stringValue: "mailroom" });
          for (const ss of rs.scopeSpans) for (const s of ss.spans) if (s.name === "sqs.GetQueueUrl" && s.parentSpanId) span = s;
        }
      }
    }
    assert.ok(span, `spans received: ${receiver.received.length}`);
    assert.equal(receiver.received[0].headers["content-type"], "application/json");
    assert.equal(span.traceId, "5759e988bd862e3fe1be46a994272793");
    assert.equal(span.parentSpanId, "53995c3f42cd8ad8");
    assert.match(String(span.spanId), /^[0-9a-f]{16}$/);
    assert.equal(span.kind, 2);
    assert.ok(BigInt(String(span.endTimeUnixNano)) >= BigInt(String(span.startTimeUnixNano)));
    const attrs = Object.fromEntries((span.attributes as { key: string; value: Record<string, string> }[]).map((a) => [a.key, Object.values(a.value)[0]]));
    assert.equal(attrs["rpc.method"], "GetQueueUrl");
    assert.equal(attrs["rpc.service"], "sqs");
    assert.equal(attrs["http.response.status_code"], "200");
  });

  test("OTLP: a W3C traceparent (OpenTelemetry clients) names the trace and the parent span", async () => {
    const res = await fetch(`${server.endpoint}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.ListQueues",
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00",
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      },
      body: "{}",
    });
    await res.arrayBuffer();
    const deadline = Date.now() + 5000;
    let span: Record<string, unknown> | undefined;
    while (!span && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      for (const r of receiver.received) {
        for (const rs of JSON.parse(r.body).resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) if (s.name === "sqs.ListQueues") span = s;
      }
    }
    assert.ok(span);
    assert.equal(span.traceId, "0af7651916cd43dd8448eb211c80319c");
    assert.equal(span.parentSpanId, "b7ad6b7169203331");
  });
});
