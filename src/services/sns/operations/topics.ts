// CreateTopic (idempotent for the same attributes and tags), DeleteTopic, ListTopics, Get/SetTopicAttributes.
import type { RequestContext } from "../../types.ts";
import { checkTopicName } from "../domain/arns.ts";
import { checkTopicAttribute, isFifo, topicAttributesView } from "../domain/topic-attributes.ts";
import { arnOfTopic, decodeToken, encodeToken, resolveTopic, type SnsEnv } from "../env.ts";
import { invalidParameter } from "../errors.ts";
import { checkTags, tagMap } from "./tags.ts";

type Input = Record<string, unknown>;

const PAGE = 100; // ListTopics returns up to 100 topics a page (API reference).

export async function createTopic(env: SnsEnv, ctx: RequestContext, input: Input) {
  const name = input.Name as string;
  const given = (input.Attributes as Record<string, string> | undefined) ?? {};
  const fifo = /^true$/i.test(given.FifoTopic ?? "");
  // A .fifo name needs FifoTopic=true, and FifoTopic=true needs a .fifo name (CreateTopic API reference, Name).
  if (!fifo && name?.endsWith(".fifo")) throw invalidParameter("Topic Name");
  checkTopicName(name ?? "", fifo);
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(given)) {
    const value = checkTopicAttribute(k, v, fifo, true);
    if (k === "FifoTopic" && value === "false") continue;
    attributes[k] = value;
  }
  if (input.DataProtectionPolicy !== undefined) attributes.DataProtectionPolicy = checkTopicAttribute("DataProtectionPolicy", input.DataProtectionPolicy as string, fifo, true);
  const tags = tagMap(input.Tags);
  checkTags(tags);
  const key = { account: ctx.accountId, region: ctx.region, name };
  const { topic, created } = await env.store.createTopic(key, attributes, tags, env.clock.now());
  if (!created) {
    // Same name with other attributes or tags is an error (AWS wording as LocalStack's SNS provider reproduces it).
    for (const [k, v] of Object.entries(attributes)) {
      if (topic.attributes[k] !== v) throw invalidParameter("Attributes Reason: Topic already exists with different attributes");
    }
    for (const [k, v] of Object.entries(tags)) {
      if (topic.tags[k] !== v) throw invalidParameter("Tags Reason: Topic already exists with different tags");
    }
  }
  return { TopicArn: arnOfTopic(topic) };
}

export async function deleteTopic(env: SnsEnv, ctx: RequestContext, input: Input) {
  try {
    const t = await resolveTopic(env, ctx, input.TopicArn);
    await env.store.deleteTopic(t.id);
  } catch (e) {
    // Deleting a topic that does not exist succeeds (DeleteTopic API reference: "idempotent").
    if ((e as { code?: string }).code !== "NotFound") throw e;
  }
  return undefined;
}

export async function listTopics(env: SnsEnv, ctx: RequestContext, input: Input) {
  const after = decodeToken(input.NextToken);
  const rows = await env.store.listTopics(ctx.accountId, ctx.region, after, PAGE + 1);
  const page = rows.slice(0, PAGE);
  const out: Record<string, unknown> = { Topics: page.map((t) => ({ TopicArn: arnOfTopic(t) })) };
  if (rows.length > PAGE) out.NextToken = encodeToken(page[page.length - 1].name);
  return out;
}

export async function getTopicAttributes(env: SnsEnv, ctx: RequestContext, input: Input) {
  const t = await resolveTopic(env, ctx, input.TopicArn);
  const counts = await env.store.subscriptionCounts(t.id);
  return { Attributes: topicAttributesView(t.attributes, arnOfTopic(t), t.account, { ...counts, deleted: t.subscriptionsDeleted }) };
}

export async function setTopicAttributes(env: SnsEnv, ctx: RequestContext, input: Input) {
  const t = await resolveTopic(env, ctx, input.TopicArn);
  const name = input.AttributeName as string;
  const value = checkTopicAttribute(name, (input.AttributeValue as string | undefined) ?? "", isFifo(t.attributes), false);
  await env.store.setTopicAttributes(t.id, { ...t.attributes, [name]: value });
  return undefined;
}
