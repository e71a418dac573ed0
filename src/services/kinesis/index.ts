// The Kinesis module: its stores per backend and what it starts (the wire definition, the status job that makes
// CREATING/UPDATING streams ACTIVE after the configured delay, and the retention trim); SubscribeToShard's
// subscriptions (jobs/subscriptions.ts) are woken by appends through the notifier (ADR 0021). Other services import
// Kinesis only from this file.
import { PgKinesisStore } from "../../storage/postgres/kinesis-store.ts";
import { SqliteKinesisStore } from "../../storage/sqlite/kinesis-store.ts";
import { defineService } from "../module.ts";
import { serviceCall, type ServiceCall } from "../operations.ts";
import { CallRates, ShardThroughput } from "./domain/throughput.ts";
import type { KinesisEnv } from "./env.ts";
import { scheduleRetentionTrim } from "./jobs/retention.ts";
import { scheduleStatusChanges } from "./jobs/status.ts";
import { createKinesisService, PENDING_OPERATIONS } from "./service.ts";
import type { KinesisStore } from "./store.ts";
import { streamResources } from "./resources.ts";
import { kinesisMetrics } from "./metrics.ts";

export { createKinesisService, PENDING_OPERATIONS } from "./service.ts";
export type { KinesisStore } from "./store.ts";
export { childShardsOf, type ChildShard } from "./domain/resharding.ts";

/** What other services may use of Kinesis at run time: its operations called in-process (Step Functions tasks). */
export interface KinesisApi {
  call: ServiceCall;
}

export const kinesisModule = defineService<KinesisStore, KinesisApi>({
  name: "kinesis",
  docs: {
    title: "Kinesis Data Streams",
    note: "Streams, shards, records, resharding (split, merge, uniform scaling, capacity modes), retention trimmed by the scheduler, encryption and metrics settings, tags and resource policies, enhanced fan-out (consumers, SubscribeToShard event streams); CREATING/UPDATING last `--kinesis-status-delay` ms (0 by default); per-shard throughput limits with `--kinesis-throughput-limits`.",
    pending: PENDING_OPERATIONS,
    definition: () => createKinesisService({} as KinesisEnv),
  },
  // What operators may declare at start (--config, startMailroom({ resources }); ADR 0024).
  resources: [streamResources],
  stores: {
    sqlite: (db) => new SqliteKinesisStore(db),
    postgres: (db) => new PgKinesisStore(db),
  },
  start(ctx, store) {
    const status = scheduleStatusChanges(ctx.scheduler, store, ctx.log, ctx.shared);
    scheduleRetentionTrim(ctx.scheduler, store, ctx.clock, ctx.log);
    const env: KinesisEnv = {
      store, clock: ctx.clock, statusDelayMs: ctx.options.kinesisStatusDelayMs,
      limits: ctx.options.kinesisThroughputLimits ? new ShardThroughput(ctx.clock) : undefined,
      rates: ctx.options.kinesisThroughputLimits ? new CallRates(ctx.clock) : undefined,
      statusChanged: () => status.wake(),
      notifier: ctx.notifier,
      metrics: kinesisMetrics(ctx.metrics),
    };
    const definition = createKinesisService(env);
    return { definition, api: { call: serviceCall(definition) } };
  },
});
