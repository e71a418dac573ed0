// Schemas' AWS errors: REST-JSON, the code in x-amzn-errortype and a body of Code and Message (every error shape of
// the schemas 2019-12-02 model has exactly those members; API reference, "ErrorOutput").
import { AwsError } from "../../protocol/errors.ts";

function err(code: string, status: number, message: string): AwsError {
  return new AwsError(code, message, { status, body: { Code: code, Message: message } });
}

export const badRequest = (message: string) => err("BadRequestException", 400, message);
export const notFound = (message: string) => err("NotFoundException", 404, message);
export const conflict = (message: string) => err("ConflictException", 409, message);
export const forbidden = (message: string) => err("ForbiddenException", 403, message);
export const preconditionFailed = (message: string) => err("PreconditionFailedException", 412, message);

/** A required member missing, checked against the model before the operation runs. */
export const missingMember = (member: string) => badRequest(`${member} is required.`);

/** An operation of the model this version does not carry out. */
export function unsupported(operation: string): AwsError {
  return err("BadRequestException", 400, `${operation} is not supported by Mailroom yet.`);
}
