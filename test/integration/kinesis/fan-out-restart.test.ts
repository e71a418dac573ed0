// A restart in the middle of a subscription (SQLite file or PostgreSQL, as MAILROOM_TEST_BACKEND names): the client
// resubscribes with AFTER_SEQUENCE_NUMBER from the last ContinuationSequenceNumber it got and reads every record put
// before, during and after the restart exactly once, in order. The new server listens on the old one's port, so the
// one SDK client of this file serves both.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import {
  CreateStreamCommand, KinesisClient, PutRecordsCommand, RegisterStreamConsumerCommand, SubscribeToShardCommand, type SubscribeToShardEventStream,
} from "@aws-sdk/client-kinesis";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const dir = mkdtempSync(join(tmpdir(), "mailroom-efo-restart-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const put = (k: KinesisClient, from: number, n: number) =>
  k.send(new PutRecordsCommand({ StreamName: "restart", Records: Array.from({ length: n }, (_, i) => ({ PartitionKey: "pk", Data: Buffer.from(`r${from + i}`) })) }));

test("a subscription cut by a restart resumes from its ContinuationSequenceNumber with nothing lost or repeated", async () => {
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 12, 0, 0));
  let server: Mailroom = await startTestServer({ clock, dataDir: dir });
  const port = Number(new URL(server.endpoint).port);
  const k = new KinesisClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  try {
    await k.send(new CreateStreamCommand({ StreamName: "restart", ShardCount: 1 }));
    const arn = (await k.send(new RegisterStreamConsumerCommand({ StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/restart", ConsumerName: "c" }))).Consumer!.ConsumerARN!;
    await put(k, 0, 10);
    const seen: string[] = [];
    let continuation: string | undefined;
    const out = await k.send(new SubscribeToShardCommand({ ConsumerARN: arn, ShardId: "shardId-000000000000", StartingPosition: { Type: "TRIM_HORIZON" } }));
    const it = out.EventStream![Symbol.asyncIterator]();
    let putDuring = false;
    // Read until 30 records came (10 before, 20 put while subscribed), then restart with the stream still open.
    while (seen.length < 30) {
      const r = await it.next();
      assert.equal(r.done, false);
      const e = (r.value as SubscribeToShardEventStream).SubscribeToShardEvent!;
      seen.push(...e.Records!.map((x) => Buffer.from(x.Data!).toString()));
      continuation = e.ContinuationSequenceNumber;
      if (!putDuring) {
        putDuring = true;
        await put(k, 10, 20);
      }
    }
    // Records acknowledged while the client is not reading, then the restart (the open subscription is cut).
    await put(k, 30, 5);
    await server.close();
    await it.next().catch(() => undefined); // the cut stream ends or fails; either way the client resubscribes
    server = await startTestServer({ clock, dataDir: dir, port });
    await put(k, 35, 5);
    // AWS lets a new call take a subscription over 5 seconds after the last one started.
    clock.advance(5_000);
    const again = await k.send(new SubscribeToShardCommand({
      ConsumerARN: arn, ShardId: "shardId-000000000000", StartingPosition: { Type: "AFTER_SEQUENCE_NUMBER", SequenceNumber: continuation },
    }));
    const it2 = again.EventStream![Symbol.asyncIterator]();
    while (seen.length < 40) {
      const r = await it2.next();
      assert.equal(r.done, false);
      seen.push(...(r.value as SubscribeToShardEventStream).SubscribeToShardEvent!.Records!.map((x) => Buffer.from(x.Data!).toString()));
    }
    assert.deepEqual(seen, Array.from({ length: 40 }, (_, i) => `r${i}`));
    await it2.return?.();
  } finally {
    k.destroy();
    await server.close();
  }
});
