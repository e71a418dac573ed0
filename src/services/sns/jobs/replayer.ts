// FIFO topic message replay, the background side: a leased job (one node of a cluster) takes the replays still to
// run and delivers each one's archived messages, oldest first, through the subscription's filter policy, in steps of
// REPLAY_BATCH. Each step's deliveries are written in one transaction with the archive position reached and the new
// ReplayStatus, so a restart resumes where it stopped and a replay replaced meanwhile writes nothing more.
// A replay covers messages published up to when it started (or its EndingPoint): later ones reach the subscription
// as live deliveries, so nothing is delivered twice by the replay and the live path.
import type { Scheduler } from "../../../engine/scheduler.ts";
import type { Logger } from "../../../util/log.ts";
import { wakeKey } from "../../sqs/index.ts";
import { parseSubscriptionArn } from "../domain/arns.ts";
import { checkArchivePolicy } from "../domain/topic-attributes.ts";
import type { SnsEnv } from "../env.ts";
import { planDeliveries } from "../fanout.ts";
import { DAY_MS, publishEvents, unarchive } from "../operations/publish.ts";
import type { TopicEvent } from "../platform-delivery.ts";
import { createSigner } from "../signer.ts";
import type { ArchiveCursor, PublishWrite, ReplayRecord, ReplayStatus } from "../store.ts";

export const REPLAY_TICK_MS = 1000;
export const REPLAY_BATCH = 100;

export function scheduleReplays(jobs: Pick<Scheduler, "every">, env: SnsEnv, log: Logger): void {
  jobs.every({ name: "sns.replay", intervalMs: REPLAY_TICK_MS }, async () => {
    for (const r of await env.store.activeReplays(100)) {
      const n = await runReplay(env, r);
      if (n > 0) log.debug("messages replayed", { subscription: r.subscriptionArn, count: n });
    }
  });
}

/** Runs one replay to its end (or until it is replaced); returns how many archived messages it went through. */
export async function runReplay(env: SnsEnv, r: ReplayRecord): Promise<number> {
  const { store } = env;
  const sub = await store.getSubscription(r.subscriptionArn);
  if (!sub) return 0; // unsubscribed: its replay row went with it
  const key = parseSubscriptionArn(sub.arn);
  const topic = key && (await store.getTopic(key));
  const step = (write: PublishWrite, cursor: ArchiveCursor, status: ReplayStatus, now: number) =>
    store.publish({ ...write, replay: { subscriptionArn: r.subscriptionArn, replayId: r.replayId, cursor, status } }, now);
  const empty = (): PublishWrite => ({ queues: [], outbox: [], sinks: [] });
  if (!topic || topic.id !== r.topicId || topic.attributes.FifoTopic !== "true" || !topic.attributes.ArchivePolicy) {
    // "Failed – The replay was unable to complete" (GetSubscriptionAttributes API reference, ReplayStatus).
    await step(empty(), r.after, "Failed", env.clock.now());
    return 0;
  }
  const signer = env.signer ?? createSigner(store);
  const retentionMs = checkArchivePolicy(topic.attributes.ArchivePolicy) * DAY_MS;
  const to = Math.min(r.endingAt ?? Number.MAX_SAFE_INTEGER, r.createdAt);
  let cursor = r.after;
  let total = 0;
  for (;;) {
    const now = env.clock.now();
    const page = await store.archivedPage(topic.id, cursor, Math.max(r.startingAt, now - retentionMs), to, REPLAY_BATCH);
    const write = empty();
    const events: TopicEvent[] = [];
    for (const a of page) {
      // One message after the other keeps group order; each goes through the subscription's filter again.
      const w = await planDeliveries(env, signer, r.baseUrl, topic, [sub], unarchive(a.message));
      events.push(...w.events);
      write.queues.push(...w.queues);
      write.outbox.push(...w.outbox);
      write.sinks.push(...w.sinks);
      cursor = { publishedAt: a.publishedAt, id: a.id };
    }
    const done = page.length < REPLAY_BATCH;
    if ((await step(write, cursor, done ? "Completed" : "In progress", now)).replaced) return total;
    total += page.length;
    for (const id of new Set(write.queues.map((d) => d.queueId))) env.notifier.notify(wakeKey(id));
    if (write.outbox.length > 0) env.outboxChanged?.();
    await publishEvents(env, signer, r.baseUrl, events, now);
    if (done) return total;
  }
}
