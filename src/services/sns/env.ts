// What SNS operations share: storage (SNS and the SQS store for queue deliveries), clock, wake-ups, and the
// lookups every operation starts with (topic from TopicArn, subscription from SubscriptionArn).
import type { Clock } from "../../engine/clock.ts";
import type { KeyedLock } from "../../engine/keyed-lock.ts";
import type { Notifier } from "../../engine/notify.ts";
import type { QueueKey, SqsStore } from "../sqs/index.ts";
import type { RequestContext } from "../types.ts";
import { checkTopicRegion, malformedArn, parseSubscriptionArn, parseTopicArn, topicArn } from "./domain/arns.ts";
import { checkTopicAccess, notAuthorized } from "./access.ts";
import { invalidParameter, subscriptionNotFound, topicNotFound } from "./errors.ts";
import type { SnsStore, SubscriptionRecord, TopicRecord } from "./store.ts";
import type { SnsMetrics } from "./metrics.ts";

export interface SnsEnv {
  store: SnsStore;
  sqs: SqsStore;
  clock: Clock;
  notifier: Notifier;
  /** Called after outbox rows were committed, so the HTTP deliverer looks for due work. */
  outboxChanged?: () => void;
  /** The shared message signer (replays sign with it too). */
  signer?: import("./signer.ts").Signer;
  /** Serialises publishes per FIFO topic message group on this node (group order into FIFO queues). */
  publishOrder?: KeyedLock;
  /** SNS's counters (metrics.ts); absent where no server runs. */
  metrics?: SnsMetrics;
  /** SQS's NumberOfMessagesSent for the copies a publish added to queues (SqsApi.countSent). */
  countSent?: (queue: QueueKey, n: number) => void;
}

export function arnOfTopic(t: TopicRecord): string {
  return topicArn(t.region, t.account, t.name);
}

/**
 * The topic a TopicArn names: InvalidParameter when malformed, NotFound when missing, AuthorizationError when
 * the caller is another account the topic policy does not allow ctx.operation (src/services/sns/access.ts).
 * `keys`: the request's service-specific condition keys (Subscribe's sns:Protocol and sns:Endpoint).
 */
export async function resolveTopic(
  env: SnsEnv, ctx: RequestContext, arn: unknown, member = "TopicArn", keys?: Record<string, string>,
): Promise<TopicRecord> {
  if (typeof arn !== "string") throw invalidParameter(member);
  const p = parseTopicArn(arn);
  if (!p) throw malformedArn(member, arn);
  checkTopicRegion(p.region, ctx.region, member);
  const t = await env.store.getTopic(p);
  const operation = ctx.operation ?? "";
  // Another account learns nothing about a topic it may not use: a missing one is refused like a denied one.
  if (!t) throw p.account === ctx.accountId ? topicNotFound() : notAuthorized(ctx, `SNS:${operation}`, arn);
  // ConfirmSubscription is authorized by its token, whoever calls it (the subscriber of another account confirms).
  if (operation !== "ConfirmSubscription") checkTopicAccess(ctx, operation, arn, t.account, t.attributes.Policy, keys);
  return t;
}

/**
 * The subscription a SubscriptionArn names. Its topic's account and the subscription's owner (who may be
 * another account) may use it (Unsubscribe API reference: "only the owner of the subscription or the topic's
 * owner can unsubscribe"); anyone else gets AuthorizationError.
 */
export async function resolveSubscription(env: SnsEnv, ctx: RequestContext, arn: unknown): Promise<SubscriptionRecord> {
  // Wording for a missing, short or id-less ARN as recorded in LocalStack's test_unsubscribe_wrong_arn_format snapshot.
  if (typeof arn !== "string" || arn === "") throw invalidParameter("SubscriptionArn Reason: no value for required parameter");
  const p = parseSubscriptionArn(arn);
  if (!p) throw arn.split(":").length === 6 && parseTopicArn(arn) ? invalidParameter("SubscriptionId") : malformedArn("SubscriptionArn", arn);
  const s = await env.store.getSubscription(arn);
  const mine = p.account === ctx.accountId || s?.owner === ctx.accountId;
  if (!mine) throw notAuthorized(ctx, `SNS:${ctx.operation ?? ""}`, arn);
  if (!s) throw subscriptionNotFound();
  return s;
}

/** Opaque NextToken over a string cursor. */
export function encodeToken(cursor: string | number): string {
  return Buffer.from(String(cursor), "utf8").toString("base64url");
}

export function decodeToken(token: unknown): string {
  if (token === undefined || token === "") return "";
  const s = Buffer.from(String(token), "base64url").toString("utf8");
  if (encodeToken(s) !== token) throw invalidParameter("NextToken");
  return s;
}
