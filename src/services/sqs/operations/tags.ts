// Queue tags: TagQueue, UntagQueue, ListQueueTags, and the tag rules CreateQueue shares
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-tags.html).
import type { RequestContext } from "../../types.ts";
import { invalidParameter } from "../errors.ts";
import { MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH, MAX_TAGS_PER_QUEUE } from "../domain/limits.ts";
import { resolveQueue, type SqsEnv } from "../env.ts";

type Input = Record<string, unknown>;

export function checkTags(tags: Record<string, string>, existing: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > MAX_TAG_KEY_LENGTH) throw invalidParameter(`Tag keys must be between 1 and ${MAX_TAG_KEY_LENGTH} characters in length.`);
    if (typeof v !== "string" || v.length > MAX_TAG_VALUE_LENGTH) throw invalidParameter(`Tag values must be between 0 and ${MAX_TAG_VALUE_LENGTH} characters in length.`);
  }
  if (Object.keys({ ...existing, ...tags }).length > MAX_TAGS_PER_QUEUE) {
    throw invalidParameter(`Too many tags added for queue. A queue can have at most ${MAX_TAGS_PER_QUEUE} tags.`);
  }
}

export async function tagQueue(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  const tags = input.Tags as Record<string, string>;
  if (Object.keys(tags).length === 0) throw invalidParameter("The request must contain the parameter Tags.");
  checkTags(tags, q.tags);
  await env.store.setTags(q.id, { ...q.tags, ...tags });
  return undefined;
}

export async function untagQueue(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  const keys = input.TagKeys as string[];
  if (keys.length === 0) throw invalidParameter("The request must contain the parameter TagKeys.");
  for (const k of keys) {
    if (k.length < 1 || k.length > MAX_TAG_KEY_LENGTH) throw invalidParameter(`Tag keys must be between 1 and ${MAX_TAG_KEY_LENGTH} characters in length.`);
  }
  const next = { ...q.tags };
  for (const k of keys) delete next[k];
  await env.store.setTags(q.id, next);
  return undefined;
}

export async function listQueueTags(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  return Object.keys(q.tags).length > 0 ? { Tags: q.tags } : {};
}
