// Kinesis's PostgreSQL migration 0004_partition_key_utf8 (ADR 0038) turns kinesis_records.partition_key (TEXT, which
// cannot hold U+0000) into partition_key_utf8 (BYTEA, the key's UTF-8). A database of the previous layout, with
// records whose keys JSON escapes, multi-byte and astral keys among them, is opened by this build: the migration runs
// once, every old record reads back with its key unchanged (read, readBatch and its row fallback), a key with U+0000
// can now be appended, and a statement of the previous version naming the old column fails instead of misreading.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import pg from "pg";
import { MIGRATIONS_TABLE_SQL, pendingMigrations } from "../../src/storage/migrations.ts";
import { PgDb } from "../../src/storage/postgres/db.ts";
import { PgKinesisStore } from "../../src/storage/postgres/kinesis-store.ts";
import type { RecordBatch } from "../../src/services/kinesis/store.ts";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.ts";

const T0 = Date.UTC(2026, 0, 1);
const MIGRATION = "kinesis/0004_partition_key_utf8.sql";
/** Keys the previous layout could hold: everything but U+0000. */
const OLD_KEYS = [
  'q"uote\\', "ctl\u0001\n\t\u007f\u0080\u009f", "clé-€", "😀 astral 𝄞", "\u2028\u2029", "k".repeat(256), "😀".repeat(128), "\\u0000", "\\x00", "[1,2]", "null", " ", "\uffff",
];

const available = await postgresAvailable();
test("postgres: records of the previous layout keep their partition keys through 0004_partition_key_utf8", { skip: !available && "no PostgreSQL" }, async () => {
  const fresh = await freshDatabase("kinmig");
  after(() => fresh.drop());
  // The previous layout: every migration but this one, applied and recorded as PgDb does.
  const c = new pg.Client({ connectionString: fresh.url });
  await c.connect();
  await c.query(MIGRATIONS_TABLE_SQL);
  const { run } = pendingMigrations("postgres", new Set());
  assert.ok(run.some((m) => `${m.module}/${m.name}` === MIGRATION), "the migration exists");
  for (const m of run.filter((x) => `${x.module}/${x.name}` !== MIGRATION)) {
    await c.query(m.sql);
    await c.query("INSERT INTO mailroom_migrations (module, name) VALUES ($1, $2)", [m.module, m.name]);
  }
  // A stream with two shards and records as the previous version's append wrote them (text[] keys).
  const id = Number((await c.query(
    "INSERT INTO kinesis_streams (account, region, name, mode, retention_hours, shard_count, created_at) VALUES ('000000000000', 'us-east-1', 'old', 'PROVISIONED', 24, 2, $1) RETURNING id",
    [T0],
  )).rows[0].id);
  await c.query(
    "INSERT INTO kinesis_shards (stream_id, shard_index, start_hash_key, end_hash_key, last_counter, opened_at) VALUES ($1, 0, '0', '9', $2, $3), ($1, 1, '10', '19', 1, $3)",
    [id, OLD_KEYS.length, T0],
  );
  const shards = [...OLD_KEYS.map(() => 0), 1];
  const counters = [...OLD_KEYS.map((_, i) => i + 1), 1];
  const keys = [...OLD_KEYS, "other-shard"];
  await c.query(
    "INSERT INTO kinesis_records (stream_id, shard_index, counter, partition_key, data, arrived_at) " +
      "SELECT $1, s, n, k, d, $6 FROM unnest($2::int[], $3::bigint[], $4::text[], $5::bytea[]) AS t(s, n, k, d)",
    [id, shards, counters, keys, keys.map((k) => Buffer.from(`data of ${k}`)), T0],
  );
  await c.end();

  const db = await PgDb.open(fresh.url, 2);
  const store = new PgKinesisStore(db);
  try {
    const recorded = await db.pool.query("SELECT 1 FROM mailroom_migrations WHERE module || '/' || name = $1", [MIGRATION]);
    assert.equal(recorded.rowCount, 1);
    const column = await db.pool.query("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'kinesis_records' AND column_name LIKE 'partition_key%'");
    assert.deepEqual(column.rows, [{ column_name: "partition_key_utf8", data_type: "bytea" }]);
    // The bytes are the UTF-8 the keys were sent as.
    const bytes = await db.pool.query("SELECT partition_key_utf8 AS k FROM kinesis_records WHERE stream_id = $1 AND shard_index = 0 ORDER BY counter", [id]);
    assert.deepEqual(bytes.rows.map((r) => r.k as Buffer), OLD_KEYS.map((k) => Buffer.from(k, "utf8")));

    const rows = await store.read(id, 0, 0, 100, 1 << 20);
    assert.deepEqual(rows.map((r) => [r.counter, r.partitionKey, r.data.toString()]), OLD_KEYS.map((k, i) => [i + 1, k, `data of ${k}`]));
    const batch = await store.readBatch(id, 0, 0, 100, 1 << 20);
    assert.deepEqual(batch.partitionKeys, OLD_KEYS);
    const readRows = (store as unknown as { readRows(...a: number[]): Promise<RecordBatch> }).readRows;
    assert.deepEqual(await readRows.call(store, id, 0, 0, 100, 1 << 20), batch);
    assert.deepEqual((await store.readBatch(id, 1, 0, 100, 1 << 20)).partitionKeys, ["other-shard"]);

    // New records go on after the old ones, U+0000 included.
    assert.deepEqual(await store.append(id, [{ shardIndex: 0, partitionKey: "\u0000new", data: Buffer.from("n") }], T0 + 1), [OLD_KEYS.length + 1]);
    assert.deepEqual((await store.readBatch(id, 0, OLD_KEYS.length - 1, 100, 1 << 20)).partitionKeys, [OLD_KEYS.at(-1), "\u0000new"]);

    // A node still on the previous version fails its statements on the old column name (InternalFailure) rather
    // than reading the bytes as keys.
    await assert.rejects(db.pool.query("SELECT partition_key FROM kinesis_records LIMIT 1"), /column "partition_key" does not exist/);
  } finally {
    await store.close();
  }
  // A second open runs nothing again.
  const again = await PgDb.open(fresh.url, 2);
  const n = await again.pool.query("SELECT count(*)::int AS n FROM mailroom_migrations WHERE module || '/' || name = $1", [MIGRATION]);
  assert.equal(n.rows[0].n, 1);
  await again.close();
});
