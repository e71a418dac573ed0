// PutEvents: up to 10 entries, 256 KiB in all; each accepted entry becomes an event, matched against the enabled
// rules of its bus, and its SQS targets' messages are written in one transaction through SQS's one enqueue (a 200
// means every matching queue has its message). Entries AWS does not accept fail alone (Entries[].ErrorCode).
import { randomUUID } from "node:crypto";
import { DEDUP_WINDOW_MS, fifoFields, isFifo, md5Hex, parseQueueArn, wakeKey, type QueueWrite } from "../../sqs/index.ts";
import type { RequestContext } from "../../types.ts";
import type { DeliveryExtras, NewArchivedEvent } from "../archive-store.ts";
import { checkEntry, entrySize, formEvent, MAX_PUT_EVENTS_BYTES, targetBody, type Entry, type EntryError, type FormedEvent } from "../domain/event.ts";
import { ruleArn } from "../domain/names.ts";
import type { RuleIndex } from "../domain/rule-index.ts";
import { resolveBus, ruleIndex, type EventsEnv } from "../env.ts";
import { constraint, notSupported, validation } from "../errors.ts";
import type { BusKey, RuleWithTargets } from "../store.ts";

type Input = Record<string, unknown>;

export async function putEvents(env: EventsEnv, ctx: RequestContext, input: Input) {
  const entries = (input.Entries as Entry[] | undefined) ?? [];
  // Entries: 1-10 (PutEvents API reference, Entries Array Members); AWS's message quotes the entries themselves.
  if (entries.length < 1) throw validation("1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1");
  if (entries.length > 10) throw validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10");
  if (input.EndpointId !== undefined) throw notSupported("EndpointId (global endpoints)");
  // Recorded on AWS: ValidationException "Total size of the entries in the request is over the limit." (LocalStack snapshot test_put_event_with_too_big_detail).
  if (entries.reduce((n, e) => n + entrySize(e), 0) > MAX_PUT_EVENTS_BYTES) throw validation("Total size of the entries in the request is over the limit.");
  entries.forEach((e, i) => {
    // A timestamp outside what a date can hold (the model's timestamp type; epoch seconds beyond ±8.64e12).
    if (e.Time && Number.isNaN(e.Time.getTime())) throw constraint(String(e.Time), `entries.${i + 1}.member.time`, "be of type timestamp");
    // Resources are strings (PutEventsRequestEntry Resources: "Array of strings").
    if (e.Resources?.some((r) => typeof r !== "string")) throw validation(`1 validation error detected: Value null at 'entries.${i + 1}.member.resources' failed to satisfy constraint: Member must not be null`);
  });
  // Every named bus must exist: a missing one fails the whole request (recorded: LocalStack snapshot test_put_events_nonexistent_event_bus).
  const buses = new Map<string, BusKey>();
  for (const [i, e] of entries.entries()) {
    const ref = e.EventBusName ?? "default";
    if (!buses.has(ref)) buses.set(ref, await resolveBus(env, ctx, e.EventBusName, `entries.${i + 1}.member.eventBusName`));
  }
  const now = env.clock.now();
  const out: ({ EventId: string } | EntryError)[] = [];
  const events: Routed[] = [];
  let failed = 0;
  for (const e of entries) {
    const checked = checkEntry(e);
    if ("error" in checked) {
      out.push(checked.error);
      failed++;
      continue;
    }
    if (e.TraceHeader !== undefined) {
      out.push({ ErrorCode: "UnsupportedParameter", ErrorMessage: "TraceHeader is not supported by this Mailroom version yet." });
      failed++;
      continue;
    }
    const id = randomUUID();
    const bus = buses.get(e.EventBusName ?? "default") as BusKey;
    events.push({ bus, event: formEvent(id, e, checked.detail, ctx.accountId, ctx.region, now), size: entrySize(e) });
    out.push({ EventId: id });
  }
  await deliverEvents(env, events, now);
  return { FailedEntryCount: failed, Entries: out };
}

/** An event to route: its bus, the event as targets receive it, and its entry size (what archives count). */
export interface Routed {
  bus: BusKey;
  event: FormedEvent;
  size: number;
}

export interface RouteOptions {
  /** A replay: matched rules are limited to these ARNs (its Destination.FilterArns), when given; nothing is archived. */
  replay?: { ruleArns?: ReadonlySet<string> };
  /** A scheduled firing: the event goes to this rule's targets alone, whatever its pattern; nothing is archived. */
  ruleId?: number;
  /** Writes that commit with the deliveries (a replay's position, a schedule's advance). */
  extras?: DeliveryExtras;
}

/**
 * Routes events to their bus's matching rules and writes every target's message, the archived copies and the
 * extras in one transaction (EventsStore.deliver), then wakes the queues. PutEvents, replays and scheduled rules
 * all deliver through here. False when an extra's guard failed (nothing was written).
 */
export async function deliverEvents(env: EventsEnv, events: Routed[], now: number, opts: RouteOptions = {}): Promise<boolean> {
  const indexes = new Map<string, Promise<RuleIndex<RuleWithTargets>>>();
  const indexOf = (bus: BusKey) => {
    let idx = indexes.get(bus.name);
    if (!idx) indexes.set(bus.name, (idx = ruleIndex(env, bus)));
    return idx;
  };
  const writes: QueueWrite[] = [];
  const archive: NewArchivedEvent[] = [];
  const queues = new Map<string, Awaited<ReturnType<typeof env.sqs.getQueue>>>();
  for (const { bus, event, size } of events) {
    const index = await indexOf(bus);
    let rules: RuleWithTargets[];
    if (opts.ruleId !== undefined) {
      const r = index.rule(opts.ruleId);
      rules = r ? [r] : [];
    } else {
      rules = index.match(event);
      const only = opts.replay?.ruleArns;
      if (only) rules = rules.filter((r) => only.has(ruleArn(r.region, r.account, r.bus, r.name)));
      // Replayed events are not archived again (archives take events as they arrive on the bus).
      if (!opts.replay && index.hasArchives) {
        const text = JSON.stringify(event);
        for (const archiveId of index.archivesFor(event)) archive.push({ archiveId, at: Date.parse(event.time), size, event: text });
      }
    }
    for (const rule of rules) {
      for (const t of rule.targets) {
        const key = parseQueueArn(t.arn);
        if (!key) continue;
        if (!queues.has(t.arn)) queues.set(t.arn, await env.sqs.getQueue(key));
        const q = queues.get(t.arn);
        // A target queue that does not exist gets nothing (the invocation fails; EventBridge reports it in its FailedInvocations metric only).
        if (!q) continue;
        const body = targetBody(event, t.input, t.inputPath);
        if (body === undefined) continue;
        const m = {
          messageId: randomUUID(), body, md5OfBody: md5Hex(body), senderId: event.account,
          // The queue's DelaySeconds applies to every message it receives (SQS developer guide, "Amazon SQS delay queues").
          visibleAt: now + Number(q.attributes.DelaySeconds ?? 0) * 1000,
        };
        if (!isFifo(q)) {
          writes.push({ queueId: q.id, message: t.messageGroupId === undefined ? m : { ...m, messageGroupId: t.messageGroupId } });
          continue;
        }
        // A FIFO queue target needs content-based deduplication (PutTargets API reference, SqsParameters: "If you
        // specify an SQS FIFO queue as a target, the queue must have content-based deduplication enabled"); without
        // it the invocation fails and the queue gets nothing.
        let f;
        try {
          f = fifoFields(q, { MessageGroupId: t.messageGroupId }, body);
        } catch {
          continue;
        }
        writes.push({ queueId: q.id, message: { ...m, messageGroupId: f.groupId, deduplicationId: f.deduplicationId, dedupKey: f.dedupKey }, fifo: { dedupWindowMs: DEDUP_WINDOW_MS } });
      }
    }
  }
  const extras = archive.length > 0 ? { ...opts.extras, archive } : opts.extras;
  if (!(await env.store.deliver(writes, now, extras))) return false;
  for (const qid of new Set(writes.map((w) => w.queueId))) env.notifier.notify(wakeKey(qid));
  return true;
}
