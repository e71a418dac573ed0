// PutEvents: up to 10 entries, 256 KiB in all; each accepted entry becomes an event, matched against the enabled
// rules of its bus (dispatchEvents, which replays call too). Every matched target's delivery is written in one
// transaction (ADR 0018): SQS messages through SQS's one enqueue, SNS publishes through SNS's planned publish, another
// bus's targets the same way (one hop), and API destinations, Kinesis streams and state machines as outbox rows for
// the delivery engine. A 200 means
// every matched in-process target has the event. Entries AWS does not accept fail alone (Entries[].ErrorCode).
import { randomUUID } from "node:crypto";
import { accountRoot, policyDecision, readPolicy } from "../../../auth/policy.ts";
import type { DeadLetter } from "../../../delivery/types.ts";
import { DEDUP_WINDOW_MS, fifoFields, isFifo, md5Hex, parseQueueArn, wakeKey, type QueueRecord } from "../../sqs/index.ts";
import type { RequestContext } from "../../types.ts";
import { deadLetterOf, immediateDeadLetter, retryPolicyOf } from "../dead-letters.ts";
import { checkEntry, entrySize, formEvent, MAX_PUT_EVENTS_BYTES, type Entry, type EntryError, type FormedEvent } from "../domain/event.ts";
import { busArn, DEFAULT_BUS, parseBusRef, ruleArn, targetKind } from "../domain/names.ts";
import { applyTransformer, parsePath, selectPath, TransformTooLarge } from "../domain/transform.ts";
import { type IndexedRuleRecord, ruleIndex, type EventsEnv } from "../env.ts";
import { busNotFound, constraint, notSupported, validation } from "../errors.ts";
import { API_DESTINATION_KIND, type ApiDestinationPayload } from "../jobs/api-destinations.ts";
import { KINESIS_TARGET_KIND, STATES_TARGET_KIND, type ServiceTargetPayload } from "../jobs/service-targets.ts";
import type { BusKey, DeliveryWrite, RuleWithTargets, TargetRecord } from "../store.ts";
import type { DeliveryExtras, NewArchivedEvent } from "../archive-store.ts";
import { DispatchCounts, type RuleCounters } from "../metrics.ts";
import { notifyObservers } from "../observers.ts";

type Input = Record<string, unknown>;

const SNS_MAX_BYTES = 262_144;

export interface DispatchOptions {
  /** Scheme and authority of the request (links in SNS envelopes). */
  baseUrl: string;
  now: number;
  /** A replay: its name, added to each event as "replay-name" (user guide, "Replaying archived events"). */
  replayName?: string;
  /** A replay limited to some rules of the bus: only these rules' targets get the events. */
  ruleNames?: string[];
  /** A scheduled rule's firing: the event goes to this rule's targets alone, whatever its pattern (it may have none). */
  ruleId?: number;
  /** Writes that commit with the deliveries, guarded (a replay's position, a schedule's advance; archive-store.ts). */
  extras?: DeliveryExtras;
}

/** What one dispatch writes, and what runs once it is committed. */
interface Plan {
  write: DeliveryWrite;
  after: (() => Promise<void>)[];
  queues: Map<string, QueueRecord | undefined>;
  /** Copies for the archives of the buses the events arrived on (ADR 0019). */
  archive: NewArchivedEvent[];
  /** The rules' metrics of this dispatch, added once it committed (metrics.ts). */
  counts: DispatchCounts;
  /** Events forwarded to observed buses (a rule's bus target), told to their observers once committed (observers.ts). */
  observed?: { bus: BusKey; events: FormedEvent[] }[];
}

const newPlan = (): Plan => ({ write: { queues: [], topics: [], outbox: [] }, after: [], queues: new Map(), archive: [], counts: new DispatchCounts() });


/**
 * An event on its way to targets, with its JSON text made at most once, however many targets and archives take the
 * whole event (the text is the same for all: JSON.stringify of the same object).
 */
interface Routed {
  event: FormedEvent;
  json?: string;
  /** MD5 and UTF-8 length of `json`, made once for every SQS target that gets the whole event. */
  md5?: string;
  bytes?: number;
}

function jsonOf(r: Routed): string {
  return (r.json ??= JSON.stringify(r.event));
}

/**
 * Matches the events against the bus's enabled rules and delivers them to every matched target, in one transaction.
 * Events arrive formed (PutEvents' formEvent, or archived events for a replay).
 */
export async function dispatchEvents(env: EventsEnv, bus: BusKey, events: FormedEvent[], options: DispatchOptions): Promise<boolean> {
  const plan = newPlan();
  await planDispatch(env, bus, events, undefined, options, plan, false);
  return commit(env, plan, options.now, options.extras);
}

/** False when an extra's guard failed: nothing was written. */
async function commit(env: EventsEnv, plan: Plan, now: number, extras?: DeliveryExtras): Promise<boolean> {
  const all = plan.archive.length > 0 ? { ...extras, archive: plan.archive } : extras;
  if (!(await env.store.deliver(plan.write, now, all))) return false;
  plan.counts.apply();
  for (const qid of new Set(plan.write.queues.map((w) => w.queueId))) env.notifier.notify(wakeKey(qid));
  if (plan.write.outbox.length > 0) env.outboxChanged?.();
  if (plan.observed !== undefined) notifyObservers(env.observers!, plan.observed);
  for (const f of plan.after) await f();
  return true;
}

/** `sizes`: each PutEvents event's entry size (what archives count as SizeBytes); else the size of its JSON text. */
async function planDispatch(env: EventsEnv, bus: BusKey, events: FormedEvent[], sizes: number[] | undefined, o: DispatchOptions, plan: Plan, forwarded: boolean, json?: string): Promise<void> {
  const index = await ruleIndex(env, bus);
  if (o.ruleId !== undefined) {
    const rule = index.rule(o.ruleId);
    if (!rule) return;
    for (const event of events) {
      plan.counts.add(rule.counters, "triggeredRules");
      const r: Routed = { event, json };
      for (const t of rule.targets) await planTarget(env, rule, t, r, o, plan, forwarded);
    }
    return;
  }
  for (let i = 0; i < events.length; i++) {
    const original = events[i];
    const r: Routed = o.replayName === undefined ? { event: original, json } : { event: withReplayName(original, o.replayName) };
    const event = r.event;
    // Events arriving on the bus are archived by its archives; replayed events are not archived again (ADR 0019).
    if (o.replayName === undefined && index.hasArchives) {
      const archives = index.archivesFor(event);
      if (archives.length > 0) {
        const text = jsonOf(r);
        const size = sizes?.[i] ?? Buffer.byteLength(text, "utf8");
        for (const archiveId of archives) plan.archive.push({ archiveId, at: Date.parse(event.time), size, event: text });
      }
    }
    for (const rule of index.match(event)) {
      if (o.ruleNames && !o.ruleNames.includes(rule.name)) continue;
      plan.counts.add(rule.counters, "triggeredRules");
      plan.counts.add(rule.counters, "matchedEvents");
      for (const t of rule.targets) await planTarget(env, rule, t, r, o, plan, forwarded);
    }
  }
}

/** The event with `replay-name` after `region`, where AWS's replayed events carry it (LocalStack snapshot test_archive_and_replay). */
function withReplayName(e: FormedEvent, name: string): FormedEvent {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === "replay-name") continue;
    out[k] = v;
    if (k === "region") out["replay-name"] = name;
  }
  if (!("replay-name" in out)) out["replay-name"] = name;
  return out as unknown as FormedEvent;
}

/** What planning needs of a target that does not change per event: its kind, its rule's ARN, its dead letter. */
interface TargetInfo {
  kind: ReturnType<typeof targetKind>;
  ruleArn: string;
  deadLetter: DeadLetter | undefined;
}

/**
 * Each target's info, made once per target record: records live in the cached rule index, and each belongs to one
 * rule (enabledRules makes one record per stored row), so the rule's ARN is the same for every event.
 */
const infos = new WeakMap<TargetRecord, TargetInfo>();
function infoOf(rule: RuleWithTargets, t: TargetRecord): TargetInfo {
  let info = infos.get(t);
  if (!info) {
    const rArn = ruleArn(rule.region, rule.account, rule.bus, rule.name);
    infos.set(t, (info = { kind: targetKind(t.arn), ruleArn: rArn, deadLetter: deadLetterOf(rArn, t) }));
  }
  return info;
}

/** What the target receives: Input, InputPath's selection, the InputTransformer's output, or the event. */
function bodyFor(rule: RuleWithTargets, t: TargetRecord, info: TargetInfo, r: Routed, now: number): string | undefined {
  const event = r.event;
  const it = t.settings?.InputTransformer;
  if (it) return applyTransformer(it, event as unknown as Record<string, unknown>, { ruleArn: info.ruleArn, ruleName: rule.name, ingestedAt: now });
  if (t.input !== undefined) return t.input;
  if (t.inputPath === undefined) return jsonOf(r);
  // InputPath: the same JSONPath subset as InputPathsMap (wildcards select a list); nothing selected, nothing sent.
  const steps = parsePath(t.inputPath);
  const v = steps ? selectPath(event, steps) : undefined;
  return v === undefined ? undefined : JSON.stringify(v);
}

async function queueOf(env: EventsEnv, plan: Plan, arn: string): Promise<QueueRecord | undefined> {
  if (!plan.queues.has(arn)) {
    const key = parseQueueArn(arn);
    plan.queues.set(arn, key ? await env.sqs.getQueue(key) : undefined);
  }
  return plan.queues.get(arn);
}

/** A failure AWS never retries: straight to the target's dead-letter queue, if it has one (else the event is dropped). */
async function deadLetterNow(env: EventsEnv, plan: Plan, ref: RuleCounters, dl: DeadLetter | undefined, code: string, message: string, body: string, sender: string, now: number) {
  // A failed invocation is an invocation too (user guide, "Monitoring Amazon EventBridge": Invocations "includes successful and failed invocations").
  plan.counts.add(ref, "invocations");
  plan.counts.add(ref, "failedInvocations");
  if (!dl) return;
  const q = await queueOf(env, plan, dl.queueArn);
  if (!q) return plan.counts.add(ref, "failedToDlq");
  plan.counts.add(ref, "sentToDlq");
  const m = immediateDeadLetter(dl, code, message, body, sender, now);
  // The user guide allows only standard queues as dead-letter queues; a FIFO one still gets a valid message (group = target).
  plan.write.queues.push(isFifo(q)
    ? { queueId: q.id, message: { ...m, messageGroupId: dl.attributes?.TARGET_ARN ?? "dlq", deduplicationId: m.messageId, dedupKey: m.messageId }, fifo: { dedupWindowMs: DEDUP_WINDOW_MS } }
    : { queueId: q.id, message: m });
}

async function planTarget(env: EventsEnv, rule: IndexedRuleRecord, t: TargetRecord, r: Routed, o: DispatchOptions, plan: Plan, forwarded: boolean) {
  const now = o.now;
  const event = r.event;
  const info = infoOf(rule, t);
  const dl = info.deadLetter;
  const sender = rule.account;
  const kind = info.kind;
  const ref = rule.counters;
  if (kind.kind === "bus") {
    // One hop only: "EventBridge can't route events received from a sender event bus to a third event bus" (user
    // guide, "Sending and receiving events between event buses"; the same for accounts, "Sending and receiving events
    // between AWS accounts").
    // Not invoked: counted as DeadLetterInvocations, "the number of times a rule's target isn't invoked in response to
    // an event" (user guide, "Monitoring Amazon EventBridge").
    if (forwarded) return plan.counts.add(ref, "deadLetterInvocations");
    const target: BusKey = { account: kind.account, region: kind.region, name: kind.name };
    const exists = target.name === DEFAULT_BUS || (await env.store.getBus(target)) !== undefined;
    const body = jsonOf(r);
    if (!exists) return deadLetterNow(env, plan, ref, dl, "NO_RESOURCE", `Event bus ${target.name} does not exist.`, body, sender, now);
    if (target.account !== rule.account && !(await busAllows(env, target, rule.account))) {
      return deadLetterNow(env, plan, ref, dl, "NO_PERMISSIONS", `${accountRoot(rule.account)} is not authorized to perform: events:PutEvents on resource: ${busArn(target.region, target.account, target.name)}`, body, sender, now);
    }
    plan.counts.add(ref, "invocations");
    if (env.observers !== undefined && env.observers.size > 0) (plan.observed ??= []).push({ bus: target, events: [event] });
    return planDispatch(env, target, [event], undefined, { ...o, ruleNames: undefined, ruleId: undefined }, plan, true, body);
  }
  let body: string | undefined;
  try {
    body = bodyFor(rule, t, info, r, now);
  } catch (e) {
    if (!(e instanceof TransformTooLarge)) throw e;
    // A Mailroom bound (MAX_TRANSFORMED_BYTES): the invocation fails without retry, like a target that cannot take it.
    return deadLetterNow(env, plan, ref, dl, "INPUT_TOO_LARGE", e.message, jsonOf(r), sender, now);
  }
  // InputPath selecting nothing: there is nothing to send.
  if (body === undefined) return;
  switch (kind.kind) {
    case "sqs": {
      const q = await queueOf(env, plan, t.arn);
      if (!q) return deadLetterNow(env, plan, ref, dl, "NO_RESOURCE", "The specified queue does not exist.", body, sender, now);
      // A message over the queue's MaximumMessageSize is refused by SQS (SendMessage API reference): the invocation fails.
      const max = Number(q.attributes.MaximumMessageSize ?? 1_048_576);
      const whole = body === r.json;
      const bytes = whole ? (r.bytes ??= Buffer.byteLength(body, "utf8")) : Buffer.byteLength(body, "utf8");
      if (bytes > max) return deadLetterNow(env, plan, ref, dl, "INPUT_TOO_LARGE", `The message is longer than the queue's MaximumMessageSize of ${max} bytes.`, body, sender, now);
      const m = {
        messageId: randomUUID(), body, md5OfBody: whole ? (r.md5 ??= md5Hex(body)) : md5Hex(body), senderId: sender,
        // The queue's DelaySeconds applies to every message it receives (SQS developer guide, "Amazon SQS delay queues").
        visibleAt: now + Number(q.attributes.DelaySeconds ?? 0) * 1000,
      };
      if (!isFifo(q)) {
        plan.write.queues.push({ queueId: q.id, message: t.messageGroupId === undefined ? m : { ...m, messageGroupId: t.messageGroupId } });
        plan.counts.add(ref, "invocations");
        return;
      }
      // A FIFO queue target needs content-based deduplication (PutTargets API reference, SqsParameters: "If you
      // specify an SQS FIFO queue as a target, the queue must have content-based deduplication enabled"); without
      // it the invocation fails, and is not retried.
      let f;
      try {
        f = fifoFields(q, { MessageGroupId: t.messageGroupId }, body);
      } catch (e) {
        return deadLetterNow(env, plan, ref, dl, "NO_PERMISSIONS", (e as Error).message, body, sender, now);
      }
      plan.write.queues.push({ queueId: q.id, message: { ...m, messageGroupId: f.groupId, deduplicationId: f.deduplicationId, dedupKey: f.dedupKey }, fifo: { dedupWindowMs: DEDUP_WINDOW_MS } });
      plan.counts.add(ref, "invocations");
      return;
    }
    case "sns": {
      // SNS messages: at most 256 KiB (Publish API reference, Message); a larger event fails the invocation.
      if (Buffer.byteLength(body, "utf8") > SNS_MAX_BYTES) return deadLetterNow(env, plan, ref, dl, "INPUT_TOO_LARGE", "The message is longer than SNS's 262144 bytes.", body, sender, now);
      const p = env.sns ? await env.sns.planTopicPublish(t.arn, body, o.baseUrl, now) : undefined;
      if (p === undefined) return deadLetterNow(env, plan, ref, dl, "NO_RESOURCE", "Topic does not exist", body, sender, now);
      if (p === "fifo") return deadLetterNow(env, plan, ref, dl, "NO_PERMISSIONS", "SNS FIFO topics are not supported as EventBridge targets by this Mailroom version.", body, sender, now);
      plan.write.topics.push(p.write);
      plan.after.push(p.committed);
      plan.counts.add(ref, "invocations");
      return;
    }
    case "api-destination": {
      const payload: ApiDestinationPayload = { body, http: t.settings?.HttpParameters, sender, rule: ref.ref };
      plan.write.outbox.push({ kind: API_DESTINATION_KIND, target: t.arn, payload: JSON.stringify(payload), dueAt: now, policy: retryPolicyOf(t), deadLetter: dl });
      return;
    }
    case "kinesis": {
      // The partition key: KinesisParameters.PartitionKeyPath's value in the event, else the event id (PutTargets API
      // reference, Target KinesisParameters: "If you do not include this parameter, the default is to use the eventId
      // as the partition key"). A path selecting nothing gives an empty key, which PutRecord refuses (dead letter).
      const path = t.settings?.KinesisParameters?.PartitionKeyPath;
      let partitionKey = event.id;
      if (path !== undefined) {
        const steps = parsePath(path);
        const v = steps ? selectPath(event, steps) : undefined;
        partitionKey = v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);
      }
      const payload: ServiceTargetPayload = { body, sender, partitionKey, rule: ref.ref };
      plan.write.outbox.push({ kind: KINESIS_TARGET_KIND, target: t.arn, payload: JSON.stringify(payload), dueAt: now, policy: retryPolicyOf(t), deadLetter: dl });
      return;
    }
    case "states": {
      const payload: ServiceTargetPayload = { body, sender, name: event.id, rule: ref.ref };
      plan.write.outbox.push({ kind: STATES_TARGET_KIND, target: t.arn, payload: JSON.stringify(payload), dueAt: now, policy: retryPolicyOf(t), deadLetter: dl });
      return;
    }
    default:
      // Targets PutTargets refuses never reach here (stored before this version, or by a newer node): nothing to do.
      return;
  }
}

/** Whether the bus's resource policy lets `account` put events on it (user guide, "Permissions for event buses"). */
async function busAllows(env: EventsEnv, bus: BusKey, account: string): Promise<boolean> {
  const stored = await env.store.busPolicy(bus);
  if (!stored) return false;
  return policyDecision(readPolicy(stored), { account, action: "events:PutEvents", resource: busArn(bus.region, bus.account, bus.name) }) === "allow";
}

/** The bus a PutEvents entry names: the caller's own, or another account's whose policy lets the caller put events. */
async function entryBus(env: EventsEnv, ctx: RequestContext, ref: string | undefined, i: number): Promise<BusKey | EntryError> {
  const key = parseBusRef(ref, ctx.accountId, ctx.region, `entries.${i + 1}.member.eventBusName`);
  // PutEvents is regional: a bus of another region is reached through a rule whose target is that bus.
  if (key.region !== ctx.region) throw validation("Event buses of another region are reached through rules with an event bus target, not PutEvents.");
  if (key.account === ctx.accountId) {
    if (key.name !== DEFAULT_BUS && !(await env.store.getBus(key))) throw busNotFound(key.name);
    return key;
  }
  // Another account's bus: allowed only by its policy (user guide, "Permissions for event buses"); a missing bus is
  // refused the same way, so nothing is learnt about the other account. AccessDeniedException is an entry error code
  // (PutEventsResultEntry ErrorCode); the wording follows IAM's access-denied messages.
  const exists = key.name === DEFAULT_BUS || (await env.store.getBus(key)) !== undefined;
  const arn = busArn(key.region, key.account, key.name);
  if (!exists || !(await busAllows(env, key, ctx.accountId))) {
    return {
      ErrorCode: "AccessDeniedException",
      ErrorMessage: `User: ${accountRoot(ctx.accountId)} is not authorized to perform: events:PutEvents on resource: ${arn} because no resource-based policy allows the events:PutEvents action`,
    };
  }
  return key;
}

export async function putEvents(env: EventsEnv, ctx: RequestContext, input: Input) {
  const entries = (input.Entries as Entry[] | undefined) ?? [];
  // Entries: 1-10 (PutEvents API reference, Entries Array Members); AWS's message quotes the entries themselves.
  if (entries.length < 1) throw validation("1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1");
  if (entries.length > 10) throw validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10");
  if (input.EndpointId !== undefined) throw notSupported("EndpointId (global endpoints)");
  // Recorded on AWS: ValidationException "Total size of the entries in the request is over the limit." (LocalStack snapshot test_put_event_with_too_big_detail).
  const sizes = entries.map(entrySize);
  if (sizes.reduce((n, x) => n + x, 0) > MAX_PUT_EVENTS_BYTES) throw validation("Total size of the entries in the request is over the limit.");
  entries.forEach((e, i) => {
    // A timestamp outside what a date can hold (the model's timestamp type; epoch seconds beyond ±8.64e12).
    if (e.Time && Number.isNaN(e.Time.getTime())) throw constraint(String(e.Time), `entries.${i + 1}.member.time`, "be of type timestamp");
    // Resources are strings (PutEventsRequestEntry Resources: "Array of strings").
    if (e.Resources?.some((r) => typeof r !== "string")) throw validation(`1 validation error detected: Value null at 'entries.${i + 1}.member.resources' failed to satisfy constraint: Member must not be null`);
    // TraceHeader: 1-500 characters (PutEventsRequestEntry TraceHeader). It is X-Ray's, not part of the event.
    if (e.TraceHeader !== undefined && (e.TraceHeader.length < 1 || e.TraceHeader.length > 500)) {
      throw constraint(e.TraceHeader, `entries.${i + 1}.member.traceHeader`, e.TraceHeader.length < 1 ? "have length greater than or equal to 1" : "have length less than or equal to 500");
    }
  });
  // Every named bus of the caller must exist: a missing one fails the whole request (recorded: LocalStack snapshot
  // test_put_events_nonexistent_event_bus).
  const buses = new Map<string, BusKey | EntryError>();
  for (const [i, e] of entries.entries()) {
    const ref = e.EventBusName ?? "default";
    if (!buses.has(ref)) buses.set(ref, await entryBus(env, ctx, e.EventBusName, i));
  }
  const now = env.clock.now();
  const out: ({ EventId: string } | EntryError)[] = [];
  const byBus = new Map<string, { bus: BusKey; events: FormedEvent[]; sizes: number[] }>();
  let failed = 0;
  for (const [i, e] of entries.entries()) {
    const bus = buses.get(e.EventBusName ?? "default") as BusKey | EntryError;
    const checked = checkEntry(e);
    const error = "error" in checked ? checked.error : "ErrorCode" in bus ? bus : undefined;
    if (error || "error" in checked) {
      out.push(error as EntryError);
      failed++;
      continue;
    }
    const id = randomUUID();
    const key = bus as BusKey;
    const k = `${key.account}/${key.name}`;
    let group = byBus.get(k);
    if (!group) byBus.set(k, (group = { bus: key, events: [], sizes: [] }));
    group.events.push(formEvent(id, e, checked.detail, ctx.accountId, ctx.region, now));
    group.sizes.push(sizes[i]);
    out.push({ EventId: id });
  }
  const plan = newPlan();
  for (const { bus, events, sizes: groupSizes } of byBus.values()) await planDispatch(env, bus, events, groupSizes, { baseUrl: ctx.baseUrl, now }, plan, false);
  await commit(env, plan, now);
  if (env.observers !== undefined && env.observers.size > 0) notifyObservers(env.observers, byBus.values());
  return { FailedEntryCount: failed, Entries: out };
}
