// The pipes runner: one leased job on the platform scheduler (engine/scheduler.ts `every`, lease "pipes.runner"), so
// every pipe runs on one node at a time in a cluster, and another node takes over when the holder stops renewing
// (ADR 0031). Each round it completes pipes' transitions (CREATING → RUNNING or STOPPED, STOPPING → STOPPED,
// DELETING → gone, …) and polls each RUNNING pipe's source once (sqs-source.ts, kinesis-source.ts) through the other
// modules' in-process operations; an execution goes through the enrichment and the target in deliver.ts. What was read
// is acknowledged only after the target accepted it: SQS messages are deleted, a Kinesis checkpoint is saved. A failed
// batch is left to the source: SQS messages become visible again when their visibility timeout ends and the queue's
// redrive policy counts the receive (user guide, "Amazon SQS as a source"); a Kinesis batch is retried until
// MaximumRetryAttempts, then recorded on the DeadLetterConfig queue and skipped. State lives in the database, so a
// restart resumes where the last acknowledged batch ended (at least once).
import type { Registration, Scheduler } from "../../../engine/scheduler.ts";
import type { Logger } from "../../../util/log.ts";
import { parseResource } from "../domain/arns.ts";
import type { PipesEnv } from "../env.ts";
import type { PipeRecord, PipeState } from "../store.ts";
import { pollKinesis } from "./kinesis-source.ts";
import { call, context, reportFailure, type RunnerState } from "./shared.ts";
import { pollSqs } from "./sqs-source.ts";

export { deliver, PartialFailure } from "./deliver.ts";

/** How often a pipe's source is polled (AWS polls continuously; one round a second here). */
export const ROUND_MS = 1000;
/** How long the runner's lease lasts without renewal when other nodes share the database. */
const LEASE_MS = 30_000;

export interface Runner {
  registration: Registration;
}

/**
 * `shared`: other nodes use the same database (PostgreSQL). Their lease then outlives a long round (a slow target), so
 * a second node does not start polling the same sources while the holder is still delivering; a node that stops
 * releases it at once (scheduler.stop), one that dies is replaced after 30 s. On SQLite (one process per file) the
 * lease keeps the scheduler's default of three rounds, so a process restarted after a crash resumes within seconds.
 */
export function scheduleRunner(scheduler: Scheduler, env: PipesEnv, log: Logger, o: { shared?: boolean; intervalMs?: number } = {}): Runner {
  const state: RunnerState = { attempts: new Map(), patterns: new Map(), waitingSince: new Map(), delivered: new Map(), ended: new Set(), loggedAt: new Map(), log };
  const intervalMs = o.intervalMs ?? ROUND_MS;
  const registration = scheduler.every({ name: "pipes.runner", intervalMs, ttlMs: o.shared ? LEASE_MS : undefined }, () => round(env, state));
  return { registration };
}

async function round(env: PipesEnv, state: RunnerState): Promise<void> {
  let after: PipeRecord | undefined;
  for (;;) {
    const page = await env.store.page(after, 100);
    const results = await Promise.allSettled(page.map((p) => step(env, p, state)));
    results.forEach((r, i) => {
      if (r.status === "rejected") reportFailure(env, state, page[i], r.reason);
    });
    if (page.length < 100) return;
    after = page[page.length - 1];
  }
}

/** Why the pipe's source cannot be read, or undefined when it can. */
async function sourceProblem(env: PipesEnv, p: PipeRecord): Promise<string | undefined> {
  const ref = parseResource(p.config.Source);
  try {
    if (ref.kind === "sqs") await call(env, "sqs")(context(p, env), "GetQueueUrl", { QueueName: ref.name, QueueOwnerAWSAccountId: ref.account });
    else if (ref.kind === "kinesis") await call(env, "kinesis")(context(p, env), "DescribeStreamSummary", { StreamARN: ref.arn });
    return undefined;
  } catch (e) {
    return `Source ${p.config.Source} cannot be read: ${(e as Error).message}`;
  }
}

const FAILED_STATE: Partial<Record<PipeState, PipeState>> = { CREATING: "CREATE_FAILED", UPDATING: "UPDATE_FAILED", STARTING: "START_FAILED" };

async function step(env: PipesEnv, p: PipeRecord, state: RunnerState): Promise<void> {
  const { attempts } = state;
  const now = env.clock.now();
  switch (p.currentState) {
    case "CREATING":
    case "UPDATING":
    case "STARTING": {
      const problem = p.desiredState === "RUNNING" ? await sourceProblem(env, p) : undefined;
      if (problem) {
        await env.store.save({ ...p, currentState: FAILED_STATE[p.currentState]!, config: { ...p.config, StateReason: problem } }, p.version);
        return;
      }
      const running = p.desiredState === "RUNNING";
      const config = { ...p.config };
      delete config.StateReason;
      if (running) config.StartedAt = now;
      await env.store.save({ ...p, currentState: running ? "RUNNING" : "STOPPED", config }, p.version);
      return;
    }
    case "STOPPING":
      await env.store.save({ ...p, currentState: "STOPPED" }, p.version);
      return;
    case "DELETING":
      await env.store.delete(p, p.version);
      for (const m of [attempts, state.waitingSince, state.delivered, state.loggedAt, state.ended] as (Map<string, unknown> | Set<string>)[]) for (const k of m.keys()) if (k.startsWith(`${p.account}/${p.region}/${p.name}/`)) m.delete(k);
      return;
    case "RUNNING": {
      const ref = parseResource(p.config.Source);
      if (ref.kind === "sqs") await pollSqs(env, p, state);
      else if (ref.kind === "kinesis") await pollKinesis(env, p, state);
      return;
    }
    default:
      return;
  }
}

