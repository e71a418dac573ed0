// What the pipes runner's parts share (runner.ts, sqs-source.ts, kinesis-source.ts, deliver.ts): the node's in-memory
// state, request contexts for the other modules' in-process operations, the filters and the targets' batch sizes.
import { compileEventPattern, type EventPattern, matchesEvent } from "../../../patterns/event-pattern.ts";
import type { Logger } from "../../../util/log.ts";
import { jobContext, type RequestContext } from "../../types.ts";
import { parseResource } from "../domain/arns.ts";
import { type KinesisRecord, readable, type SqsRecord } from "../domain/records.ts";
import type { PipesEnv } from "../env.ts";
import type { PipeRecord } from "../store.ts";

export type SourceRecord = SqsRecord | KinesisRecord;

/** The largest batch the pipe's target takes (user guide, batching page: SQS, SNS and event buses 10, Kinesis 500). */
export function targetBatch(p: PipeRecord): number {
  const kind = parseResource(p.config.Target).kind;
  // API destinations take one event per request ("doesn't support batching", batching page).
  if (kind === "api-destination" || (p.config.Enrichment && parseResource(p.config.Enrichment).kind === "api-destination")) return 1;
  return kind === "kinesis" ? 500 : kind === "state-machine" ? 10_000 : 10;
}

/** What the runner keeps in memory on its node (a restart, or another node taking over, starts it again). */
export interface RunnerState {
  /** Kinesis retry counts per pipe and shard. */
  attempts: Map<string, number>;
  /** Compiled filter patterns by text. */
  patterns: Map<string, EventPattern>;
  /** Since when a pipe (SQS) or a pipe's shard (Kinesis) has had records waiting for a fuller batch (batching window). */
  waitingSince: Map<string, number>;
  /** Per pipe and shard: sequence numbers of the current read that the target accepted while others failed. */
  delivered: Map<string, Set<string>>;
  /** Per pipe: the closed shards read to their end (their children may be read). */
  ended: Set<string>;
  /** When each pipe's last failed delivery was logged (at most one warning a minute per pipe). */
  loggedAt: Map<string, number>;
  log: Logger;
}

/** Logs a pipe's failed round or delivery (what was read is left to its source's retries), at most once a minute per pipe. */
export function reportFailure(env: PipesEnv, state: RunnerState, p: PipeRecord, e: unknown): void {
  const key = `${p.account}/${p.region}/${p.name}/`;
  const now = env.clock.now();
  if ((state.loggedAt.get(key) ?? -Infinity) > now - 60_000) return;
  state.loggedAt.set(key, now);
  state.log.warn("pipes: a pipe could not read or deliver; what it read is left to the source's retries", { pipe: p.name, account: p.account, error: String((e as Error)?.message ?? e) });
}

export function context(p: PipeRecord, env: PipesEnv): RequestContext {
  return jobContext(p.account, p.region, env.baseUrl());
}

export function call(env: PipesEnv, service: string) {
  const c = env.service(service);
  if (!c) throw new Error(`the ${service} service is not running`);
  return c;
}

export function filterOf(p: PipeRecord, patterns: Map<string, EventPattern>): ((r: SourceRecord) => boolean) | undefined {
  const filters = ((p.config.SourceParameters?.FilterCriteria as { Filters?: { Pattern?: string }[] } | undefined)?.Filters ?? [])
    .map((f) => f.Pattern).filter((t): t is string => typeof t === "string" && t !== "");
  if (filters.length === 0) return undefined;
  const compiled = filters.map((t) => {
    let c = patterns.get(t);
    if (!c) {
      c = compileEventPattern(t);
      if (patterns.size > 10_000) patterns.clear();
      patterns.set(t, c);
    }
    return c;
  });
  // A record passes when any filter matches it (user guide, "Event filtering in Amazon EventBridge Pipes").
  return (r) => {
    const doc = readable(r);
    return compiled.some((c) => matchesEvent(c, doc));
  };
}

