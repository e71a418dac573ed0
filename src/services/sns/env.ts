// What SNS operations share: storage (SNS and the SQS store for queue deliveries), clock, wake-ups, and the
// lookups every operation starts with (topic from TopicArn, subscription from SubscriptionArn).
import type { Clock } from "../../engine/clock.ts";
import type { KeyedLock } from "../../engine/keyed-lock.ts";
import type { Notifier } from "../../engine/notify.ts";
import type { SqsStore } from "../sqs/store.ts";
import type { RequestContext } from "../types.ts";
import { parseSubscriptionArn, parseTopicArn, topicArn } from "./domain/arns.ts";
import { authorizationError, invalidParameter, subscriptionNotFound, topicNotFound } from "./errors.ts";
import type { SnsStore, SubscriptionRecord, TopicRecord } from "./store.ts";

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
}

export function arnOfTopic(t: TopicRecord): string {
  return topicArn(t.region, t.account, t.name);
}

/** The topic a TopicArn names: InvalidParameter when malformed, AuthorizationError for another account, NotFound when missing. */
export async function resolveTopic(env: SnsEnv, ctx: RequestContext, arn: unknown, member = "TopicArn"): Promise<TopicRecord> {
  if (typeof arn !== "string" || arn === "") throw invalidParameter(member);
  const p = parseTopicArn(arn);
  if (!p) throw invalidParameter(member);
  // Cross-account access needs topic policies to be enforced, which this version does not do.
  if (p.account !== ctx.accountId) throw authorizationError(`User: ${ctx.accessKeyId} is not authorized to access ${arn}`);
  const t = await env.store.getTopic(p);
  if (!t) throw topicNotFound();
  return t;
}

export async function resolveSubscription(env: SnsEnv, ctx: RequestContext, arn: unknown): Promise<SubscriptionRecord> {
  if (typeof arn !== "string" || arn === "") throw invalidParameter("SubscriptionArn");
  const p = parseSubscriptionArn(arn);
  if (!p) throw invalidParameter("SubscriptionArn");
  if (p.account !== ctx.accountId) throw authorizationError(`User: ${ctx.accessKeyId} is not authorized to access ${arn}`);
  const s = await env.store.getSubscription(arn);
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
