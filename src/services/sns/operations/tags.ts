// TagResource, UntagResource, ListTagsForResource on topics, with SNS's tag limits (SNS tagging developer guide:
// 50 tags per topic, keys 1-128 and values 0-256 characters).
import type { RequestContext } from "../../types.ts";
import { parseTopicArn } from "../domain/arns.ts";
import type { SnsEnv } from "../env.ts";
import { checkTopicAccess, notAuthorized, topicAction } from "../access.ts";
import { invalidParameter, resourceNotFound, snsError } from "../errors.ts";
import type { TopicRecord } from "../store.ts";

type Input = Record<string, unknown>;
const MAX_TAGS = 50;

/** Tags as a map; a key given twice is refused (recorded AWS response: LocalStack snapshot test_tags, duplicate-key-error). */
export function tagMap(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of (list as { Key: string; Value: string }[] | undefined) ?? []) {
    if (Object.hasOwn(out, t.Key)) throw invalidParameter("Duplicated keys are not allowed.");
    out[t.Key] = t.Value;
  }
  return out;
}

export function checkTags(tags: Record<string, string>): void {
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128) throw invalidParameter("Tags.Key");
    if (v.length > 256) throw invalidParameter("Tags.Value");
  }
  if (Object.keys(tags).length > MAX_TAGS) throw tagLimit();
}

function tagLimit() {
  return snsError("TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded");
}

async function resource(env: SnsEnv, ctx: RequestContext, arn: unknown): Promise<TopicRecord> {
  const p = typeof arn === "string" ? parseTopicArn(arn) : undefined;
  if (!p) throw invalidParameter("ResourceArn");
  const t = await env.store.getTopic(p);
  if (!t && p.account !== ctx.accountId) throw notAuthorized(ctx, topicAction(ctx.operation ?? ""), arn as string);
  // Tagging a missing topic is ResourceNotFound, not NotFound (TagResource API reference, Errors).
  if (!t) throw resourceNotFound();
  checkTopicAccess(ctx, ctx.operation ?? "", arn as string, t.account, t.attributes.Policy);
  return t;
}

export async function tagResource(env: SnsEnv, ctx: RequestContext, input: Input) {
  const t = await resource(env, ctx, input.ResourceArn);
  const add = tagMap(input.Tags);
  checkTags(add);
  const tags = { ...t.tags, ...add };
  if (Object.keys(tags).length > MAX_TAGS) throw tagLimit();
  await env.store.setTopicTags(t.id, tags);
  return {};
}

export async function untagResource(env: SnsEnv, ctx: RequestContext, input: Input) {
  const t = await resource(env, ctx, input.ResourceArn);
  const tags = { ...t.tags };
  for (const k of (input.TagKeys as string[] | undefined) ?? []) delete tags[k];
  await env.store.setTopicTags(t.id, tags);
  return {};
}

export async function listTagsForResource(env: SnsEnv, ctx: RequestContext, input: Input) {
  const t = await resource(env, ctx, input.ResourceArn);
  return { Tags: Object.entries(t.tags).map(([Key, Value]) => ({ Key, Value })) };
}
