// Profiles and init scripts. The test profile (the default in memory and for in-process tests) turns off AWS's
// deliberate waits (re-creating a deleted queue within 60 s, one purge a minute) and the start line says which
// profile runs; aws keeps them (its tests: test/integration/sqs/queues.test.ts). Init scripts (--init-dir, as
// LocalStack's ready.d) run in name order once the server listens, with the endpoint in their environment; a failing
// one does not stop the rest, a file that is not executable is skipped, /_localstack/init reports their states.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { CreateQueueCommand, DeleteQueueCommand, GetQueueUrlCommand, PurgeQueueCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { resolveOptions } from "../../../src/config/options.ts";
import { ManualClock, startMailroom } from "../../../src/index.ts";
import { sqsClient, startTestServer } from "../../helpers/server.ts";

const dir = mkdtempSync(join(tmpdir(), "mailroom-init-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("profiles", () => {
  test("test is the default in memory; aws on disk and on PostgreSQL; either may be chosen", () => {
    assert.equal(resolveOptions({ memory: true }).profile, "test");
    assert.equal(resolveOptions({}).profile, "aws");
    assert.equal(resolveOptions({ database: "postgres://x@localhost/db", memory: true }).profile, "aws");
    assert.equal(resolveOptions({ memory: true, profile: "aws" }).profile, "aws");
    assert.throws(() => resolveOptions({ profile: "fast" as never }), /invalid profile: fast/);
  });

  test("under test, a deleted queue's name is free at once and purges are not rate limited; the start line says so", async () => {
    const clock = new ManualClock();
    const server = await startTestServer({ clock });
    const sqs = sqsClient(server.endpoint);
    try {
      assert.match(server.describe, /profile test: no 60 s wait to re-create a deleted queue, no purge interval/);
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "again" }));
      await sqs.send(new DeleteQueueCommand({ QueueUrl }));
      const again = await sqs.send(new CreateQueueCommand({ QueueName: "again" }));
      assert.equal(again.QueueUrl, QueueUrl);
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x" }));
      await sqs.send(new PurgeQueueCommand({ QueueUrl }));
      await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    } finally {
      sqs.destroy();
      await server.close();
    }
  });

  test("aws is said on the start line too", async () => {
    const server = await startTestServer({ profile: "aws" });
    try {
      assert.match(server.describe, /profile aws: AWS's waits/);
    } finally {
      await server.close();
    }
  });
});

describe("init scripts", () => {
  test("run in name order once the server listens, with the endpoint; failures and non-executables do not stop the rest", async () => {
    const init = join(dir, "ready.d");
    mkdirSync(join(init, "later"), { recursive: true });
    const log = join(dir, "ran.txt");
    const script = (name: string, body: string, mode = 0o755) => {
      writeFileSync(join(init, name), body);
      chmodSync(join(init, name), mode);
    };
    script("01-env.sh", `#!/bin/sh\necho "01 $AWS_ENDPOINT_URL $MAILROOM_ENDPOINT $AWS_DEFAULT_REGION" >> "${log}"\n`);
    // A script that calls the server: creates a queue through the AWS JSON protocol.
    script("02-create.mjs", `#!/usr/bin/env node
const res = await fetch(process.env.AWS_ENDPOINT_URL, { method: "POST", headers: {
  "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.CreateQueue",
  authorization: "AWS4-HMAC-SHA256 Credential=" + process.env.AWS_ACCESS_KEY_ID + "/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00" },
  body: JSON.stringify({ QueueName: "from-init" }) });
(await import("node:fs")).appendFileSync(${JSON.stringify(log)}, "02 " + res.status + "\\n");
`);
    script("03-fails.sh", `#!/bin/sh\necho "03" >> "${log}"\necho "something went wrong" >&2\nexit 3\n`);
    script("04-not-executable.sh", `#!/bin/sh\necho "04" >> "${log}"\n`, 0o644);
    script("05-after-failure.sh", `#!/bin/sh\necho "05" >> "${log}"\n`);
    script("later/06-subdirectory.sh", `#!/bin/sh\necho "06" >> "${log}"\n`);
    const server = await startTestServer({ initDir: init });
    const sqs = sqsClient(server.endpoint);
    try {
      const ran = readFileSync(log, "utf8").trim().split("\n");
      assert.deepEqual(ran, [`01 ${server.endpoint} ${server.endpoint} ${process.env.AWS_DEFAULT_REGION ?? process.env.AWS_REGION ?? "us-east-1"}`, "02 200", "03", "05", "06"]);
      assert.ok((await sqs.send(new GetQueueUrlCommand({ QueueName: "from-init" }))).QueueUrl);
      const state = await (await fetch(`${server.endpoint}/_localstack/init`)).json();
      assert.deepEqual(state.completed, { BOOT: true, START: true, READY: true, SHUTDOWN: false });
      assert.deepEqual(state.scripts.map((s: { name: string; state: string }) => `${s.name} ${s.state}`), [
        "01-env.sh SUCCESSFUL", "02-create.mjs SUCCESSFUL", "03-fails.sh ERROR", "04-not-executable.sh UNKNOWN",
        "05-after-failure.sh SUCCESSFUL", "later/06-subdirectory.sh SUCCESSFUL",
      ]);
      const ready = await (await fetch(`${server.endpoint}/_localstack/init/ready`)).json();
      assert.equal(ready.completed, true);
    } finally {
      sqs.destroy();
      await server.close();
    }
  });

  test("a missing init directory fails the start with one line naming it", async () => {
    await assert.rejects(startMailroom({ port: 0, memory: true, logLevel: "silent", initDir: join(dir, "nowhere") }), /init directory .*nowhere: /);
  });
});
