// CreateArchive, DescribeArchive, ListArchives, UpdateArchive, DeleteArchive. An archive belongs to a bus of the
// caller's account and region and keeps the events that arrive on it (those its pattern matches, or all), written in
// the PutEvents transaction; a retention job (jobs/archives.ts) trims events older than RetentionDays (0: kept
// indefinitely). Wording of errors as recorded against AWS (LocalStack snapshot test_archive_and_replay.snapshot.json).
import { compileEventPattern, PatternError } from "../../../patterns/event-pattern.ts";
import { AwsError } from "../../../protocol/errors.ts";
import type { RequestContext } from "../../types.ts";
import type { ArchiveRecord } from "../archive-store.ts";
import { busArn } from "../domain/names.ts";
import { decodeToken, encodeToken, pageLimit, resolveBus, type EventsEnv } from "../env.ts";
import { constraint, notSupported, validation } from "../errors.ts";

type Input = Record<string, unknown>;

const NAME = /^[.\-_A-Za-z0-9]+$/;
const STATES = ["ENABLED", "DISABLED", "CREATING", "UPDATING", "CREATE_FAILED", "UPDATE_FAILED"];

export function archiveArn(region: string, account: string, name: string): string {
  return `arn:aws:events:${region}:${account}:archive/${name}`;
}

/** Archive names: 1-48 of [.-_A-Za-z0-9] (CreateArchive API reference, ArchiveName). */
export function checkArchiveName(v: unknown, path = "archiveName"): string {
  const s = String(v ?? "");
  if (s.length > 48) throw constraint(s, path, "have length less than or equal to 48");
  if (!NAME.test(s)) throw constraint(s, path, "satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
  return s;
}

export function archiveNotFound(name: string): AwsError {
  return new AwsError("ResourceNotFoundException", `Archive ${name} does not exist.`);
}

function checkDescription(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  // ArchiveDescription: at most 512 characters (CreateArchive API reference).
  if (s.length > 512) throw constraint(s, "description", "have length less than or equal to 512");
  return s;
}

function checkRetention(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  // RetentionDays: minimum 0 (CreateArchive API reference); 0 keeps events indefinitely.
  if (!Number.isInteger(n) || n < 0) throw constraint(v, "retentionDays", "have value greater than or equal to 0");
  return n;
}

function checkPattern(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const text = String(v);
  try {
    compileEventPattern(text);
  } catch (e) {
    if (e instanceof PatternError) throw new AwsError((e as PatternError & { code: string }).code, e.message);
    throw e;
  }
  return text;
}

async function stats(env: EventsEnv, a: ArchiveRecord) {
  const s = await env.store.archives.archiveStats(a.id);
  return { EventCount: s.eventCount, SizeBytes: s.sizeBytes };
}

async function lookup(env: EventsEnv, ctx: RequestContext, name: string): Promise<ArchiveRecord> {
  const a = await env.store.archives.getArchive(ctx.accountId, ctx.region, name);
  if (!a) throw archiveNotFound(name);
  return a;
}

export async function createArchive(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkArchiveName(input.ArchiveName);
  if (input.KmsKeyIdentifier !== undefined) throw notSupported("KmsKeyIdentifier");
  const description = checkDescription(input.Description);
  const eventPattern = checkPattern(input.EventPattern);
  const retentionDays = checkRetention(input.RetentionDays) ?? 0;
  // EventSourceArn names the bus by ARN (CreateArchive API reference); a missing bus: "Event bus X does not exist." (recorded).
  const bus = await resolveBus(env, ctx, input.EventSourceArn, "eventSourceArn");
  const now = env.clock.now();
  const a = await env.store.archives.createArchive({
    account: ctx.accountId, region: ctx.region, name, bus: bus.name, eventPattern, description, retentionDays, state: "ENABLED", createdAt: now,
  });
  // Recorded on AWS: ResourceAlreadyExistsException "Archive X already exists.".
  if (!a) throw new AwsError("ResourceAlreadyExistsException", `Archive ${name} already exists.`);
  return { ArchiveArn: archiveArn(a.region, a.account, a.name), State: a.state, CreationTime: new Date(a.createdAt) };
}

export async function describeArchive(env: EventsEnv, ctx: RequestContext, input: Input) {
  const a = await lookup(env, ctx, checkArchiveName(input.ArchiveName));
  return {
    ArchiveArn: archiveArn(a.region, a.account, a.name), ArchiveName: a.name, EventSourceArn: busArn(a.region, a.account, a.bus),
    Description: a.description, EventPattern: a.eventPattern, State: a.state, RetentionDays: a.retentionDays, ...(await stats(env, a)),
    CreationTime: new Date(a.createdAt),
  };
}

export async function listArchives(env: EventsEnv, ctx: RequestContext, input: Input) {
  const limit = pageLimit(input.Limit);
  const prefix = input.NamePrefix === undefined ? "" : checkArchiveName(input.NamePrefix, "namePrefix");
  const state = input.State as string | undefined;
  if (state !== undefined && !STATES.includes(state)) throw constraint(state, "state", `satisfy enum value set: [${STATES.join(", ")}]`);
  let bus: string | undefined;
  if (input.EventSourceArn !== undefined) {
    // A missing bus: ResourceNotFoundException "Event bus X does not exist." (recorded, test_list_archive_error_unknown_source_arn).
    const key = await resolveBus(env, ctx, input.EventSourceArn, "eventSourceArn");
    bus = key.name;
  }
  const rows = await env.store.archives.listArchives(ctx.accountId, ctx.region, { prefix, bus, state }, decodeToken(input.NextToken), limit + 1);
  const page = rows.slice(0, limit);
  const out: Record<string, unknown> = {
    Archives: await Promise.all(page.map(async (a) => ({
      ArchiveName: a.name, EventSourceArn: busArn(a.region, a.account, a.bus), State: a.state, RetentionDays: a.retentionDays,
      ...(await stats(env, a)), CreationTime: new Date(a.createdAt),
    }))),
  };
  if (rows.length > limit) out.NextToken = encodeToken(page[page.length - 1].name);
  return out;
}

export async function updateArchive(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkArchiveName(input.ArchiveName);
  if (input.KmsKeyIdentifier !== undefined) throw notSupported("KmsKeyIdentifier");
  const description = checkDescription(input.Description);
  const eventPattern = checkPattern(input.EventPattern);
  const retentionDays = checkRetention(input.RetentionDays);
  const a = await lookup(env, ctx, name);
  const u = await env.store.archives.updateArchive(a.id, { description, eventPattern, retentionDays });
  if (!u) throw archiveNotFound(name);
  return { ArchiveArn: archiveArn(u.region, u.account, u.name), State: u.state, CreationTime: new Date(u.createdAt) };
}

export async function deleteArchive(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkArchiveName(input.ArchiveName);
  const a = await lookup(env, ctx, name);
  if (!(await env.store.archives.deleteArchive(a.id))) throw archiveNotFound(name);
  return undefined;
}

/** An archive ARN of the caller's account and region: its name; ValidationException otherwise (StartReplay, ListReplays). */
export function archiveNameOf(ctx: RequestContext, arn: unknown, path: string): string {
  const s = String(arn ?? "");
  const m = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):archive\/(.+)$/.exec(s);
  if (!m) throw validation(`Parameter ${path} is not valid. Reason: Provided ARN is not a valid archive ARN.`);
  if (m[1] !== ctx.region || m[2] !== ctx.accountId) throw validation(`Parameter ${path} is not valid. Reason: Archives of another account or region are not supported by this Mailroom version yet.`);
  return m[3];
}

