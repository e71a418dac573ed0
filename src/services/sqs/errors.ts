// Typed SQS errors. JSON `__type` is `com.amazonaws.sqs#<Name>` for modelled errors and a coral type for the
// generic ones; the query code and HTTP status come from the model's awsQueryError traits
// (@aws-sdk/client-sqs schema; https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html).
import { AwsError } from "../../protocol/errors.ts";

const QUERY_CODES: Record<string, [string, number]> = {
  BatchEntryIdsNotDistinct: ["AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400],
  BatchRequestTooLong: ["AWS.SimpleQueueService.BatchRequestTooLong", 400],
  EmptyBatchRequest: ["AWS.SimpleQueueService.EmptyBatchRequest", 400],
  InvalidAddress: ["InvalidAddress", 404],
  InvalidBatchEntryId: ["AWS.SimpleQueueService.InvalidBatchEntryId", 400],
  InvalidSecurity: ["InvalidSecurity", 403],
  MessageNotInflight: ["AWS.SimpleQueueService.MessageNotInflight", 400],
  OverLimit: ["OverLimit", 403],
  PurgeQueueInProgress: ["AWS.SimpleQueueService.PurgeQueueInProgress", 403],
  QueueDeletedRecently: ["AWS.SimpleQueueService.QueueDeletedRecently", 400],
  QueueDoesNotExist: ["AWS.SimpleQueueService.NonExistentQueue", 400],
  QueueNameExists: ["QueueAlreadyExists", 400],
  ReceiptHandleIsInvalid: ["ReceiptHandleIsInvalid", 404],
  TooManyEntriesInBatchRequest: ["AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400],
  UnsupportedOperation: ["AWS.SimpleQueueService.UnsupportedOperation", 400],
  InvalidAttributeName: ["InvalidAttributeName", 400],
  InvalidAttributeValue: ["InvalidAttributeValue", 400],
  InvalidMessageContents: ["InvalidMessageContents", 400],
  InvalidIdFormat: ["InvalidIdFormat", 400],
  RequestThrottled: ["RequestThrottled", 403],
  ResourceNotFoundException: ["ResourceNotFoundException", 404],
};

/** An error modelled by SQS (its shape name), e.g. sqsError("QueueDoesNotExist", "The specified queue does not exist."). */
export function sqsError(name: string, message: string, queryMessage?: string): AwsError {
  const [queryCode, status] = QUERY_CODES[name] ?? [name, 400];
  return new AwsError(name, message, { status, queryCode, queryMessage });
}

/** Generic InvalidParameterValue (coral type on JSON). */
export function invalidParameter(message: string): AwsError {
  return new AwsError("InvalidParameterValue", message, {
    jsonType: "com.amazon.coral.service#InvalidParameterValueException",
  });
}

export function missingParameter(name: string): AwsError {
  return new AwsError("MissingParameter", `The request must contain the parameter ${name}.`, {
    jsonType: "com.amazon.coral.service#MissingRequiredParameterException",
  });
}

export function queueDoesNotExist(): AwsError {
  // The query protocol words it differently (recorded AWS responses, LocalStack SQS snapshots).
  return sqsError("QueueDoesNotExist", "The specified queue does not exist.", "The specified queue does not exist for this wsdl version.");
}

export function accessDenied(resource: string): AwsError {
  return new AwsError("AccessDenied", `Access to the resource ${resource} is denied.`, {
    status: 403,
    jsonType: "com.amazon.coral.service#AccessDeniedException",
  });
}

export function receiptHandleIsInvalid(handle: string): AwsError {
  return sqsError("ReceiptHandleIsInvalid", `The input receipt handle "${handle}" is not a valid receipt handle.`);
}
