// Tags and resource policies: AddTagsToStream, RemoveTagsFromStream, ListTagsForStream (by StreamName or StreamARN);
// TagResource, UntagResource, ListTagsForResource (by ResourceARN); Put/Get/DeleteResourcePolicy. Resource ARNs name
// a stream (arn:aws:kinesis:<region>:<account>:stream/<name>) or one of its consumers (…/consumer/<name>:<time>);
// consumers belong to enhanced fan-out, so their ARNs are refused here until it lands.
import { readPolicy } from "../../../auth/policy.ts";
import type { RequestContext } from "../../types.ts";
import { checkRange } from "../domain/streams.ts";
import { checkTagKey, checkTags, tagList, withoutTags, withTags } from "../domain/tags.ts";
import { findStream, type KinesisEnv } from "../env.ts";
import { invalidArgument, resourceNotFound, streamNotFound, validation } from "../errors.ts";
import type { StreamRecord } from "../store.ts";

type Input = Record<string, unknown>;

async function streamOfResource(env: KinesisEnv, ctx: RequestContext, arn: string): Promise<StreamRecord> {
  if (/:stream\/[^/]+\/consumer\//.test(arn)) throw invalidArgument("Consumer ARNs are not supported by this Mailroom version yet (enhanced fan-out).");
  return findStream(env, ctx, { StreamARN: arn });
}

async function setTags(env: KinesisEnv, stream: StreamRecord, next: (s: StreamRecord) => Record<string, string>): Promise<void> {
  // Tags change in any status (AddTagsToStream needs no ACTIVE stream) and do not make it UPDATING.
  const changed = await env.store.changeStream(stream.id, env.clock.now(), (s) => ({ settings: { tags: next(s) } }));
  if (!changed) throw streamNotFound(stream.name, stream.account);
}

function tagsInput(input: Input): Record<string, string> {
  const tags = input.Tags as Record<string, string>;
  // TagMap: 1–200 entries (model constraint).
  const n = Object.keys(tags).length;
  if (n < 1) throw validation("{}", "tags", "Member must have length greater than or equal to 1");
  if (n > 200) throw validation(`{${n} tags}`, "tags", "Member must have length less than or equal to 200");
  checkTags(tags);
  return tags;
}

function tagKeysInput(input: Input): string[] {
  const keys = input.TagKeys as string[];
  // TagKeyList: 0–50 keys (model constraint).
  if (keys.length > 50) throw validation(`[${keys.length} keys]`, "tagKeys", "Member must have length less than or equal to 50");
  for (const k of keys) checkTagKey(k);
  return keys;
}

export async function addTagsToStream(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const tags = tagsInput(input);
  const stream = await findStream(env, ctx, input);
  await setTags(env, stream, (s) => withTags(s.tags, tags, s.name, s.account));
  return {};
}

export async function removeTagsFromStream(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const keys = tagKeysInput(input);
  const stream = await findStream(env, ctx, input);
  await setTags(env, stream, (s) => withoutTags(s.tags, keys));
  return {};
}

export async function listTagsForStream(env: KinesisEnv, ctx: RequestContext, input: Input) {
  // Limit 1–50 (model constraint); without one, all of a stream's (at most 50) tags.
  const limit = (input.Limit as number | undefined) ?? 50;
  checkRange(limit, "limit", 1, 50);
  const start = input.ExclusiveStartTagKey as string | undefined;
  if (start !== undefined) checkTagKey(start, "exclusiveStartTagKey");
  const stream = await findStream(env, ctx, input);
  const all = tagList(stream.tags).filter((t) => start === undefined || t.Key > start);
  return { Tags: all.slice(0, limit), HasMoreTags: all.length > limit };
}

export async function tagResource(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const tags = tagsInput(input);
  const stream = await streamOfResource(env, ctx, input.ResourceARN as string);
  await setTags(env, stream, (s) => withTags(s.tags, tags, s.name, s.account));
  return {};
}

export async function untagResource(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const keys = tagKeysInput(input);
  const stream = await streamOfResource(env, ctx, input.ResourceARN as string);
  await setTags(env, stream, (s) => withoutTags(s.tags, keys));
  return {};
}

export async function listTagsForResource(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const stream = await streamOfResource(env, ctx, input.ResourceARN as string);
  return { Tags: tagList(stream.tags) };
}

/** A resource policy: a JSON policy document (object with a Statement) of at most 20 KiB. */
function checkPolicy(policy: string): void {
  if (Buffer.byteLength(policy, "utf8") > 20 * 1024) throw invalidArgument("The resource policy is larger than 20 KB.");
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    throw invalidArgument("The resource policy is not valid JSON.");
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc) || readPolicy(policy).Statement.length === 0) {
    throw invalidArgument("The resource policy must be a JSON policy document with at least one Statement.");
  }
}

export async function putResourcePolicy(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const arn = input.ResourceARN as string;
  const policy = input.Policy as string;
  checkPolicy(policy);
  const stream = await streamOfResource(env, ctx, arn);
  if (!(await env.store.putPolicy(stream.id, arn, policy))) throw streamNotFound(stream.name, stream.account);
  return {};
}

export async function getResourcePolicy(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const arn = input.ResourceARN as string;
  await streamOfResource(env, ctx, arn);
  // Policy is a required member of the output: a resource without a policy answers an empty document.
  return { Policy: (await env.store.getPolicy(arn)) ?? "{}" };
}

export async function deleteResourcePolicy(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const arn = input.ResourceARN as string;
  await streamOfResource(env, ctx, arn);
  if (!(await env.store.deletePolicy(arn))) throw resourceNotFound(`No resource policy found for resource ARN ${arn}.`);
  return {};
}
