// The discovery job on its own (a real scheduler on a manual clock, a store that counts): one inference and one store
// call per new shape, none for a shape seen lately, the queue bounded in batches with the excess counted, observers
// added and removed as discoverers start and stop.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../../../engine/clock.ts";
import { createScheduler } from "../../../engine/scheduler.ts";
import { createLogger } from "../../../util/log.ts";
import type { BusKey, BusObserver, FormedEvent } from "../../events/index.ts";
import type { SchemasEnv } from "../env.ts";
import type { DiscovererRecord, SchemasStore } from "../store.ts";
import { MAX_QUEUED_BATCHES, startDiscovery } from "./discovery.ts";

const BUS: BusKey = { account: "111111111111", region: "us-east-1", name: "b" };
const event = (detail: Record<string, unknown>, account = BUS.account): FormedEvent => ({
  version: "0", id: "1", "detail-type": "T", source: "s", account, time: "2026-01-01T00:00:00Z", region: "us-east-1", resources: [], detail,
});

function setup(started: DiscovererRecord[]) {
  const clock = new ManualClock();
  const scheduler = createScheduler({ clock });
  const added: { key: string; content: string }[] = [];
  const store = {
    startedDiscoverers: async () => started,
    addVersion: async (key: { name: string }, v: { content: string }) => {
      added.push({ key: key.name, content: v.content });
      return { outcome: "added" };
    },
  } as unknown as SchemasStore;
  const observers = new Map<string, BusObserver>();
  const observe = (bus: BusKey, fn: BusObserver) => {
    observers.set(bus.name, fn);
    return () => observers.delete(bus.name);
  };
  const env = { store, clock } as SchemasEnv;
  const d = startDiscovery(env, scheduler, createLogger("silent"), observe, false);
  const settle = async () => {
    for (let i = 0; i < 50; i++) {
      await scheduler.settled();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { d, added, observers, settle, scheduler };
}

const discoverer = (crossAccount = true): DiscovererRecord => ({
  account: BUS.account, region: BUS.region, id: "events-event-bus-b", sourceArn: "arn:aws:events:us-east-1:111111111111:event-bus/b", state: "STARTED", crossAccount, tags: {},
});

test("one store call per new shape; a seen shape costs none; forget() makes it count again", async () => {
  const { d, added, observers, settle, scheduler } = setup([discoverer()]);
  await settle();
  const fn = observers.get("b")!;
  assert.ok(fn, "the bus is observed");
  fn(BUS, [event({ a: 1 }), event({ a: 2 }), event({ a: 3, b: "x" })]);
  fn(BUS, [event({ a: 9 })]);
  await settle();
  assert.equal(added.length, 2);
  assert.equal(added[0].key, "s@T");
  d.forget();
  fn(BUS, [event({ a: 4 })]);
  await settle();
  assert.equal(added.length, 3);
  await d.close();
  assert.equal(observers.size, 0);
  await scheduler.stop();
});

test("the queue holds at most MAX_QUEUED_BATCHES batches; the rest are dropped and counted", async () => {
  const { d, observers, settle, scheduler } = setup([discoverer()]);
  await settle();
  const fn = observers.get("b")!;
  // All at once, before the job runs: the first MAX_QUEUED_BATCHES are kept.
  for (let i = 0; i < MAX_QUEUED_BATCHES + 10; i++) fn(BUS, [event({ i }), event({ i })]);
  assert.equal(d.dropped(), 20);
  await settle();
  await d.close();
  await scheduler.stop();
});

test("CrossAccount false: another account's events are skipped", async () => {
  const { d, added, observers, settle, scheduler } = setup([discoverer(false)]);
  await settle();
  observers.get("b")!(BUS, [event({ a: 1 }, "222222222222")]);
  await settle();
  assert.equal(added.length, 0);
  await d.close();
  await scheduler.stop();
});
