// Two nodes on one PostgreSQL database: a pipe runs on one node at a time (the runner's lease), so a Kinesis source
// (where two readers would deliver every record twice) delivers each record once; when that node stops, the other
// takes the lease and the pipe goes on from the stored checkpoint. PostgreSQL only (SQLite is one process per file).
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordCommand } from "@aws-sdk/client-kinesis";
import { CreatePipeCommand, PipesClient } from "@aws-sdk/client-pipes";
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { sqsClient, startTestServer, TEST_BACKEND, TEST_CREDENTIALS } from "../../helpers/server.ts";

const skip = TEST_BACKEND !== "postgres" ? "PostgreSQL only (MAILROOM_TEST_BACKEND=postgres)" : undefined;
const clock = new ManualClock(Date.UTC(2026, 5, 3, 12, 0, 0));
let a: Mailroom | undefined;
let b: Mailroom | undefined;
let kinesis: KinesisClient;
let pipes: PipesClient;
let sqs: SQSClient;

before(async () => {
  if (skip) return;
  const dir = mkdtempSync(join(tmpdir(), "mailroom-pipes-cluster-"));
  a = await startTestServer({ dataDir: dir, clock });
  b = await startTestServer({ dataDir: dir, clock });
  const cfg = { endpoint: b.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  kinesis = new KinesisClient(cfg);
  pipes = new PipesClient(cfg);
  sqs = sqsClient(b.endpoint);
});
after(async () => {
  if (skip) return;
  for (const c of [kinesis, pipes, sqs]) c.destroy();
  await a?.close();
  await b?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a Kinesis pipe delivers each record once across two nodes, and moves to the other node when its node stops", { skip }, async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "cl-stream", ShardCount: 2 }));
  const streamArn = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "cl-stream" }))).StreamDescriptionSummary!.StreamARN!;
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: "cl-out" }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  await pipes.send(new CreatePipeCommand({
    Name: "cl", RoleArn: "arn:aws:iam::000000000000:role/r", Source: streamArn, Target: arn,
    SourceParameters: { KinesisStreamParameters: { StartingPosition: "TRIM_HORIZON", BatchSize: 5 } }, TargetParameters: { InputTemplate: "<$.data>" },
  }));
  const seen: string[] = [];
  const put = async (from: number, to: number) => {
    for (let i = from; i < to; i++) await kinesis.send(new PutRecordCommand({ StreamName: "cl-stream", PartitionKey: `p${i}`, Data: Buffer.from(JSON.stringify({ i })) }));
  };
  const drainUntil = async (n: number) => {
    for (let round = 0; round < 300 && seen.length < n; round++) {
      clock.advance(1000);
      await sleep(25);
      for (;;) {
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
        if (!r.Messages?.length) break;
        for (const m of r.Messages) {
          seen.push(String(JSON.parse(m.Body!).i));
          await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
        }
      }
    }
  };
  await put(0, 20);
  await drainUntil(20);
  // More rounds on both nodes: nothing is delivered again.
  await drainUntil(21);
  assert.deepEqual([...seen].sort((x, y) => Number(x) - Number(y)), Array.from({ length: 20 }, (_, i) => String(i)));
  // Whichever node held the lease stops; the other takes it after it expires and reads on from the checkpoints.
  await a!.close();
  a = undefined;
  await put(20, 25);
  await drainUntil(25);
  assert.deepEqual([...seen].sort((x, y) => Number(x) - Number(y)), Array.from({ length: 25 }, (_, i) => String(i)));
});
