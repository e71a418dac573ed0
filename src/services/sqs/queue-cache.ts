// Queue records cached in front of the storage port: every request starts by looking up its queue, which
// on PostgreSQL is a round trip. This node's own changes go through the wrapper and update the cache at
// once; another node's are seen within TTL_MS. AWS documents the same latency, and longer: attribute changes
// take up to 60 seconds to propagate and a deleted queue may accept requests for up to 60 seconds
// (SetQueueAttributes and DeleteQueue API references).
import type { Clock } from "../../engine/clock.ts";
import { queueDoesNotExist } from "./errors.ts";
import type { NewFifoMessage, NewMessage, QueueKey, QueueRecord, QueueSettings, SqsStore } from "./store.ts";

export const TTL_MS = 1000;

const keyOf = (k: QueueKey) => `${k.account}\u0000${k.region}\u0000${k.name}`;

export function cachedQueues(store: SqsStore, clock: Clock): SqsStore {
  const byKey = new Map<string, { q: QueueRecord; at: number }>();
  const forget = (id: number) => {
    for (const [k, v] of byKey) if (v.q.id === id) byKey.delete(k);
  };
  const remember = (q: QueueRecord) => byKey.set(keyOf(q), { q, at: clock.now() });
  // Deleted on another node since it was cached: answer as for any missing queue.
  const missingQueue = async (queueId: number, e: unknown) => {
    if (await store.getQueueById(queueId)) return e;
    forget(queueId);
    return queueDoesNotExist();
  };
  // Everything not overridden below is the store's own method (the wrapper inherits from the store).
  const wrapper: SqsStore = Object.create(store);
  return Object.assign(wrapper, {
    getQueue(key: QueueKey) {
      const k = keyOf(key);
      const hit = byKey.get(k);
      if (hit && clock.now() - hit.at < TTL_MS) return Promise.resolve(hit.q);
      return store.getQueue(key).then((q) => {
        if (q) remember(q);
        else byKey.delete(k);
        return q;
      });
    },
    async createQueue(key: QueueKey, settings: QueueSettings, tags: Record<string, string>, now: number) {
      const r = await store.createQueue(key, settings, tags, now);
      remember(r.queue);
      return r;
    },
    async deleteQueue(id: number, now: number) {
      forget(id);
      await store.deleteQueue(id, now);
      forget(id);
    },
    async setAttributes(id: number, settings: QueueSettings, now: number) {
      await store.setAttributes(id, settings, now);
      forget(id);
    },
    async setTags(id: number, tags: Record<string, string>) {
      await store.setTags(id, tags);
      forget(id);
    },
    async purge(id: number, now: number) {
      await store.purge(id, now);
      forget(id);
    },
    enqueue(queueId: number, messages: NewMessage[], now: number) {
      // (no async frame on the hottest path: the store's promise is returned with a rejection handler)
      return store.enqueue(queueId, messages, now).catch(async (e: unknown) => {
        throw await missingQueue(queueId, e);
      });
    },
    async enqueueFifo(queueId: number, messages: NewFifoMessage[], now: number, dedupWindowMs: number) {
      try {
        return await store.enqueueFifo(queueId, messages, now, dedupWindowMs);
      } catch (e) {
        throw await missingQueue(queueId, e);
      }
    },
  } satisfies Partial<SqsStore>);
}
