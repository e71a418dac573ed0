// Dead-letter queue redrive: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask. A task is a stored
// row; the background mover (../move-tasks.ts) carries it out.
import { randomUUID } from "node:crypto";
import type { RequestContext } from "../../types.ts";
import { invalidParameter, missingParameter, sqsError } from "../errors.ts";
import { isFifo } from "../domain/fifo.ts";
import { MAX_LIST_MOVE_TASKS_RESULTS, MAX_MOVE_MESSAGES_PER_SECOND } from "../domain/limits.ts";
import { decodeTaskHandle, encodeTaskHandle } from "../domain/move-tasks.ts";
import { parseQueueArn } from "../domain/queues.ts";
import { expiredBefore, intParam, queueByArn, type SqsEnv } from "../env.ts";
import type { MoveTask, QueueRecord } from "../store.ts";

type Input = Record<string, unknown>;

// The wording of the ResourceNotFoundException for a missing queue (LocalStack snapshot test_destination_needs_to_exist, recorded on AWS).
const notFound = (param: string) => sqsError("ResourceNotFoundException", `The resource that you specified for the ${param} parameter doesn't exist.`);

/** The queue an ARN names, in the caller's account and region. */
async function queueOf(env: SqsEnv, ctx: RequestContext, arn: unknown, param: string): Promise<QueueRecord> {
  if (typeof arn !== "string" || arn === "") throw missingParameter(param);
  const p = parseQueueArn(arn);
  const q = p && p.account === ctx.accountId && p.region === ctx.region ? await queueByArn(env, arn) : undefined;
  if (!q) throw notFound(param);
  return q;
}

export async function startMessageMoveTask(env: SqsEnv, ctx: RequestContext, input: Input) {
  const source = await queueOf(env, ctx, input.SourceArn, "SourceArn");
  const sourceArn = input.SourceArn as string;
  const rate = intParam("MaxNumberOfMessagesPerSecond", input.MaxNumberOfMessagesPerSecond, 1, MAX_MOVE_MESSAGES_PER_SECOND,
    `Must be between 1 and ${MAX_MOVE_MESSAGES_PER_SECOND}.`);
  const sources = await env.store.listDeadLetterSources(source.account, source.region, sourceArn, "", 1);
  if (sources.length === 0) {
    // AWS answers InvalidParameterValue here, not ResourceNotFoundException (LocalStack snapshot test_source_needs_redrive_policy, recorded on AWS).
    throw invalidParameter("Source queue must be configured as a Dead Letter Queue.");
  }
  let destinationArn: string | undefined;
  if (input.DestinationArn !== undefined) {
    const dest = await queueOf(env, ctx, input.DestinationArn, "DestinationArn");
    // Source and destination must be of the same type (developer guide, "dead-letter queue redrive").
    if (isFifo(dest) !== isFifo(source)) throw invalidParameter("The source queue and the destination queue must be of the same queue type.");
    destinationArn = input.DestinationArn as string;
  }
  const now = env.clock.now();
  const task = await env.store.startMoveTask(
    { taskId: randomUUID(), sourceQueueId: source.id, sourceArn, destinationArn, maxPerSecond: rate }, now, expiredBefore(source, now));
  if (!task) {
    // Wording recorded on AWS (LocalStack snapshot test_start_multiple_move_tasks).
    throw invalidParameter("There is already a task running. Only one active task is allowed for a source queue arn at a given time.");
  }
  return { TaskHandle: encodeTaskHandle({ taskId: task.taskId, sourceArn }) };
}

export async function listMessageMoveTasks(env: SqsEnv, ctx: RequestContext, input: Input) {
  await queueOf(env, ctx, input.SourceArn, "SourceArn");
  // MaxResults defaults to 1, the most recent task (ListMessageMoveTasks API reference).
  const max = intParam("MaxResults", input.MaxResults, 1, MAX_LIST_MOVE_TASKS_RESULTS,
    `You must enter a number that's between 1 and ${MAX_LIST_MOVE_TASKS_RESULTS}.`) ?? 1;
  const tasks = await env.store.listMoveTasks(input.SourceArn as string, max);
  return { Results: tasks.map(entryOf) };
}

/** A ListMessageMoveTasksResultEntry: optional members only when set (ListMessageMoveTasksResultEntry reference, LocalStack snapshots). */
function entryOf(t: MoveTask): Record<string, unknown> {
  const e: Record<string, unknown> = {};
  // The TaskHandle is listed only for a running task (LocalStack snapshot test_move_task_cancel, recorded on AWS).
  if (t.status === "RUNNING") e.TaskHandle = encodeTaskHandle(t);
  e.Status = t.status;
  e.SourceArn = t.sourceArn;
  if (t.destinationArn !== undefined) e.DestinationArn = t.destinationArn;
  if (t.maxPerSecond !== undefined) e.MaxNumberOfMessagesPerSecond = t.maxPerSecond;
  e.ApproximateNumberOfMessagesMoved = t.moved;
  e.ApproximateNumberOfMessagesToMove = t.toMove;
  if (t.status === "FAILED" && t.failureReason !== undefined) e.FailureReason = t.failureReason;
  e.StartedTimestamp = t.startedAt;
  return e;
}

export async function cancelMessageMoveTask(env: SqsEnv, ctx: RequestContext, input: Input) {
  if (typeof input.TaskHandle !== "string" || input.TaskHandle === "") throw missingParameter("TaskHandle");
  const h = decodeTaskHandle(input.TaskHandle);
  // Wordings recorded on AWS (LocalStack snapshots test_cancel_with_invalid_task_handle, …_invalid_source_arn_in_task_handle,
  // …_invalid_task_id_in_task_handle).
  if (!h) throw invalidParameter("Value for parameter TaskHandle is invalid.");
  await queueOf(env, ctx, h.sourceArn, "SourceArn");
  const existing = await env.store.getMoveTask(h.taskId);
  if (!existing || existing.sourceArn !== h.sourceArn) throw sqsError("ResourceNotFoundException", "Task does not exist.");
  if (existing.status !== "RUNNING") {
    // Only a running task can be cancelled (CancelMessageMoveTask API reference); the code and wording are Mailroom's.
    throw sqsError("ResourceNotFoundException", "Task does not exist or is not running.");
  }
  const t = await env.store.cancelMoveTask(h.taskId);
  return { ApproximateNumberOfMessagesMoved: t?.moved ?? existing.moved };
}
