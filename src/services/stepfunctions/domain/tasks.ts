// The contract between the interpreter and what carries out a Task state's Resource (service integrations,
// activities, local Lambda functions, mocked results). The interpreter evaluates the Task's input (Parameters or
// Arguments), hands it over here, and records the outcome in the history; a pending outcome suspends the
// execution durably until the task is completed through its token (SendTaskSuccess/Failure, a child execution
// ending, an activity worker), timed out (TimeoutSeconds) or its heartbeat lapses (HeartbeatSeconds).
import type { Json } from "./definition.ts";

/** The integration pattern a Resource ARN asks for (Step Functions developer guide, "Service integration patterns"). */
export type IntegrationPattern = "request-response" | "sync" | "sync:2" | "waitForTaskToken";

export interface TaskCall {
  /** The Task's Resource as written (after a JSONata/Path form is resolved). */
  resource: string;
  /** The service and action of an integration ARN (arn:aws:states:::sqs:sendMessage → "sqs", "sendMessage"). */
  service?: string;
  action?: string;
  pattern: IntegrationPattern;
  /** The effective input of the task (Parameters / Arguments evaluated). */
  parameters: Json;
  executionArn: string;
  stateMachineArn: string;
  stateName: string;
  account: string;
  region: string;
  /** The token the task completes through, given for waitForTaskToken, .sync patterns and activities. */
  taskToken?: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

export type TaskOutcome =
  /** Done now: the result (before ResultSelector/ResultPath). */
  | { type: "succeeded"; output: Json }
  /** Failed now: an error name as AWS raises it (e.g. "SQS.QueueDoesNotExistException", "States.TaskFailed"). */
  | { type: "failed"; error: string; cause?: string }
  /** The result arrives later through the task token. */
  | { type: "pending" };

export interface TaskResources {
  /** Carries out (or starts) the task. Never throws for a task-level failure: that is a "failed" outcome. */
  invoke(call: TaskCall): Promise<TaskOutcome>;
}
