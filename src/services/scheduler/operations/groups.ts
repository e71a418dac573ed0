// Schedule groups (Create/Get/List/DeleteScheduleGroup) and their tags (TagResource, UntagResource,
// ListTagsForResource: only groups take tags; the model's TagResourceArn is a schedule-group ARN).
import type { RequestContext } from "../../types.ts";
import { ensureDefault, type SchedulerEnv } from "../env.ts";
import { conflict, groupNotFound, quotaExceeded, validation } from "../errors.ts";
import type { GroupRecord, Tag } from "../store.ts";
import { decodeToken, encodeToken } from "./paging.ts";

type Input = Record<string, unknown>;

/** Schedule groups per account and region (Scheduler user guide, "Quotas": 500). */
export const MAX_GROUPS = 500;
/** Tags per resource (TagList: at most 200). */
const MAX_TAGS = 200;

export const groupArn = (region: string, account: string, name: string) => `arn:aws:scheduler:${region}:${account}:schedule-group/${name}`;

function summary(g: GroupRecord) {
  // Groups are deleted in the request's transaction, so a group that exists is ACTIVE (no DELETING phase).
  return { Arn: groupArn(g.region, g.account, g.name), Name: g.name, State: "ACTIVE", CreationDate: new Date(g.createdAt), LastModificationDate: new Date(g.modifiedAt) };
}

function mergeTags(old: Tag[], add: Tag[]): Tag[] {
  const m = new Map(old.map((t) => [t.Key, t.Value]));
  for (const t of add) m.set(t.Key, t.Value);
  if (m.size > MAX_TAGS) throw validation(`A resource can have at most ${MAX_TAGS} tags.`);
  return [...m].map(([Key, Value]) => ({ Key, Value }));
}

export async function createScheduleGroup(env: SchedulerEnv, ctx: RequestContext, input: Input) {
  await ensureDefault(env, ctx.accountId, ctx.region);
  const name = input.Name as string;
  const tags = mergeTags([], (input.Tags as Tag[] | undefined) ?? []);
  if ((await env.store.countGroups(ctx.accountId, ctx.region)) >= MAX_GROUPS) throw quotaExceeded(`The maximum number of schedule groups (${MAX_GROUPS}) has been reached.`);
  const now = env.clock.now();
  if (!(await env.store.createGroup({ account: ctx.accountId, region: ctx.region, name, tags, createdAt: now, modifiedAt: now }))) {
    throw conflict(`Schedule group ${name} already exists.`);
  }
  return { ScheduleGroupArn: groupArn(ctx.region, ctx.accountId, name) };
}

export async function getScheduleGroup(env: SchedulerEnv, ctx: RequestContext, input: Input) {
  await ensureDefault(env, ctx.accountId, ctx.region);
  const g = await env.store.getGroup(ctx.accountId, ctx.region, input.Name as string);
  if (!g) throw groupNotFound(input.Name as string);
  return summary(g);
}

export async function listScheduleGroups(env: SchedulerEnv, ctx: RequestContext, input: Input) {
  await ensureDefault(env, ctx.accountId, ctx.region);
  const limit = (input.MaxResults as number | undefined) ?? 100;
  const after = input.NextToken === undefined ? undefined : decodeToken(input.NextToken as string, 1)[0];
  const rows = await env.store.listGroups(ctx.accountId, ctx.region, input.NamePrefix as string | undefined, after, limit + 1);
  const page = rows.slice(0, limit);
  return { ScheduleGroups: page.map(summary), NextToken: rows.length > limit ? encodeToken([page[page.length - 1].name]) : undefined };
}

export async function deleteScheduleGroup(env: SchedulerEnv, ctx: RequestContext, input: Input) {
  const name = input.Name as string;
  // The default group always exists (user guide, "Managing schedule groups": it cannot be deleted).
  if (name === "default") throw validation("You cannot delete the default group.");
  // Its schedules are deleted with it (API reference, DeleteScheduleGroup), here in the same transaction.
  if (!(await env.store.deleteGroup(ctx.accountId, ctx.region, name))) throw groupNotFound(name);
  env.schedulesChanged();
  return {};
}

/** The group a tagging ARN names, in the caller's account and region; ResourceNotFoundException otherwise. */
async function taggedGroup(env: SchedulerEnv, ctx: RequestContext, arn: string): Promise<GroupRecord> {
  await ensureDefault(env, ctx.accountId, ctx.region);
  const p = arn.split(":");
  const name = p[5]?.slice("schedule-group/".length) ?? "";
  const g = p[3] === ctx.region && p[4] === ctx.accountId ? await env.store.getGroup(ctx.accountId, ctx.region, name) : undefined;
  if (!g) throw groupNotFound(name);
  return g;
}

export async function tagResource(env: SchedulerEnv, ctx: RequestContext, input: Input) {
  const g = await taggedGroup(env, ctx, input.ResourceArn as string);
  const tags = mergeTags(g.tags, input.Tags as Tag[]);
  if (!(await env.store.setGroupTags(g.account, g.region, g.name, tags, env.clock.now()))) throw groupNotFound(g.name);
  return {};
}

export async function untagResource(env: SchedulerEnv, ctx: RequestContext, input: Input) {
  const g = await taggedGroup(env, ctx, input.ResourceArn as string);
  const drop = new Set(input.TagKeys as string[]);
  if (!(await env.store.setGroupTags(g.account, g.region, g.name, g.tags.filter((t) => !drop.has(t.Key)), env.clock.now()))) throw groupNotFound(g.name);
  return {};
}

export async function listTagsForResource(env: SchedulerEnv, ctx: RequestContext, input: Input) {
  const g = await taggedGroup(env, ctx, input.ResourceArn as string);
  return { Tags: g.tags };
}
