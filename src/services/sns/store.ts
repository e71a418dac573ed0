// The storage port SNS needs, in domain words. Every method is one atomic unit (one transaction), resolves
// only after its writes are durable, and takes time as an argument. `publish` writes the SQS deliveries,
// the HTTP outbox rows and the local sink records of one publish in the same transaction (and a replay step's
// progress with its deliveries).
import type { QueueWrite } from "../sqs/index.ts";

export interface TopicKey {
  account: string;
  region: string;
  name: string;
}

export interface TopicRecord extends TopicKey {
  id: number;
  /** Stored attributes as AWS names them (DisplayName, Policy, DeliveryPolicy, FifoTopic, ...). */
  attributes: Record<string, string>;
  tags: Record<string, string>;
  subscriptionsDeleted: number;
  createdAt: number;
}

export interface NewSubscription {
  arn: string;
  owner: string;
  protocol: string;
  endpoint: string;
  attributes: Record<string, string>;
  confirmed: boolean;
  /** Confirmation token of a pending subscription. */
  token?: string;
}

export interface SubscriptionRecord extends NewSubscription {
  id: number;
  topicId: number;
  createdAt: number;
}

export interface SubscriptionCounts {
  confirmed: number;
  pending: number;
}

/** A message on its way to an SQS queue (queue id resolved by the service), written by the SQS store's one enqueue. */
export type QueueDelivery = QueueWrite;

/** HTTP/S work for the delivery engine's outbox (kind sns.http, `kind` here is the row's detail), due at dueAt. */
export interface OutboxItem {
  subscriptionArn: string;
  kind: string;
  payload: string;
  dueAt: number;
}

/** The delivery engine's destination kind of SNS HTTP/S work (outbox rows carry it; services/sns/deliverer.ts handles it). */
export const SNS_HTTP_KIND = "sns.http";

/** A delivery recorded in a local sink (sms, email, application). */
export interface SinkItem {
  sink: string;
  account: string;
  region: string;
  target: string;
  payload: string;
}

export interface SinkRow extends SinkItem {
  id: number;
  createdAt: number;
}

export interface PublishWrite {
  queues: QueueDelivery[];
  outbox: OutboxItem[];
  sinks: SinkItem[];
  /** FIFO topics: archive copy kept for replay until expiresAt (the ArchivePolicy retention). */
  archive?: { topicId: number; message: string; expiresAt: number }[];
  /**
   * A replay step: its deliveries are written only while this replay (by id) is still the subscription's replay,
   * together with the archive position reached and the new status.
   */
  replay?: { subscriptionArn: string; replayId: string; cursor: ArchiveCursor; status: ReplayStatus };
}

/** A position in a topic's archive: messages are ordered by (publishedAt, id). */
export interface ArchiveCursor {
  publishedAt: number;
  id: number;
}

export interface ArchivedMessage extends ArchiveCursor {
  message: string;
}

/** ReplayStatus values (GetSubscriptionAttributes API reference). */
export type ReplayStatus = "Pending" | "In progress" | "Completed" | "Failed";

export interface NewReplay {
  subscriptionArn: string;
  replayId: string;
  /** The endpoint's base URL at the time of the request (for the links in envelopes). */
  baseUrl: string;
  topicId: number;
  startingAt: number;
  /** Inclusive; open-ended when absent. */
  endingAt?: number;
}

export interface ReplayRecord extends NewReplay {
  after: ArchiveCursor;
  status: ReplayStatus;
  createdAt: number;
}

/** What Unsubscribe leaves behind for an HTTP/S subscription: its UnsubscribeConfirmation and the token that restores it. */
export interface Farewell {
  /** Restores the subscription (restoreSubscription) until expiresAt. */
  token: string;
  expiresAt: number;
  /** The UnsubscribeConfirmation POST. */
  outbox: OutboxItem;
  now: number;
}

export interface DedupClaim {
  topicId: number;
  dedupId: string;
  messageId: string;
  sequenceNumber: string;
  expiresAt: number;
}

export interface PlatformApplication {
  arn: string;
  account: string;
  region: string;
  name: string;
  platform: string;
  attributes: Record<string, string>;
}

export interface PlatformEndpoint {
  arn: string;
  applicationArn: string;
  token: string;
  attributes: Record<string, string>;
}

export interface SnsStore {
  createTopic(key: TopicKey, attributes: Record<string, string>, tags: Record<string, string>, now: number): Promise<{ topic: TopicRecord; created: boolean }>;
  getTopic(key: TopicKey): Promise<TopicRecord | undefined>;
  /** Topics of one account and region ordered by name, names > after. */
  listTopics(account: string, region: string, after: string, limit: number): Promise<TopicRecord[]>;
  /** Deletes the topic and its subscriptions. */
  deleteTopic(id: number): Promise<void>;
  setTopicAttributes(id: number, attributes: Record<string, string>): Promise<void>;
  setTopicTags(id: number, tags: Record<string, string>): Promise<void>;

  /** Adds the subscription, or returns the topic's existing one for the same protocol and endpoint. */
  subscribe(topicId: number, sub: NewSubscription, now: number): Promise<{ subscription: SubscriptionRecord; created: boolean }>;
  getSubscription(arn: string): Promise<SubscriptionRecord | undefined>;
  subscriptionByToken(token: string): Promise<SubscriptionRecord | undefined>;
  /** Marks it confirmed (and forgets the token). */
  confirmSubscription(arn: string): Promise<void>;
  setSubscriptionAttributes(arn: string, attributes: Record<string, string>): Promise<void>;
  /**
   * Removes it and counts it in the topic's SubscriptionsDeleted; false when it did not exist. With a farewell,
   * the same transaction queues its outbox row and keeps the subscription restorable by its token.
   */
  unsubscribe(arn: string, farewell?: Farewell): Promise<boolean>;
  /**
   * Restores, confirmed and under its old ARN, the subscription of the topic unsubscribed with this token and not
   * expired at `now` (the token is used up); when the topic meanwhile has a subscription for the same protocol
   * and endpoint, that one. Undefined for an unknown or expired token.
   */
  restoreSubscription(token: string, topicId: number, now: number): Promise<SubscriptionRecord | undefined>;
  /** Subscriptions owned by an account in one region, by id, ids > after. */
  listSubscriptions(owner: string, region: string, after: number, limit: number): Promise<SubscriptionRecord[]>;
  listSubscriptionsByTopic(topicId: number, after: number, limit: number): Promise<SubscriptionRecord[]>;
  subscriptionCounts(topicId: number): Promise<SubscriptionCounts>;

  /**
   * Writes one publish atomically. With a dedup claim, nothing is written when an unexpired claim for the same
   * topic and id exists: the earlier message id and sequence number are returned instead.
   */
  publish(write: PublishWrite, now: number, dedup?: DedupClaim): Promise<{ duplicateOf?: { messageId: string; sequenceNumber: string }; replaced?: boolean }>;
  /** Next sequence number of a FIFO topic (monotonic). */
  nextSequence(topicId: number): Promise<number>;
  /** Up to limit archived messages of a topic after the cursor, published within [from, to], in archive order. */
  archivedPage(topicId: number, after: ArchiveCursor, from: number, to: number, limit: number): Promise<ArchivedMessage[]>;
  /** Deletes deduplication records and archived messages whose expiry is at or before now. */
  sweepExpired(now: number): Promise<{ dedup: number; archive: number }>;

  /** Starts (or replaces) the subscription's replay: status Pending, from the start of the archive window. */
  startReplay(replay: NewReplay, now: number): Promise<void>;
  /** Replays still to run (Pending or In progress), oldest first. */
  activeReplays(limit: number): Promise<ReplayRecord[]>;
  /** The subscription's replay status, if it ever had a replay. */
  replayStatus(subscriptionArn: string): Promise<ReplayStatus | undefined>;

  sinkMessages(sink: string, account?: string, region?: string): Promise<SinkRow[]>;
  clearSink(sink: string): Promise<void>;

  putPlatformApplication(app: PlatformApplication): Promise<void>;
  getPlatformApplication(arn: string): Promise<PlatformApplication | undefined>;
  listPlatformApplications(account: string, region: string): Promise<PlatformApplication[]>;
  deletePlatformApplication(arn: string): Promise<void>;
  putPlatformEndpoint(ep: PlatformEndpoint): Promise<void>;
  getPlatformEndpoint(arn: string): Promise<PlatformEndpoint | undefined>;
  endpointByToken(applicationArn: string, token: string): Promise<PlatformEndpoint | undefined>;
  listPlatformEndpoints(applicationArn: string): Promise<PlatformEndpoint[]>;
  deletePlatformEndpoint(arn: string): Promise<void>;
  /** Marks a device token of an application invalid (as its push provider would report it), or valid again. */
  setTokenInvalid(applicationArn: string, token: string, invalid: boolean): Promise<void>;
  tokenInvalid(applicationArn: string, token: string): Promise<boolean>;

  /** A named key pair and certificate all nodes share ("signing" for SNS messages, "tls…" for the listener); created by the first caller. */
  key(name: string, make: () => { privateKey: string; certificate: string }): Promise<{ privateKey: string; certificate: string }>;
  close(): Promise<void>;
}
