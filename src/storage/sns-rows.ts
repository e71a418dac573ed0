// Row shapes of the SNS tables and their mapping to domain records, shared by the SQL adapters (the SQLite and
// PostgreSQL schemas use the same column names). Attribute maps are stored as JSON text.
import type { NewOutboxItem } from "../delivery/store.ts";
import { SNS_HTTP_KIND } from "../services/sns/store.ts";
import type {
  ArchivedMessage, OutboxItem, PlatformApplication, PlatformEndpoint, ReplayRecord, ReplayStatus, SinkRow, SubscriptionRecord, TopicRecord,
} from "../services/sns/store.ts";

export interface TopicRow {
  id: number; account: string; region: string; name: string; attributes: string; tags: string;
  subscriptions_deleted: number; created_at: number;
}
export interface SubscriptionRow {
  id: number; arn: string; topic_id: number; owner: string; protocol: string; endpoint: string; attributes: string;
  confirmed: number | boolean; token: string | null; created_at: number;
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

/** SNS's HTTP/S work as a delivery-engine outbox row: kind sns.http, the subscription as target (services/sns/deliverer.ts). */
export function snsOutboxItem(o: OutboxItem): NewOutboxItem {
  return { kind: SNS_HTTP_KIND, target: o.subscriptionArn, detail: o.kind, payload: o.payload, dueAt: o.dueAt };
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

export interface ArchiveRow { id: number; published_at: number; message: string }

export function toArchived(r: ArchiveRow): ArchivedMessage {
  return { id: r.id, publishedAt: r.published_at, message: r.message };
}

export interface ReplayRow {
  subscription_arn: string; replay_id: string; base_url: string; topic_id: number; starting_at: number; ending_at: number | null;
  after_published_at: number; after_id: number; status: string; created_at: number;
}

export const REPLAY_COLS = "subscription_arn, replay_id, base_url, topic_id, starting_at, ending_at, after_published_at, after_id, status, created_at";

/** Starts or replaces a subscription's replay ($1 arn, $2 replay id, $3 base URL, $4 topic, $5 start, $6 end, $7 now); both dialects. */
export const REPLAY_UPSERT = (p: (n: number) => string) =>
  `INSERT INTO sns_replays (subscription_arn, replay_id, base_url, topic_id, starting_at, ending_at, after_published_at, after_id, status, created_at)
   VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, 0, 0, 'Pending', ${p(7)})
   ON CONFLICT (subscription_arn) DO UPDATE SET replay_id = excluded.replay_id, base_url = excluded.base_url, topic_id = excluded.topic_id,
   starting_at = excluded.starting_at, ending_at = excluded.ending_at, after_published_at = 0, after_id = 0,
   status = 'Pending', created_at = excluded.created_at`;

/** A replay step's progress ($1 published_at, $2 id, $3 status, $4 arn, $5 replay id); no row when it was replaced. */
export const REPLAY_ADVANCE = (p: (n: number) => string) =>
  `UPDATE sns_replays SET after_published_at = ${p(1)}, after_id = ${p(2)}, status = ${p(3)}
   WHERE subscription_arn = ${p(4)} AND replay_id = ${p(5)}`;

export function toReplay(r: ReplayRow): ReplayRecord {
  const out: ReplayRecord = {
    subscriptionArn: r.subscription_arn, replayId: r.replay_id, baseUrl: r.base_url, topicId: r.topic_id, startingAt: r.starting_at,
    after: { publishedAt: r.after_published_at, id: r.after_id }, status: r.status as ReplayStatus, createdAt: r.created_at,
  };
  if (r.ending_at !== null) out.endingAt = r.ending_at;
  return out;
}
