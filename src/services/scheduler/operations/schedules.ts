// CreateSchedule, GetSchedule, UpdateSchedule, DeleteSchedule and ListSchedules (EventBridge Scheduler API reference).
import type { RequestContext } from "../../types.ts";
import { checkTarget, type TargetInput } from "../domain/targets.ts";
import { checkTimeZone, nextOccurrence, parseExpression } from "../domain/timing.ts";
import { ensureDefault, type SchedulerEnv } from "../env.ts";
import { conflict, groupNotFound, scheduleNotFound, validation } from "../errors.ts";
import type { NewSchedule, ScheduleConfig, ScheduleRecord } from "../store.ts";
import { decodeToken, encodeToken } from "./paging.ts";

type Input = Record<string, unknown>;

export const scheduleArn = (region: string, account: string, group: string, name: string) => `arn:aws:scheduler:${region}:${account}:schedule/${group}/${name}`;

const ms = (d: unknown) => (d instanceof Date ? d.getTime() : undefined);

/** The stored definition of a Create/UpdateSchedule input, checked as AWS checks it. Throws ValidationException. */
function configOf(input: Input, now: number): ScheduleConfig {
  const expr = input.ScheduleExpression as string;
  const schedule = parseExpression(expr);
  const zone = input.ScheduleExpressionTimezone as string | undefined;
  checkTimeZone(zone);
  const window = input.FlexibleTimeWindow as { Mode: string; MaximumWindowInMinutes?: number };
  // FLEXIBLE needs a window and OFF takes none (user guide, "Configuring flexible time windows": "If you do set the
  // value to FLEXIBLE, you must then specify a maximum window of time").
  if (window.Mode === "FLEXIBLE" && window.MaximumWindowInMinutes === undefined) throw validation("MaximumWindowInMinutes is required when Mode is FLEXIBLE.");
  if (window.Mode === "OFF" && window.MaximumWindowInMinutes !== undefined) throw validation("MaximumWindowInMinutes cannot be set when Mode is OFF.");
  const start = ms(input.StartDate);
  const end = ms(input.EndDate);
  if (schedule.kind !== "at" && start !== undefined && end !== undefined && end <= start) throw validation("The EndDate must be after the StartDate.");
  const target = input.Target as ScheduleConfig["Target"];
  checkTarget(target as unknown as TargetInput);
  const cfg: ScheduleConfig = { ScheduleExpression: expr, FlexibleTimeWindow: window, Target: target, anchorAt: start ?? now };
  if (zone !== undefined) cfg.ScheduleExpressionTimezone = zone;
  if (start !== undefined) cfg.StartDate = start;
  if (end !== undefined) cfg.EndDate = end;
  if (input.Description !== undefined) cfg.Description = input.Description as string;
  if (input.ActionAfterCompletion !== undefined) cfg.ActionAfterCompletion = input.ActionAfterCompletion as string;
  if (input.KmsKeyArn !== undefined) cfg.KmsKeyArn = input.KmsKeyArn as string;
  return cfg;
}

function record(ctx: RequestContext, input: Input, env: SchedulerEnv, createdAt: number): NewSchedule {
  const now = env.clock.now();
  const config = configOf(input, now);
  const state = (input.State as ScheduleRecord["state"] | undefined) ?? "ENABLED";
  // Written at `now`: an occurrence due this very millisecond (a rate without StartDate) still counts.
  const nextAt = state === "ENABLED" ? nextOccurrence(config, now - 1) : undefined;
  return {
    account: ctx.accountId, region: ctx.region, group: (input.GroupName as string | undefined) ?? "default", name: input.Name as string, state, config,
    baseUrl: ctx.baseUrl, nextAt, createdAt, modifiedAt: now,
  };
}

export async function createSchedule(env: SchedulerEnv, ctx: RequestContext, input: Input) {
  await ensureDefault(env, ctx.accountId, ctx.region);
  const s = record(ctx, input, env, env.clock.now());
  const r = await env.store.createSchedule(s);
  if (r === "no-group") throw groupNotFound(s.group);
  if (r === "exists") throw conflict(`Schedule ${s.name} already exists.`);
  env.schedulesChanged();
  return { ScheduleArn: scheduleArn(s.region, s.account, s.group, s.name) };
}

export async function updateSchedule(env: SchedulerEnv, ctx: RequestContext, input: Input) {
  await ensureDefault(env, ctx.accountId, ctx.region);
  const group = (input.GroupName as string | undefined) ?? "default";
  const old = await env.store.getSchedule(ctx.accountId, ctx.region, group, input.Name as string);
  if (!old) throw scheduleNotFound(input.Name as string);
  // Every member is replaced: what the update leaves out takes its default (API reference, UpdateSchedule).
  const s = record(ctx, input, env, old.createdAt);
  if (!(await env.store.updateSchedule(s))) throw scheduleNotFound(s.name);
  env.schedulesChanged();
  return { ScheduleArn: scheduleArn(s.region, s.account, s.group, s.name) };
}

export async function getSchedule(env: SchedulerEnv, ctx: RequestContext, input: Input) {
  const group = (input.GroupName as string | undefined) ?? "default";
  const s = await env.store.getSchedule(ctx.accountId, ctx.region, group, input.Name as string);
  if (!s) throw scheduleNotFound(input.Name as string);
  const c = s.config;
  return {
    Arn: scheduleArn(s.region, s.account, s.group, s.name), Name: s.name, GroupName: s.group, State: s.state,
    ScheduleExpression: c.ScheduleExpression, ScheduleExpressionTimezone: c.ScheduleExpressionTimezone, Description: c.Description,
    StartDate: c.StartDate === undefined ? undefined : new Date(c.StartDate), EndDate: c.EndDate === undefined ? undefined : new Date(c.EndDate),
    FlexibleTimeWindow: c.FlexibleTimeWindow, Target: c.Target, ActionAfterCompletion: c.ActionAfterCompletion ?? "NONE", KmsKeyArn: c.KmsKeyArn,
    CreationDate: new Date(s.createdAt), LastModificationDate: new Date(s.modifiedAt),
  };
}

export async function deleteSchedule(env: SchedulerEnv, ctx: RequestContext, input: Input) {
  const group = (input.GroupName as string | undefined) ?? "default";
  if (!(await env.store.deleteSchedule(ctx.accountId, ctx.region, group, input.Name as string))) throw scheduleNotFound(input.Name as string);
  return {};
}

export async function listSchedules(env: SchedulerEnv, ctx: RequestContext, input: Input) {
  await ensureDefault(env, ctx.accountId, ctx.region);
  const group = input.GroupName as string | undefined;
  if (group !== undefined && !(await env.store.getGroup(ctx.accountId, ctx.region, group))) throw groupNotFound(group);
  const limit = (input.MaxResults as number | undefined) ?? 100;
  const after = input.NextToken === undefined ? undefined : decodeToken(input.NextToken as string, 2);
  const rows = await env.store.listSchedules(ctx.accountId, ctx.region, {
    group, prefix: input.NamePrefix as string | undefined, state: input.State as string | undefined,
  }, after as [string, string] | undefined, limit + 1);
  const page = rows.slice(0, limit);
  return {
    Schedules: page.map((s) => ({
      Arn: scheduleArn(s.region, s.account, s.group, s.name), Name: s.name, GroupName: s.group, State: s.state, Target: { Arn: s.config.Target.Arn },
      CreationDate: new Date(s.createdAt), LastModificationDate: new Date(s.modifiedAt),
    })),
    NextToken: rows.length > limit ? encodeToken([page[page.length - 1].group, page[page.length - 1].name]) : undefined,
  };
}
