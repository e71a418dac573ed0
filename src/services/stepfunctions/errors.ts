// Typed Step Functions errors (codes from the API reference's Errors sections; JSON 1.0 `__type` codes, HTTP 400).
// Message wording as AWS answers them ("State Machine Does Not Exist: '<arn>'" and alike, as recorded in LocalStack's
// sfn snapshots); wordings not checked against a recording are listed in the ADR.
import { AwsError } from "../../protocol/errors.ts";

export function sfnError(code: string, message: string): AwsError {
  return new AwsError(code, message, { status: 400 });
}

/** "Invalid Arn: 'Invalid ARN prefix: <arn>'" for a value not starting with "arn:" (LocalStack snapshot test_describe_invalid_arn_sm). */
export const invalidArn = (arn: string) =>
  sfnError("InvalidArn", `Invalid Arn: '${arn.startsWith("arn:") ? `Resource type not valid in this context: ${arn.split(":")[5] ?? ""}` : `Invalid ARN prefix: ${arn}`}'`);
export const invalidName = (name: string) => sfnError("InvalidName", `Invalid Name: '${name}'`);
export const invalidDefinition = (message: string) => sfnError("InvalidDefinition", `Invalid State Machine Definition: '${message}'`);
export const machineNotFound = (arn: string) => sfnError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
export const executionNotFound = (arn: string) => sfnError("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
export const machineExists = (arn: string) => sfnError("StateMachineAlreadyExists", `State Machine Already Exists: '${arn}'`);
export const executionExists = (arn: string) => sfnError("ExecutionAlreadyExists", `Execution Already Exists: '${arn}'`);
export const invalidInput = (why: string) => sfnError("InvalidExecutionInput", `Invalid State Machine Execution Input: '${why}'`);
export const invalidToken = (token: string) => sfnError("InvalidToken", `Invalid Token: '${token}'`);
export const validation = (message: string) => sfnError("ValidationException", message);
export const notNull = (member: string) =>
  validation(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
