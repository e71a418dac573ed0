// SubscribeToShard probed as an attacker (and an unlucky client) would: a client that stops reading its stream is cut
// after the idle timeout and its subscription released, a client that leaves releases it at once, the largest and
// malformed inputs get the AWS errors, and a stream deleted or a consumer deregistered under a live subscription ends
// it with the exception event AWS sends. One SDK client over HTTP/2 (its default) and one over HTTP/1.1 (the fast
// path's chunked stream, for the stalled-client case); a short idle timeout.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateStreamCommand, DeleteStreamCommand, DeregisterStreamConsumerCommand, KinesisClient, PutRecordsCommand,
  RegisterStreamConsumerCommand, SubscribeToShardCommand, type SubscribeToShardEventStream,
} from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const IDLE_MS = 400;
const ARN = (s: string) => `arn:aws:kinesis:us-east-1:000000000000:stream/${s}`;

describe("SubscribeToShard probes", () => {
  let server: Mailroom;
  let k: KinesisClient;
  let k1: KinesisClient;
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 12, 0, 0));
  before(async () => {
    server = await startTestServer({ clock, idleTimeoutMs: IDLE_MS });
    k = new KinesisClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    k1 = new KinesisClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
  });
  after(async () => {
    k.destroy();
    k1.destroy();
    await server.close();
  });

  const setup = async (name: string) => {
    await k.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    return (await k.send(new RegisterStreamConsumerCommand({ StreamARN: ARN(name), ConsumerName: "c" }))).Consumer!.ConsumerARN!;
  };
  const subscribe = (arn: string, opts?: { abortSignal?: AbortSignal }) =>
    k.send(new SubscribeToShardCommand({ ConsumerARN: arn, ShardId: "shardId-000000000000", StartingPosition: { Type: "TRIM_HORIZON" } }), opts);

  for (const transport of ["HTTP/2", "HTTP/1.1"] as const) test(`${transport}: a client that stops reading is cut after the idle timeout, and its subscription is free again at once`, async () => {
    const name = transport === "HTTP/2" ? "stall" : "stall1";
    const arn = await setup(name);
    const client = transport === "HTTP/2" ? k : k1;
    const out = await client.send(new SubscribeToShardCommand({ ConsumerARN: arn, ShardId: "shardId-000000000000", StartingPosition: { Type: "TRIM_HORIZON" } }));
    assert.ok(out.EventStream);
    // While it lives (and within 5 s of it: the manual clock stands still) a new call is ResourceInUse.
    await rejectsAws(subscribe(arn), { name: "ResourceInUseException" });
    // Never read: 20 MiB of records fill the stream's window (HTTP/2) or the socket buffers (HTTP/1.1) and the server's.
    for (let i = 0; i < 8; i++) {
      await k.send(new PutRecordsCommand({ StreamName: name, Records: Array.from({ length: 250 }, (_, j) => ({ PartitionKey: `p${j}`, Data: Buffer.alloc(10_240, i) })) }));
    }
    // Taken once the stalled stream was cut (idle timeout, checked every tenth of it) and released its hold.
    let taken = false;
    for (let i = 0; i < 100 && !taken; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        const again = await subscribe(arn);
        taken = true;
        const first = await again.EventStream![Symbol.asyncIterator]().next();
        assert.ok((first.value as SubscribeToShardEventStream).SubscribeToShardEvent!.Records!.length > 0);
      } catch (e) {
        assert.equal((e as Error).name, "ResourceInUseException");
      }
    }
    assert.ok(taken, "the stalled subscription was never released");
  });

  for (const transport of ["HTTP/2", "HTTP/1.1"] as const) test(`${transport}: a quiet subscription outlives the idle timeout (a long answer, not an idle connection)`, async () => {
    const name = transport === "HTTP/2" ? "quiet" : "quiet1";
    const arn = await setup(name);
    const client = transport === "HTTP/2" ? k : k1;
    const it = (await client.send(new SubscribeToShardCommand({ ConsumerARN: arn, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } }))).EventStream![Symbol.asyncIterator]();
    await it.next();
    // Nothing is written for 4 idle timeouts (the manual clock holds the keep-alive back), then a record still arrives.
    await new Promise((r) => setTimeout(r, 4 * IDLE_MS));
    await k.send(new PutRecordsCommand({ StreamName: name, Records: [{ PartitionKey: "p", Data: Buffer.from("late") }] }));
    const r = await it.next();
    assert.equal(Buffer.from((r.value as SubscribeToShardEventStream).SubscribeToShardEvent!.Records![0].Data!).toString(), "late");
    await it.return?.();
  });

  test("a client that aborts its subscription releases it at once", async () => {
    const arn = await setup("abort");
    const abort = new AbortController();
    const out = await subscribe(arn, { abortSignal: abort.signal });
    await out.EventStream![Symbol.asyncIterator]().next();
    abort.abort();
    let taken = false;
    for (let i = 0; i < 100 && !taken; i++) {
      await new Promise((r) => setTimeout(r, 20));
      taken = await subscribe(arn).then(() => true, (e: Error) => (assert.equal(e.name, "ResourceInUseException"), false));
    }
    assert.ok(taken);
  });

  test("the largest and malformed inputs get AWS's errors", async () => {
    const arn = await setup("bad");
    const send = (input: Record<string, unknown>) => k.send(new SubscribeToShardCommand({ ConsumerARN: arn, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" }, ...input } as never));
    await rejectsAws(send({ ConsumerARN: `${arn}${"x".repeat(3000)}` }), { name: "ValidationException" });
    await rejectsAws(send({ ConsumerARN: `${ARN("bad")}/consumer/other:1` }), { name: "ResourceNotFoundException" });
    await rejectsAws(send({ ConsumerARN: `${ARN("gone")}/consumer/c:1` }), { name: "ResourceNotFoundException" });
    await rejectsAws(send({ ShardId: "s".repeat(200) }), { name: "ValidationException" });
    await rejectsAws(send({ ShardId: "shardId-999999999999" }), { name: "ResourceNotFoundException" });
    await rejectsAws(send({ StartingPosition: { Type: "NOPE" } }), { name: "ValidationException" });
    await rejectsAws(send({ StartingPosition: { Type: "AT_SEQUENCE_NUMBER", SequenceNumber: "9".repeat(200) } }), { name: "ValidationException" });
    await rejectsAws(send({ StartingPosition: { Type: "AFTER_SEQUENCE_NUMBER", SequenceNumber: "1".repeat(56) } }), { name: "InvalidArgumentException" });
    await rejectsAws(send({ StartingPosition: { Type: "AT_TIMESTAMP" } }), { name: "InvalidArgumentException" });
    await rejectsAws(send({ StartingPosition: { Type: "LATEST", Timestamp: new Date() } }), { name: "InvalidArgumentException" });
    await rejectsAws(send({ StreamId: "x" }), { name: "InvalidArgumentException" });
  });

  test("deregistering the consumer, or deleting the stream, ends a live subscription with ResourceNotFoundException", async () => {
    for (const how of ["deregister", "delete"] as const) {
      const name = `end-${how}`;
      const arn = await setup(name);
      const it = (await subscribe(arn)).EventStream![Symbol.asyncIterator]();
      await it.next();
      if (how === "deregister") await k.send(new DeregisterStreamConsumerCommand({ ConsumerARN: arn }));
      else {
        // The deletion wakes the stream's subscriptions (no clock advance needed).
        await k.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }));
      }
      await assert.rejects(async () => {
        for (;;) {
          const r = await it.next();
          if (r.done) throw new Error("ended without an exception event");
        }
      }, (e: Error) => e.name === "ResourceNotFoundException");
    }
  });
});
