// CloudWatch's AWS errors: the JSON and CBOR `__type` is the model's shape name, the query protocol and the
// x-amzn-query-error header use its awsQueryError code (botocore monitoring model, `error.code`).
import { AwsError } from "../../protocol/errors.ts";

function cw(shape: string, queryCode: string, message: string, status = 400): AwsError {
  return new AwsError(shape, message, { queryCode, status, jsonType: `com.amazonaws.cloudwatch#${shape}` });
}

export const invalidParameterValue = (message: string) => cw("InvalidParameterValueException", "InvalidParameterValue", message);
export const missingParameter = (message: string) => cw("MissingRequiredParameterException", "MissingParameter", message);
export const invalidCombination = (message: string) => cw("InvalidParameterCombinationException", "InvalidParameterCombination", message);
export const invalidNextToken = (message = "The service cannot process the provided NextToken.") => cw("InvalidNextToken", "InvalidNextToken", message);
export const resourceNotFound = (message: string) => cw("ResourceNotFound", "ResourceNotFound", message, 404);
/** Coral's input validation error (no shape in the model: LocalStack's AWS-recorded snapshots show code ValidationError, 400). */
export const validationError = (message: string) => cw("ValidationError", "ValidationError", message);
export const invalidFormat = (message: string) => cw("InvalidFormatFault", "InvalidFormat", message);
export const limitExceeded = (message: string) => cw("LimitExceededFault", "LimitExceeded", message);

/** An operation of the model this version does not carry out yet. */
export function unsupported(operation: string): AwsError {
  return new AwsError("UnsupportedOperation", `${operation} is not supported by Mailroom yet.`, {
    jsonType: "com.amazonaws.cloudwatch#UnsupportedOperation", queryCode: "UnsupportedOperation", status: 400,
  });
}

/** A required member missing (the model's input check): MissingParameter, worded as CloudWatch does. */
export const missingMember = (member: string) => missingParameter(`The parameter ${member} is required.`);
