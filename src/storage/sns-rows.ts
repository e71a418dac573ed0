// Row shapes of the SNS tables and their mapping to domain records, shared by the SQL adapters (the SQLite and
// PostgreSQL schemas use the same column names). Attribute maps are stored as JSON text.
import type { OutboxRow, PlatformApplication, PlatformEndpoint, SinkRow, SubscriptionRecord, TopicRecord } from "../services/sns/store.ts";

export interface TopicRow {
  id: number; account: string; region: string; name: string; attributes: string; tags: string;
  subscriptions_deleted: number; created_at: number;
}
export interface SubscriptionRow {
  id: number; arn: string; topic_id: number; owner: string; protocol: string; endpoint: string; attributes: string;
  confirmed: number | boolean; token: string | null; created_at: number;
}
export interface OutboxDbRow {
  id: number; subscription_arn: string; kind: string; payload: string; attempts: number; due_at: number; created_at: number;
}
/** A subscription removed by Unsubscribe, restorable by its token (sns_unsubscribed). */
export interface UnsubscribedRow {
  token: string; topic_id: number; arn: string; owner: string; protocol: string; endpoint: string; attributes: string; expires_at: number;
}
export interface SinkDbRow {
  id: number; sink: string; account: string; region: string; target: string; payload: string; created_at: number;
}

export const TOPIC_COLS = "id, account, region, name, attributes, tags, subscriptions_deleted, created_at";
export const SUB_COLS = "id, arn, topic_id, owner, protocol, endpoint, attributes, confirmed, token, created_at";

export function toTopic(r: TopicRow): TopicRecord {
  return {
    id: r.id, account: r.account, region: r.region, name: r.name, attributes: JSON.parse(r.attributes),
    tags: JSON.parse(r.tags), subscriptionsDeleted: r.subscriptions_deleted, createdAt: r.created_at,
  };
}

export function toSubscription(r: SubscriptionRow): SubscriptionRecord {
  const s: SubscriptionRecord = {
    id: r.id, arn: r.arn, topicId: r.topic_id, owner: r.owner, protocol: r.protocol, endpoint: r.endpoint,
    attributes: JSON.parse(r.attributes), confirmed: Boolean(r.confirmed), createdAt: r.created_at,
  };
  if (r.token) s.token = r.token;
  return s;
}

export function toOutbox(r: OutboxDbRow): OutboxRow {
  return {
    id: r.id, subscriptionArn: r.subscription_arn, kind: r.kind, payload: r.payload, attempts: r.attempts,
    dueAt: r.due_at, createdAt: r.created_at,
  };
}

export function toSink(r: SinkDbRow): SinkRow {
  return { id: r.id, sink: r.sink, account: r.account, region: r.region, target: r.target, payload: r.payload, createdAt: r.created_at };
}

export function toApplication(r: { arn: string; account: string; region: string; name: string; platform: string; attributes: string }): PlatformApplication {
  return { arn: r.arn, account: r.account, region: r.region, name: r.name, platform: r.platform, attributes: JSON.parse(r.attributes) };
}

export function toEndpoint(r: { arn: string; application_arn: string; token: string; attributes: string }): PlatformEndpoint {
  return { arn: r.arn, applicationArn: r.application_arn, token: r.token, attributes: JSON.parse(r.attributes) };
}
