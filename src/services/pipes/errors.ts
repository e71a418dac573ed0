// EventBridge Pipes' AWS errors (restJson1: the code travels in x-amzn-errortype; codes and statuses from the Pipes
// API reference, "Common errors" and each operation's Errors section).
import { AwsError } from "../../protocol/errors.ts";

export function validation(message: string): AwsError {
  return new AwsError("ValidationException", message, { status: 400 });
}

export function notFound(name: string): AwsError {
  // DescribePipe, StartPipe, StopPipe, UpdatePipe, DeletePipe: NotFoundException, HTTP 404 (Pipes API reference).
  return new AwsError("NotFoundException", `Pipe ${name} does not exist.`, { status: 404 });
}

export function resourceNotFound(arn: string): AwsError {
  return new AwsError("NotFoundException", `Resource ${arn} does not exist.`, { status: 404 });
}

/** ConflictException, HTTP 409: "An action you attempted resulted in an exception" (Pipes API reference). */
export function conflict(message: string): AwsError {
  return new AwsError("ConflictException", message, { status: 409 });
}

/** ServiceQuotaExceededException, HTTP 402 (Pipes API reference, CreatePipe). */
export function quotaExceeded(message: string): AwsError {
  return new AwsError("ServiceQuotaExceededException", message, { status: 402 });
}

/** An operation or feature of the model this version does not carry out: refused, never stored and ignored. */
export function notSupported(what: string): AwsError {
  return validation(`${what} is not supported by this Mailroom version yet.`);
}
