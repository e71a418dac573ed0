// Archives and replays, the background side, as leased jobs (one node of a cluster at a time):
// - `events.archive-retention` (each minute) deletes archived events older than their archive's RetentionDays;
// - `events.replay` (each second) carries out replays: STARTING becomes RUNNING, then the archive's events of the
//   window are re-delivered in steps of REPLAY_BATCH through PutEvents' routing with `replay-name` set, each step
//   committed with the position reached (guarded: a replay cancelled meanwhile writes nothing more), the last one
//   with COMPLETED; CANCELLING becomes CANCELLED. A restart resumes from the stored position.
import type { Registration, Scheduler } from "../../../engine/scheduler.ts";
import type { Logger } from "../../../util/log.ts";
import type { ReplayRecord } from "../archive-store.ts";
import type { FormedEvent } from "../domain/event.ts";
import type { EventsEnv } from "../env.ts";
import { dispatchEvents } from "../operations/put-events.ts";

export const RETENTION_INTERVAL_MS = 60_000;
export const REPLAY_TICK_MS = 1000;
export const REPLAY_BATCH = 100;

export function scheduleArchiveJobs(scheduler: Scheduler, env: EventsEnv, log: Logger): { replays: Registration; retention: Registration } {
  const retention = scheduler.every({ name: "events.archive-retention", intervalMs: RETENTION_INTERVAL_MS }, async () => {
    let n = 0;
    for (;;) {
      const k = await env.store.archives.trimArchives(env.clock.now(), 1000);
      n += k;
      if (k < 1000) break;
    }
    if (n > 0) log.debug("archived events past retention deleted", { count: n });
  });
  const replays = scheduler.every({ name: "events.replay", intervalMs: REPLAY_TICK_MS }, async () => {
    for (const r of await env.store.archives.activeReplays(100)) {
      const n = await runReplay(env, r);
      if (n > 0) log.debug("events replayed", { replay: r.name, count: n });
    }
  });
  return { replays, retention };
}

/** The names of the destination bus's rules among FilterArns (rule ARNs: rule/<name> on the default bus, rule/<bus>/<name> else). */
function ruleNamesOf(arns: string[], bus: string): string[] {
  const out: string[] = [];
  for (const arn of arns) {
    const rest = arn.slice(arn.indexOf(":rule/") + 6);
    if (arn.indexOf(":rule/") < 0) continue;
    const slash = rest.lastIndexOf("/");
    const b = slash < 0 ? "default" : rest.slice(0, slash);
    if (b === bus) out.push(slash < 0 ? rest : rest.slice(slash + 1));
  }
  return out;
}

/** Runs one replay until it ends or is cancelled; returns how many archived events it went through. */
export async function runReplay(env: EventsEnv, r: ReplayRecord): Promise<number> {
  const store = env.store.archives;
  const now0 = env.clock.now();
  if (r.state === "CANCELLING") {
    await store.setReplayState(r.id, ["CANCELLING"], "CANCELLED", now0);
    return 0;
  }
  if (r.state === "STARTING" && !(await store.setReplayState(r.id, ["STARTING"], "RUNNING", now0))) return 0;
  const archive = await store.getArchive(r.account, r.region, r.archive);
  if (!archive) {
    await store.setReplayState(r.id, ["RUNNING"], "FAILED", now0, `Archive ${r.archive} does not exist.`);
    return 0;
  }
  // Events that arrive after the replay started reach the bus live; the replay covers what was archived before it
  // (by when they were archived: an event's own time may lie before the start).
  const to = r.eventEnd;
  const ruleNames = r.filterArns && r.filterArns.length > 0 ? ruleNamesOf(r.filterArns, r.bus) : undefined;
  const bus = { account: r.account, region: r.region, name: r.bus };
  let cursor = r.cursorAt === undefined ? undefined : { at: r.cursorAt, id: r.cursorId ?? 0 };
  let total = 0;
  for (;;) {
    const now = env.clock.now();
    const page = await store.archivedPage(archive.id, r.eventStart, to, r.startedAt, cursor, REPLAY_BATCH);
    const events = page.map((a) => JSON.parse(a.event) as FormedEvent);
    const last = page[page.length - 1];
    const done = page.length < REPLAY_BATCH;
    const step = {
      id: r.id, cursorAt: last?.at ?? cursor?.at ?? r.eventStart, cursorId: last?.id ?? cursor?.id ?? 0,
      // EventLastReplayedTime: the time in the window reached (StartReplay API reference); the window's end once complete.
      lastReplayed: done ? r.eventEnd : (last?.at ?? r.eventStart), done: done ? { at: now } : undefined,
    };
    // Re-delivered through PutEvents' own routing, with replay-name, to the rules FilterArns names when given.
    if (!(await dispatchEvents(env, bus, events, { baseUrl: r.baseUrl, now, replayName: r.name, ruleNames, extras: { replay: step } }))) return total;
    total += page.length;
    if (done) return total;
    cursor = { at: step.cursorAt, id: step.cursorId };
  }
}
