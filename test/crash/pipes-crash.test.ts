// EventBridge Pipes under kill -9: a Mailroom process (SQLite, --durability strict) runs a pipe from one SQS queue to
// another and is killed with SIGKILL while the pipe is moving messages, then restarted on the same data directory.
// Every message sent reaches the target (at least once: a batch delivered but not yet deleted when the process died
// comes again after the source's visibility timeout), and the source ends empty. Real time (a few seconds).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { test } from "node:test";
import { CreatePipeCommand, DescribePipeCommand, PipesClient } from "@aws-sdk/client-pipes";
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { freePort, startMailroomProcess, type Started } from "../../bench/lib/process.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const N = 300;

test("a pipe killed with -9 mid-flow delivers every message after the restart", { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(`${os.tmpdir()}/mailroom-pipes-crash-`);
  const port = await freePort();
  const args = ["--data-dir", dir, "--durability", "strict"];
  let server: Started = await startMailroomProcess(args, null, port);
  const cfg = { endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
  const sqs = new SQSClient(cfg);
  const pipes = new PipesClient(cfg);
  const seen = new Map<string, number>();
  const drain = async (url: string) => {
    for (;;) {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
      if (!r.Messages?.length) return;
      for (const m of r.Messages) {
        const id = String(JSON.parse(JSON.parse(m.Body!).body).id);
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: r.Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
    }
  };
  try {
    const q = async (name: string, attrs: Record<string, string> = {}) => {
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attrs }))).QueueUrl!;
      const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
      return { url, arn };
    };
    const src = await q("crash-src", { VisibilityTimeout: "2" });
    const out = await q("crash-out");
    // Batches of 2: the pipe moves at most 40 messages a second, so the kill lands while most are still in the source.
    await pipes.send(new CreatePipeCommand({
      Name: "crash", RoleArn: "arn:aws:iam::000000000000:role/r", Source: src.arn, Target: out.arn, SourceParameters: { SqsQueueParameters: { BatchSize: 2 } },
    }));
    for (let i = 0; i < 200 && (await pipes.send(new DescribePipeCommand({ Name: "crash" }))).CurrentState !== "RUNNING"; i++) await sleep(50);
    for (let i = 0; i < N; i += 10) {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: src.url, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: String(j), MessageBody: JSON.stringify({ id: i + j }) })) }));
    }
    // Kill as soon as the pipe has delivered something.
    let delivered = 0;
    for (let i = 0; i < 400 && delivered === 0; i++) {
      const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: out.url, AttributeNames: ["ApproximateNumberOfMessages"] }))).Attributes!;
      delivered = Number(a.ApproximateNumberOfMessages);
      if (delivered === 0) await sleep(10);
    }
    await server.kill9();
    assert.ok(delivered > 0 && delivered < N, `killed after ${delivered} of ${N} deliveries`);
    server = await startMailroomProcess(args, null, port);
    for (let i = 0; i < 500 && seen.size < N; i++) {
      await drain(out.url);
      if (seen.size < N) await sleep(100);
    }
    assert.equal(seen.size, N, `${N - seen.size} messages never reached the target`);
    const left = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: src.url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }))).Attributes!;
    for (let i = 0; i < 50 && (left.ApproximateNumberOfMessages !== "0" || left.ApproximateNumberOfMessagesNotVisible !== "0"); i++) {
      await sleep(100);
      Object.assign(left, (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: src.url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }))).Attributes!);
    }
    assert.equal(left.ApproximateNumberOfMessages, "0");
    assert.equal(left.ApproximateNumberOfMessagesNotVisible, "0");
    const dupes = [...seen.values()].filter((n) => n > 1).length;
    // At least once: at most the batches in flight at the kill come twice.
    assert.ok(dupes <= 200, `${dupes} duplicates`);
  } finally {
    sqs.destroy();
    pipes.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
