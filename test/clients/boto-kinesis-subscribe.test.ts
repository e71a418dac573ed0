// SubscribeToShard through boto3 (pyenv boto3 1.43 and Debian's boto3 1.26), which speaks HTTP/1.1: the event stream
// arrives chunked through the fast path and botocore's EventStream parser yields the events; records put while boto3 is
// subscribed are pushed; a second call within 5 seconds is ResourceInUseException.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { CreateStreamCommand, KinesisClient, PutRecordsCommand, RegisterStreamConsumerCommand } from "@aws-sdk/client-kinesis";
import type { Mailroom } from "../../src/index.ts";
import { startTestServer, TEST_CREDENTIALS } from "../helpers/server.ts";
import { JSON_PYTHON, QUERY_PYTHON } from "./boto.ts";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "py", "kinesis_subscribe.py");
let server: Mailroom;
let k: KinesisClient;
before(async () => {
  server = await startTestServer();
  k = new KinesisClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
});
after(async () => {
  k.destroy();
  await server.close();
});

for (const [label, python] of [["boto3 1.43 (pyenv)", JSON_PYTHON], ["boto3 1.26 (Debian)", QUERY_PYTHON]] as const) {
  const skip = python.startsWith("/") && !existsSync(python) ? `${python} missing` : false;
  test(`${label}: SubscribeToShard over HTTP/1.1 pushes records put while subscribed`, { skip, timeout: 60_000 }, async () => {
    const name = `boto-${label.split(" ")[1].replace(/\./g, "")}`;
    await k.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    const arn = (await k.send(new RegisterStreamConsumerCommand({ StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`, ConsumerName: "py" }))).Consumer!.ConsumerARN!;
    await k.send(new PutRecordsCommand({ StreamName: name, Records: [{ PartitionKey: "a", Data: Buffer.from("first") }] }));
    const py = spawn(python, [SCRIPT, server.endpoint, arn, "21"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    py.stderr.on("data", (d) => (stderr += d));
    const lines: Record<string, unknown>[] = [];
    let putDone = false;
    for await (const line of createInterface({ input: py.stdout })) {
      const msg = JSON.parse(line) as Record<string, unknown>;
      lines.push(msg);
      // Once the first event came (the subscription is live), put 20 more records.
      if (msg.records !== undefined && !putDone) {
        putDone = true;
        await k.send(new PutRecordsCommand({ StreamName: name, Records: Array.from({ length: 20 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from(`r${i}`) })) }));
      }
    }
    const code = await new Promise<number | null>((resolve) => (py.exitCode !== null ? resolve(py.exitCode) : py.once("exit", resolve)));
    assert.equal(code, 0, stderr);
    assert.equal(lines[0].status, 200);
    const got = lines.find((l) => l.got)!.got as string[];
    assert.deepEqual(got, ["first", ...Array.from({ length: 20 }, (_, i) => `r${i}`)]);
    assert.ok(lines.filter((l) => l.continuation !== undefined).every((l) => /^49\d{54}$/.test(l.continuation as string)));
    assert.deepEqual(lines.find((l) => l.second), { second: "ResourceInUseException", status: 400 });
  });
}
