// The Kinesis store on SQLite: writes through the group commit (SqliteDb.write), reads against committed state.
// An append takes each touched shard's counter and inserts the records, in one write; control-plane changes decide
// and apply inside one write too (writes are serial, so nothing changes the stream in between).
import type Database from "better-sqlite3";
import type {
  AccountQuota, AccountUsage, ConsumerRecord, KinesisStore, NewRecord, RecordBatch, ShardRecord, StoredRecord, StreamChange, StreamRecord,
} from "../../services/kinesis/store.ts";
import {
  type ConsumerRow, toConsumer, type ShardRow, SETTINGS_COLUMNS, SHARD_COLUMNS, settingsOf, settingsValues, type StreamRow, toShard, toStream, toUsage, USAGE_SQL,
} from "../kinesis-rows.ts";
import type { SqliteDb } from "./db.ts";

const EMPTY = Buffer.alloc(0);

/** Thrown inside a write to undo it: the stream is gone (undefined) or a shard was closed ("closed"). */
class Undo {
  readonly answer: undefined | "closed";
  constructor(answer: undefined | "closed") {
    this.answer = answer;
  }
}

function prepare(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    byName: p("SELECT * FROM kinesis_streams WHERE account = ? AND region = ? AND name = ?"),
    byId: p("SELECT * FROM kinesis_streams WHERE id = ?"),
    list: p("SELECT * FROM kinesis_streams WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?"),
    usage: p(USAGE_SQL(() => "?")),
    insertStream: p(`INSERT INTO kinesis_streams (account, region, name, shard_count, created_at, ${SETTINGS_COLUMNS.join(", ")}) VALUES (?, ?, ?, ?, ?, ${SETTINGS_COLUMNS.map(() => "?").join(", ")})`),
    updateSettings: p(`UPDATE kinesis_streams SET shard_count = ?, ${SETTINGS_COLUMNS.map((c) => `${c} = ?`).join(", ")} WHERE id = ?`),
    insertShard: p("INSERT INTO kinesis_shards (stream_id, shard_index, start_hash_key, end_hash_key, parent_index, adjacent_parent_index, opened_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
    closeShard: p("UPDATE kinesis_shards SET closed_at = ? WHERE stream_id = ? AND shard_index = ? AND closed_at IS NULL"),
    deleteRecords: p("DELETE FROM kinesis_records WHERE stream_id = ?"),
    deleteStream: p("DELETE FROM kinesis_streams WHERE id = ?"),
    deletePolicies: p("DELETE FROM kinesis_policies WHERE stream_id = ?"),
    shards: p(`SELECT ${SHARD_COLUMNS} FROM kinesis_shards WHERE stream_id = ? ORDER BY shard_index`),
    bump: p("UPDATE kinesis_shards SET last_counter = last_counter + ? WHERE stream_id = ? AND shard_index = ? AND closed_at IS NULL RETURNING last_counter").pluck(),
    insertRecord: p("INSERT INTO kinesis_records (stream_id, shard_index, counter, partition_key, data, arrived_at) VALUES (?, ?, ?, ?, ?, ?)"),
    read: p("SELECT counter, partition_key, data, arrived_at FROM kinesis_records WHERE stream_id = ? AND shard_index = ? AND counter > ? ORDER BY counter LIMIT ?").raw(),
    // GetRecords' batch (ADR 0033). Materialising a row costs more in JS than SQLite spends finding it, and a Buffer
    // per blob most of all, so a read that fits the byte budget (readSize says so first, reading no blob: length() of
    // a blob is its header's) is one row of aggregates: each column as a JSON array and all the data as one blob.
    // group_concat appends each blob's bytes as they are (sqlite3_value_text of a blob in a UTF-8 database is its
    // bytes, sqlite3_value_bytes its length) and CAST … AS BLOB keeps them: binary-safe, NUL bytes included (tested).
    // The aggregates of one SELECT see the rows in one order, so the columns agree; the order is the subquery's
    // (checked in readBatch).
    readSize: p("SELECT count(*), sum(length(data)) FROM (SELECT data FROM kinesis_records WHERE stream_id = ? AND shard_index = ? AND counter > ? ORDER BY counter LIMIT ?)").raw(),
    readAll: p(
      "SELECT json_group_array(counter), json_group_array(partition_key), json_group_array(arrived_at), json_group_array(length(data)), CAST(group_concat(data, '') AS BLOB) " +
        "FROM (SELECT counter, partition_key, arrived_at, data FROM kinesis_records WHERE stream_id = ? AND shard_index = ? AND counter > ? ORDER BY counter LIMIT ?)",
    ).raw(),
    // A read cut by the byte budget: the rows without their data, then the data of the rows kept in one blob.
    readMeta: p("SELECT counter, partition_key, arrived_at, length(data) FROM kinesis_records WHERE stream_id = ? AND shard_index = ? AND counter > ? ORDER BY counter LIMIT ?").raw(),
    readData: p("SELECT CAST(group_concat(data, '' ORDER BY counter) AS BLOB) FROM kinesis_records WHERE stream_id = ? AND shard_index = ? AND counter > ? AND counter <= ?").pluck(),
    before: p("SELECT COALESCE(MAX(counter), 0) FROM kinesis_records WHERE stream_id = ? AND shard_index = ? AND arrived_at < ?").pluck(),
    nextStatus: p("SELECT MIN(status_until) FROM kinesis_streams WHERE status_until IS NOT NULL").pluck(),
    finishStatus: p("UPDATE kinesis_streams SET status = 'ACTIVE', status_until = NULL WHERE status_until IS NOT NULL AND status_until <= ?"),
    retention: p("SELECT id, retention_hours FROM kinesis_streams"),
    shardIndexes: p("SELECT shard_index FROM kinesis_shards WHERE stream_id = ?").pluck(),
    // The expired prefix of a shard's log, a batch at a time: up to the newest expired record among its oldest `batch`.
    trimRecords: p(
      "DELETE FROM kinesis_records WHERE stream_id = ? AND shard_index = ? AND counter <= (SELECT MAX(counter) FROM " +
        "(SELECT counter, arrived_at FROM kinesis_records WHERE stream_id = ? AND shard_index = ? ORDER BY counter LIMIT ?) WHERE arrived_at < ?)",
    ),
    oldest: p("SELECT arrived_at FROM kinesis_records WHERE stream_id = ? AND shard_index = ? ORDER BY counter LIMIT 1").pluck(),
    expiredShards: p("SELECT shard_index FROM kinesis_shards WHERE stream_id = ? AND closed_at IS NOT NULL AND closed_at < ?").pluck(),
    deleteShardRecords: p("DELETE FROM kinesis_records WHERE stream_id = ? AND shard_index = ?"),
    deleteShard: p("DELETE FROM kinesis_shards WHERE stream_id = ? AND shard_index = ?"),
    getPolicy: p("SELECT policy FROM kinesis_policies WHERE resource_arn = ?").pluck(),
    putPolicy: p("INSERT INTO kinesis_policies (resource_arn, stream_id, policy) VALUES (?, ?, ?) ON CONFLICT (resource_arn) DO UPDATE SET policy = excluded.policy, stream_id = excluded.stream_id"),
    deletePolicy: p("DELETE FROM kinesis_policies WHERE resource_arn = ?"),
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

  createStream(st: Omit<StreamRecord, "id" | "shardCount">, shards: { startHashKey: string; endHashKey: string }[], quota: AccountQuota): Promise<StreamRecord | "exists" | "quota" | "onDemandQuota"> {
    return this.sql.write(() => {
      if (this.s.byName.get(st.account, st.region, st.name)) return "exists" as const;
      const usage = this.usageOf(st.account, st.region);
      if (usage.openShards + shards.length > quota.shards) return "quota" as const;
      if (st.mode === "ON_DEMAND" && usage.onDemandStreams + 1 > quota.onDemandStreams) return "onDemandQuota" as const;
      const id = Number(this.s.insertStream.run(st.account, st.region, st.name, shards.length, st.createdAt, ...settingsValues(st)).lastInsertRowid);
      shards.forEach((sh, i) => this.s.insertShard.run(id, i, sh.startHashKey, sh.endHashKey, null, null, st.createdAt, null));
      return { ...st, keyId: st.keyId, statusUntil: st.statusUntil, id, shardCount: shards.length };
    });
  }

  private usageOf(account: string, region: string): AccountUsage {
    return toUsage(this.s.usage.get(account, region) as { shards: number; on_demand: number });
  }

  async usage(account: string, region: string): Promise<AccountUsage> {
    return this.usageOf(account, region);
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
      this.s.deletePolicies.run(id);
      return this.s.deleteStream.run(id).changes > 0;
    });
  }

  async shards(streamId: number): Promise<ShardRecord[]> {
    return (this.s.shards.all(streamId) as ShardRow[]).map(toShard);
  }

  changeStream(id: number, now: number, decide: (stream: StreamRecord, shards: ShardRecord[], usage: AccountUsage) => StreamChange): Promise<StreamRecord | undefined> {
    return this.sql.write(() => {
      const row = this.s.byId.get(id) as StreamRow | undefined;
      if (!row) return undefined;
      const stream = toStream(row);
      const shards = (this.s.shards.all(id) as ShardRow[]).map(toShard);
      const change = decide(stream, shards, this.usageOf(stream.account, stream.region));
      for (const index of change.close ?? []) this.s.closeShard.run(now, id, index);
      for (const n of change.add ?? []) {
        this.s.insertShard.run(id, n.index, n.startHashKey, n.endHashKey, n.parentIndex ?? null, n.adjacentParentIndex ?? null, now, n.closed ? now : null);
      }
      const open = (this.s.shards.all(id) as ShardRow[]).filter((s) => s.closed_at === null).length;
      const settings = { ...settingsOf(stream), ...change.settings };
      this.s.updateSettings.run(open, ...settingsValues(settings), id);
      return { ...stream, ...settings, shardCount: open };
    });
  }

  async append(streamId: number, records: NewRecord[], now: number): Promise<number[] | undefined | "closed"> {
    try {
      return await this.sql.write(() => {
        // Take each shard's counters once: count the records per shard, bump, then number them in order.
        const perShard = new Map<number, number>();
        for (const r of records) perShard.set(r.shardIndex, (perShard.get(r.shardIndex) ?? 0) + 1);
        const next = new Map<number, number>();
        for (const [shard, n] of perShard) {
          const last = this.s.bump.get(n, streamId, shard) as number | undefined;
          // The stream was deleted, or resharding closed the shard, since the caller looked: undo what was bumped.
          if (last === undefined) throw new Undo(this.s.byId.get(streamId) ? "closed" : undefined);
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
    } catch (e) {
      if (e instanceof Undo) return e.answer;
      throw e;
    }
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

  async readBatch(streamId: number, shardIndex: number, after: number, limit: number, maxBytes: number): Promise<RecordBatch> {
    // All statements run in this one synchronous step: no write of this process commits in between.
    const [count, size] = this.s.readSize.get(streamId, shardIndex, after, limit) as [number, number | null];
    if (count === 0) return { length: 0, counters: [], partitionKeys: [], arrivedAt: [], offsets: [0], data: EMPTY };
    if ((size ?? 0) <= maxBytes) {
      const [c, k, a, l, blob] = this.s.readAll.get(streamId, shardIndex, after, limit) as [string, string, string, string, Buffer | null];
      const counters = JSON.parse(c) as number[];
      const lengths = JSON.parse(l) as number[];
      const offsets = new Array<number>(lengths.length + 1);
      offsets[0] = 0;
      let ordered = counters[0] > after;
      for (let i = 0; i < lengths.length; i++) {
        offsets[i + 1] = offsets[i] + lengths[i];
        if (i > 0 && counters[i] <= counters[i - 1]) ordered = false;
      }
      const data = blob ?? EMPTY;
      // SQL leaves an aggregate's input order to the engine; SQLite feeds the ordered subquery's rows in order, and a
      // read that ever came otherwise takes the path below, whose order is the statement's own.
      if (ordered && counters.length === count && data.length === offsets[lengths.length]) {
        return { length: counters.length, counters, partitionKeys: JSON.parse(k) as string[], arrivedAt: JSON.parse(a) as number[], offsets, data };
      }
    }
    return this.readCut(streamId, shardIndex, after, limit, maxBytes);
  }

  /** readBatch over the byte budget: the rows' lengths first, then the data of those within it. */
  private readCut(streamId: number, shardIndex: number, after: number, limit: number, maxBytes: number): RecordBatch {
    const rows = this.s.readMeta.all(streamId, shardIndex, after, limit) as [number, string, number, number][];
    const counters: number[] = [];
    const partitionKeys: string[] = [];
    const arrivedAt: number[] = [];
    const offsets: number[] = [0];
    let bytes = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (i > 0 && bytes + r[3] > maxBytes) break;
      bytes += r[3];
      counters.push(r[0]);
      partitionKeys.push(r[1]);
      arrivedAt.push(r[2]);
      offsets.push(bytes);
    }
    const n = counters.length;
    const data = n === 0 || bytes === 0 ? EMPTY : (this.s.readData.get(streamId, shardIndex, after, counters[n - 1]) as Buffer | null) ?? EMPTY;
    if (data.length !== bytes) throw new Error(`kinesis readBatch: ${data.length} bytes of data for rows of ${bytes}`);
    return { length: n, counters, partitionKeys, arrivedAt, offsets, data };
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

  async counterBefore(streamId: number, shardIndex: number, time: number): Promise<number> {
    return this.s.before.get(streamId, shardIndex, time) as number;
  }

  async nextStatusChange(): Promise<number | undefined> {
    return (this.s.nextStatus.get() as number | null) ?? undefined;
  }

  finishStatusChanges(now: number): Promise<number> {
    return this.sql.write(() => this.s.finishStatus.run(now).changes);
  }

  async trim(now: number, batch: number): Promise<number> {
    let deleted = 0;
    for (const st of this.s.retention.all() as { id: number; retention_hours: number }[]) {
      const cutoff = now - st.retention_hours * 3_600_000;
      for (const shard of this.s.shardIndexes.all(st.id) as number[]) {
        // A read first: most passes find nothing expired and write nothing.
        const oldest = this.s.oldest.get(st.id, shard) as number | undefined;
        if (oldest === undefined || oldest >= cutoff) continue;
        for (;;) {
          const n = await this.sql.write(() => this.s.trimRecords.run(st.id, shard, st.id, shard, batch, cutoff).changes);
          deleted += n;
          if (n < batch) break;
        }
      }
      // A closed shard whose close is past retention holds no readable record any more: it goes (AWS: EXPIRED).
      const expired = this.s.expiredShards.all(st.id, cutoff) as number[];
      if (expired.length > 0) {
        await this.sql.write(() => {
          for (const shard of expired) {
            deleted += this.s.deleteShardRecords.run(st.id, shard).changes;
            this.s.deleteShard.run(st.id, shard);
          }
        });
      }
    }
    return deleted;
  }

  async getPolicy(resourceArn: string): Promise<string | undefined> {
    return (this.s.getPolicy.get(resourceArn) as string | undefined) ?? undefined;
  }

  putPolicy(streamId: number, resourceArn: string, policy: string): Promise<boolean> {
    return this.sql.write(() => {
      if (!this.s.byId.get(streamId)) return false;
      this.s.putPolicy.run(resourceArn, streamId, policy);
      return true;
    });
  }

  deletePolicy(resourceArn: string): Promise<boolean> {
    return this.sql.write(() => this.s.deletePolicy.run(resourceArn).changes > 0);
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
