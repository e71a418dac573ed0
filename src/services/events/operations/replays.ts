// StartReplay, DescribeReplay, ListReplays, CancelReplay. A replay is a stored row (STARTING) that a leased job
// (jobs/replays.ts) carries out: it re-delivers the archive's events of the time window to the archive's bus through
// PutEvents' own routing, limited to Destination.FilterArns when given, with `replay-name` set. Wording of errors as
// recorded against AWS (LocalStack snapshot test_archive_and_replay.snapshot.json) unless noted.
import { AwsError } from "../../../protocol/errors.ts";
import type { RequestContext } from "../../types.ts";
import type { ReplayRecord } from "../archive-store.ts";
import { busArn } from "../domain/names.ts";
import { decodeToken, encodeToken, pageLimit, resolveBus, type EventsEnv } from "../env.ts";
import { constraint, validation } from "../errors.ts";
import { archiveArn, archiveNameOf } from "./archives.ts";

type Input = Record<string, unknown>;

const NAME = /^[.\-_A-Za-z0-9]+$/;
const STATES = ["STARTING", "RUNNING", "CANCELLING", "COMPLETED", "CANCELLED", "FAILED"];
/** Replays running at once per account and region ("Amazon EventBridge quotas": Concurrent replays, 10). */
export const MAX_CONCURRENT_REPLAYS = 10;

export function replayArn(region: string, account: string, name: string): string {
  return `arn:aws:events:${region}:${account}:replay/${name}`;
}

/** Replay names: 1-64 of [.-_A-Za-z0-9] (StartReplay API reference, ReplayName). */
function checkReplayName(v: unknown, path = "replayName"): string {
  const s = String(v ?? "");
  if (s.length > 64) throw constraint(s, path, "have length less than or equal to 64");
  if (!NAME.test(s)) throw constraint(s, path, "satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
  return s;
}

function replayNotFound(name: string): AwsError {
  return new AwsError("ResourceNotFoundException", `Replay ${name} does not exist.`);
}

const time = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

function summary(r: ReplayRecord) {
  return {
    ReplayName: r.name, EventSourceArn: archiveArn(r.region, r.account, r.archive), State: r.state, StateReason: r.stateReason,
    EventStartTime: time(r.eventStart), EventEndTime: time(r.eventEnd), EventLastReplayedTime: time(r.lastReplayed),
    ReplayStartTime: time(r.startedAt), ReplayEndTime: time(r.endedAt),
  };
}

export async function startReplay(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkReplayName(input.ReplayName);
  const description = input.Description === undefined ? undefined : String(input.Description);
  // ReplayDescription: at most 512 characters (StartReplay API reference).
  if (description !== undefined && description.length > 512) throw constraint(description, "description", "have length less than or equal to 512");
  const archiveName = archiveNameOf(ctx, input.EventSourceArn, "EventSourceArn");
  const start = (input.EventStartTime as Date).getTime();
  const end = (input.EventEndTime as Date).getTime();
  if (Number.isNaN(start) || Number.isNaN(end)) throw validation("Parameter EventStartTime is not valid.");
  // Recorded: "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime." (equal times too).
  if (end <= start) throw validation("Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.");
  const archive = await env.store.archives.getArchive(ctx.accountId, ctx.region, archiveName);
  // Recorded: ValidationException "Parameter EventSourceArn is not valid. Reason: Archive X does not exist.".
  if (!archive) throw validation(`Parameter EventSourceArn is not valid. Reason: Archive ${archiveName} does not exist.`);
  const dest = input.Destination as { Arn?: string; FilterArns?: string[] };
  // A missing bus: ResourceNotFoundException "Event bus X does not exist." (recorded, test_start_replay_error_unknown_event_bus).
  const bus = await resolveBus(env, ctx, dest.Arn, "destination.arn");
  // Recorded: "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.".
  if (bus.name !== archive.bus) throw validation("Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.");
  const filterArns = dest.FilterArns?.map(String);
  const now = env.clock.now();
  const active = (await env.store.archives.activeReplays(1000)).filter((r) => r.account === ctx.accountId && r.region === ctx.region);
  if (active.length >= MAX_CONCURRENT_REPLAYS) throw new AwsError("LimitExceededException", "The requested resource exceeds the maximum number allowed.");
  const r = await env.store.archives.startReplay({
    account: ctx.accountId, region: ctx.region, name, archive: archiveName, description, bus: bus.name, filterArns,
    eventStart: start, eventEnd: end, state: "STARTING", startedAt: now, baseUrl: ctx.baseUrl,
  });
  // Recorded: ResourceAlreadyExistsException "Replay X already exists.".
  if (!r) throw new AwsError("ResourceAlreadyExistsException", `Replay ${name} already exists.`);
  env.jobs?.replaysChanged();
  return { ReplayArn: replayArn(r.region, r.account, r.name), State: r.state, ReplayStartTime: new Date(r.startedAt) };
}

export async function describeReplay(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkReplayName(input.ReplayName);
  const r = await env.store.archives.getReplay(ctx.accountId, ctx.region, name);
  if (!r) throw replayNotFound(name);
  return {
    ...summary(r), ReplayArn: replayArn(r.region, r.account, r.name), Description: r.description,
    Destination: { Arn: busArn(r.region, r.account, r.bus), FilterArns: r.filterArns },
  };
}

export async function listReplays(env: EventsEnv, ctx: RequestContext, input: Input) {
  const limit = pageLimit(input.Limit);
  const prefix = input.NamePrefix === undefined ? "" : checkReplayName(input.NamePrefix, "namePrefix");
  const state = input.State as string | undefined;
  if (state !== undefined && !STATES.includes(state)) throw constraint(state, "state", `satisfy enum value set: [${STATES.join(", ")}]`);
  const archive = input.EventSourceArn === undefined ? undefined : archiveNameOf(ctx, input.EventSourceArn, "EventSourceArn");
  const rows = await env.store.archives.listReplays(ctx.accountId, ctx.region, { prefix, state, archive }, decodeToken(input.NextToken), limit + 1);
  const page = rows.slice(0, limit);
  const out: Record<string, unknown> = { Replays: page.map(summary) };
  if (rows.length > limit) out.NextToken = encodeToken(page[page.length - 1].name);
  return out;
}

export async function cancelReplay(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkReplayName(input.ReplayName);
  const r = await env.store.archives.getReplay(ctx.accountId, ctx.region, name);
  if (!r) throw replayNotFound(name);
  const after = await env.store.archives.cancelReplay(r.id);
  if (!after) throw replayNotFound(name);
  // Only a STARTING or RUNNING replay can be cancelled (CancelReplay API reference, Errors: IllegalStatusException).
  if (after.state !== "CANCELLING") throw new AwsError("IllegalStatusException", `Replay ${name} is not in a valid state for this operation.`);
  env.jobs?.replaysChanged();
  return { ReplayArn: replayArn(after.region, after.account, after.name), State: after.state };
}
