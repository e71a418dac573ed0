// TagResource, UntagResource, ListTagsForResource for state machines (activities are not carried out yet, so no
// other resource can be tagged). Tags keep the order they were first set in; setting a key again replaces its value.
import type { RequestContext } from "../../types.ts";
import { parseMachineArn } from "../domain/arns.ts";
import type { SfnEnv } from "../env.ts";
import { invalidArn, sfnError, validation } from "../errors.ts";
import type { StateMachineRecord } from "../store.ts";

type In = Record<string, unknown>;

/** At most 50 tags per resource; keys 1–128, values 0–256 characters (Step Functions quotas; Tag in the API reference). */
const MAX_TAGS = 50;

const notFound = (arn: string) => sfnError("ResourceNotFound", `Resource not found: '${arn}'`);

/** The tags of a request as [key, value] pairs, checked member by member (AWS's validation wording and paths). */
export function readTags(raw: unknown, member = "tags"): [string, string][] {
  const list = Array.isArray(raw) ? (raw as In[]) : [];
  return list.map((t, i) => {
    const key = t.key;
    const value = t.value ?? "";
    const at = `${member}.${i + 1}.member`;
    if (typeof key !== "string") throw validation(`1 validation error detected: Value null at '${at}.key' failed to satisfy constraint: Member must not be null`);
    if (key.length < 1 || key.length > 128) throw validation(`1 validation error detected: Value '${key}' at '${at}.key' failed to satisfy constraint: Member must have length between 1 and 128`);
    if (typeof value !== "string" || value.length > 256) throw validation(`1 validation error detected: Value '${String(value)}' at '${at}.value' failed to satisfy constraint: Member must have length less than or equal to 256`);
    return [key, value];
  });
}

/** Adds or replaces tags in order; TooManyTags beyond 50 (TagResource API reference, TooManyTags). */
export function mergeTags(current: [string, string][], add: [string, string][], arn: string): [string, string][] {
  const out = new Map(current);
  for (const [k, v] of add) out.set(k, v);
  if (out.size > MAX_TAGS) throw sfnError("TooManyTags", `Too many tags for resource '${arn}': at most ${MAX_TAGS} are allowed`);
  return [...out];
}

async function resolveTagged(env: SfnEnv, ctx: RequestContext, raw: unknown): Promise<StateMachineRecord> {
  const arn = String(raw);
  if (!arn.startsWith("arn:")) throw invalidArn(arn);
  const p = parseMachineArn(arn);
  const m = p && p.account === ctx.accountId && p.region === ctx.region ? await env.store.getStateMachine(arn) : undefined;
  // A version ARN (machine:1), an activity or anything else not found is ResourceNotFound (recorded on AWS:
  // LocalStack snapshot test_tag_state_machine_version, "Resource not found: '<arn>'").
  if (!m) throw notFound(arn);
  return m;
}

export async function tagResource(env: SfnEnv, ctx: RequestContext, input: In) {
  const m = await resolveTagged(env, ctx, input.resourceArn);
  const tags = mergeTags(m.tags, readTags(input.tags), m.arn);
  if (!(await env.store.setTags(m.arn, tags))) throw notFound(m.arn);
  return {};
}

export async function untagResource(env: SfnEnv, ctx: RequestContext, input: In) {
  const m = await resolveTagged(env, ctx, input.resourceArn);
  const drop = new Set((input.tagKeys as string[] | undefined) ?? []);
  if (!(await env.store.setTags(m.arn, m.tags.filter(([k]) => !drop.has(k))))) throw notFound(m.arn);
  return {};
}

export async function listTagsForResource(env: SfnEnv, ctx: RequestContext, input: In) {
  const m = await resolveTagged(env, ctx, input.resourceArn);
  return { tags: m.tags.map(([key, value]) => ({ key, value })) };
}
