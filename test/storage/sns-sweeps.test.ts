// The SNS sweep job, driven by a ManualClock: expired FIFO deduplication records and archived messages past their
// retention are deleted by the leased background job once a minute; unexpired ones stay.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../../src/engine/clock.ts";
import { createScheduler } from "../../src/engine/scheduler.ts";
import { SNS_SWEEP_INTERVAL_MS, scheduleSnsSweeps } from "../../src/services/sns/jobs/sweeps.ts";
import { SqliteDb } from "../../src/storage/sqlite/db.ts";
import { SqliteLeaseStore } from "../../src/storage/sqlite/leases.ts";
import { SqliteSnsStore } from "../../src/storage/sqlite/sns-store.ts";
import { SqliteSqsStore } from "../../src/storage/sqlite/sqs-store.ts";
import { createLogger } from "../../src/util/log.ts";

test("the sweep job deletes expired dedup records and archived messages on its interval", async () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const db = new SqliteDb(":memory:");
  const sns = new SqliteSnsStore(db, new SqliteSqsStore(db));
  const jobs = createScheduler({ clock, leases: new SqliteLeaseStore(db), onError: (job, e) => assert.fail(`${job}: ${String(e)}`) });
  const count = (table: string) => db.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  try {
    const t0 = clock.now();
    const { topic } = await sns.createTopic({ account: "000000000000", region: "us-east-1", name: "s.fifo" }, { FifoTopic: "true" }, {}, t0);
    const write = (message: string, expiresAt: number) => ({ queues: [], outbox: [], sinks: [], archive: [{ topicId: topic.id, message, expiresAt }] });
    const claim = (id: string) => ({ topicId: topic.id, dedupId: id, messageId: id, sequenceNumber: "1", expiresAt: t0 + 300_000 });
    await sns.publish(write("short", t0 + 90_000), t0, claim("d1"));
    await sns.publish(write("long", t0 + 86_400_000), t0, claim("d2"));
    scheduleSnsSweeps(jobs, sns, clock, createLogger("silent"));
    const settle = async (want: () => boolean) => {
      for (let i = 0; i < 100 && !want(); i++) await new Promise((r) => setTimeout(r, 5));
    };
    clock.advance(SNS_SWEEP_INTERVAL_MS);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual([count("sns_archive"), count("sns_dedup")], [2, 2]); // nothing expired yet
    clock.advance(SNS_SWEEP_INTERVAL_MS);
    await settle(() => count("sns_archive") === 1);
    assert.deepEqual([count("sns_archive"), count("sns_dedup")], [1, 2]);
    clock.advance(3 * SNS_SWEEP_INTERVAL_MS);
    await settle(() => count("sns_dedup") === 0);
    assert.deepEqual([count("sns_archive"), count("sns_dedup")], [1, 0]);
  } finally {
    await jobs.stop();
    await db.close();
  }
});
