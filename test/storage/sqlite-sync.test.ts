// Strict durability of the SQLite group commit (ADR 0027, ADR 0037): commits at synchronous=NORMAL, an fdatasync of
// the WAL (inline on a fast disk with none in flight, else on the thread pool) before the writes' promises settle, reads of queue records that wait for
// the sync covering the last queue change, and a failed fdatasync that fails its writes and every later one.
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { SqliteDb } from "../../src/storage/sqlite/db.ts";
import { SqliteSqsStore } from "../../src/storage/sqlite/sqs-store.ts";

const dir = mkdtempSync(join(tmpdir(), "mailroom-sync-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => join(dir, `db${n++}.sqlite`);
const key = { account: "000000000000", region: "us-east-1", name: "q" };
const settings = { attributes: {}, retentionMs: 60_000 };
const turn = () => new Promise((r) => setImmediate(r));

/** A database whose syncs all go to the thread pool (MAILROOM_SYNC=pool, read at construction): ADR 0027's path. */
function pooled(f: string): SqliteDb {
  process.env.MAILROOM_SYNC = "pool";
  try {
    return new SqliteDb(f, "strict");
  } finally {
    delete process.env.MAILROOM_SYNC;
  }
}

test("strict: commits at synchronous=NORMAL, and a write settles only after an fdatasync covering its commit", async () => {
  const db = pooled(file());
  assert.equal(db.db.pragma("synchronous", { simple: true }), 1);
  db.db.exec("CREATE TABLE t (v INTEGER)");
  const writes = Array.from({ length: 20 }, (_, i) => db.write((d) => d.prepare("INSERT INTO t (v) VALUES (?)").run(i)));
  let settled = 0;
  for (const w of writes) void w.then(() => settled++);
  await turn(); // the flush commits
  assert.equal(db.commits, 1);
  assert.equal(settled, 0, "committed, not yet durable: nothing settled");
  assert.ok(db.durable(), "a sync is outstanding");
  await Promise.all(writes);
  assert.equal(db.durable(), undefined);
  assert.ok(db.stats.syncMicros.count >= 1);
  assert.equal(db.stats.writesPerCommit.count, 1);
  await db.close();
});

test("strict: writes of later turns commit while a sync runs and settle in commit order", async () => {
  const db = pooled(file());
  db.db.exec("CREATE TABLE t (v INTEGER)");
  const order: number[] = [];
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < 6; i++) {
    all.push(db.write((d) => d.prepare("INSERT INTO t (v) VALUES (?)").run(i)).then(() => order.push(i)));
    await turn();
  }
  await Promise.all(all);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
  assert.equal(db.db.prepare("SELECT count(*) FROM t").pluck().get(), 6);
  await db.close();
});

test("strict: a read of queue records waits for the sync covering the last queue change", async () => {
  const store = new SqliteSqsStore(pooled(file()));
  const order: string[] = [];
  const created = store.createQueue(key, settings, {}, 1).then(() => order.push("create answered"));
  await turn(); // committed, the sync is running
  const read = store.getQueue(key).then((q) => order.push(q ? "read sees it" : "read misses it"));
  await Promise.all([created, read]);
  assert.deepEqual(order, ["create answered", "read sees it"]);
  // Nothing outstanding: a read answers at once (no sync to wait for).
  assert.ok(await store.getQueue(key));
  await store.close();
});

test("strict: close waits for the outstanding sync, and everything answered is there after reopening", async () => {
  const f = file();
  const a = new SqliteSqsStore(new SqliteDb(f, "strict"));
  const { queue } = await a.createQueue(key, settings, {}, 1);
  const sends = Array.from({ length: 50 }, (_, i) => a.enqueue(queue.id, [{ messageId: `m${i}`, body: `b${i}`, md5OfBody: "x", senderId: "s", visibleAt: 1 }], 1));
  await a.close();
  await Promise.all(sends);
  const b = new SqliteSqsStore(new SqliteDb(f, "strict"));
  assert.equal((await b.counts(queue.id, 2, 0)).visible, 50);
  await b.close();
});

test("strict: a failed fdatasync fails the writes it covered and refuses later ones (restart to recover)", async () => {
  const db = pooled(file());
  db.db.exec("CREATE TABLE t (v INTEGER)");
  // Take the WAL descriptor away: the next fdatasync fails with EBADF, as a failing disk would fail it.
  closeSync((db as unknown as { walFd: number }).walFd);
  await assert.rejects(db.write((d) => d.prepare("INSERT INTO t (v) VALUES (1)").run()), /fdatasync of the SQLite WAL failed.*restart Mailroom/);
  await assert.rejects(db.write((d) => d.prepare("INSERT INTO t (v) VALUES (2)").run()), /restart Mailroom/);
  (db as unknown as { walFd: undefined }).walFd = undefined;
  db.db.close();
});

test("strict, fast disk, no sync in flight: the fdatasync runs inline in the turn that commits, before the writes settle (ADR 0037)", async () => {
  const db = new SqliteDb(file(), "strict");
  db.db.exec("CREATE TABLE t (v INTEGER)");
  const writes = Array.from({ length: 5 }, (_, i) => db.write((d) => d.prepare("INSERT INTO t (v) VALUES (?)").run(i)));
  let settled = 0;
  for (const w of writes) void w.then(() => settled++);
  await turn(); // the flush commits and syncs in the same callback; the answers follow in its microtasks
  assert.equal(db.commits, 1);
  assert.equal(db.stats.inlineSyncs, 1, "synced on the loop");
  assert.equal(db.stats.syncMicros.count, 1);
  assert.equal(settled, 5);
  assert.equal(db.durable(), undefined);
  await db.close();
});

test("strict: after slow syncs the next ones go to the thread pool, and come back inline once syncs are fast", async () => {
  const db = new SqliteDb(file(), "strict");
  db.db.exec("CREATE TABLE t (v INTEGER)");
  const state = db as unknown as { syncEwmaMs: number; syncClock: () => number };
  state.syncEwmaMs = 50; // as after a run of 50 ms syncs
  const w = db.write((d) => d.prepare("INSERT INTO t (v) VALUES (1)").run());
  let settled = false;
  void w.then(() => (settled = true));
  await turn();
  assert.equal(db.commits, 1);
  assert.equal(settled, false, "committed, its sync on the pool: not settled yet");
  assert.equal(db.stats.inlineSyncs, 0);
  await w;
  // Each sync moves the average a tenth of the way: fast syncs bring it under the threshold again. Their times come
  // from a manual clock (0.2 ms per reading): the real disk's, under a loaded CI, can stay over the threshold.
  let now = 0;
  state.syncClock = () => (now += 0.2);
  for (let i = 0; i < 60 && state.syncEwmaMs >= 1; i++) await db.write((d) => d.prepare("INSERT INTO t (v) VALUES (2)").run());
  assert.ok(state.syncEwmaMs < 1, `average ${state.syncEwmaMs} ms`);
  await db.write((d) => d.prepare("INSERT INTO t (v) VALUES (3)").run());
  assert.ok(db.stats.inlineSyncs >= 1);
  await db.close();
});

test("strict: a failed inline fdatasync fails its writes and refuses later ones", async () => {
  const db = new SqliteDb(file(), "strict");
  db.db.exec("CREATE TABLE t (v INTEGER)");
  closeSync((db as unknown as { walFd: number }).walFd);
  await assert.rejects(db.write((d) => d.prepare("INSERT INTO t (v) VALUES (1)").run()), /fdatasync of the SQLite WAL failed.*restart Mailroom/);
  assert.equal(db.stats.inlineSyncs, 1);
  await assert.rejects(db.write((d) => d.prepare("INSERT INTO t (v) VALUES (2)").run()), /restart Mailroom/);
  (db as unknown as { walFd: undefined }).walFd = undefined;
  db.db.close();
});

test("relaxed and in-memory databases settle at commit (nothing to sync)", async () => {
  for (const db of [new SqliteDb(file(), "relaxed"), new SqliteDb(":memory:", "strict")]) {
    db.db.exec("CREATE TABLE t (v INTEGER)");
    await db.write((d) => d.prepare("INSERT INTO t (v) VALUES (1)").run());
    assert.equal(db.durable(), undefined);
    assert.equal(db.stats.syncMicros.count, 0);
    await db.close();
  }
});

test("strict: a turn of more writes than one batch holds commits in several transactions, each answered after a covering sync, in order", async () => {
  const db = new SqliteDb(file(), "strict");
  db.db.exec("CREATE TABLE t (v INTEGER)");
  const insert = db.db.prepare("INSERT INTO t (v) VALUES (?)");
  const order: number[] = [];
  const all = Array.from({ length: 4500 }, (_, i) => db.write(() => insert.run(i)).then(() => order.push(i)));
  await Promise.all(all);
  assert.equal(db.commits, 3, "2,000 writes per transaction at most");
  assert.deepEqual(order, Array.from({ length: 4500 }, (_, i) => i));
  assert.equal(db.durable(), undefined);
  await db.close();
});
