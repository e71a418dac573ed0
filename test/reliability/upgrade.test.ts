// Upgrades (issue 20, item 7): a data directory and a PostgreSQL database made by Mailroom from before the platform
// step (948df39, the commit before issue 12's "Platform prep"; made by test/fixtures/make-pre-platform.ts) open
// with this version: migrations run once, in order (the old global schema_migrations rows adopted), and every
// message, its in-flight state, the FIFO deduplication ledger and the SNS deliveries waiting for a retry are still
// there. The clock is set just after the fixture was made, so the 5-minute deduplication window still holds.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { gunzipSync } from "node:zlib";
import Database from "better-sqlite3";
import pg from "pg";
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { ManualClock, startMailroom, type MailroomOptions } from "../../src/index.ts";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.ts";
import { sqsClient } from "../helpers/server.ts";

const fixtures = new URL("../fixtures/", import.meta.url).pathname;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Meta { createdAt: number; sent: string[]; inFlight: string[]; dedup: Record<string, string>; published: string[]; pendingRetries: number }

/** Opens the upgraded store, checks what the fixture holds through the API, closes; returns the migrations run. */
async function openAndCheck(meta: Meta, storage: MailroomOptions, afterMs = 60_000): Promise<void> {
  const clock = new ManualClock(meta.createdAt + afterMs);
  const server = await startMailroom({ port: 0, logLevel: "silent", clock, ...storage });
  const sqs = sqsClient(server.endpoint);
  try {
    const std = `${server.endpoint}/000000000000/std`;
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: std, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
    assert.equal(Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible), meta.inFlight.length, "in-flight messages stay in flight");
    assert.equal(Number(attrs.Attributes?.ApproximateNumberOfMessages), meta.sent.length - meta.inFlight.length);
    const got = new Set<string>();
    for (;;) {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: std, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
      const fresh = (r.Messages ?? []).filter((m) => !got.has(m.MessageId!));
      if (fresh.length === 0) break;
      for (const m of fresh) got.add(m.MessageId!);
    }
    assert.deepEqual([...got].sort(), meta.sent.filter((id) => !meta.inFlight.includes(id)).sort());
    // The deduplication ledger: the same id within the window answers the first send's MessageId and adds nothing.
    const fifo = `${server.endpoint}/000000000000/ledger.fifo`;
    for (const [id, messageId] of Object.entries(meta.dedup)) {
      const r = await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: "again", MessageGroupId: "g0", MessageDeduplicationId: id }));
      assert.equal(r.MessageId, messageId, `deduplication id ${id}`);
    }
    const f = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: fifo, AttributeNames: ["ApproximateNumberOfMessages"] }));
    assert.equal(f.Attributes?.ApproximateNumberOfMessages, String(Object.keys(meta.dedup).length));
    const fan = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${server.endpoint}/000000000000/fan`, AttributeNames: ["ApproximateNumberOfMessages"] }));
    assert.equal(fan.Attributes?.ApproximateNumberOfMessages, String(meta.published.length));
  } finally {
    sqs.destroy();
    await server.close();
  }
}

function checkMigrations(rows: { module: string; name: string }[]): void {
  const keys = rows.map((r) => `${r.module}/${r.name}`);
  assert.equal(new Set(keys).size, keys.length, "each migration recorded once");
  assert.ok(keys.includes("platform/0003_delivery_outbox.sql"));
  assert.ok(keys.includes("sqs/0001_sqs.sql"));
}

test("a SQLite data dir from before the platform step opens with this version", { timeout: 60_000 }, async () => {
  const meta = JSON.parse(readFileSync(join(fixtures, "pre-platform-sqlite.json"), "utf8")) as Meta;
  const dir = mkdtempSync(join(tmpdir(), "mailroom-upgrade-"));
  dirs.push(dir);
  writeFileSync(join(dir, "mailroom.db"), gunzipSync(readFileSync(join(fixtures, "pre-platform-sqlite.db.gz"))));
  await openAndCheck(meta, { dataDir: dir });
  const read = () => {
    const db = new Database(join(dir, "mailroom.db"), { readonly: true });
    try {
      return {
        migrations: db.prepare("SELECT module, name FROM mailroom_migrations").all() as { module: string; name: string }[],
        outbox: db.prepare("SELECT payload FROM delivery_outbox").pluck().all() as string[],
      };
    } finally {
      db.close();
    }
  };
  const first = read();
  checkMigrations(first.migrations);
  // The pending SNS HTTP deliveries were carried into the delivery outbox (their endpoint is gone: still pending).
  assert.ok(meta.pendingRetries > 0);
  assert.equal(first.outbox.length, meta.pendingRetries);
  // A second start runs no migration again.
  // (later than the first start's receives' 60 s visibility, within the originals' 12 hours)
  await openAndCheck(meta, { dataDir: dir }, 200_000);
  assert.deepEqual(read().migrations, first.migrations);
});

const pgSkip = (await postgresAvailable()) ? false : "no PostgreSQL on 127.0.0.1:5432";
test("a PostgreSQL database from before the platform step (pg_dump fixture) opens with this version", { skip: pgSkip, timeout: 60_000 }, async () => {
  const meta = JSON.parse(readFileSync(join(fixtures, "pre-platform-postgres.json"), "utf8")) as Meta;
  const db = await freshDatabase("upgrade");
  try {
    execFileSync("psql", ["-q", "-v", "ON_ERROR_STOP=1", "-d", db.url, "-f", "-"], { input: gunzipSync(readFileSync(join(fixtures, "pre-platform-postgres.sql.gz"))), stdio: ["pipe", "ignore", "pipe"] });
    await openAndCheck(meta, { database: db.url });
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const migrations = (await c.query("SELECT module, name FROM mailroom_migrations ORDER BY module, name")).rows;
      checkMigrations(migrations);
      assert.equal((await c.query("SELECT count(*)::int AS n FROM delivery_outbox")).rows[0].n, meta.pendingRetries);
      await openAndCheck(meta, { database: db.url }, 200_000);
      assert.deepEqual((await c.query("SELECT module, name FROM mailroom_migrations ORDER BY module, name")).rows, migrations);
    } finally {
      await c.end();
    }
  } finally {
    await db.drop();
  }
});
