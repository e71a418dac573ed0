// FIFO topic message replay: setting a subscription's ReplayPolicy ({"PointType":"Timestamp","StartingPoint":
// ISO time, "EndingPoint"?}) redelivers the topic's archived messages from that point to this subscription only,
// through its filter policy (SNS developer guide, "FIFO topic message archiving and replay"). Mailroom replays
// synchronously, in one transaction, and reports ReplayStatus "Completed".
import type { RequestContext } from "../../types.ts";
import { checkArchivePolicy, parseJson } from "../domain/topic-attributes.ts";
import type { SnsEnv } from "../env.ts";
import { invalidParameter } from "../errors.ts";
import { planDeliveries } from "../fanout.ts";
import type { SubscriptionRecord, TopicRecord } from "../store.ts";
import { wakeKey } from "../../sqs/env.ts";
import { createSigner } from "../signer.ts";
import { unarchive } from "./publish.ts";

const DAY_MS = 86_400_000;

export async function replay(env: SnsEnv, ctx: RequestContext, topic: TopicRecord, sub: SubscriptionRecord, policyJson: string): Promise<string> {
  if (topic.attributes.FifoTopic !== "true" || !topic.attributes.ArchivePolicy) {
    throw invalidParameter("ReplayPolicy: Topic must have an ArchivePolicy to replay messages");
  }
  const p = (parseJson(policyJson, "ReplayPolicy: failed to parse JSON") ?? {}) as { PointType?: string; StartingPoint?: string; EndingPoint?: string };
  if (p.PointType !== "Timestamp") throw invalidParameter("ReplayPolicy: PointType must be Timestamp");
  const from = Date.parse(p.StartingPoint ?? "");
  const to = p.EndingPoint === undefined ? Infinity : Date.parse(p.EndingPoint);
  if (Number.isNaN(from) || Number.isNaN(to)) throw invalidParameter("ReplayPolicy: StartingPoint and EndingPoint must be timestamps");
  const now = env.clock.now();
  if (from > now) throw invalidParameter("ReplayPolicy: StartingPoint must be in the past");
  const retentionMs = checkArchivePolicy(topic.attributes.ArchivePolicy) * DAY_MS;
  const archived = (await env.store.archived(topic.id, from, now - retentionMs)).filter((a) => a.publishedAt <= to);
  const signer = env.signer ?? createSigner(env.store);
  for (const a of archived) {
    // One message at a time keeps the group order; each goes through the subscription's filter again.
    const write = await planDeliveries(env, signer, ctx.baseUrl, topic, [sub], unarchive(a.message));
    await env.store.publish(write, now);
    for (const id of new Set(write.queues.map((d) => d.queueId))) env.notifier.notify(wakeKey(id));
  }
  return "Completed";
}
