// PutRule, DescribeRule, ListRules, EnableRule, DisableRule, DeleteRule, ListRuleNamesByTarget, TestEventPattern.
import { compileEventPattern, matchesEvent, PatternError } from "../../../patterns/event-pattern.ts";
import { AwsError } from "../../../protocol/errors.ts";
import type { RequestContext } from "../../types.ts";
import { checkRuleName, ruleArn } from "../domain/names.ts";
import { decodeToken, encodeToken, pageLimit, resolveBus, resolveRule, type EventsEnv } from "../env.ts";
import { constraint, notSupported, validation } from "../errors.ts";
import type { RuleRecord } from "../store.ts";
import { nextFireTime, parseScheduleExpression, ScheduleExpressionError } from "../../../util/schedule-expression.ts";
import { DEFAULT_BUS } from "../domain/names.ts";
import { checkTags, tagCreated } from "./tags.ts";

type Input = Record<string, unknown>;

/** Compiles a pattern, answering AWS's error (InvalidEventPatternException with AWS's reason, or ValidationException). */
function checkPattern(text: string) {
  try {
    return compileEventPattern(text);
  } catch (e) {
    if (e instanceof PatternError) throw new AwsError((e as PatternError & { code: string }).code, e.message);
    throw e;
  }
}

function view(r: RuleRecord, schedule?: string): Record<string, unknown> {
  return {
    // A rule with only a schedule stores no pattern ("").
    Name: r.name, Arn: ruleArn(r.region, r.account, r.bus, r.name), EventPattern: r.eventPattern || undefined, ScheduleExpression: schedule,
    State: r.state, Description: r.description, RoleArn: r.roleArn, EventBusName: r.bus,
  };
}

/** The schedule expressions of rules, by id. */
async function schedulesOf(env: EventsEnv, rules: RuleRecord[]): Promise<Map<number, string>> {
  const m = await env.store.archives.schedulesOf(rules.map((r) => r.id));
  return new Map([...m].map(([id, s]) => [id, s.expression]));
}

/** ScheduleExpression: rate() or cron() (PutRule API reference; at most 256 characters); any fault is AWS's one message. */
function checkSchedule(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v);
  if (s.length > 256) throw constraint(s, "scheduleExpression", "have length less than or equal to 256");
  try {
    parseScheduleExpression(s);
  } catch (e) {
    // AWS answers every invalid expression with this text (e.g. aws/aws-cdk issue 27618, localstack pull request 12156).
    if (e instanceof ScheduleExpressionError) throw validation("Parameter ScheduleExpression is not valid.");
    throw e;
  }
  return s;
}

export async function putRule(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkRuleName(input.Name);
  const schedule = checkSchedule(input.ScheduleExpression);
  const tags = checkTags(input.Tags);
  const pattern = input.EventPattern as string | undefined;
  // A rule needs an event pattern or a schedule (PutRule API reference: "A rule must contain at least an EventPattern or
  // ScheduleExpression"); AWS's wording as quoted in awsdocs/aws-cloudformation-user-guide pull request 456.
  if (pattern === undefined && schedule === undefined) throw validation("Parameter(s) EventPattern or ScheduleExpression must be specified.");
  if (pattern !== undefined) checkPattern(pattern);
  const state = (input.State as string | undefined) ?? "ENABLED";
  // State values of the model; ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS concerns AWS service events, which never reach a Mailroom bus.
  if (state !== "ENABLED" && state !== "DISABLED") {
    if (state === "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS") throw notSupported("State ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
    throw constraint(state, "state", "satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]");
  }
  const description = input.Description as string | undefined;
  if (description !== undefined && description.length > 512) throw constraint(description, "description", "have length less than or equal to 512");
  const roleArn = input.RoleArn as string | undefined;
  if (roleArn !== undefined && (roleArn.length < 1 || roleArn.length > 1600)) throw constraint(roleArn, "roleArn", "have length less than or equal to 1600");
  const bus = await resolveBus(env, ctx, input.EventBusName);
  // Scheduled rules live on the default bus only; AWS's wording as quoted in aws-controllers-k8s/community issue 1984.
  if (schedule !== undefined && bus.name !== DEFAULT_BUS) throw validation("ScheduleExpression is supported only on the default event bus.");
  const now = env.clock.now();
  const r = await env.store.putRule({ ...bus, rule: name }, { eventPattern: pattern ?? "", state, description, roleArn }, now);
  const before = (await env.store.archives.schedulesOf([r.id])).get(r.id);
  if (schedule === undefined) {
    if (before) await env.store.archives.setSchedule(r.id, undefined);
  } else if (before?.expression !== schedule) {
    // A new or changed schedule starts now ("Rate expressions start when you create the scheduled event rule", user guide, "Rate expressions").
    const nextAt = nextFireTime(parseScheduleExpression(schedule), now, { anchor: now });
    await env.store.archives.setSchedule(r.id, { account: r.account, region: r.region, bus: r.bus, rule: r.name, expression: schedule, anchorAt: now, nextAt, baseUrl: ctx.baseUrl });
  }
  if (schedule !== undefined || before) env.jobs?.schedulesChanged();
  await tagCreated(env, ctx, ruleArn(r.region, r.account, r.bus, r.name), tags);
  return { RuleArn: ruleArn(r.region, r.account, r.bus, r.name) };
}

export async function describeRule(env: EventsEnv, ctx: RequestContext, input: Input) {
  const r = await resolveRule(env, ctx, checkRuleName(input.Name), input.EventBusName);
  return { ...view(r, (await schedulesOf(env, [r])).get(r.id)), CreatedBy: r.account };
}

export async function listRules(env: EventsEnv, ctx: RequestContext, input: Input) {
  const bus = await resolveBus(env, ctx, input.EventBusName);
  const limit = pageLimit(input.Limit);
  const rows = await env.store.listRules(bus, (input.NamePrefix as string | undefined) ?? "", decodeToken(input.NextToken), limit + 1);
  const page = rows.slice(0, limit);
  const schedules = await schedulesOf(env, page);
  const out: Record<string, unknown> = { Rules: page.map((r) => view(r, schedules.get(r.id))) };
  if (rows.length > limit) out.NextToken = encodeToken(page[page.length - 1].name);
  return out;
}

async function setState(env: EventsEnv, ctx: RequestContext, input: Input, state: "ENABLED" | "DISABLED") {
  const r = await resolveRule(env, ctx, checkRuleName(input.Name), input.EventBusName);
  await env.store.setRuleState({ account: r.account, region: r.region, name: r.bus, rule: r.name }, state);
  return undefined;
}

export const enableRule = (env: EventsEnv, ctx: RequestContext, input: Input) => setState(env, ctx, input, "ENABLED");
export const disableRule = (env: EventsEnv, ctx: RequestContext, input: Input) => setState(env, ctx, input, "DISABLED");

export async function deleteRule(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkRuleName(input.Name);
  const bus = await resolveBus(env, ctx, input.EventBusName);
  const outcome = await env.store.deleteRule({ ...bus, rule: name });
  // Recorded on AWS: ValidationException "Rule can't be deleted since it has targets." (LocalStack snapshot test_delete_rule_with_targets).
  if (outcome === "has-targets") throw validation("Rule can't be deleted since it has targets.");
  // Deleting a rule that does not exist succeeds (DeleteRule API reference: "If you call delete rule multiple times for the same rule, all calls will succeed").
  return undefined;
}

export async function listRuleNamesByTarget(env: EventsEnv, ctx: RequestContext, input: Input) {
  const bus = await resolveBus(env, ctx, input.EventBusName);
  const limit = pageLimit(input.Limit);
  const names = await env.store.ruleNamesByTarget(bus, String(input.TargetArn), decodeToken(input.NextToken), limit + 1);
  const page = names.slice(0, limit);
  const out: Record<string, unknown> = { RuleNames: page };
  if (names.length > limit) out.NextToken = encodeToken(page[page.length - 1]);
  return out;
}

/**
 * TestEventPattern: the event must be a JSON object with the fields EventBridge events carry (TestEventPattern API
 * reference, Event: "the following fields are mandatory: id, account, source, time, region, resources, detail-type"); otherwise
 * ValidationException "Parameter Event is not valid." (recorded: LocalStack snapshot test_plain_string_payload).
 */
export async function testEventPattern(_env: EventsEnv, _ctx: RequestContext, input: Input) {
  const pattern = checkPattern(String(input.EventPattern));
  let event: unknown;
  try {
    event = JSON.parse(String(input.Event));
  } catch {
    throw validation("Parameter Event is not valid.");
  }
  if (typeof event !== "object" || event === null || Array.isArray(event)) throw validation("Parameter Event is not valid.");
  const e = event as Record<string, unknown>;
  for (const f of ["id", "account", "source", "time", "region", "resources", "detail-type"]) {
    if (!(f in e)) throw validation("Parameter Event is not valid.");
  }
  return { Result: matchesEvent(pattern, e) };
}
