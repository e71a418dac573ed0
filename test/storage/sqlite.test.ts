// Runs the storage contract against the SQLite adapter: in memory, and on a file that is reopened.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { SqliteDb } from "../../src/storage/sqlite/db.ts";
import { SqliteKinesisStore } from "../../src/storage/sqlite/kinesis-store.ts";
import { SqliteSnsStore } from "../../src/storage/sqlite/sns-store.ts";
import { SqliteSqsStore } from "../../src/storage/sqlite/sqs-store.ts";
import { SqliteStepFunctionsStore } from "../../src/storage/sqlite/stepfunctions-store.ts";
import { stepFunctionsStoreContract } from "./stepfunctions-store.contract.ts";
import { versionStoreContract } from "./stepfunctions-versions.contract.ts";
import { SqliteOutbox } from "../../src/storage/sqlite/outbox.ts";
import { kinesisStoreContract } from "./kinesis-store.contract.ts";
import { kinesisConsumersContract } from "./kinesis-consumers.contract.ts";
import { outboxContract } from "./outbox.contract.ts";
import { eventsStoreContract } from "./events-store.contract.ts";
import { eventsArchiveStoreContract } from "./events-archive-store.contract.ts";
import { SqliteEventsStore } from "../../src/storage/sqlite/events-store.ts";
import { snsStoreContract } from "./sns-store.contract.ts";
import { sqsStoreContract } from "./sqs-store.contract.ts";
import { cloudWatchStoreContract } from "./cloudwatch-store.contract.ts";
import { SqliteCloudWatchStore } from "../../src/storage/sqlite/cloudwatch-store.ts";
import { schedulerStoreContract } from "./scheduler-store.contract.ts";
import { SqliteSchedulerStore } from "../../src/storage/sqlite/scheduler-store.ts";

sqsStoreContract("sqlite (memory)", { open: async () => new SqliteSqsStore(new SqliteDb(":memory:")) });
snsStoreContract("sqlite (memory)", {
  open: async () => {
    const db = new SqliteDb(":memory:");
    const sqs = new SqliteSqsStore(db);
    return { sns: new SqliteSnsStore(db, sqs), sqs, outbox: new SqliteOutbox(db, sqs), close: () => db.close() };
  },
});
eventsStoreContract("sqlite (memory)", {
  open: async () => {
    const db = new SqliteDb(":memory:");
    const sqs = new SqliteSqsStore(db);
    return { events: new SqliteEventsStore(db, sqs), sqs, close: () => db.close() };
  },
});
eventsArchiveStoreContract("sqlite (memory)", {
  open: async () => {
    const db = new SqliteDb(":memory:");
    const sqs = new SqliteSqsStore(db);
    return { events: new SqliteEventsStore(db, sqs), sqs, close: () => db.close() };
  },
});
outboxContract("sqlite (memory)", {
  open: async () => {
    const db = new SqliteDb(":memory:");
    const sqs = new SqliteSqsStore(db);
    return { sqs, outbox: new SqliteOutbox(db, sqs), close: () => db.close() };
  },
});
stepFunctionsStoreContract("sqlite (memory)", { open: async () => new SqliteStepFunctionsStore(new SqliteDb(":memory:")) });
versionStoreContract("sqlite (memory)", { open: async () => new SqliteStepFunctionsStore(new SqliteDb(":memory:")) });

kinesisStoreContract("sqlite (memory)", { open: async () => new SqliteKinesisStore(new SqliteDb(":memory:")) });
kinesisConsumersContract("sqlite (memory)", { open: async () => new SqliteKinesisStore(new SqliteDb(":memory:")) });
cloudWatchStoreContract("sqlite (memory)", {
  open: async () => {
    const db = new SqliteDb(":memory:");
    const sqs = new SqliteSqsStore(db);
    return { cw: new SqliteCloudWatchStore(db, sqs), outbox: new SqliteOutbox(db, sqs), close: () => db.close() };
  },
});
schedulerStoreContract("sqlite (memory)", {
  open: async () => {
    const db = new SqliteDb(":memory:");
    const sqs = new SqliteSqsStore(db);
    return { store: new SqliteSchedulerStore(db, sqs), outbox: new SqliteOutbox(db, sqs), close: () => db.close() };
  },
});

const dir = mkdtempSync(join(tmpdir(), "mailroom-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
sqsStoreContract("sqlite (file, strict)", { open: async () => new SqliteSqsStore(new SqliteDb(join(dir, `db${n++}.sqlite`), "strict")) });

test("a committed write survives reopening the database file", async () => {
  const file = join(dir, "reopen.sqlite");
  const a = new SqliteSqsStore(new SqliteDb(file));
  const { queue } = await a.createQueue({ account: "000000000000", region: "us-east-1", name: "keep" }, { attributes: {}, retentionMs: 60_000 }, {}, 1);
  await a.enqueue(queue.id, [{ messageId: "m", body: "kept", md5OfBody: "x", senderId: "s", visibleAt: 1 }], 1);
  await a.close();
  const b = new SqliteSqsStore(new SqliteDb(file));
  const got = await b.receive(queue.id, { max: 1, visibilityMs: 1, now: 2, expiredBefore: 0, nonces: ["n".repeat(16)] });
  assert.equal(got[0]?.body, "kept");
  await b.close();
});

test("group commit: a write that throws fails alone; the others of its turn commit, and once each", async () => {
  const db = new SqliteDb(":memory:");
  db.db.exec("CREATE TABLE t (v TEXT PRIMARY KEY)");
  const runs = new Map<string, number>();
  const insert = (v: string) =>
    db.write((d) => {
      runs.set(v, (runs.get(v) ?? 0) + 1);
      d.prepare("INSERT INTO t (v) VALUES (?)").run(v);
      if (v === "bad") throw new Error("refused after its insert");
      return v;
    });
  let dropped = 0;
  db.onFailure = () => dropped++;
  const results = await Promise.allSettled([insert("a"), insert("bad"), insert("b"), insert("a")]);
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled", "rejected"]);
  assert.equal((results[0] as PromiseFulfilledResult<string>).value, "a");
  assert.match(String((results[1] as PromiseRejectedResult).reason), /refused after its insert/);
  assert.match(String((results[3] as PromiseRejectedResult).reason), /UNIQUE/);
  // Only the committed effects remain: the failing write's own insert was undone.
  assert.deepEqual(db.db.prepare("SELECT v FROM t ORDER BY v").pluck().all(), ["a", "b"]);
  assert.ok(dropped >= 1, "in-memory state derived from writes is dropped after a rollback");
  const before = db.commits;
  await Promise.all([insert("c"), insert("d")]);
  assert.equal(db.commits, before + 1, "writes of one turn share one commit");
  await db.close();
});
