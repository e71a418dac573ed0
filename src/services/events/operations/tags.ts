// TagResource, UntagResource, ListTagsForResource, and the Tags of CreateEventBus and PutRule. In EventBridge rules
// and event buses can be tagged (TagResource API reference: "In EventBridge, rules and event buses can be tagged");
// at most 50 tags per resource, keys 1-128 and values 0-256 characters of letters, digits, spaces and . : + = @ _ / -,
// and the aws: prefix is reserved (user guide, "Tagging resources in Amazon EventBridge").
import { AwsError } from "../../../protocol/errors.ts";
import type { RequestContext } from "../../types.ts";
import type { Tag, TagOwner } from "../archive-store.ts";
import { busArn, DEFAULT_BUS, ruleArn } from "../domain/names.ts";
import type { EventsEnv } from "../env.ts";
import { busNotFound, constraint, ruleNotFound, validation } from "../errors.ts";

type Input = Record<string, unknown>;

export const MAX_TAGS = 50;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Checks a Tags list (TagResource, CreateEventBus, PutRule) and returns it with later duplicates of a key winning. */
export function checkTags(v: unknown, path = "tags"): Tag[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw validation(`1 validation error detected: Value at '${path}' failed to satisfy constraint: Member must be a list`);
  const byKey = new Map<string, string>();
  v.forEach((t: { Key?: unknown; Value?: unknown }, i) => {
    const at = `${path}.${i + 1}.member`;
    if (t?.Key === undefined || t.Key === null) throw validation(`1 validation error detected: Value null at '${at}.key' failed to satisfy constraint: Member must not be null`);
    if (t.Value === undefined || t.Value === null) throw validation(`1 validation error detected: Value null at '${at}.value' failed to satisfy constraint: Member must not be null`);
    const key = String(t.Key);
    const value = String(t.Value);
    // Tag Key: length 1-128; Value: 0-256 (Tag API reference).
    if (key.length < 1) throw constraint(key, `${at}.key`, "have length greater than or equal to 1");
    if (key.length > 128) throw constraint(key, `${at}.key`, "have length less than or equal to 128");
    if (value.length > 256) throw constraint(value, `${at}.value`, "have length less than or equal to 256");
    if (!TAG_CHARS.test(key) || !TAG_CHARS.test(value)) throw validation(`Tag ${key} contains characters that are not allowed: letters, numbers, spaces and . : + = @ _ / - are.`);
    // The aws: prefix is reserved for AWS use (user guide, "Tagging resources in Amazon EventBridge").
    if (key.toLowerCase().startsWith("aws:")) throw validation(`Tag keys beginning with 'aws:' are reserved for AWS use: ${key}.`);
    byKey.delete(key);
    byKey.set(key, value);
  });
  if (byKey.size > MAX_TAGS) throw tooMany();
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

function tooMany(): AwsError {
  // At most 50 tags per resource (user guide, "Tagging resources"); the API reference lists no specific error for it.
  return validation(`A resource can have at most ${MAX_TAGS} tags.`);
}

/** The resource an ARN names (a rule or a bus of the caller's account and region), with the row owning its tags. */
async function owner(env: EventsEnv, ctx: RequestContext, arnValue: unknown): Promise<TagOwner> {
  const arn = String(arnValue ?? "");
  if (arn.length < 1 || arn.length > 1600) throw constraint(arn, "resourceARN", "have length less than or equal to 1600");
  const m = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):(rule|event-bus)\/(.+)$/.exec(arn);
  if (!m) throw validation(`Parameter ResourceARN is not valid. Reason: Provided ARN is not an event bus or rule ARN.`);
  const [, region, account, kind, rest] = m;
  if (account !== ctx.accountId || region !== ctx.region) throw validation("Resources of another account or region are not supported by this Mailroom version yet.");
  if (kind === "event-bus") {
    if (rest === DEFAULT_BUS) return { arn: busArn(region, account, rest) };
    const bus = await env.store.getBus({ account, region, name: rest });
    if (!bus) throw busNotFound(rest);
    return { arn: busArn(region, account, rest), busId: await busId(env, account, region, rest) };
  }
  const slash = rest.lastIndexOf("/");
  const busName = slash < 0 ? DEFAULT_BUS : rest.slice(0, slash);
  const name = slash < 0 ? rest : rest.slice(slash + 1);
  if (busName !== DEFAULT_BUS && !(await env.store.getBus({ account, region, name: busName }))) throw busNotFound(busName);
  const rule = await env.store.getRule({ account, region, name: busName, rule: name });
  if (!rule) throw ruleNotFound(name, busName);
  return { arn: ruleArn(region, account, busName, name), ruleId: rule.id };
}

/** The stored id of a custom bus (tags go with the bus's row). */
async function busId(env: EventsEnv, account: string, region: string, name: string): Promise<number | undefined> {
  return env.store.archives.busId(account, region, name);
}

export async function tagResource(env: EventsEnv, ctx: RequestContext, input: Input) {
  const tags = checkTags(input.Tags);
  const o = await owner(env, ctx, input.ResourceARN);
  if (tags.length > 0) await store(env, o, tags, String(input.ResourceARN));
  return {};
}

export async function untagResource(env: EventsEnv, ctx: RequestContext, input: Input) {
  const keys = ((input.TagKeys as unknown[] | undefined) ?? []).map((k, i) => {
    const s = String(k);
    if (s.length < 1) throw constraint(s, `tagKeys.${i + 1}.member`, "have length greater than or equal to 1");
    if (s.length > 128) throw constraint(s, `tagKeys.${i + 1}.member`, "have length less than or equal to 128");
    return s;
  });
  const o = await owner(env, ctx, input.ResourceARN);
  if (keys.length > 0) await env.store.archives.untag(o.arn, keys);
  return {};
}

export async function listTagsForResource(env: EventsEnv, ctx: RequestContext, input: Input) {
  const o = await owner(env, ctx, input.ResourceARN);
  return { Tags: await env.store.archives.listTags(o.arn) };
}

/** Tags given at creation (CreateEventBus, PutRule): written after the resource, for its ARN. */
export async function tagCreated(env: EventsEnv, ctx: RequestContext, arn: string, tags: Tag[]): Promise<void> {
  if (tags.length === 0) return;
  const o = await owner(env, ctx, arn);
  await store(env, o, tags, arn);
}

async function store(env: EventsEnv, o: TagOwner, tags: Tag[], arn: string): Promise<void> {
  const outcome = await env.store.archives.tag(o, tags, MAX_TAGS);
  if (outcome === "limit") throw tooMany();
  // Deleted between the lookup and the write: as if it had not been found.
  if (outcome === "missing") throw new AwsError("ResourceNotFoundException", `Resource ${arn} does not exist.`);
}
