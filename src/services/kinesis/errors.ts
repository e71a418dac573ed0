// Typed Kinesis errors. Kinesis answers `__type` with the bare error name (no namespace), e.g.
// {"__type":"ResourceNotFoundException","message":"Stream s under account 000000000000 not found."}
// (Kinesis API reference, "Common Errors" and each operation's Errors section; LocalStack's AWS-validated snapshots).
import { AwsError } from "../../protocol/errors.ts";

function kinesisError(code: string, message: string, status = 400): AwsError {
  return new AwsError(code, message, { status, jsonType: code });
}

export const invalidArgument = (message: string): AwsError => kinesisError("InvalidArgumentException", message);
export const resourceInUse = (message: string): AwsError => kinesisError("ResourceInUseException", message);
export const resourceNotFound = (message: string): AwsError => kinesisError("ResourceNotFoundException", message);
export const limitExceeded = (message: string): AwsError => kinesisError("LimitExceededException", message);
export const expiredIterator = (message: string): AwsError => kinesisError("ExpiredIteratorException", message);
export const expiredNextToken = (message: string): AwsError => kinesisError("ExpiredNextTokenException", message);
export const accessDenied = (message: string): AwsError => kinesisError("AccessDeniedException", message);

/** A model constraint broken (coral's validation wording: "1 validation error detected: Value '…' at '…' failed to satisfy constraint: …"). */
export function validation(value: unknown, member: string, constraint: string): AwsError {
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  return kinesisError("ValidationException", `1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

export function streamNotFound(name: string, account: string): AwsError {
  return resourceNotFound(`Stream ${name} under account ${account} not found.`);
}

export function unsupported(operation: string): AwsError {
  return kinesisError("UnsupportedOperation", `${operation} is not supported by this Mailroom version yet.`);
}

export const provisionedThroughputExceeded = (message: string): AwsError => kinesisError("ProvisionedThroughputExceededException", message);

/** A stream not ACTIVE for an operation that needs it (the wording kinesalite records for AWS's ResourceInUseException). */
export function notActive(name: string, account: string, status: string): AwsError {
  return resourceInUse(`Stream ${name} under account ${account} not ACTIVE, instead in state ${status}`);
}
