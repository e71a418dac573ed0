// Typed EventBridge errors (AWS JSON 1.1; codes from the EventBridge API reference, Errors sections; wording as
// recorded against AWS in LocalStack's events snapshots, test_events.snapshot.json).
import { AwsError } from "../../protocol/errors.ts";

export function validation(message: string): AwsError {
  return new AwsError("ValidationException", message);
}

/** The request-validation wording AWS uses for a member that breaks a constraint of the model. */
export function constraint(value: unknown, path: string, what: string): AwsError {
  return validation(`1 validation error detected: Value '${String(value)}' at '${path}' failed to satisfy constraint: Member must ${what}`);
}

export function busNotFound(name: string): AwsError {
  return new AwsError("ResourceNotFoundException", `Event bus ${name} does not exist.`);
}

export function ruleNotFound(rule: string, bus: string): AwsError {
  return new AwsError("ResourceNotFoundException", `Rule ${rule} does not exist on EventBus ${bus}.`);
}

export function busExists(name: string): AwsError {
  return new AwsError("ResourceAlreadyExistsException", `Event bus ${name} already exists.`);
}

export function limitExceeded(): AwsError {
  return new AwsError("LimitExceededException", "The requested resource exceeds the maximum number allowed.");
}

/** A feature of the model this version does not carry out: refused, never stored and ignored. */
export function notSupported(what: string): AwsError {
  return validation(`${what} is not supported by this Mailroom version yet.`);
}
