// Schema discovery off the request path. Every node keeps an observer on each bus with a started discoverer (the
// events module's after-commit hook); the observer only queues the committed batch (bounded) and wakes this job.
// The job, a scheduler registration, drains the queue in slices: an event whose shape (keys and value kinds) was
// seen lately is skipped by its fingerprint alone; a new shape is inferred (domain/infer.ts) and added to
// discovered-schemas as source@DetailType, which makes a new version only when the inferred schema differs from the
// newest one (store "discover" mode). When other nodes share the database, the started discoverers are read again
// every few seconds.
import type { Scheduler } from "../../../engine/scheduler.ts";
import type { Metrics, ResourceCounter, ResourceMetric } from "../../../metrics/registry.ts";
import type { Logger } from "../../../util/log.ts";
import type { BusKey, BusObserver, FormedEvent } from "../../events/index.ts";
import { contentFingerprint, discoveredName, inferOpenApi, shapeFingerprint } from "../domain/infer.ts";
import { DISCOVERED_REGISTRY, parseBusArn } from "../domain/names.ts";
import type { SchemasEnv } from "../env.ts";
import type { DiscovererRecord } from "../store.ts";

/**
 * PutEvents batches waiting for inference at most (beyond, batches are dropped and counted: discovery samples). A
 * batch is at most 256 KiB of entries, so the queue holds at most 64 MiB of events however large they are.
 */
export const MAX_QUEUED_BATCHES = 256;
/** Events inferred per run before yielding to other work. */
const SLICE = 200;
/** Shapes remembered per node (skipped without inference while remembered). */
const SEEN_MAX = 10_000;
/** A remembered shape is looked at again after this long (another node may have deleted its schema). */
const SEEN_TTL_MS = 60_000;
const SHARED_REFRESH_MS = 5_000;

const busSeries = (name: string, help: string): ResourceMetric => ({ name, help, resourceLabel: "event_bus_name" });

/** Discovery's counters, per bus (Prometheus only: AWS publishes no CloudWatch metrics for discoverers). */
export function discoveryCounters(metrics: Metrics): { inferred: ResourceCounter; dropped: ResourceCounter } {
  return {
    inferred: metrics.counter(busSeries("mailroom_schemas_discovered_shapes_total", "Event shapes a discoverer inferred (new to this node in the last minute).")),
    dropped: metrics.counter(busSeries("mailroom_schemas_discovery_dropped_events_total", "Events a discoverer did not look at: its node's queue was full.")),
  };
}

interface Watched {
  crossAccount: boolean;
  stop: () => void;
}

export interface Discovery {
  /** Read the started discoverers again (after a local change). */
  changed(): void;
  /** Forget the shapes seen (a discovered schema was deleted). */
  forget(): void;
  /** Events dropped because the queue was full. */
  dropped(): number;
  close(): Promise<void>;
}

export function startDiscovery(
  env: SchemasEnv, scheduler: Scheduler, log: Logger, observe: (bus: BusKey, fn: BusObserver) => () => void, shared: boolean,
  counters?: { inferred: ResourceCounter; dropped: ResourceCounter },
): Discovery {
  const watched = new Map<string, Watched>();
  const queue: { bus: BusKey; events: readonly FormedEvent[] }[] = [];
  /** How far into the first batch the last run got. */
  let offset = 0;
  const seen = new Map<string, number>();
  let droppedCount = 0;
  let stale = true;
  let refreshedAt = -Infinity;

  const observer: BusObserver = (bus, events) => {
    if (events.length === 0) return;
    if (queue.length >= MAX_QUEUED_BATCHES) {
      droppedCount += events.length;
      counters?.dropped.add(bus.account, bus.region, bus.name, events.length);
      return;
    }
    queue.push({ bus, events });
    reg.wake();
  };

  async function refresh(now: number): Promise<void> {
    stale = false;
    refreshedAt = now;
    const started: DiscovererRecord[] = await env.store.startedDiscoverers();
    const want = new Map<string, { bus: BusKey; crossAccount: boolean }>();
    for (const d of started) {
      const b = parseBusArn(d.sourceArn);
      if (!b) continue;
      const bus = { account: b.account, region: b.region, name: b.name };
      want.set(`${bus.account}/${bus.region}/${bus.name}`, { bus, crossAccount: d.crossAccount });
    }
    for (const [k, w] of watched) {
      if (!want.has(k)) {
        w.stop();
        watched.delete(k);
      }
    }
    for (const [k, w] of want) {
      const have = watched.get(k);
      if (have) have.crossAccount = w.crossAccount;
      else watched.set(k, { crossAccount: w.crossAccount, stop: observe(w.bus, observer) });
    }
  }

  /** The shape key of an event to infer, or undefined when it is skipped (not watched, another account's, seen lately). */
  function newShape(bus: BusKey, event: FormedEvent, now: number): string | undefined {
    const w = watched.get(`${bus.account}/${bus.region}/${bus.name}`);
    if (!w) return undefined;
    // CrossAccount false: events another account put on the bus are not inferred (API reference, Discoverers).
    if (!w.crossAccount && event.account !== bus.account) return undefined;
    const fp = `${bus.account}/${bus.region}/${shapeFingerprint(event)}`;
    const at = seen.get(fp);
    return at !== undefined && now - at < SEEN_TTL_MS ? undefined : fp;
  }

  async function infer(bus: BusKey, event: FormedEvent, fp: string, now: number): Promise<void> {
    const doc = inferOpenApi(event);
    const content = JSON.stringify(doc);
    const key = { account: bus.account, region: bus.region, registry: DISCOVERED_REGISTRY, name: discoveredName(event.source, event["detail-type"]) };
    await env.store.addVersion(key, { type: "OpenApi3", content, fingerprint: contentFingerprint(doc) }, "discover", now);
    counters?.inferred.add(bus.account, bus.region, bus.name);
    if (seen.size >= SEEN_MAX) seen.delete(seen.keys().next().value as string);
    seen.delete(fp);
    seen.set(fp, now);
  }

  const reg = scheduler.register({
    name: "schemas.discovery",
    nextDue(now) {
      if (stale || queue.length > 0) return now;
      return shared ? refreshedAt + SHARED_REFRESH_MS : undefined;
    },
    pollMs: shared ? SHARED_REFRESH_MS : undefined,
    async run(now) {
      if (stale || (shared && now - refreshedAt >= SHARED_REFRESH_MS)) await refresh(now);
      for (let done = 0; done < SLICE && queue.length > 0; done++) {
        const { bus, events } = queue[0];
        const event = events[offset++];
        if (offset >= events.length) {
          queue.shift();
          offset = 0;
        }
        // A shape seen lately costs its key alone: no inference, no await, no storage.
        const fp = newShape(bus, event, now);
        if (fp === undefined) continue;
        try {
          await infer(bus, event, fp, now);
        } catch (e) {
          log.warn(`schema discovery failed for an event of ${event.source}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    },
  });

  return {
    changed() {
      stale = true;
      reg.wake();
    },
    forget() {
      seen.clear();
    },
    dropped: () => droppedCount,
    async close() {
      await reg.cancel();
      for (const w of watched.values()) w.stop();
      watched.clear();
    },
  };
}
