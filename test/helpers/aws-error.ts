// Assertions on AWS errors as the JS SDK surfaces them: `name` (the short error name the SDK derives; for the
// query-compatible SQS model the legacy code from x-amzn-query-error), `Code`, HTTP status and message.
import assert from "node:assert/strict";

export interface ExpectedAwsError {
  /** err.name */
  name?: string;
  /** err.Code, the query-compatible code from the x-amzn-query-error header. */
  code?: string;
  status?: number;
  /** Exact message, or a pattern. */
  message?: string | RegExp;
  fault?: "client" | "server";
}

interface SdkError {
  name: string;
  Code?: string;
  message: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Awaits p, asserts it rejects with the expected AWS error, and returns that error. */
export async function rejectsAws(p: Promise<unknown>, expected: ExpectedAwsError): Promise<SdkError> {
  let err: SdkError | undefined;
  try {
    await p;
  } catch (e) {
    err = e as SdkError;
  }
  assert.ok(err, `expected an AWS error ${JSON.stringify({ ...expected, message: String(expected.message) })}, but the call succeeded`);
  const got = { name: err.name, code: err.Code, status: err.$metadata?.httpStatusCode, message: err.message, fault: err.$fault };
  const ctx = `got ${JSON.stringify(got)}`;
  if (expected.name !== undefined) assert.equal(err.name, expected.name, ctx);
  if (expected.code !== undefined) assert.equal(err.Code, expected.code, ctx);
  if (expected.status !== undefined) assert.equal(err.$metadata?.httpStatusCode, expected.status, ctx);
  if (expected.fault !== undefined) assert.equal(err.$fault, expected.fault, ctx);
  if (typeof expected.message === "string") assert.equal(err.message, expected.message, ctx);
  else if (expected.message) assert.match(err.message, expected.message, ctx);
  return err;
}

/** The query code of the AwsError fn throws (for unit tests of domain rules), or "ok" when it does not throw. */
export function thrownCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { queryCode?: string }).queryCode ?? String(e);
  }
  return "ok";
}
