// EventBridge Scheduler's errors (restJson1: the code travels in x-amzn-errortype, the message in the body).
// Statuses from the model's error shapes (botocore scheduler 2021-06-30: ValidationException 400,
// ResourceNotFoundException 404, ConflictException 409, ServiceQuotaExceededException 402, InternalServerException 500).
import { AwsError } from "../../protocol/errors.ts";

const err = (code: string, message: string, status: number) => new AwsError(code, message, { status });

export const validation = (message: string) => err("ValidationException", message, 400);
export const notFound = (message: string) => err("ResourceNotFoundException", message, 404);
export const conflict = (message: string) => err("ConflictException", message, 409);
export const quotaExceeded = (message: string) => err("ServiceQuotaExceededException", message, 402);

export const scheduleNotFound = (name: string) => notFound(`Schedule ${name} does not exist.`);
export const groupNotFound = (name: string) => notFound(`Schedule group ${name} does not exist.`);

/** A model constraint broken, in coral's wording ("1 validation error detected: Value '…' at '…' failed to satisfy constraint: …"). */
export function constraint(value: unknown, member: string, what: string): AwsError {
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  return validation(`1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${what}`);
}

export function unsupported(operation: string): AwsError {
  return err("UnsupportedOperation", `${operation} is not supported by Mailroom yet.`, 400);
}
