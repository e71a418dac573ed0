// Observers of the events put on a bus: a generic after-commit hook (Schema Registry discoverers use it). PutEvents
// calls notifyObservers only when some bus has observers, so a server without any pays one size check per request;
// events a rule forwards to another bus (a bus target) are told to that bus's observers the same way.
// Observers run after the commit, outside the request's work: they get the committed events and must not block
// (the schemas module queues them and infers off the request path).
import type { FormedEvent } from "./domain/event.ts";
import type { BusKey } from "./store.ts";

export type BusObserver = (bus: BusKey, events: readonly FormedEvent[]) => void;

export type Observers = Map<string, Set<BusObserver>>;

const keyOf = (bus: BusKey) => `${bus.account}/${bus.region}/${bus.name}`;

/** Adds an observer of one bus; the returned function removes it. */
export function observeBus(observers: Observers, bus: BusKey, fn: BusObserver): () => void {
  const k = keyOf(bus);
  let set = observers.get(k);
  if (!set) observers.set(k, (set = new Set()));
  set.add(fn);
  return () => {
    set.delete(fn);
    if (set.size === 0 && observers.get(k) === set) observers.delete(k);
  };
}

/** Tells each observed bus's observers of its committed events; an observer's failure never reaches the caller. */
export function notifyObservers(observers: Observers, groups: Iterable<{ bus: BusKey; events: FormedEvent[] }>): void {
  for (const g of groups) {
    const set = observers.get(keyOf(g.bus));
    if (!set) continue;
    for (const fn of set) {
      try {
        fn(g.bus, g.events);
      } catch {
        // An observer is best-effort by contract: the events are committed whatever it does.
      }
    }
  }
}
