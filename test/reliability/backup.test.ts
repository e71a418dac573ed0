// Online backup and restore on SQLite (issue 20, item 6; ADR 0026). A running server with access keys copies its
// database with SQLite's online backup API while sends go on (`mailroom backup`, POST /_mailroom/backup, signed);
// unsigned or wrongly signed callers are refused; `mailroom restore` lays the copy out and a server started on it
// has every message acknowledged before the backup began, in-flight ones still in flight.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, test } from "node:test";
import {
  CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { backup, restore } from "../../src/cli/backup.ts";
import { startMailroom, type Mailroom } from "../../src/index.ts";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.ts";
import { sqsClient, TEST_CREDENTIALS } from "../helpers/server.ts";

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), "mailroom-backup-"));
const servers: Mailroom[] = [];
after(async () => {
  for (const s of servers) await s.close();
  rmSync(root, { recursive: true, force: true });
});

const keys = [{ accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: TEST_CREDENTIALS.secretAccessKey, accountId: "000000000000" }];

test("backup while serving, restore, and start on the copy", { timeout: 120_000 }, async () => {
  const a = await startMailroom({ port: 0, logLevel: "silent", dataDir: join(root, "a"), accessKeys: keys });
  servers.push(a);
  const sqs = sqsClient(a.endpoint);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "orders", Attributes: { VisibilityTimeout: "3600" } }));
  const { QueueUrl: fifoUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "orders.fifo", Attributes: { FifoQueue: "true" } }));
  const before: string[] = [];
  for (let b = 0; b < 10; b++) {
    const r = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `before ${b}.${i}` })) }));
    before.push(...(r.Successful ?? []).map((s) => s.MessageId!));
  }
  const fifo = await sqs.send(new SendMessageCommand({ QueueUrl: fifoUrl, MessageBody: "f", MessageGroupId: "g", MessageDeduplicationId: "d1" }));
  const inFlight = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages ?? [];
  assert.equal(inFlight.length, 10);

  // Unsigned, and signed with a wrong secret: refused.
  await assert.rejects(backup({ endpoint: a.endpoint, to: join(root, "x.db") }), /403.*MissingAuthenticationToken|403/);
  await assert.rejects(backup({ endpoint: a.endpoint, to: join(root, "x.db"), accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: "wrong" }), /403.*SignatureDoesNotMatch/);

  // Sends go on while the backup runs (through the CLI, as an operator would run it).
  let sending = true;
  let during = 0;
  const load = (async () => {
    while (sending) {
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "during" }));
      during++;
    }
  })();
  const file = join(root, "backup.db");
  const env = { ...process.env, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey };
  const out = await run(process.execPath, ["bin/mailroom.js", "backup", "--endpoint", a.endpoint, "--to", file], { env });
  sending = false;
  await load;
  assert.match(out.stdout, /written to/);
  assert.ok(statSync(file).size > 0);
  assert.ok(during > 0, "requests were served while the backup ran");

  // Restore refuses to overwrite a database, then lays the copy out.
  const dir = join(root, "restored");
  const r = await run(process.execPath, ["bin/mailroom.js", "restore", "--from", file, "--data-dir", dir]);
  assert.match(r.stdout, /restored/);
  await assert.rejects(restore({ from: file, dataDir: dir }), /exists/);
  await assert.rejects(restore({ from: join(root, "nope.db"), dataDir: join(root, "other") }));

  const b = await startMailroom({ port: 0, logLevel: "silent", dataDir: dir, accessKeys: keys });
  servers.push(b);
  const sqsB = sqsClient(b.endpoint);
  const urlB = QueueUrl!.replace(a.endpoint, b.endpoint);
  const attrs = await sqsB.send(new GetQueueAttributesCommand({ QueueUrl: urlB, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
  // Everything acknowledged before the backup began, the in-flight ten still in flight; sends during it may be in.
  assert.equal(Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible), 10);
  const visible = Number(attrs.Attributes?.ApproximateNumberOfMessages);
  assert.ok(visible >= 90 && visible <= 90 + during, `${visible} visible`);
  const seen = new Set<string>();
  for (;;) {
    const got = await sqsB.send(new ReceiveMessageCommand({ QueueUrl: urlB, MaxNumberOfMessages: 10 }));
    if (!got.Messages?.length) break;
    for (const m of got.Messages) seen.add(m.MessageId!);
  }
  for (const id of before) assert.ok(seen.has(id) || inFlight.some((m) => m.MessageId === id), `message ${id} kept`);
  // The FIFO deduplication ledger came along: the same id is still a duplicate.
  const again = await sqsB.send(new SendMessageCommand({ QueueUrl: fifoUrl!.replace(a.endpoint, b.endpoint), MessageBody: "f", MessageGroupId: "g", MessageDeduplicationId: "d1" }));
  assert.equal(again.MessageId, fifo.MessageId);
});

test("backup of an in-memory server is refused with a clear error", async () => {
  const m = await startMailroom({ port: 0, logLevel: "silent", memory: true });
  servers.push(m);
  await assert.rejects(backup({ endpoint: m.endpoint, to: join(root, "mem.db") }), /400.*pg_dump|SQLite backend on disk/);
});

const pgSkip = (await postgresAvailable()) ? false : "no PostgreSQL on 127.0.0.1:5432";
test("PostgreSQL: pg_dump of a live database while it serves, pg_restore into a fresh one, start on it", { skip: pgSkip, timeout: 120_000 }, async () => {
  const source = await freshDatabase("dump");
  const target = await freshDatabase("restore");
  try {
    const a = await startMailroom({ port: 0, logLevel: "silent", database: source.url });
    servers.push(a);
    const sqs = sqsClient(a.endpoint);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "orders", Attributes: { VisibilityTimeout: "3600" } }));
    const before: string[] = [];
    for (let b = 0; b < 5; b++) {
      const r = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `before ${b}.${i}` })) }));
      before.push(...(r.Successful ?? []).map((x) => x.MessageId!));
    }
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    let sending = true;
    const load = (async () => {
      while (sending) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "during" }));
    })();
    const file = join(root, "pg.dump");
    // pg_dump reads one consistent snapshot (a REPEATABLE READ transaction) while writes go on.
    await run("pg_dump", ["--format=custom", "--no-owner", "--file", file, source.url]);
    sending = false;
    await load;
    await run("pg_restore", ["--no-owner", "--exit-on-error", "--dbname", target.url, file]);
    const b = await startMailroom({ port: 0, logLevel: "silent", database: target.url });
    servers.push(b);
    const sqsB = sqsClient(b.endpoint);
    const attrs = await sqsB.send(new GetQueueAttributesCommand({ QueueUrl: `${b.endpoint}/000000000000/orders`, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
    assert.equal(Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible), 10);
    assert.ok(Number(attrs.Attributes?.ApproximateNumberOfMessages) >= 40);
    await b.close();
    await a.close();
  } finally {
    await source.drop();
    await target.drop();
  }
});
