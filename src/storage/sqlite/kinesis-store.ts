// The Kinesis store on SQLite: writes through the group commit (SqliteDb.write), reads against committed state.
// An append takes each touched shard's counter and inserts the records, in one write.
import type Database from "better-sqlite3";
import type { ConsumerRecord, KinesisStore, NewRecord, ShardRecord, StoredRecord, StreamRecord } from "../../services/kinesis/store.ts";
import { type ConsumerRow, type StreamRow, toConsumer, toStream } from "../kinesis-rows.ts";
import type { SqliteDb } from "./db.ts";

function prepare(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    byName: p("SELECT * FROM kinesis_streams WHERE account = ? AND region = ? AND name = ?"),
    byId: p("SELECT * FROM kinesis_streams WHERE id = ?"),
    list: p("SELECT * FROM kinesis_streams WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?"),
    openShards: p("SELECT COALESCE(SUM(shard_count), 0) FROM kinesis_streams WHERE account = ? AND region = ?").pluck(),
    insertStream: p("INSERT INTO kinesis_streams (account, region, name, mode, retention_hours, shard_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
    insertShard: p("INSERT INTO kinesis_shards (stream_id, shard_index, start_hash_key, end_hash_key) VALUES (?, ?, ?, ?)"),
    deleteRecords: p("DELETE FROM kinesis_records WHERE stream_id = ?"),
    deleteStream: p("DELETE FROM kinesis_streams WHERE id = ?"),
    shards: p("SELECT shard_index, start_hash_key, end_hash_key, last_counter FROM kinesis_shards WHERE stream_id = ? ORDER BY shard_index"),
    bump: p("UPDATE kinesis_shards SET last_counter = last_counter + ? WHERE stream_id = ? AND shard_index = ? RETURNING last_counter").pluck(),
    insertRecord: p("INSERT INTO kinesis_records (stream_id, shard_index, counter, partition_key, data, arrived_at) VALUES (?, ?, ?, ?, ?, ?)"),
    read: p("SELECT counter, partition_key, data, arrived_at FROM kinesis_records WHERE stream_id = ? AND shard_index = ? AND counter > ? ORDER BY counter LIMIT ?").raw(),
    before: p("SELECT COALESCE(MAX(counter), 0) FROM kinesis_records WHERE stream_id = ? AND shard_index = ? AND arrived_at < ?").pluck(),
    // Enhanced fan-out (0003_consumers.sql).
    purgeConsumers: p("DELETE FROM kinesis_consumers WHERE stream_id = ? AND gone_at IS NOT NULL AND gone_at <= ?"),
    consumerByName: p("SELECT * FROM kinesis_consumers WHERE stream_id = ? AND name = ? AND (gone_at IS NULL OR gone_at > ?)"),
    consumerCount: p("SELECT COUNT(*) FROM kinesis_consumers WHERE stream_id = ?").pluck(),
    insertConsumer: p("INSERT INTO kinesis_consumers (stream_id, name, created_at, active_at) VALUES (?, ?, ?, ?)"),
    listConsumers: p("SELECT * FROM kinesis_consumers WHERE stream_id = ? AND (gone_at IS NULL OR gone_at > ?) AND name > ? ORDER BY name LIMIT ?"),
    deregister: p("UPDATE kinesis_consumers SET deleting_at = ?, gone_at = ? WHERE id = ? AND deleting_at IS NULL"),
    endSubscriptions: p("DELETE FROM kinesis_subscriptions WHERE consumer_id = ?"),
    consumerLive: p("SELECT 1 FROM kinesis_consumers WHERE id = ? AND deleting_at IS NULL").pluck(),
    subscription: p("SELECT token, started_at FROM kinesis_subscriptions WHERE consumer_id = ? AND shard_index = ?"),
    putSubscription: p("INSERT OR REPLACE INTO kinesis_subscriptions (consumer_id, shard_index, token, started_at) VALUES (?, ?, ?, ?)"),
    holds: p("SELECT 1 FROM kinesis_subscriptions WHERE consumer_id = ? AND shard_index = ? AND token = ?").pluck(),
    release: p("DELETE FROM kinesis_subscriptions WHERE consumer_id = ? AND shard_index = ? AND token = ?"),
  };
}

/** Records per multi-row INSERT (6 parameters each, well under SQLite's 32,766): a PutRecords of 500 is 8 statements. */
const INSERT_CHUNK = 64;

export class SqliteKinesisStore implements KinesisStore {
  private readonly sql: SqliteDb;
  private readonly s: ReturnType<typeof prepare>;
  /** Multi-row inserts by row count, prepared on first use. */
  private readonly inserts = new Map<number, Database.Statement>();

  constructor(sql: SqliteDb) {
    this.sql = sql;
    this.s = prepare(sql.db);
  }

  createStream(st: Omit<StreamRecord, "id" | "status">, shards: { startHashKey: string; endHashKey: string }[], quota: number): Promise<StreamRecord | "exists" | "quota"> {
    return this.sql.write(() => {
      if (this.s.byName.get(st.account, st.region, st.name)) return "exists" as const;
      if ((this.s.openShards.get(st.account, st.region) as number) + shards.length > quota) return "quota" as const;
      const id = Number(this.s.insertStream.run(st.account, st.region, st.name, st.mode, st.retentionHours, shards.length, st.createdAt).lastInsertRowid);
      shards.forEach((sh, i) => this.s.insertShard.run(id, i, sh.startHashKey, sh.endHashKey));
      return { ...st, id, status: "ACTIVE" as const, shardCount: shards.length };
    });
  }

  async getStream(account: string, region: string, name: string): Promise<StreamRecord | undefined> {
    const r = this.s.byName.get(account, region, name) as StreamRow | undefined;
    return r && toStream(r);
  }

  async getStreamById(id: number): Promise<StreamRecord | undefined> {
    const r = this.s.byId.get(id) as StreamRow | undefined;
    return r && toStream(r);
  }

  async listStreams(account: string, region: string, afterName: string, limit: number): Promise<StreamRecord[]> {
    return (this.s.list.all(account, region, afterName, limit) as StreamRow[]).map(toStream);
  }

  deleteStream(id: number): Promise<boolean> {
    return this.sql.write(() => {
      this.s.deleteRecords.run(id);
      return this.s.deleteStream.run(id).changes > 0;
    });
  }

  async shards(streamId: number): Promise<ShardRecord[]> {
    return (this.s.shards.all(streamId) as { shard_index: number; start_hash_key: string; end_hash_key: string; last_counter: number }[]).map((r) => ({
      index: r.shard_index, startHashKey: r.start_hash_key, endHashKey: r.end_hash_key, lastCounter: r.last_counter,
    }));
  }

  append(streamId: number, records: NewRecord[], now: number): Promise<number[] | undefined> {
    return this.sql.write(() => {
      // Take each shard's counters once: count the records per shard, bump, then number them in order.
      const perShard = new Map<number, number>();
      for (const r of records) perShard.set(r.shardIndex, (perShard.get(r.shardIndex) ?? 0) + 1);
      const next = new Map<number, number>();
      for (const [shard, n] of perShard) {
        const last = this.s.bump.get(n, streamId, shard) as number | undefined;
        // The stream was deleted since the caller looked it up (writes are serial: nothing was changed yet).
        if (last === undefined) return undefined;
        next.set(shard, last - n + 1);
      }
      const counters = records.map((r) => {
        const counter = next.get(r.shardIndex)!;
        next.set(r.shardIndex, counter + 1);
        return counter;
      });
      // Inserted in chunks of multi-row statements: one statement step per chunk instead of per record.
      for (let at = 0; at < records.length; at += INSERT_CHUNK) {
        const n = Math.min(INSERT_CHUNK, records.length - at);
        const params: unknown[] = new Array(n * 6);
        for (let i = 0; i < n; i++) {
          const r = records[at + i];
          params[i * 6] = streamId;
          params[i * 6 + 1] = r.shardIndex;
          params[i * 6 + 2] = counters[at + i];
          params[i * 6 + 3] = r.partitionKey;
          params[i * 6 + 4] = r.data;
          params[i * 6 + 5] = now;
        }
        this.insertOf(n).run(params);
      }
      return counters;
    });
  }

  private insertOf(n: number): Database.Statement {
    let st = this.inserts.get(n);
    if (!st) {
      if (n === 1) st = this.s.insertRecord;
      else st = this.sql.db.prepare(`INSERT INTO kinesis_records (stream_id, shard_index, counter, partition_key, data, arrived_at) VALUES ${Array(n).fill("(?, ?, ?, ?, ?, ?)").join(", ")}`);
      this.inserts.set(n, st);
    }
    return st;
  }

  async read(streamId: number, shardIndex: number, after: number, limit: number, maxBytes: number): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    let bytes = 0;
    // Rows as arrays (raw): no object per row to build and drop.
    for (const r of this.s.read.iterate(streamId, shardIndex, after, limit) as IterableIterator<[number, string, Buffer, number]>) {
      const data = r[2];
      if (out.length > 0 && bytes + data.length > maxBytes) break;
      bytes += data.length;
      out.push({ counter: r[0], partitionKey: r[1], data, arrivedAt: r[3] });
    }
    return out;
  }

  async counterBefore(streamId: number, shardIndex: number, time: number): Promise<number> {
    return this.s.before.get(streamId, shardIndex, time) as number;
  }

  registerConsumer(streamId: number, name: string, now: number, activeAt: number, max: number): Promise<ConsumerRecord | "exists" | "limit" | "gone"> {
    return this.sql.write(() => {
      if (!this.s.byId.get(streamId)) return "gone" as const;
      this.s.purgeConsumers.run(streamId, now);
      if (this.s.consumerByName.get(streamId, name, now)) return "exists" as const;
      if ((this.s.consumerCount.get(streamId) as number) >= max) return "limit" as const;
      const id = Number(this.s.insertConsumer.run(streamId, name, now, activeAt).lastInsertRowid);
      return { id, streamId, name, createdAt: now, activeAt };
    });
  }

  async getConsumer(streamId: number, name: string, now: number): Promise<ConsumerRecord | undefined> {
    const r = this.s.consumerByName.get(streamId, name, now) as ConsumerRow | undefined;
    return r && toConsumer(r);
  }

  async listConsumers(streamId: number, now: number, afterName: string, limit: number): Promise<ConsumerRecord[]> {
    return (this.s.listConsumers.all(streamId, now, afterName, limit) as ConsumerRow[]).map(toConsumer);
  }

  deregisterConsumer(consumerId: number, now: number, goneAt: number): Promise<boolean> {
    return this.sql.write(() => {
      const changed = this.s.deregister.run(now, goneAt, consumerId).changes > 0;
      if (changed) this.s.endSubscriptions.run(consumerId);
      return changed;
    });
  }

  takeSubscription(consumerId: number, shardIndex: number, token: string, now: number, minAgeMs: number): Promise<"taken" | "busy" | "gone"> {
    return this.sql.write(() => {
      if (!this.s.consumerLive.get(consumerId)) return "gone" as const;
      const held = this.s.subscription.get(consumerId, shardIndex) as { token: string; started_at: number } | undefined;
      if (held && now - held.started_at < minAgeMs) return "busy" as const;
      this.s.putSubscription.run(consumerId, shardIndex, token, now);
      return "taken" as const;
    });
  }

  async holdsSubscription(consumerId: number, shardIndex: number, token: string): Promise<boolean> {
    return this.s.holds.get(consumerId, shardIndex, token) !== undefined;
  }

  async releaseSubscription(consumerId: number, shardIndex: number, token: string): Promise<void> {
    await this.sql.write(() => {
      this.s.release.run(consumerId, shardIndex, token);
    });
  }

  close(): Promise<void> {
    return this.sql.close();
  }
}
