// Lambda Task resources against local functions: Mailroom runs no Lambda, but a function name can be mapped to a
// URL (--lambda-functions NAME=URL, MAILROOM_LAMBDA_FUNCTIONS, the lambdaFunctions option). The payload is POSTed
// there as JSON; a 2xx answer's JSON body is the function's result. A function error is an answer with the header
// X-Amz-Function-Error (as Lambda's Invoke marks one) or a non-2xx status, its body {errorType, errorMessage, trace}
// as Lambda reports a function's error; the task then fails with the errorType as its error and the body as its cause
// (Step Functions developer guide, "Handling errors": a Lambda function's errorType is the error name).
import type { Json } from "../domain/definition.ts";
import type { TaskOutcome } from "../domain/tasks.ts";
import { readBounded } from "../../../util/bounded-body.ts";

/** A synchronous Invoke's payload and response are at most 6 MB (Lambda quotas, "Invocation payload"). */
const MAX_PAYLOAD = 6 * 1024 * 1024;
/** A function runs at most 900 seconds (Lambda quotas, "Function timeout"). */
const MAX_RUN_MS = 900_000;

/** The answer's text, read only up to the payload limit (undefined past it: a function cannot make the node buffer without end). */
async function boundedText(res: Response): Promise<string | undefined> {
  const r = await readBounded(res, MAX_PAYLOAD);
  if (r.error !== undefined) throw r.error;
  return r.truncated ? undefined : r.body.toString("utf8");
}

export async function invokeLambda(functions: Record<string, string>, name: string, payload: Json, _mode: "direct" | "invoke"): Promise<TaskOutcome> {
  const url = Object.hasOwn(functions, name) ? functions[name] : undefined;
  if (!url) {
    return {
      type: "failed", error: "Lambda.ResourceNotFoundException",
      cause: `Function not found: ${name}. Mailroom runs no Lambda functions; map the name to a local function's URL with --lambda-functions ${name}=http://... (or MAILROOM_LAMBDA_FUNCTIONS).`,
    };
  }
  const body = JSON.stringify(payload ?? null);
  if (Buffer.byteLength(body) > MAX_PAYLOAD) {
    return { type: "failed", error: "Lambda.RequestTooLargeException", cause: `Request must be smaller than ${MAX_PAYLOAD} bytes for the InvokeFunction operation` };
  }
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, redirect: "manual", signal: AbortSignal.timeout(MAX_RUN_MS) });
    const read = await boundedText(res);
    if (read === undefined) {
      return { type: "failed", error: "Lambda.ResponseSizeTooLargeException", cause: `Response payload size exceeded maximum allowed payload size (${MAX_PAYLOAD} bytes).` };
    }
    text = read;
  } catch (e) {
    return { type: "failed", error: "Lambda.SdkClientException", cause: `Unable to reach the local function ${name} at ${url}: ${e instanceof Error ? e.message : String(e)}` };
  }
  let value: Json = null;
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text) as Json;
    } catch {
      value = text;
    }
  }
  if (res.headers.has("x-amz-function-error") || res.status < 200 || res.status > 299) {
    const v = value && typeof value === "object" && !Array.isArray(value) ? value : {};
    const errorType = typeof v.errorType === "string" ? v.errorType : "Lambda.Unknown";
    return { type: "failed", error: errorType, cause: text === "" ? `The local function answered ${res.status}` : text };
  }
  return { type: "succeeded", output: value };
}
