// The Kinesis store on PostgreSQL: an append locks each touched open shard row while it takes counters (UPDATE …
// RETURNING), so appends to one shard from several nodes are numbered in commit order, and inserts the records in one
// statement. A control-plane change locks the stream row and its shard rows (FOR UPDATE), so it waits for appends in
// flight and appends after it see closed shards (and are routed again by the caller). Partition keys are stored as
// their UTF-8 bytes (partition_key_utf8 BYTEA, ADR 0038): text cannot hold U+0000, which a partition key may contain.
import type {
  AccountQuota, AccountUsage, ConsumerRecord, KinesisStore, NewRecord, RecordBatch, ShardRecord, StoredRecord, StreamChange, StreamRecord,
} from "../../services/kinesis/store.ts";
import {
  type ConsumerRow, toConsumer, type ShardRow, SETTINGS_COLUMNS, SHARD_COLUMNS, settingsOf, settingsValues, type StreamRow, toShard, toStream, toUsage, USAGE_SQL,
} from "../kinesis-rows.ts";
import type { PgDb } from "./db.ts";

// A GetRecords is one range scan on the primary key: the rows after the counter up to the limit, cut where the
// running total of data bytes passes the cap (the first row always; octet_length reads a TOASTed value's size
// without fetching it, so rows past the cut are never detoasted).
const READ_SQL =
  "SELECT counter, partition_key_utf8, data, arrived_at FROM (" +
  "SELECT counter, partition_key_utf8, data, arrived_at, row_number() OVER w AS n, sum(octet_length(data)) OVER w AS upto FROM (" +
  "SELECT counter, partition_key_utf8, data, arrived_at FROM kinesis_records WHERE stream_id = $1 AND shard_index = $2 AND counter > $3 ORDER BY counter LIMIT $4" +
  ") r WINDOW w AS (ORDER BY counter)) t WHERE n = 1 OR upto <= $5 ORDER BY counter";

// GetRecords' batch (ADR 0033): the same rows as one row of aggregates, each numeric column a JSON array (parsed by
// JSON.parse), all the partition keys' UTF-8 one bytea and all the data another, instead of a row (and Buffers) per
// record. The aggregates of one SELECT see the rows in one order, so the columns agree; that order is the ordered
// subquery's (PostgreSQL: "supplying the input values from a sorted subquery will usually work", Aggregate
// Expressions), checked in readBatch, which falls back to the rows.
const READ_BATCH_SQL =
  "SELECT count(*)::int AS n, json_agg(counter) AS c, json_agg(octet_length(partition_key_utf8)) AS kl, string_agg(partition_key_utf8, ''::bytea) AS k, " +
  `json_agg(arrived_at) AS a, json_agg(octet_length(data)) AS l, string_agg(data, ''::bytea) AS d FROM (${READ_SQL}) b`;

/** A partition key's UTF-8, as stored (JS strings from JSON or CBOR input: lone surrogates are already U+FFFD). */
const keyBytes = (key: string) => Buffer.from(key, "utf8");

/**
 * The partition keys of a batch from their UTF-8 back to back (`lengths` in bytes): one decode of the whole buffer,
 * then each key a slice of it. When every byte is ASCII the slices are the byte lengths; otherwise a key's length in
 * UTF-16 units is counted from its bytes (one per lead byte, two for a 4-byte sequence). Undefined when the counts do
 * not add up (bytes that are not UTF-8, which the store never writes).
 */
export function splitKeys(bytes: Buffer, lengths: number[]): string[] | undefined {
  const all = bytes.toString("utf8");
  const keys = new Array<string>(lengths.length);
  let at = 0;
  let pos = 0;
  if (all.length === bytes.length) {
    for (let i = 0; i < lengths.length; i++) {
      keys[i] = all.slice(at, at + lengths[i]);
      at += lengths[i];
    }
    pos = at;
  } else {
    for (let i = 0; i < lengths.length; i++) {
      const end = pos + lengths[i];
      if (end > bytes.length) return undefined;
      let units = 0;
      for (; pos < end; pos++) {
        const b = bytes[pos];
        if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1;
      }
      keys[i] = all.slice(at, at + units);
      at += units;
    }
  }
  return at === all.length && pos === bytes.length ? keys : undefined;
}

/** Thrown inside a transaction to roll it back: the stream is gone (undefined) or a shard was closed ("closed"). */
class Undo {
  readonly answer: undefined | "closed";
  constructor(answer: undefined | "closed") {
    this.answer = answer;
  }
}

const placeholders = (from: number, n: number) => Array.from({ length: n }, (_, i) => `$${from + i}`).join(", ");

export class PgKinesisStore implements KinesisStore {
  private readonly db: PgDb;

  constructor(db: PgDb) {
    this.db = db;
  }

  createStream(st: Omit<StreamRecord, "id" | "shardCount">, shards: { startHashKey: string; endHashKey: string }[], quota: AccountQuota): Promise<StreamRecord | "exists" | "quota" | "onDemandQuota"> {
    return this.db.tx(async (c) => {
      // One creator at a time per account and region, so the quota check and the name check see each other's streams.
      await c.query("SELECT pg_advisory_xact_lock(hashtext('kinesis:' || $1 || ':' || $2))", [st.account, st.region]);
      const taken = await c.query("SELECT 1 FROM kinesis_streams WHERE account = $1 AND region = $2 AND name = $3", [st.account, st.region, st.name]);
      if (taken.rowCount) return "exists" as const;
      const usage = toUsage((await c.query(USAGE_SQL((i) => `$${i}`), [st.account, st.region])).rows[0] as { shards: string; on_demand: string });
      if (usage.openShards + shards.length > quota.shards) return "quota" as const;
      if (st.mode === "ON_DEMAND" && usage.onDemandStreams + 1 > quota.onDemandStreams) return "onDemandQuota" as const;
      const ins = await c.query(
        `INSERT INTO kinesis_streams (account, region, name, shard_count, created_at, ${SETTINGS_COLUMNS.join(", ")}) VALUES ($1, $2, $3, $4, $5, ${placeholders(6, SETTINGS_COLUMNS.length)}) RETURNING id`,
        [st.account, st.region, st.name, shards.length, st.createdAt, ...settingsValues(st)],
      );
      const id = Number(ins.rows[0].id);
      await c.query(
        "INSERT INTO kinesis_shards (stream_id, shard_index, start_hash_key, end_hash_key, opened_at) SELECT $1, i - 1, s, e, $4 FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(s, e, i)",
        [id, shards.map((s) => s.startHashKey), shards.map((s) => s.endHashKey), st.createdAt],
      );
      return { ...st, keyId: st.keyId, statusUntil: st.statusUntil, id, shardCount: shards.length };
    });
  }

  async usage(account: string, region: string): Promise<AccountUsage> {
    return toUsage((await this.db.query(USAGE_SQL((i) => `$${i}`), [account, region])).rows[0] as { shards: string; on_demand: string });
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
      // include theirs, and later appends find no shard. Policies go by the cascade too.
      const gone = ((await c.query("DELETE FROM kinesis_streams WHERE id = $1", [id])).rowCount ?? 0) > 0;
      await c.query("DELETE FROM kinesis_records WHERE stream_id = $1", [id]);
      return gone;
    });
  }

  async shards(streamId: number): Promise<ShardRecord[]> {
    const r = await this.db.query<ShardRow>(`SELECT ${SHARD_COLUMNS} FROM kinesis_shards WHERE stream_id = $1 ORDER BY shard_index`, [streamId]);
    return r.rows.map(toShard);
  }

  changeStream(id: number, now: number, decide: (stream: StreamRecord, shards: ShardRecord[], usage: AccountUsage) => StreamChange): Promise<StreamRecord | undefined> {
    return this.db.tx(async (c) => {
      const row = (await c.query<StreamRow>("SELECT * FROM kinesis_streams WHERE id = $1 FOR UPDATE", [id])).rows[0];
      if (!row) return undefined;
      const stream = toStream(row);
      const shards = (await c.query<ShardRow>(`SELECT ${SHARD_COLUMNS} FROM kinesis_shards WHERE stream_id = $1 ORDER BY shard_index FOR UPDATE`, [id])).rows.map(toShard);
      // Changes that add shards or on-demand streams count the account's usage: one such change at a time per account
      // and region (the lock CreateStream takes), so two of them cannot both pass a quota.
      await c.query("SELECT pg_advisory_xact_lock(hashtext('kinesis:' || $1 || ':' || $2))", [stream.account, stream.region]);
      const usage = toUsage((await c.query(USAGE_SQL((i) => `$${i}`), [stream.account, stream.region])).rows[0] as { shards: string; on_demand: string });
      const change = decide(stream, shards, usage);
      if (change.close?.length) {
        await c.query("UPDATE kinesis_shards SET closed_at = $1 WHERE stream_id = $2 AND shard_index = ANY($3::int[]) AND closed_at IS NULL", [now, id, change.close]);
      }
      const add = change.add ?? [];
      if (add.length) {
        await c.query(
          "INSERT INTO kinesis_shards (stream_id, shard_index, start_hash_key, end_hash_key, parent_index, adjacent_parent_index, opened_at, closed_at) " +
            "SELECT $1, i, s, e, p, a, $7, CASE WHEN cl THEN $7::bigint END FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::int[], $8::bool[]) AS t(i, s, e, p, a, cl)",
          [id, add.map((n) => n.index), add.map((n) => n.startHashKey), add.map((n) => n.endHashKey), add.map((n) => n.parentIndex ?? null),
            add.map((n) => n.adjacentParentIndex ?? null), now, add.map((n) => n.closed === true)],
        );
      }
      const openNow = Number((await c.query("SELECT count(*)::int AS n FROM kinesis_shards WHERE stream_id = $1 AND closed_at IS NULL", [id])).rows[0].n);
      const settings = { ...settingsOf(stream), ...change.settings };
      await c.query(
        `UPDATE kinesis_streams SET shard_count = $1, ${SETTINGS_COLUMNS.map((col, i) => `${col} = $${i + 2}`).join(", ")} WHERE id = $${SETTINGS_COLUMNS.length + 2}`,
        [openNow, ...settingsValues(settings), id],
      );
      return { ...stream, ...settings, shardCount: openNow };
    });
  }

  async append(streamId: number, records: NewRecord[], now: number): Promise<number[] | undefined | "closed"> {
    try {
      return await this.db.tx(async (c) => {
        const perShard = new Map<number, number>();
        for (const r of records) perShard.set(r.shardIndex, (perShard.get(r.shardIndex) ?? 0) + 1);
        // Lock shard rows in index order, so two appends touching the same shards never deadlock.
        const shards = [...perShard.keys()].sort((a, b) => a - b);
        const bumped = await c.query(
          "UPDATE kinesis_shards k SET last_counter = k.last_counter + t.n FROM unnest($2::int[], $3::bigint[]) AS t(shard, n) " +
            "WHERE k.stream_id = $1 AND k.shard_index = t.shard AND k.closed_at IS NULL RETURNING k.shard_index, k.last_counter",
          [streamId, shards, shards.map((s) => perShard.get(s)!)],
        );
        // The stream was deleted, or resharding closed a shard, since the caller looked: roll back what was bumped.
        if (bumped.rowCount !== shards.length) {
          const alive = await c.query("SELECT 1 FROM kinesis_streams WHERE id = $1", [streamId]);
          throw new Undo(alive.rowCount ? "closed" : undefined);
        }
        const next = new Map<number, number>();
        for (const row of bumped.rows) next.set(row.shard_index, Number(row.last_counter) - perShard.get(row.shard_index)! + 1);
        const counters = records.map((r) => {
          const counter = next.get(r.shardIndex)!;
          next.set(r.shardIndex, counter + 1);
          return counter;
        });
        await c.query(
          "INSERT INTO kinesis_records (stream_id, shard_index, counter, partition_key_utf8, data, arrived_at) " +
            "SELECT $1, s, n, k, d, $6 FROM unnest($2::int[], $3::bigint[], $4::bytea[], $5::bytea[]) AS t(s, n, k, d)",
          [streamId, records.map((r) => r.shardIndex), counters, records.map((r) => keyBytes(r.partitionKey)), records.map((r) => r.data), now],
        );
        return counters;
      });
    } catch (e) {
      if (e instanceof Undo) return e.answer;
      throw e;
    }
  }

  async read(streamId: number, shardIndex: number, after: number, limit: number, maxBytes: number): Promise<StoredRecord[]> {
    const r = await this.db.query(READ_SQL, [streamId, shardIndex, after, limit, maxBytes]);
    return r.rows.map((row) => ({ counter: Number(row.counter), partitionKey: (row.partition_key_utf8 as Buffer).toString("utf8"), data: row.data as Buffer, arrivedAt: Number(row.arrived_at) }));
  }

  async readBatch(streamId: number, shardIndex: number, after: number, limit: number, maxBytes: number): Promise<RecordBatch> {
    const r = await this.db.query(READ_BATCH_SQL, [streamId, shardIndex, after, limit, maxBytes]);
    const row = r.rows[0] as { n: number; c: number[] | null; kl: number[] | null; k: Buffer | null; a: number[] | null; l: number[] | null; d: Buffer | null };
    if (row.n === 0) return { length: 0, counters: [], partitionKeys: [], arrivedAt: [], offsets: [0], data: Buffer.alloc(0) };
    const counters = row.c ?? [];
    const lengths = row.l ?? [];
    const offsets = new Array<number>(lengths.length + 1);
    offsets[0] = 0;
    let ordered = counters[0] > after;
    for (let i = 0; i < lengths.length; i++) {
      offsets[i + 1] = offsets[i] + lengths[i];
      if (i > 0 && counters[i] <= counters[i - 1]) ordered = false;
    }
    const data = row.d ?? Buffer.alloc(0);
    const keyLengths = row.kl ?? [];
    if (ordered && counters.length === row.n && data.length === offsets[lengths.length] && keyLengths.length === row.n) {
      const partitionKeys = splitKeys(row.k ?? Buffer.alloc(0), keyLengths);
      if (partitionKeys) return { length: counters.length, counters, partitionKeys, arrivedAt: row.a ?? [], offsets, data };
    }
    return this.readRows(streamId, shardIndex, after, limit, maxBytes);
  }

  /** readBatch from a row per record (the statement's own order). */
  private async readRows(streamId: number, shardIndex: number, after: number, limit: number, maxBytes: number): Promise<RecordBatch> {
    const r = await this.db.queryArrays(READ_SQL, [streamId, shardIndex, after, limit, maxBytes]);
    const n = r.rows.length;
    const counters = new Array<number>(n);
    const partitionKeys = new Array<string>(n);
    const arrivedAt = new Array<number>(n);
    const offsets = new Array<number>(n + 1);
    const parts = new Array<Buffer>(n);
    offsets[0] = 0;
    for (let i = 0; i < n; i++) {
      const row = r.rows[i] as [number, Buffer, Buffer, number];
      counters[i] = row[0];
      partitionKeys[i] = row[1].toString("utf8");
      parts[i] = row[2];
      arrivedAt[i] = row[3];
      offsets[i + 1] = offsets[i] + row[2].length;
    }
    return { length: n, counters, partitionKeys, arrivedAt, offsets, data: Buffer.concat(parts, offsets[n]) };
  }

  async counterBefore(streamId: number, shardIndex: number, time: number): Promise<number> {
    const r = await this.db.query("SELECT COALESCE(MAX(counter), 0)::bigint AS c FROM kinesis_records WHERE stream_id = $1 AND shard_index = $2 AND arrived_at < $3", [streamId, shardIndex, time]);
    return Number(r.rows[0].c);
  }

  async nextStatusChange(): Promise<number | undefined> {
    const r = await this.db.query("SELECT MIN(status_until) AS t FROM kinesis_streams WHERE status_until IS NOT NULL");
    return r.rows[0].t === null ? undefined : Number(r.rows[0].t);
  }

  async finishStatusChanges(now: number): Promise<number> {
    const r = await this.db.query("UPDATE kinesis_streams SET status = 'ACTIVE', status_until = NULL WHERE status_until IS NOT NULL AND status_until <= $1", [now]);
    return r.rowCount ?? 0;
  }

  async trim(now: number, batch: number): Promise<number> {
    let deleted = 0;
    const streams = await this.db.query("SELECT id, retention_hours FROM kinesis_streams");
    for (const st of streams.rows) {
      const id = Number(st.id);
      const cutoff = now - Number(st.retention_hours) * 3_600_000;
      const shards = await this.db.query("SELECT shard_index FROM kinesis_shards WHERE stream_id = $1", [id]);
      for (const { shard_index: shard } of shards.rows) {
        // A read first: most passes find nothing expired and write nothing.
        const oldest = await this.db.query("SELECT arrived_at FROM kinesis_records WHERE stream_id = $1 AND shard_index = $2 ORDER BY counter LIMIT 1", [id, shard]);
        if (oldest.rows.length === 0 || Number(oldest.rows[0].arrived_at) >= cutoff) continue;
        for (;;) {
          // The expired prefix of the shard's log, a batch at a time: up to the newest expired record among its oldest `batch`.
          const r = await this.db.query(
            "DELETE FROM kinesis_records WHERE stream_id = $1 AND shard_index = $2 AND counter <= (SELECT MAX(counter) FROM " +
              "(SELECT counter, arrived_at FROM kinesis_records WHERE stream_id = $1 AND shard_index = $2 ORDER BY counter LIMIT $3) b WHERE arrived_at < $4)",
            [id, shard, batch, cutoff],
          );
          const n = r.rowCount ?? 0;
          deleted += n;
          if (n < batch) break;
        }
      }
      // A closed shard whose close is past retention holds no readable record any more: it goes (AWS: EXPIRED).
      deleted += await this.db.tx(async (c) => {
        const gone = await c.query("DELETE FROM kinesis_shards WHERE stream_id = $1 AND closed_at IS NOT NULL AND closed_at < $2 RETURNING shard_index", [id, cutoff]);
        if (!gone.rowCount) return 0;
        const r = await c.query("DELETE FROM kinesis_records WHERE stream_id = $1 AND shard_index = ANY($2::int[])", [id, gone.rows.map((x) => x.shard_index)]);
        return r.rowCount ?? 0;
      });
    }
    return deleted;
  }

  async getPolicy(resourceArn: string): Promise<string | undefined> {
    const r = await this.db.query("SELECT policy FROM kinesis_policies WHERE resource_arn = $1", [resourceArn]);
    return r.rows[0]?.policy;
  }

  async putPolicy(streamId: number, resourceArn: string, policy: string): Promise<boolean> {
    const r = await this.db.query(
      "INSERT INTO kinesis_policies (resource_arn, stream_id, policy) SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM kinesis_streams WHERE id = $2) " +
        "ON CONFLICT (resource_arn) DO UPDATE SET policy = excluded.policy, stream_id = excluded.stream_id",
      [resourceArn, streamId, policy],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async deletePolicy(resourceArn: string): Promise<boolean> {
    const r = await this.db.query("DELETE FROM kinesis_policies WHERE resource_arn = $1", [resourceArn]);
    return (r.rowCount ?? 0) > 0;
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
