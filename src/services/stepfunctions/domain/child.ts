// A child execution started by a parent's `.sync` Task (states:startExecution.sync / .sync:2) completes the parent's
// task token when it ends: its DescribeExecution becomes the task's result, or, when it did not succeed, the task
// fails with States.TaskFailed and that description as the cause (developer guide, "Start a new AWS Step Functions
// state machine execution": the .sync output is the child's DescribeExecution response). Input and Output are
// strings here; the parent's step parses them for .sync:2.
import type { ExecutionRecord, ExecutionStatus, TaskCompletion } from "../store.ts";

export function childCompletion(
  x: ExecutionRecord, status: ExecutionStatus, end: { output?: string; error?: string; cause?: string; stopDate: number },
): TaskCompletion {
  const d: Record<string, unknown> = {
    ExecutionArn: x.arn, Input: x.input, InputDetails: { Included: true }, Name: x.name, StartDate: x.startDate, StateMachineArn: x.machineArn,
    Status: status, StopDate: end.stopDate, RedriveCount: 0, RedriveStatus: "NOT_REDRIVABLE",
  };
  if (end.output !== undefined) Object.assign(d, { Output: end.output, OutputDetails: { Included: true } });
  if (end.error !== undefined) d.Error = end.error;
  if (end.cause !== undefined) d.Cause = end.cause;
  const child = JSON.stringify(d);
  return status === "SUCCEEDED" ? { status: "succeeded", child } : { status: "failed", child, error: "States.TaskFailed", cause: child };
}
