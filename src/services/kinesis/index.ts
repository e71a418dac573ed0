// The Kinesis module: its stores per backend and what it starts (the wire definition). No scheduled work yet:
// streams are ACTIVE when CreateStream returns and records are kept until the stream is deleted (ADR 0016);
// SubscribeToShard's subscriptions (jobs/subscriptions.ts) are woken by appends through the notifier (ADR 0021).
// Other services import Kinesis only from this file.
import { PgKinesisStore } from "../../storage/postgres/kinesis-store.ts";
import { SqliteKinesisStore } from "../../storage/sqlite/kinesis-store.ts";
import { defineService } from "../module.ts";
import type { KinesisEnv } from "./env.ts";
import { createKinesisService, PENDING_OPERATIONS } from "./service.ts";
import type { KinesisStore } from "./store.ts";

export { createKinesisService, PENDING_OPERATIONS } from "./service.ts";
export type { KinesisStore } from "./store.ts";

export const kinesisModule = defineService<KinesisStore, undefined>({
  name: "kinesis",
  docs: {
    title: "Kinesis Data Streams",
    note: "First increment: streams, shards, PutRecord(s), GetShardIterator and GetRecords; streams are ACTIVE at once. Enhanced fan-out: consumers and SubscribeToShard event streams (ADR 0021).",
    pending: PENDING_OPERATIONS,
    definition: () => createKinesisService({} as KinesisEnv),
  },
  stores: {
    sqlite: (db) => new SqliteKinesisStore(db),
    postgres: (db) => new PgKinesisStore(db),
  },
  start(ctx, store) {
    return { definition: createKinesisService({ store, clock: ctx.clock, notifier: ctx.notifier }) };
  },
});
