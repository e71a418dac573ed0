// Typed SNS errors (query protocol codes and HTTP statuses from the SNS API reference, Errors sections;
// wording as other emulators reproduce AWS's responses; messages not checked against recordings are listed in the report).
import { AwsError } from "../../protocol/errors.ts";

const STATUS: Record<string, number> = {
  InvalidParameter: 400, InvalidParameterValue: 400, NotFound: 404, ResourceNotFound: 404, AuthorizationError: 403,
  TagLimitExceeded: 400, TagPolicy: 400, InternalError: 500, EndpointDisabled: 400, PlatformApplicationDisabled: 400,
  TooManyEntriesInBatchRequest: 400, EmptyBatchRequest: 400, BatchEntryIdsNotDistinct: 400, InvalidBatchEntryId: 400,
  BatchRequestTooLong: 400, ParameterValueInvalid: 400, SubscriptionLimitExceeded: 403, TopicLimitExceeded: 403, ValidationError: 400,
};

export function snsError(code: string, message: string): AwsError {
  return new AwsError(code, message, { status: STATUS[code] ?? 400 });
}

/** "Invalid parameter: <what>" (InvalidParameter, 400). */
export function invalidParameter(what: string): AwsError {
  return snsError("InvalidParameter", `Invalid parameter: ${what}`);
}

export function topicNotFound(): AwsError {
  return snsError("NotFound", "Topic does not exist");
}

export function subscriptionNotFound(): AwsError {
  return snsError("NotFound", "Subscription does not exist");
}

export function resourceNotFound(): AwsError {
  return snsError("ResourceNotFound", "Resource does not exist");
}

export function authorizationError(message: string): AwsError {
  return snsError("AuthorizationError", message);
}
