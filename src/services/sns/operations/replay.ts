// FIFO topic message replay, the request side: a subscription's ReplayPolicy ({"PointType":"Timestamp",
// "StartingPoint": ISO time, "EndingPoint"?}) is checked here and starts a replay of the topic's archive to that
// subscription (SNS developer guide, "Amazon SNS message replay for FIFO topic subscribers"). The replay itself runs
// in the background (../replayer.ts); ReplayStatus shows its progress: Pending, In progress, Completed or Failed.
import { randomUUID } from "node:crypto";
import type { RequestContext } from "../../types.ts";
import { parseJson } from "../domain/topic-attributes.ts";
import type { SnsEnv } from "../env.ts";
import { invalidParameter } from "../errors.ts";
import type { SubscriptionRecord, TopicRecord } from "../store.ts";

export interface ReplayWindow {
  from: number;
  to?: number;
}

/** Validates a ReplayPolicy for the topic; returns the time window it replays. */
export function checkReplayPolicy(env: SnsEnv, topic: TopicRecord, policyJson: string): ReplayWindow {
  if (topic.attributes.FifoTopic !== "true" || !topic.attributes.ArchivePolicy) {
    throw invalidParameter("ReplayPolicy: Topic must have an ArchivePolicy to replay messages");
  }
  const p = (parseJson(policyJson, "ReplayPolicy: failed to parse JSON") ?? {}) as { PointType?: string; StartingPoint?: string; EndingPoint?: string };
  if (p.PointType !== "Timestamp") throw invalidParameter("ReplayPolicy: PointType must be Timestamp");
  const from = Date.parse(p.StartingPoint ?? "");
  const to = p.EndingPoint === undefined ? undefined : Date.parse(p.EndingPoint);
  if (Number.isNaN(from) || (to !== undefined && Number.isNaN(to))) throw invalidParameter("ReplayPolicy: StartingPoint and EndingPoint must be timestamps");
  if (from > env.clock.now()) throw invalidParameter("ReplayPolicy: StartingPoint must be in the past");
  return to === undefined ? { from } : { from, to };
}

/** Records the replay (replacing one in progress: starting a replay supersedes the previous one, same guide); the replayer runs it. */
export async function startReplay(env: SnsEnv, ctx: RequestContext, topic: TopicRecord, sub: SubscriptionRecord, w: ReplayWindow): Promise<void> {
  await env.store.startReplay(
    { subscriptionArn: sub.arn, replayId: randomUUID(), baseUrl: ctx.baseUrl, topicId: topic.id, startingAt: w.from, endingAt: w.to },
    env.clock.now(),
  );
}

/** Whether a ReplayPolicy names an EndingPoint. */
export function replayEnds(policyJson: string | undefined): boolean {
  if (!policyJson) return false;
  try {
    return (JSON.parse(policyJson) as { EndingPoint?: unknown }).EndingPoint !== undefined;
  } catch {
    return false;
  }
}
