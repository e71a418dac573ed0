// SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat: complete or keep alive a task waiting on its token
// (.waitForTaskToken callbacks, activity workers). The outcome is written to the task's row and its execution made
// due now in one transaction; the runner records it in the history (TaskSucceeded, ActivityFailed, ...) with its
// next step. A token that was never issued answers InvalidToken, one whose task is over TaskDoesNotExist, one that
// timed out TaskTimedOut (the API reference's errors for these operations).
import type { RequestContext } from "../../types.ts";
import { isTaskToken } from "../domain/step.ts";
import type { SfnEnv } from "../env.ts";
import { sfnError, validation } from "../errors.ts";
import type { TaskAnswer, TaskCompletion } from "../store.ts";

type In = Record<string, unknown>;

/** Task output is at most 256 KiB (SendTaskSuccess API reference, `output`: "Maximum length of 262144"). */
const MAX_OUTPUT = 262_144;

function token(input: In): string {
  const t = String(input.taskToken);
  // taskToken: 1 to 2048 characters (API reference, TaskToken).
  if (t.length > 2048 || t.length === 0) throw validation(`1 validation error detected: Value at 'taskToken' failed to satisfy constraint: Member must have length less than or equal to 2048`);
  if (!isTaskToken(t)) throw sfnError("InvalidToken", "Invalid Token: 'Invalid token'");
  return t;
}

function answer(a: TaskAnswer): Record<string, never> {
  if (a === "missing") throw sfnError("TaskDoesNotExist", "Task Does Not Exist: 'Provided task does not exist anymore'");
  if (a === "timed_out") throw sfnError("TaskTimedOut", "Task Timed Out: 'Provided task has timed out'");
  return {};
}

async function complete(env: SfnEnv, t: string, c: TaskCompletion) {
  const r = await env.store.completeTask(t, c, env.clock.now());
  if (r === "ok") env.wake();
  return answer(r);
}

export async function sendTaskSuccess(env: SfnEnv, _ctx: RequestContext, input: In) {
  const t = token(input);
  const output = String(input.output);
  if (output.length > MAX_OUTPUT) throw validation(`1 validation error detected: Value at 'output' failed to satisfy constraint: Member must have length less than or equal to ${MAX_OUTPUT}`);
  try {
    JSON.parse(output);
  } catch (e) {
    // The output must be JSON (SendTaskSuccess API reference: InvalidOutput "The provided JSON output data is not valid").
    throw sfnError("InvalidOutput", `Invalid Output: '${e instanceof Error ? e.message : String(e)}'`);
  }
  return complete(env, t, { status: "succeeded", output });
}

export async function sendTaskFailure(env: SfnEnv, _ctx: RequestContext, input: In) {
  const t = token(input);
  // error: at most 256 characters, cause: at most 32768 (SendTaskFailure API reference).
  if (typeof input.error === "string" && input.error.length > 256) throw validation("1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256");
  if (typeof input.cause === "string" && input.cause.length > 32_768) throw validation("1 validation error detected: Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to 32768");
  return complete(env, t, { status: "failed", error: input.error === undefined ? undefined : String(input.error), cause: input.cause === undefined ? undefined : String(input.cause) });
}

export async function sendTaskHeartbeat(env: SfnEnv, _ctx: RequestContext, input: In) {
  const t = token(input);
  return answer(await env.store.heartbeatTask(t, env.clock.now()));
}
