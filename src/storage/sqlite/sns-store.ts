// SQLite adapter of the SNS storage port. Writes go through SqliteDb.write (group commit); a publish writes its
// SQS messages (through the SQS store's one enqueue, skipping queues deleted meanwhile), delivery outbox rows and sink
// records in one write.
import type Database from "better-sqlite3";
import type {
  ArchiveCursor, DedupClaim, Farewell, NewReplay, NewSubscription, PlatformApplication, PlatformEndpoint, PublishWrite, ReplayStatus,
  SnsStore, TopicKey,
} from "../../services/sns/store.ts";
import {
  type ArchiveRow, REPLAY_ADVANCE, REPLAY_COLS, REPLAY_UPSERT, type ReplayRow, type SinkDbRow, type SubscriptionRow, SUB_COLS,
  TOPIC_COLS, type TopicRow, type UnsubscribedRow, toApplication, toArchived, toEndpoint, snsOutboxItem, toReplay, toSink, toSubscription, toTopic,
} from "../sns-rows.ts";
import { SqliteOutbox } from "./outbox.ts";
import type { SqliteSqsStore } from "./sqs-store.ts";
import type { SqliteDb } from "./db.ts";

export class SqliteSnsStore implements SnsStore {
  private readonly sql: SqliteDb;
  private readonly s: ReturnType<typeof prepare>;
  private readonly sqs: SqliteSqsStore;
  private readonly outbox: SqliteOutbox;

  /** Queue deliveries go through the SQS store, which keeps its in-memory ready index in step. */
  constructor(sql: SqliteDb, sqs: SqliteSqsStore) {
    this.sql = sql;
    this.sqs = sqs;
    this.outbox = new SqliteOutbox(sql, sqs);
    this.s = prepare(sql.db);
  }

  async createTopic(key: TopicKey, attributes: Record<string, string>, tags: Record<string, string>, now: number) {
    return this.sql.write(() => {
      const existing = this.s.topicByKey.get(key.account, key.region, key.name) as TopicRow | undefined;
      if (existing) return { topic: toTopic(existing), created: false };
      const row = this.s.insertTopic.get(key.account, key.region, key.name, JSON.stringify(attributes), JSON.stringify(tags), now) as TopicRow;
      return { topic: toTopic(row), created: true };
    });
  }

  async getTopic(key: TopicKey) {
    const r = this.s.topicByKey.get(key.account, key.region, key.name) as TopicRow | undefined;
    return r && toTopic(r);
  }

  async listTopics(account: string, region: string, after: string, limit: number) {
    return (this.s.listTopics.all(account, region, after, limit) as TopicRow[]).map(toTopic);
  }

  async deleteTopic(id: number) {
    await this.sql.write(() => this.s.deleteTopic.run(id));
  }

  async setTopicAttributes(id: number, attributes: Record<string, string>) {
    await this.sql.write(() => this.s.setTopicAttributes.run(JSON.stringify(attributes), id));
  }

  async setTopicTags(id: number, tags: Record<string, string>) {
    await this.sql.write(() => this.s.setTopicTags.run(JSON.stringify(tags), id));
  }

  async subscribe(topicId: number, sub: NewSubscription, now: number) {
    return this.sql.write(() => {
      const existing = this.s.subByEndpoint.get(topicId, sub.protocol, sub.endpoint) as SubscriptionRow | undefined;
      if (existing) return { subscription: toSubscription(existing), created: false };
      const row = this.s.insertSub.get(
        sub.arn, topicId, sub.owner, sub.protocol, sub.endpoint, JSON.stringify(sub.attributes), sub.confirmed ? 1 : 0, sub.token ?? null, now,
      ) as SubscriptionRow;
      return { subscription: toSubscription(row), created: true };
    });
  }

  async getSubscription(arn: string) {
    const r = this.s.subByArn.get(arn) as SubscriptionRow | undefined;
    return r && toSubscription(r);
  }

  async subscriptionByToken(token: string) {
    const r = this.s.subByToken.get(token) as SubscriptionRow | undefined;
    return r && toSubscription(r);
  }

  async confirmSubscription(arn: string) {
    await this.sql.write(() => this.s.confirm.run(arn));
  }

  async setSubscriptionAttributes(arn: string, attributes: Record<string, string>) {
    await this.sql.write(() => this.s.setSubAttributes.run(JSON.stringify(attributes), arn));
  }

  async unsubscribe(arn: string, farewell?: Farewell) {
    return this.sql.write(() => {
      const r = this.s.deleteSub.get(arn) as SubscriptionRow | undefined;
      if (!r) return false;
      this.s.countDeleted.run(r.topic_id);
      if (farewell) {
        const o = farewell.outbox;
        this.s.expireUnsubscribed.run(farewell.now);
        this.s.insertUnsubscribed.run(farewell.token, r.topic_id, r.arn, r.owner, r.protocol, r.endpoint, r.attributes, farewell.expiresAt);
        this.outbox.addInTransaction([snsOutboxItem(o)], farewell.now);
      }
      return true;
    });
  }

  async restoreSubscription(token: string, topicId: number, now: number) {
    return this.sql.write(() => {
      const u = this.s.takeUnsubscribed.get(token, topicId, now) as UnsubscribedRow | undefined;
      if (!u) return undefined;
      const existing = this.s.subByEndpoint.get(topicId, u.protocol, u.endpoint) as SubscriptionRow | undefined;
      if (existing) return toSubscription(existing);
      return toSubscription(this.s.insertSub.get(u.arn, topicId, u.owner, u.protocol, u.endpoint, u.attributes, 1, null, now) as SubscriptionRow);
    });
  }

  async listSubscriptions(owner: string, region: string, after: number, limit: number) {
    return (this.s.listSubs.all(owner, region, after, limit) as SubscriptionRow[]).map(toSubscription);
  }

  async listSubscriptionsByTopic(topicId: number, after: number, limit: number) {
    return (this.s.listSubsByTopic.all(topicId, after, limit) as SubscriptionRow[]).map(toSubscription);
  }

  async subscriptionCounts(topicId: number) {
    const r = this.s.counts.get(topicId) as { c: number | null; p: number | null };
    return { confirmed: r.c ?? 0, pending: r.p ?? 0 };
  }

  async publish(w: PublishWrite, now: number, dedup?: DedupClaim) {
    return this.sql.write(() => {
      if (w.replay) {
        const r = w.replay;
        // A replay replaced (or its subscription deleted) since this step began writes nothing.
        if (this.s.advanceReplay.run(r.cursor.publishedAt, r.cursor.id, r.status, r.subscriptionArn, r.replayId).changes === 0) return { replaced: true };
      }
      if (dedup) {
        const prior = this.s.dedupOf.get(dedup.topicId, dedup.dedupId) as { message_id: string; sequence_number: string; expires_at: number } | undefined;
        if (prior && prior.expires_at > now) return { duplicateOf: { messageId: prior.message_id, sequenceNumber: prior.sequence_number } };
        this.s.putDedup.run(dedup.topicId, dedup.dedupId, dedup.messageId, dedup.sequenceNumber, dedup.expiresAt);
      }
      this.publishInTransaction(w, now);
      return {};
    });
  }

  /** Writes a publish's deliveries inside the caller's SqliteDb.write (EventBridge's SNS targets, in the PutEvents' transaction). */
  publishInTransaction(w: Omit<PublishWrite, "replay">, now: number): void {
    this.sqs.enqueueInTransaction(w.queues, now);
    this.outbox.addInTransaction(w.outbox.map(snsOutboxItem), now);
    for (const k of w.sinks) this.s.insertSink.run(k.sink, k.account, k.region, k.target, k.payload, now);
    for (const a of w.archive ?? []) this.s.insertArchive.run(a.topicId, now, a.message, a.expiresAt);
  }

  async nextSequence(topicId: number) {
    return this.sql.write(() => this.s.nextSequence.pluck().get(topicId) as number);
  }

  async archivedPage(topicId: number, after: ArchiveCursor, from: number, to: number, limit: number) {
    const rows = this.s.archivedPage.all(topicId, after.publishedAt, after.id, from, to, limit) as ArchiveRow[];
    return rows.map(toArchived);
  }

  async sweepExpired(now: number) {
    return this.sql.write(() => ({ dedup: this.s.sweepDedup.run(now).changes, archive: this.s.sweepArchive.run(now).changes }));
  }

  async startReplay(r: NewReplay, now: number) {
    await this.sql.write(() => this.s.startReplay.run(r.subscriptionArn, r.replayId, r.baseUrl, r.topicId, r.startingAt, r.endingAt ?? null, now));
  }

  async activeReplays(limit: number) {
    return (this.s.activeReplays.all(limit) as ReplayRow[]).map(toReplay);
  }

  async replayStatus(subscriptionArn: string) {
    return (this.s.replayStatus.pluck().get(subscriptionArn) as ReplayStatus | undefined) ?? undefined;
  }

  async sinkMessages(sink: string, account?: string, region?: string) {
    return (this.s.sinkMessages.all(sink, account ?? null, account ?? null, region ?? null, region ?? null) as SinkDbRow[]).map(toSink);
  }

  async clearSink(sink: string) {
    await this.sql.write(() => this.s.clearSink.run(sink));
  }

  async putPlatformApplication(a: PlatformApplication) {
    await this.sql.write(() => this.s.putApp.run(a.arn, a.account, a.region, a.name, a.platform, JSON.stringify(a.attributes)));
  }

  async getPlatformApplication(arn: string) {
    const r = this.s.getApp.get(arn) as Parameters<typeof toApplication>[0] | undefined;
    return r && toApplication(r);
  }

  async listPlatformApplications(account: string, region: string) {
    return (this.s.listApps.all(account, region) as Parameters<typeof toApplication>[0][]).map(toApplication);
  }

  async deletePlatformApplication(arn: string) {
    await this.sql.write(() => this.s.deleteApp.run(arn));
  }

  async putPlatformEndpoint(e: PlatformEndpoint) {
    await this.sql.write(() => this.s.putEndpoint.run(e.arn, e.applicationArn, e.token, JSON.stringify(e.attributes)));
  }

  async getPlatformEndpoint(arn: string) {
    const r = this.s.getEndpoint.get(arn) as Parameters<typeof toEndpoint>[0] | undefined;
    return r && toEndpoint(r);
  }

  async endpointByToken(applicationArn: string, token: string) {
    const r = this.s.endpointByToken.get(applicationArn, token) as Parameters<typeof toEndpoint>[0] | undefined;
    return r && toEndpoint(r);
  }

  async listPlatformEndpoints(applicationArn: string) {
    return (this.s.listEndpoints.all(applicationArn) as Parameters<typeof toEndpoint>[0][]).map(toEndpoint);
  }

  async deletePlatformEndpoint(arn: string) {
    await this.sql.write(() => this.s.deleteEndpoint.run(arn));
  }

  async setTokenInvalid(applicationArn: string, token: string, invalid: boolean) {
    await this.sql.write(() => (invalid ? this.s.setTokenInvalid : this.s.setTokenValid).run(applicationArn, token));
  }

  async tokenInvalid(applicationArn: string, token: string) {
    return this.s.tokenInvalid.get(applicationArn, token) !== undefined;
  }

  async key(name: string, make: () => { privateKey: string; certificate: string }) {
    return this.sql.write(() => {
      const r = this.s.getKey.get(name) as { private_key: string; certificate: string } | undefined;
      if (r) return { privateKey: r.private_key, certificate: r.certificate };
      const k = make();
      this.s.putKey.run(name, k.privateKey, k.certificate);
      return k;
    });
  }

  async close() {
    await this.sql.close();
  }
}

function prepare(db: Database.Database) {
  return {
    topicByKey: db.prepare(`SELECT ${TOPIC_COLS} FROM sns_topics WHERE account = ? AND region = ? AND name = ?`),
    insertTopic: db.prepare(
      `INSERT INTO sns_topics (account, region, name, attributes, tags, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${TOPIC_COLS}`,
    ),
    listTopics: db.prepare(`SELECT ${TOPIC_COLS} FROM sns_topics WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?`),
    deleteTopic: db.prepare("DELETE FROM sns_topics WHERE id = ?"),
    setTopicAttributes: db.prepare("UPDATE sns_topics SET attributes = ? WHERE id = ?"),
    setTopicTags: db.prepare("UPDATE sns_topics SET tags = ? WHERE id = ?"),
    subByEndpoint: db.prepare(`SELECT ${SUB_COLS} FROM sns_subscriptions WHERE topic_id = ? AND protocol = ? AND endpoint = ?`),
    insertSub: db.prepare(
      `INSERT INTO sns_subscriptions (arn, topic_id, owner, protocol, endpoint, attributes, confirmed, token, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${SUB_COLS}`,
    ),
    subByArn: db.prepare(`SELECT ${SUB_COLS} FROM sns_subscriptions WHERE arn = ?`),
    subByToken: db.prepare(`SELECT ${SUB_COLS} FROM sns_subscriptions WHERE token = ?`),
    confirm: db.prepare("UPDATE sns_subscriptions SET confirmed = 1, token = NULL WHERE arn = ?"),
    setSubAttributes: db.prepare("UPDATE sns_subscriptions SET attributes = ? WHERE arn = ?"),
    deleteSub: db.prepare(`DELETE FROM sns_subscriptions WHERE arn = ? RETURNING ${SUB_COLS}`),
    insertUnsubscribed: db.prepare(
      `INSERT INTO sns_unsubscribed (token, topic_id, arn, owner, protocol, endpoint, attributes, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    expireUnsubscribed: db.prepare("DELETE FROM sns_unsubscribed WHERE expires_at <= ?"),
    takeUnsubscribed: db.prepare("DELETE FROM sns_unsubscribed WHERE token = ? AND topic_id = ? AND expires_at > ? RETURNING *"),
    setTokenInvalid: db.prepare("INSERT INTO sns_invalid_tokens (application_arn, token) VALUES (?, ?) ON CONFLICT DO NOTHING"),
    setTokenValid: db.prepare("DELETE FROM sns_invalid_tokens WHERE application_arn = ? AND token = ?"),
    tokenInvalid: db.prepare("SELECT 1 FROM sns_invalid_tokens WHERE application_arn = ? AND token = ?"),
    countDeleted: db.prepare("UPDATE sns_topics SET subscriptions_deleted = subscriptions_deleted + 1 WHERE id = ?"),
    listSubs: db.prepare(
      `SELECT s.id, s.arn, s.topic_id, s.owner, s.protocol, s.endpoint, s.attributes, s.confirmed, s.token, s.created_at
       FROM sns_subscriptions s JOIN sns_topics t ON t.id = s.topic_id WHERE s.owner = ? AND t.region = ? AND s.id > ? ORDER BY s.id LIMIT ?`,
    ),
    listSubsByTopic: db.prepare(`SELECT ${SUB_COLS} FROM sns_subscriptions WHERE topic_id = ? AND id > ? ORDER BY id LIMIT ?`),
    counts: db.prepare("SELECT SUM(confirmed = 1) AS c, SUM(confirmed = 0) AS p FROM sns_subscriptions WHERE topic_id = ?"),
    dedupOf: db.prepare("SELECT message_id, sequence_number, expires_at FROM sns_dedup WHERE topic_id = ? AND dedup_id = ?"),
    putDedup: db.prepare(
      `INSERT INTO sns_dedup (topic_id, dedup_id, message_id, sequence_number, expires_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (topic_id, dedup_id) DO UPDATE SET message_id = excluded.message_id, sequence_number = excluded.sequence_number, expires_at = excluded.expires_at`,
    ),
    insertSink: db.prepare("INSERT INTO sns_sink_messages (sink, account, region, target, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
    insertArchive: db.prepare("INSERT INTO sns_archive (topic_id, published_at, message, expires_at) VALUES (?, ?, ?, ?)"),
    nextSequence: db.prepare("UPDATE sns_topics SET sequence = sequence + 1 WHERE id = ? RETURNING sequence"),
    archivedPage: db.prepare(
      `SELECT id, published_at, message FROM sns_archive WHERE topic_id = ? AND (published_at, id) > (?, ?)
       AND published_at >= ? AND published_at <= ? ORDER BY published_at, id LIMIT ?`,
    ),
    sweepDedup: db.prepare("DELETE FROM sns_dedup WHERE expires_at <= ?"),
    sweepArchive: db.prepare("DELETE FROM sns_archive WHERE expires_at <= ?"),
    startReplay: db.prepare(REPLAY_UPSERT(() => "?")),
    activeReplays: db.prepare(`SELECT ${REPLAY_COLS} FROM sns_replays WHERE status IN ('Pending', 'In progress') ORDER BY created_at LIMIT ?`),
    replayStatus: db.prepare("SELECT status FROM sns_replays WHERE subscription_arn = ?"),
    advanceReplay: db.prepare(REPLAY_ADVANCE(() => "?")),
    sinkMessages: db.prepare(
      `SELECT * FROM sns_sink_messages WHERE sink = ? AND (? IS NULL OR account = ?) AND (? IS NULL OR region = ?) ORDER BY id`,
    ),
    clearSink: db.prepare("DELETE FROM sns_sink_messages WHERE sink = ?"),
    putApp: db.prepare(
      `INSERT INTO sns_platform_applications (arn, account, region, name, platform, attributes) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (arn) DO UPDATE SET attributes = excluded.attributes`,
    ),
    getApp: db.prepare("SELECT * FROM sns_platform_applications WHERE arn = ?"),
    listApps: db.prepare("SELECT * FROM sns_platform_applications WHERE account = ? AND region = ? ORDER BY arn"),
    deleteApp: db.prepare("DELETE FROM sns_platform_applications WHERE arn = ?"),
    putEndpoint: db.prepare(
      `INSERT INTO sns_platform_endpoints (arn, application_arn, token, attributes) VALUES (?, ?, ?, ?)
       ON CONFLICT (arn) DO UPDATE SET token = excluded.token, attributes = excluded.attributes`,
    ),
    getEndpoint: db.prepare("SELECT * FROM sns_platform_endpoints WHERE arn = ?"),
    endpointByToken: db.prepare("SELECT * FROM sns_platform_endpoints WHERE application_arn = ? AND token = ?"),
    listEndpoints: db.prepare("SELECT * FROM sns_platform_endpoints WHERE application_arn = ? ORDER BY arn"),
    deleteEndpoint: db.prepare("DELETE FROM sns_platform_endpoints WHERE arn = ?"),
    getKey: db.prepare("SELECT private_key, certificate FROM sns_keys WHERE name = ?"),
    putKey: db.prepare("INSERT INTO sns_keys (name, private_key, certificate) VALUES (?, ?, ?)"),
  };
}
