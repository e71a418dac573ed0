// PostgreSQL adapter of the SNS storage port, safe for many nodes on one database: a publish writes its SQS
// messages, outbox rows and sink records in one transaction; delivery outbox rows (postgres/outbox.ts) are claimed with FOR UPDATE SKIP LOCKED.
import type {
  ArchiveCursor, DedupClaim, Farewell, NewReplay, NewSubscription, PlatformApplication, PlatformEndpoint, PublishWrite, ReplayStatus,
  SnsStore, TopicKey, TopicRecord,
} from "../../services/sns/store.ts";
import {
  type ArchiveRow, REPLAY_ADVANCE, REPLAY_COLS, REPLAY_UPSERT, type ReplayRow, type SinkDbRow, type SubscriptionRow, SUB_COLS,
  TOPIC_COLS, type TopicRow, type UnsubscribedRow, toApplication, toArchived, toEndpoint, snsOutboxItem, toReplay, toSink, toSubscription, toTopic,
} from "../sns-rows.ts";
import type { PgDb, Queryable } from "./db.ts";
import { enqueueInTransaction } from "./enqueue.ts";
import { addOutboxInTransaction } from "./outbox.ts";

type AppRow = Parameters<typeof toApplication>[0];

/** Writes a publish's deliveries on the caller's transaction client (EventBridge's SNS targets, in the PutEvents' transaction). */
export async function publishInTransaction(c: Queryable, w: Omit<PublishWrite, "replay">, now: number): Promise<void> {
  await enqueueInTransaction(c, w.queues, now);
  for (const o of w.outbox) {
    await addOutboxInTransaction(c, [snsOutboxItem(o)], now);
  }
  for (const k of w.sinks) {
    await c.query("INSERT INTO sns_sink_messages (sink, account, region, target, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6)", [k.sink, k.account, k.region, k.target, k.payload, now]);
  }
  for (const a of w.archive ?? []) {
    await c.query("INSERT INTO sns_archive (topic_id, published_at, message, expires_at) VALUES ($1, $2, $3, $4)", [a.topicId, now, a.message, a.expiresAt]);
  }
}
const REPLAY_UPSERT_PG = REPLAY_UPSERT((n) => `$${n}`);
const REPLAY_ADVANCE_PG = REPLAY_ADVANCE((n) => `$${n}`);
type EndpointRow = Parameters<typeof toEndpoint>[0];

export class PgSnsStore implements SnsStore {
  private readonly db: PgDb;

  constructor(db: PgDb) {
    this.db = db;
  }

  async createTopic(key: TopicKey, attributes: Record<string, string>, tags: Record<string, string>, now: number): Promise<{ topic: TopicRecord; created: boolean }> {
    const r = await this.db.query<TopicRow>(
      `INSERT INTO sns_topics (account, region, name, attributes, tags, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (account, region, name) DO NOTHING RETURNING ${TOPIC_COLS}`,
      [key.account, key.region, key.name, JSON.stringify(attributes), JSON.stringify(tags), now],
    );
    if (r.rows[0]) return { topic: toTopic(r.rows[0]), created: true };
    const existing = await this.getTopic(key);
    if (!existing) return this.createTopic(key, attributes, tags, now);
    return { topic: existing, created: false };
  }

  async getTopic(key: TopicKey) {
    const r = await this.db.query<TopicRow>(`SELECT ${TOPIC_COLS} FROM sns_topics WHERE account = $1 AND region = $2 AND name = $3`, [key.account, key.region, key.name]);
    return r.rows[0] && toTopic(r.rows[0]);
  }

  async listTopics(account: string, region: string, after: string, limit: number) {
    const r = await this.db.query<TopicRow>(
      `SELECT ${TOPIC_COLS} FROM sns_topics WHERE account = $1 AND region = $2 AND name > $3 ORDER BY name LIMIT $4`,
      [account, region, after, limit],
    );
    return r.rows.map(toTopic);
  }

  async deleteTopic(id: number) {
    await this.db.query("DELETE FROM sns_topics WHERE id = $1", [id]);
  }

  async setTopicAttributes(id: number, attributes: Record<string, string>) {
    await this.db.query("UPDATE sns_topics SET attributes = $1 WHERE id = $2", [JSON.stringify(attributes), id]);
  }

  async setTopicTags(id: number, tags: Record<string, string>) {
    await this.db.query("UPDATE sns_topics SET tags = $1 WHERE id = $2", [JSON.stringify(tags), id]);
  }

  async subscribe(topicId: number, sub: NewSubscription, now: number) {
    return this.db.tx(async (c) => {
      // Serialize subscribes of one topic so two identical ones do not both insert.
      await c.query("SELECT id FROM sns_topics WHERE id = $1 FOR UPDATE", [topicId]);
      const existing = await c.query<SubscriptionRow>(
        `SELECT ${SUB_COLS} FROM sns_subscriptions WHERE topic_id = $1 AND protocol = $2 AND endpoint = $3`,
        [topicId, sub.protocol, sub.endpoint],
      );
      if (existing.rows[0]) return { subscription: toSubscription(existing.rows[0]), created: false };
      const r = await c.query<SubscriptionRow>(
        `INSERT INTO sns_subscriptions (arn, topic_id, owner, protocol, endpoint, attributes, confirmed, token, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${SUB_COLS}`,
        [sub.arn, topicId, sub.owner, sub.protocol, sub.endpoint, JSON.stringify(sub.attributes), sub.confirmed, sub.token ?? null, now],
      );
      return { subscription: toSubscription(r.rows[0]), created: true };
    });
  }

  async getSubscription(arn: string) {
    const r = await this.db.query<SubscriptionRow>(`SELECT ${SUB_COLS} FROM sns_subscriptions WHERE arn = $1`, [arn]);
    return r.rows[0] && toSubscription(r.rows[0]);
  }

  async subscriptionByToken(token: string) {
    const r = await this.db.query<SubscriptionRow>(`SELECT ${SUB_COLS} FROM sns_subscriptions WHERE token = $1`, [token]);
    return r.rows[0] && toSubscription(r.rows[0]);
  }

  async confirmSubscription(arn: string) {
    await this.db.query("UPDATE sns_subscriptions SET confirmed = true, token = NULL WHERE arn = $1", [arn]);
  }

  async setSubscriptionAttributes(arn: string, attributes: Record<string, string>) {
    await this.db.query("UPDATE sns_subscriptions SET attributes = $1 WHERE arn = $2", [JSON.stringify(attributes), arn]);
  }

  async unsubscribe(arn: string, farewell?: Farewell) {
    if (!farewell) {
      const r = await this.db.query(
        `WITH d AS (DELETE FROM sns_subscriptions WHERE arn = $1 RETURNING topic_id)
         UPDATE sns_topics SET subscriptions_deleted = subscriptions_deleted + 1 WHERE id IN (SELECT topic_id FROM d) RETURNING id`,
        [arn],
      );
      return (r.rowCount ?? 0) > 0;
    }
    return this.db.tx(async (c) => {
      const d = await c.query<SubscriptionRow>(`DELETE FROM sns_subscriptions WHERE arn = $1 RETURNING ${SUB_COLS}`, [arn]);
      const r = d.rows[0];
      if (!r) return false;
      await c.query("UPDATE sns_topics SET subscriptions_deleted = subscriptions_deleted + 1 WHERE id = $1", [r.topic_id]);
      await c.query("DELETE FROM sns_unsubscribed WHERE expires_at <= $1", [farewell.now]);
      await c.query(
        `INSERT INTO sns_unsubscribed (token, topic_id, arn, owner, protocol, endpoint, attributes, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [farewell.token, r.topic_id, r.arn, r.owner, r.protocol, r.endpoint, r.attributes, farewell.expiresAt],
      );
      const o = farewell.outbox;
      await addOutboxInTransaction(c, [snsOutboxItem(o)], farewell.now);
      return true;
    });
  }

  async restoreSubscription(token: string, topicId: number, now: number) {
    return this.db.tx(async (c) => {
      await c.query("SELECT id FROM sns_topics WHERE id = $1 FOR UPDATE", [topicId]);
      const u = (await c.query<UnsubscribedRow>("DELETE FROM sns_unsubscribed WHERE token = $1 AND topic_id = $2 AND expires_at > $3 RETURNING *", [token, topicId, now])).rows[0];
      if (!u) return undefined;
      const existing = await c.query<SubscriptionRow>(
        `SELECT ${SUB_COLS} FROM sns_subscriptions WHERE topic_id = $1 AND protocol = $2 AND endpoint = $3`, [topicId, u.protocol, u.endpoint],
      );
      if (existing.rows[0]) return toSubscription(existing.rows[0]);
      const r = await c.query<SubscriptionRow>(
        `INSERT INTO sns_subscriptions (arn, topic_id, owner, protocol, endpoint, attributes, confirmed, token, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, true, NULL, $7) RETURNING ${SUB_COLS}`,
        [u.arn, topicId, u.owner, u.protocol, u.endpoint, u.attributes, now],
      );
      return toSubscription(r.rows[0]);
    });
  }

  async listSubscriptions(owner: string, region: string, after: number, limit: number) {
    const r = await this.db.query<SubscriptionRow>(
      `SELECT s.id, s.arn, s.topic_id, s.owner, s.protocol, s.endpoint, s.attributes, s.confirmed, s.token, s.created_at
       FROM sns_subscriptions s JOIN sns_topics t ON t.id = s.topic_id WHERE s.owner = $1 AND t.region = $2 AND s.id > $3 ORDER BY s.id LIMIT $4`,
      [owner, region, after, limit],
    );
    return r.rows.map(toSubscription);
  }

  async listSubscriptionsByTopic(topicId: number, after: number, limit: number) {
    const r = await this.db.query<SubscriptionRow>(
      `SELECT ${SUB_COLS} FROM sns_subscriptions WHERE topic_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [topicId, after, limit],
    );
    return r.rows.map(toSubscription);
  }

  async subscriptionCounts(topicId: number) {
    const r = await this.db.query<{ c: number; p: number }>(
      "SELECT count(*) FILTER (WHERE confirmed)::int AS c, count(*) FILTER (WHERE NOT confirmed)::int AS p FROM sns_subscriptions WHERE topic_id = $1",
      [topicId],
    );
    return { confirmed: r.rows[0]?.c ?? 0, pending: r.rows[0]?.p ?? 0 };
  }

  async publish(w: PublishWrite, now: number, dedup?: DedupClaim) {
    return this.db.tx(async (c) => {
      if (w.replay) {
        const r = w.replay;
        // A replay replaced (or its subscription deleted) since this step began writes nothing.
        const u = await c.query(REPLAY_ADVANCE_PG, [r.cursor.publishedAt, r.cursor.id, r.status, r.subscriptionArn, r.replayId]);
        if ((u.rowCount ?? 0) === 0) return { replaced: true };
      }
      if (dedup) {
        // A concurrent first publish of the same id makes this INSERT wait, then do nothing.
        const ins = await c.query(
          `INSERT INTO sns_dedup (topic_id, dedup_id, message_id, sequence_number, expires_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (topic_id, dedup_id) DO NOTHING`,
          [dedup.topicId, dedup.dedupId, dedup.messageId, dedup.sequenceNumber, dedup.expiresAt],
        );
        if ((ins.rowCount ?? 0) === 0) {
          const prior = await c.query<{ message_id: string; sequence_number: string; expires_at: number }>(
            "SELECT message_id, sequence_number, expires_at FROM sns_dedup WHERE topic_id = $1 AND dedup_id = $2 FOR UPDATE",
            [dedup.topicId, dedup.dedupId],
          );
          const p = prior.rows[0];
          if (p && p.expires_at > now) return { duplicateOf: { messageId: p.message_id, sequenceNumber: p.sequence_number } };
          await c.query(
            "UPDATE sns_dedup SET message_id = $3, sequence_number = $4, expires_at = $5 WHERE topic_id = $1 AND dedup_id = $2",
            [dedup.topicId, dedup.dedupId, dedup.messageId, dedup.sequenceNumber, dedup.expiresAt],
          );
        }
      }
      await publishInTransaction(c, w, now);
      return {};
    });
  }

  async nextSequence(topicId: number) {
    const r = await this.db.query<{ sequence: number }>("UPDATE sns_topics SET sequence = sequence + 1 WHERE id = $1 RETURNING sequence", [topicId]);
    return r.rows[0]?.sequence ?? 0;
  }

  async archivedPage(topicId: number, after: ArchiveCursor, from: number, to: number, limit: number) {
    const r = await this.db.query<ArchiveRow>(
      `SELECT id, published_at, message FROM sns_archive WHERE topic_id = $1 AND (published_at, id) > ($2, $3)
       AND published_at >= $4 AND published_at <= $5 ORDER BY published_at, id LIMIT $6`,
      [topicId, after.publishedAt, after.id, from, Number.isFinite(to) ? to : Number.MAX_SAFE_INTEGER, limit],
    );
    return r.rows.map(toArchived);
  }

  async sweepExpired(now: number) {
    const d = await this.db.query("DELETE FROM sns_dedup WHERE expires_at <= $1", [now]);
    const a = await this.db.query("DELETE FROM sns_archive WHERE expires_at <= $1", [now]);
    return { dedup: d.rowCount ?? 0, archive: a.rowCount ?? 0 };
  }

  async startReplay(r: NewReplay, now: number) {
    await this.db.query(REPLAY_UPSERT_PG, [r.subscriptionArn, r.replayId, r.baseUrl, r.topicId, r.startingAt, r.endingAt ?? null, now]);
  }

  async activeReplays(limit: number) {
    const r = await this.db.query<ReplayRow>(
      `SELECT ${REPLAY_COLS} FROM sns_replays WHERE status IN ('Pending', 'In progress') ORDER BY created_at LIMIT $1`, [limit],
    );
    return r.rows.map(toReplay);
  }

  async replayStatus(subscriptionArn: string) {
    const r = await this.db.query<{ status: ReplayStatus }>("SELECT status FROM sns_replays WHERE subscription_arn = $1", [subscriptionArn]);
    return r.rows[0]?.status;
  }

  async sinkMessages(sink: string, account?: string, region?: string) {
    const r = await this.db.query<SinkDbRow>(
      "SELECT * FROM sns_sink_messages WHERE sink = $1 AND ($2::text IS NULL OR account = $2) AND ($3::text IS NULL OR region = $3) ORDER BY id",
      [sink, account ?? null, region ?? null],
    );
    return r.rows.map(toSink);
  }

  async clearSink(sink: string) {
    await this.db.query("DELETE FROM sns_sink_messages WHERE sink = $1", [sink]);
  }

  async putPlatformApplication(a: PlatformApplication) {
    await this.db.query(
      `INSERT INTO sns_platform_applications (arn, account, region, name, platform, attributes) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (arn) DO UPDATE SET attributes = excluded.attributes`,
      [a.arn, a.account, a.region, a.name, a.platform, JSON.stringify(a.attributes)],
    );
  }

  async getPlatformApplication(arn: string) {
    const r = await this.db.query<AppRow>("SELECT * FROM sns_platform_applications WHERE arn = $1", [arn]);
    return r.rows[0] && toApplication(r.rows[0]);
  }

  async listPlatformApplications(account: string, region: string) {
    const r = await this.db.query<AppRow>("SELECT * FROM sns_platform_applications WHERE account = $1 AND region = $2 ORDER BY arn", [account, region]);
    return r.rows.map(toApplication);
  }

  async deletePlatformApplication(arn: string) {
    await this.db.query("DELETE FROM sns_platform_applications WHERE arn = $1", [arn]);
  }

  async putPlatformEndpoint(e: PlatformEndpoint) {
    await this.db.query(
      `INSERT INTO sns_platform_endpoints (arn, application_arn, token, attributes) VALUES ($1, $2, $3, $4)
       ON CONFLICT (arn) DO UPDATE SET token = excluded.token, attributes = excluded.attributes`,
      [e.arn, e.applicationArn, e.token, JSON.stringify(e.attributes)],
    );
  }

  async getPlatformEndpoint(arn: string) {
    const r = await this.db.query<EndpointRow>("SELECT * FROM sns_platform_endpoints WHERE arn = $1", [arn]);
    return r.rows[0] && toEndpoint(r.rows[0]);
  }

  async endpointByToken(applicationArn: string, token: string) {
    const r = await this.db.query<EndpointRow>("SELECT * FROM sns_platform_endpoints WHERE application_arn = $1 AND token = $2", [applicationArn, token]);
    return r.rows[0] && toEndpoint(r.rows[0]);
  }

  async listPlatformEndpoints(applicationArn: string) {
    const r = await this.db.query<EndpointRow>("SELECT * FROM sns_platform_endpoints WHERE application_arn = $1 ORDER BY arn", [applicationArn]);
    return r.rows.map(toEndpoint);
  }

  async deletePlatformEndpoint(arn: string) {
    await this.db.query("DELETE FROM sns_platform_endpoints WHERE arn = $1", [arn]);
  }

  async setTokenInvalid(applicationArn: string, token: string, invalid: boolean) {
    await this.db.query(
      invalid
        ? "INSERT INTO sns_invalid_tokens (application_arn, token) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        : "DELETE FROM sns_invalid_tokens WHERE application_arn = $1 AND token = $2",
      [applicationArn, token],
    );
  }

  async tokenInvalid(applicationArn: string, token: string) {
    const r = await this.db.query("SELECT 1 FROM sns_invalid_tokens WHERE application_arn = $1 AND token = $2", [applicationArn, token]);
    return (r.rowCount ?? 0) > 0;
  }

  async key(name: string, make: () => { privateKey: string; certificate: string }) {
    const found = await this.db.query<{ private_key: string; certificate: string }>("SELECT private_key, certificate FROM sns_keys WHERE name = $1", [name]);
    if (found.rows[0]) return { privateKey: found.rows[0].private_key, certificate: found.rows[0].certificate };
    const k = make();
    // First writer wins; every node then reads the same key.
    await this.db.query("INSERT INTO sns_keys (name, private_key, certificate) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING", [name, k.privateKey, k.certificate]);
    const r = await this.db.query<{ private_key: string; certificate: string }>("SELECT private_key, certificate FROM sns_keys WHERE name = $1", [name]);
    return { privateKey: r.rows[0].private_key, certificate: r.rows[0].certificate };
  }

  async close() {
    await this.db.close();
  }
}
