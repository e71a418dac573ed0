// The CloudWatch module: metrics (PutMetricData, GetMetricData with metric math, GetMetricStatistics, ListMetrics)
// and metric alarms evaluated by the scheduler, whose state changes publish to SNS topics through the delivery
// engine's sns.topic kind (outbox rows written with the state). The server's own series (src/metrics/) become the
// AWS/SQS, AWS/SNS, AWS/Events, AWS/Kinesis and AWS/States namespaces at one-minute resolution (jobs/minute.ts).
// Other services import it only from here.
import { PgCloudWatchStore } from "../../storage/postgres/cloudwatch-store.ts";
import { SqliteCloudWatchStore } from "../../storage/sqlite/cloudwatch-store.ts";
import type { SqliteSqsStore } from "../../storage/sqlite/sqs-store.ts";
import { defineService } from "../module.ts";
import { SNS_TOPIC_KIND, type TopicPublishPayload } from "../sns/index.ts";
import { scheduleMinute } from "./jobs/minute.ts";
import type { AlarmEnv } from "./operations/alarms.ts";
import { createCloudWatchService, PENDING_OPERATIONS } from "./service.ts";
import type { CloudWatchStore } from "./store.ts";

export { createCloudWatchService, PENDING_OPERATIONS } from "./service.ts";
export type { CloudWatchStore } from "./store.ts";

export const cloudwatchModule = defineService<CloudWatchStore, undefined>({
  name: "cloudwatch",
  docs: {
    title: "CloudWatch",
    note: "Metrics (custom, and AWS/SQS, AWS/SNS, AWS/Events, AWS/Kinesis and AWS/States at one-minute resolution), metric math, metric alarms with SNS actions; no dashboards, composite or anomaly alarms, insights or streams.",
    pending: PENDING_OPERATIONS,
    definition: () => createCloudWatchService({} as AlarmEnv),
  },
  stores: {
    sqlite: (db, stores) => new SqliteCloudWatchStore(db, stores<SqliteSqsStore>("sqs")),
    postgres: (db) => new PgCloudWatchStore(db),
  },
  start(ctx, store) {
    const env: AlarmEnv = {
      store, clock: ctx.clock, retentionMs: ctx.options.metricsRetentionDays * 86_400_000, outboxChanged: ctx.delivery.wake,
      settleMs: ctx.shared ? 60_000 : 0,
      topics: { kind: SNS_TOPIC_KIND, payload: (p) => JSON.stringify(p satisfies TopicPublishPayload) },
    };
    scheduleMinute(ctx.scheduler, env, ctx.metrics, ctx.log);
    return { definition: createCloudWatchService(env) };
  },
});
