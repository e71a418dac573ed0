// The SNS module: its stores per backend and what it starts (wire definition, its destination kinds on the delivery
// engine — HTTP/S subscriptions and publishes to a topic —, sweeps and replays, the certificate and sink routes).
// It uses SQS through SQS's api. Other services import SNS only from this file.
import { PgSnsStore } from "../../storage/postgres/sns-store.ts";
import { SqliteSnsStore } from "../../storage/sqlite/sns-store.ts";
import type { SqliteSqsStore } from "../../storage/sqlite/sqs-store.ts";
import { defineService } from "../module.ts";
import { serviceCall, type ServiceCall } from "../operations.ts";
import type { SqsApi } from "../sqs/index.ts";
import { SNS_HTTP_KIND, SNS_TOPIC_KIND, snsHttpDestination, snsTopicDestination } from "./jobs/deliverer.ts";
import type { SnsEnv } from "./env.ts";
import { createSnsService, PENDING_OPERATIONS } from "./service.ts";
import { scheduleReplays } from "./jobs/replayer.ts";
import { snsRoutes } from "./routes.ts";
import { createSigner } from "./signer.ts";
import type { SnsStore } from "./store.ts";
import { snsMetrics } from "./metrics.ts";

export { createSnsService, PENDING_OPERATIONS } from "./service.ts";
/** Publishing to a topic from outside a request (CloudWatch alarm actions): the delivery engine's kind and payload. */
export { SNS_TOPIC_KIND } from "./jobs/deliverer.ts";
export type { TopicPublishPayload } from "./jobs/deliverer.ts";
import { scheduleSnsSweeps } from "./jobs/sweeps.ts";
import { planTopicPublish, type TopicPublishPlan } from "./operations/publish.ts";
import type { PublishWrite } from "./store.ts";
import { topicResources } from "./resources.ts";

/** A planned publish's writes, committed by another service in its own transaction (SNS adapters' publishInTransaction). */
export type TopicPublishWrite = Omit<PublishWrite, "replay" | "archive">;
export type { TopicPublishPlan };

/** What other services may use of SNS at run time (the module's api). */
export interface SnsApi {
  /** Plans a publish to a topic (EventBridge targets): undefined for a missing topic, "fifo" for a FIFO topic. */
  planTopicPublish(topicArn: string, message: string, baseUrl: string, now: number): Promise<TopicPublishPlan | "fifo" | undefined>;
  /** SNS's operations called in-process (Step Functions tasks). */
  call: ServiceCall;
}

export const snsModule = defineService<SnsStore, SnsApi>({
  name: "sns",
  docs: { title: "SNS", pending: PENDING_OPERATIONS, definition: () => createSnsService({} as SnsEnv) },
  // What operators may declare at start (--config, startMailroom({ resources }); ADR 0024).
  resources: [topicResources],
  stores: {
    sqlite: (db, stores) => new SqliteSnsStore(db, stores<SqliteSqsStore>("sqs")),
    postgres: (db) => new PgSnsStore(db),
  },
  start(ctx, store) {
    const { clock, notifier, log, scheduler, delivery } = ctx;
    const sqsApi = ctx.api<SqsApi>("sqs");
    const sqs = sqsApi.queues;
    const signer = createSigner(store);
    const metrics = snsMetrics(ctx.metrics);
    const env = { store, sqs, clock, notifier, outboxChanged: delivery.wake, signer, metrics, countSent: sqsApi.countSent };
    delivery.register(SNS_HTTP_KIND, snsHttpDestination({ store, signer, metrics }));
    delivery.register(SNS_TOPIC_KIND, snsTopicDestination(env, signer));
    scheduleSnsSweeps(scheduler, store, clock, log);
    scheduleReplays(scheduler, env, log);
    const definition = createSnsService(env, signer);
    return {
      definition,
      routes: [snsRoutes(store, signer)],
      api: { planTopicPublish: (arn, message, baseUrl, now) => planTopicPublish(env, signer, arn, message, baseUrl, now), call: serviceCall(definition) },
    };
  },
});
