// What EventBridge operations share: storage, the SQS queue store (targets), clock, wake-ups, a cache of compiled
// patterns, paging tokens and the lookups operations start with.
import type { Clock } from "../../engine/clock.ts";
import type { Notifier } from "../../engine/notify.ts";
import { compileEventPattern, type EventPattern } from "../../patterns/event-pattern.ts";
import type { SnsApi } from "../sns/index.ts";
import type { SqsStore } from "../sqs/index.ts";
import type { RequestContext } from "../types.ts";
import { DEFAULT_BUS, parseBusRef } from "./domain/names.ts";
import { busNotFound, constraint, ruleNotFound, validation } from "./errors.ts";
import { RuleIndex } from "./domain/rule-index.ts";
import { type EventsMetrics, RuleCounters } from "./metrics.ts";
import type { Observers } from "./observers.ts";
import type { BusKey, EventsStore, RuleRecord, RuleWithTargets } from "./store.ts";

export interface EventsEnv {
  store: EventsStore;
  sqs: SqsStore;
  /** SNS topics as targets (planned publishes written in the PutEvents' transaction). */
  sns?: SnsApi;
  clock: Clock;
  notifier: Notifier;
  /** Outbox rows were committed (API destination deliveries): the delivery engine looks for due work. */
  outboxChanged?: () => void;
  /** OAuth access tokens of connections, cached until they expire (per node). */
  tokens?: Map<string, { token: string; expiresAt: number }>;
  patterns?: Map<string, EventPattern>;
  /** Background work to wake when a rule's schedule or a replay changes (jobs/). */
  jobs?: { schedulesChanged(): void; replaysChanged(): void };
  /** Each bus's rule index, kept while the bus's change counter (EventsStore.busVersion) is unchanged. */
  indexes?: Map<string, { version: number; index: RuleIndex<IndexedRuleRecord> }>;
  /** EventBridge's counters (metrics.ts); absent where no server runs. */
  metrics?: EventsMetrics;
  /** After-commit observers of buses' events (observers.ts; Schema Registry discoverers). */
  observers?: Observers;
}

const CACHE = 10_000;

/**
 * A rule as the cached index holds it: with its counters (its RuleRef and its series' handles, metrics.ts), made once
 * when the index is built, so a match counts without building a key, a ref or a lookup.
 */
export interface IndexedRuleRecord extends RuleWithTargets {
  counters: RuleCounters;
}

/** A compiled pattern from the env's cache (patterns were validated when their rule was put). */
export function compiled(env: EventsEnv, text: string): EventPattern {
  const cache = (env.patterns ??= new Map());
  let p = cache.get(text);
  if (!p) {
    p = compileEventPattern(text);
    if (cache.size >= CACHE) cache.delete(cache.keys().next().value as string);
    cache.set(text, p);
  }
  return p;
}

/**
 * The bus's enabled rules, indexed by source. The counter is read before the rules, so an index is never kept under
 * a counter newer than its rules: any change committed meanwhile makes the next PutEvents read them again (on this
 * node and on every other node sharing the database).
 */
export async function ruleIndex(env: EventsEnv, bus: BusKey): Promise<RuleIndex<IndexedRuleRecord>> {
  const cache = (env.indexes ??= new Map());
  const key = `${bus.account}/${bus.region}/${bus.name}`;
  const version = await env.store.busVersion(bus);
  const hit = cache.get(key);
  if (hit && hit.version === version) return hit.index;
  const [rules, archives] = await Promise.all([env.store.enabledRules(bus), env.store.archives.busArchives(bus.account, bus.region, bus.name)]);
  const records = rules.map((r): IndexedRuleRecord => ({ ...r, counters: new RuleCounters(env.metrics, { account: r.account, region: r.region, bus: r.bus, rule: r.name }) }));
  const index = new RuleIndex(records.map((r) => ({ rule: r, text: r.eventPattern, id: r.id })), (t) => compiled(env, t),
    archives.map((a) => ({ id: a.id, text: a.eventPattern })));
  if (cache.size >= 1000 && !hit) cache.delete(cache.keys().next().value as string);
  cache.set(key, { version, index });
  return index;
}

/**
 * The bus an EventBusName (name or ARN) names, in the caller's account: ResourceNotFoundException when it does not
 * exist. The default bus always exists. A bus of another account is refused (cross-account buses need resource
 * policies, which this version does not carry out).
 */
export async function resolveBus(env: EventsEnv, ctx: RequestContext, ref: unknown, path = "eventBusName"): Promise<BusKey> {
  const key = parseBusRef(ref, ctx.accountId, ctx.region, path);
  if (key.account !== ctx.accountId || key.region !== ctx.region) {
    throw validation("Event buses of another account or region are not supported by this Mailroom version yet.");
  }
  if (key.name === DEFAULT_BUS) return key;
  if (!(await env.store.getBus(key))) throw busNotFound(key.name);
  return key;
}

export async function resolveRule(env: EventsEnv, ctx: RequestContext, name: unknown, busRef: unknown): Promise<RuleRecord> {
  const bus = await resolveBus(env, ctx, busRef);
  const rule = await env.store.getRule({ ...bus, rule: String(name) });
  if (!rule) throw ruleNotFound(String(name), bus.name);
  return rule;
}

/** Opaque NextToken over a name cursor. */
export function encodeToken(cursor: string): string {
  return Buffer.from(cursor, "utf8").toString("base64url");
}

export function decodeToken(token: unknown): string {
  if (token === undefined || token === null || token === "") return "";
  const s = Buffer.from(String(token), "base64url").toString("utf8");
  // An unusable token (EventBridge API reference, NextToken: "an expired pagination token ... returns an HTTP 400 InvalidToken").
  if (encodeToken(s) !== token) throw validation("The NextToken provided is invalid.");
  return s;
}

/** Limit (1-100 on every List* of EventBridge, API reference); absent: `def`. */
export function pageLimit(value: unknown, def = 100): number {
  if (value === undefined || value === null) return def;
  const n = Number(value);
  if (n < 1) throw constraint(n, "limit", "have value greater than or equal to 1");
  if (n > 100) throw constraint(n, "limit", "have value less than or equal to 100");
  return n;
}
