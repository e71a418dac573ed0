// The Kinesis store on PostgreSQL: an append is one statement that locks each touched shard row while it takes
// counters (UPDATE … RETURNING), so appends to one shard from several nodes are numbered in commit order, and inserts
// the records numbered from them (ADR 0021).
import type { ConsumerRecord, KinesisStore, NewRecord, ShardRecord, StoredRecord, StreamRecord } from "../../services/kinesis/store.ts";
import { type ConsumerRow, type StreamRow, toConsumer, toStream } from "../kinesis-rows.ts";
import type { PgDb } from "./db.ts";

// A GetRecords is one range scan on the primary key: the rows after the counter up to the limit, cut where the
// running total of data bytes passes the cap (the first row always; octet_length reads a TOASTed value's size
// without fetching it, so rows past the cut are never detoasted).
const APPEND_SQL =
  "WITH b AS (UPDATE kinesis_shards k SET last_counter = k.last_counter + t.n FROM unnest($2::int[], $3::bigint[]) AS t(shard, n) " +
  "WHERE k.stream_id = $1 AND k.shard_index = t.shard RETURNING k.shard_index, k.last_counter, t.n), " +
  "i AS (INSERT INTO kinesis_records (stream_id, shard_index, counter, partition_key, data, arrived_at) " +
  "SELECT $1, r.s, b.last_counter - b.n + r.o, r.k, r.d, $8 FROM unnest($4::int[], $5::bigint[], $6::text[], $7::bytea[]) AS r(s, o, k, d) " +
  "JOIN b ON b.shard_index = r.s WHERE (SELECT count(*) FROM b) = cardinality($2::int[])) " +
  "SELECT shard_index, last_counter, n FROM b";

const READ_SQL =
  "SELECT counter, partition_key, data, arrived_at FROM (" +
  "SELECT counter, partition_key, data, arrived_at, row_number() OVER w AS n, sum(octet_length(data)) OVER w AS upto FROM (" +
  "SELECT counter, partition_key, data, arrived_at FROM kinesis_records WHERE stream_id = $1 AND shard_index = $2 AND counter > $3 ORDER BY counter LIMIT $4" +
  ") r WINDOW w AS (ORDER BY counter)) t WHERE n = 1 OR upto <= $5 ORDER BY counter";

export class PgKinesisStore implements KinesisStore {
  private readonly db: PgDb;

  constructor(db: PgDb) {
    this.db = db;
  }

  createStream(st: Omit<StreamRecord, "id" | "status">, shards: { startHashKey: string; endHashKey: string }[], quota: number): Promise<StreamRecord | "exists" | "quota"> {
    return this.db.tx(async (c) => {
      // One creator at a time per account and region, so the quota check and the name check see each other's streams.
      await c.query("SELECT pg_advisory_xact_lock(hashtext('kinesis:' || $1 || ':' || $2))", [st.account, st.region]);
      const taken = await c.query("SELECT 1 FROM kinesis_streams WHERE account = $1 AND region = $2 AND name = $3", [st.account, st.region, st.name]);
      if (taken.rowCount) return "exists" as const;
      const open = await c.query("SELECT COALESCE(SUM(shard_count), 0)::bigint AS n FROM kinesis_streams WHERE account = $1 AND region = $2", [st.account, st.region]);
      if (Number(open.rows[0].n) + shards.length > quota) return "quota" as const;
      const ins = await c.query(
        "INSERT INTO kinesis_streams (account, region, name, mode, retention_hours, shard_count, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        [st.account, st.region, st.name, st.mode, st.retentionHours, shards.length, st.createdAt],
      );
      const id = Number(ins.rows[0].id);
      await c.query(
        "INSERT INTO kinesis_shards (stream_id, shard_index, start_hash_key, end_hash_key) SELECT $1, i - 1, s, e FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(s, e, i)",
        [id, shards.map((s) => s.startHashKey), shards.map((s) => s.endHashKey)],
      );
      return { ...st, id, status: "ACTIVE" as const, shardCount: shards.length };
    });
  }

  async getStream(account: string, region: string, name: string): Promise<StreamRecord | undefined> {
    const r = await this.db.query<StreamRow>("SELECT * FROM kinesis_streams WHERE account = $1 AND region = $2 AND name = $3", [account, region, name]);
    return r.rows[0] && toStream(r.rows[0]);
  }

  async getStreamById(id: number): Promise<StreamRecord | undefined> {
    const r = await this.db.query<StreamRow>("SELECT * FROM kinesis_streams WHERE id = $1", [id]);
    return r.rows[0] && toStream(r.rows[0]);
  }

  async listStreams(account: string, region: string, afterName: string, limit: number): Promise<StreamRecord[]> {
    const r = await this.db.query<StreamRow>(
      "SELECT * FROM kinesis_streams WHERE account = $1 AND region = $2 AND name > $3 COLLATE \"C\" ORDER BY name COLLATE \"C\" LIMIT $4",
      [account, region, afterName, limit],
    );
    return r.rows.map(toStream);
  }

  deleteStream(id: number): Promise<boolean> {
    return this.db.tx(async (c) => {
      // The stream first: its cascade to the shard rows waits for appends holding them, so the records deleted next
      // include theirs, and later appends find no shard.
      const gone = ((await c.query("DELETE FROM kinesis_streams WHERE id = $1", [id])).rowCount ?? 0) > 0;
      await c.query("DELETE FROM kinesis_records WHERE stream_id = $1", [id]);
      return gone;
    });
  }

  async shards(streamId: number): Promise<ShardRecord[]> {
    const r = await this.db.query("SELECT shard_index, start_hash_key, end_hash_key, last_counter FROM kinesis_shards WHERE stream_id = $1 ORDER BY shard_index", [streamId]);
    return r.rows.map((x) => ({ index: x.shard_index, startHashKey: x.start_hash_key, endHashKey: x.end_hash_key, lastCounter: Number(x.last_counter) }));
  }

  async append(streamId: number, records: NewRecord[], now: number): Promise<number[] | undefined> {
    // Each record's place among its shard's records of this call (1-based), and the count per shard.
    const perShard = new Map<number, number>();
    const ordinals = records.map((r) => {
      const o = (perShard.get(r.shardIndex) ?? 0) + 1;
      perShard.set(r.shardIndex, o);
      return o;
    });
    const shards = [...perShard.keys()].sort((a, b) => a - b);
    // One statement (atomic, one round trip): bump the touched shards' counters (locking their rows, so appends
    // from several nodes are numbered in commit order), insert the records numbered from the bumped values, and
    // answer the bumped values. The insert runs only when every shard was there; a stream deleted since the caller
    // looked it up bumps nothing and inserts nothing.
    const r = await this.db.query(APPEND_SQL, [
      streamId, shards, shards.map((x) => perShard.get(x)!),
      records.map((x) => x.shardIndex), ordinals, records.map((x) => x.partitionKey), records.map((x) => x.data), now,
    ]);
    if (r.rowCount !== shards.length) return undefined;
    const base = new Map<number, number>();
    for (const row of r.rows) base.set(row.shard_index, Number(row.last_counter) - Number(row.n));
    return records.map((x, i) => base.get(x.shardIndex)! + ordinals[i]);
  }

  async read(streamId: number, shardIndex: number, after: number, limit: number, maxBytes: number): Promise<StoredRecord[]> {
    const r = await this.db.query(READ_SQL, [streamId, shardIndex, after, limit, maxBytes]);
    return r.rows.map((row) => ({ counter: Number(row.counter), partitionKey: row.partition_key, data: row.data as Buffer, arrivedAt: Number(row.arrived_at) }));
  }

  async counterBefore(streamId: number, shardIndex: number, time: number): Promise<number> {
    const r = await this.db.query("SELECT COALESCE(MAX(counter), 0)::bigint AS c FROM kinesis_records WHERE stream_id = $1 AND shard_index = $2 AND arrived_at < $3", [streamId, shardIndex, time]);
    return Number(r.rows[0].c);
  }

  registerConsumer(streamId: number, name: string, now: number, activeAt: number, max: number): Promise<ConsumerRecord | "exists" | "limit" | "gone"> {
    return this.db.tx(async (c) => {
      // The stream row locked: registrations on one stream (from any node) count each other's consumers.
      if (!(await c.query("SELECT 1 FROM kinesis_streams WHERE id = $1 FOR UPDATE", [streamId])).rowCount) return "gone" as const;
      await c.query("DELETE FROM kinesis_consumers WHERE stream_id = $1 AND gone_at IS NOT NULL AND gone_at <= $2", [streamId, now]);
      const taken = await c.query("SELECT 1 FROM kinesis_consumers WHERE stream_id = $1 AND name = $2", [streamId, name]);
      if (taken.rowCount) return "exists" as const;
      const n = await c.query("SELECT COUNT(*)::int AS n FROM kinesis_consumers WHERE stream_id = $1", [streamId]);
      if (n.rows[0].n >= max) return "limit" as const;
      const ins = await c.query("INSERT INTO kinesis_consumers (stream_id, name, created_at, active_at) VALUES ($1, $2, $3, $4) RETURNING id", [streamId, name, now, activeAt]);
      return { id: Number(ins.rows[0].id), streamId, name, createdAt: now, activeAt };
    });
  }

  async getConsumer(streamId: number, name: string, now: number): Promise<ConsumerRecord | undefined> {
    const r = await this.db.query<ConsumerRow>("SELECT * FROM kinesis_consumers WHERE stream_id = $1 AND name = $2 AND (gone_at IS NULL OR gone_at > $3)", [streamId, name, now]);
    return r.rows[0] && toConsumer(r.rows[0]);
  }

  async listConsumers(streamId: number, now: number, afterName: string, limit: number): Promise<ConsumerRecord[]> {
    const r = await this.db.query<ConsumerRow>(
      "SELECT * FROM kinesis_consumers WHERE stream_id = $1 AND (gone_at IS NULL OR gone_at > $2) AND name > $3 COLLATE \"C\" ORDER BY name COLLATE \"C\" LIMIT $4",
      [streamId, now, afterName, limit],
    );
    return r.rows.map(toConsumer);
  }

  deregisterConsumer(consumerId: number, now: number, goneAt: number): Promise<boolean> {
    return this.db.tx(async (c) => {
      const r = await c.query("UPDATE kinesis_consumers SET deleting_at = $1, gone_at = $2 WHERE id = $3 AND deleting_at IS NULL", [now, goneAt, consumerId]);
      if (!r.rowCount) return false;
      await c.query("DELETE FROM kinesis_subscriptions WHERE consumer_id = $1", [consumerId]);
      return true;
    });
  }

  async takeSubscription(consumerId: number, shardIndex: number, token: string, now: number, minAgeMs: number): Promise<"taken" | "busy" | "gone"> {
    // One statement: insert, or take over a holder that started at least minAgeMs ago; nothing when the consumer is
    // deregistered. Two nodes racing for the same row are ordered by its lock, so one of them sees the other's row.
    const r = await this.db.query(
      "INSERT INTO kinesis_subscriptions (consumer_id, shard_index, token, started_at) " +
        "SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM kinesis_consumers WHERE id = $1 AND deleting_at IS NULL) " +
        "ON CONFLICT (consumer_id, shard_index) DO UPDATE SET token = excluded.token, started_at = excluded.started_at " +
        "WHERE kinesis_subscriptions.started_at <= $5 RETURNING 1",
      [consumerId, shardIndex, token, now, now - minAgeMs],
    );
    if (r.rowCount) return "taken";
    const live = await this.db.query("SELECT 1 FROM kinesis_consumers WHERE id = $1 AND deleting_at IS NULL", [consumerId]);
    return live.rowCount ? "busy" : "gone";
  }

  async holdsSubscription(consumerId: number, shardIndex: number, token: string): Promise<boolean> {
    const r = await this.db.query("SELECT 1 FROM kinesis_subscriptions WHERE consumer_id = $1 AND shard_index = $2 AND token = $3", [consumerId, shardIndex, token]);
    return (r.rowCount ?? 0) > 0;
  }

  async releaseSubscription(consumerId: number, shardIndex: number, token: string): Promise<void> {
    await this.db.query("DELETE FROM kinesis_subscriptions WHERE consumer_id = $1 AND shard_index = $2 AND token = $3", [consumerId, shardIndex, token]);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
