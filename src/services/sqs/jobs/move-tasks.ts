// The background mover of message move tasks (dead-letter queue redrive), on one node of a cluster (under a
// lease). Every second it moves, per RUNNING task, up to MaxNumberOfMessagesPerSecond messages (500 when not
// given) in batches of at most MOVE_BATCH, oldest first, each to the task's destination or back to the queue it
// was dead-lettered from. Progress is stored with every batch, so a restart continues where it stopped.
import { randomUUID } from "node:crypto";
import type { Clock } from "../../../engine/clock.ts";
import type { Scheduler } from "../../../engine/scheduler.ts";
import type { Notifier } from "../../../engine/notify.ts";
import type { Logger } from "../../../util/log.ts";
import { isFifo } from "../domain/fifo.ts";
import { MAX_MOVE_MESSAGES_PER_SECOND } from "../domain/limits.ts";
import { expiredBefore, queueByArn, wakeKey, type SqsEnv } from "../env.ts";
import type { MoveItem, MoveTask, SqsStore } from "../store.ts";

export const MOVE_TICK_MS = 1000;
export const MOVE_BATCH = 100;
// The failure reason AWS lists when the destination queue is deleted while a task runs (LocalStack snapshot
// test_move_task_delete_destination_queue_while_running, recorded on AWS).
export const NON_EXISTENT_QUEUE = "AWS.SimpleQueueService.NonExistentQueue";

export function scheduleMoveTasks(jobs: Pick<Scheduler, "every">, store: SqsStore, clock: Clock, notifier: Notifier, log: Logger): void {
  const env: SqsEnv = { store, clock, notifier };
  jobs.every({ name: "sqs.move-tasks", intervalMs: MOVE_TICK_MS }, async () => {
    for (const task of await store.runningMoveTasks()) {
      const n = await runTask(env, task);
      if (n > 0) log.debug("messages moved", { task: task.taskId, count: n });
    }
  });
}

/** One tick of one task: moves up to its per-second rate; returns how many messages moved. */
export async function runTask(env: SqsEnv, task: MoveTask): Promise<number> {
  const { store, clock, notifier } = env;
  const source = await store.getQueueById(task.sourceQueueId);
  if (!source) return 0; // deleted: its tasks go with it
  let budget = Math.min(task.maxPerSecond ?? MAX_MOVE_MESSAGES_PER_SECOND, task.toMove - task.moved);
  let total = 0;
  while (budget > 0) {
    const now = clock.now();
    const candidates = await store.moveCandidates(source.id, now, expiredBefore(source, now), Math.min(budget, MOVE_BATCH));
    if (candidates.length === 0) break;
    const items: MoveItem[] = [];
    for (const c of candidates) {
      const arn = task.destinationArn ?? c.deadLetterSourceArn;
      const dest = arn === undefined ? undefined : await queueByArn(env, arn);
      if (!dest) {
        await store.finishMoveTask(task.taskId, "FAILED", NON_EXISTENT_QUEUE);
        return total;
      }
      items.push({ rowId: c.rowId, queueId: dest.id, messageId: randomUUID(), fifo: isFifo(dest) });
    }
    const moved = await store.moveMessages(task.taskId, items, now);
    if (moved === 0 && (await store.getMoveTask(task.taskId))?.status !== "RUNNING") return total; // cancelled
    total += moved;
    budget -= candidates.length;
    for (const id of new Set(items.map((i) => i.queueId))) notifier.notify(wakeKey(id));
  }
  // Done when every message counted at the start moved or none is left to move.
  const now = clock.now();
  const left = await store.moveCandidates(source.id, now, expiredBefore(source, now), 1);
  if (task.moved + total >= task.toMove || left.length === 0) await store.finishMoveTask(task.taskId, "COMPLETED");
  return total;
}
