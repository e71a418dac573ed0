// What a Task's Resource names, and the pure parts of carrying it out: which kind of resource an ARN is (an
// optimized integration, the generic aws-sdk form, a Lambda function, the HTTP Task, an activity), how Step
// Functions' PascalCase parameters map onto a service's input members, how outputs are shaped and how a service's
// errors are named in the execution (Step Functions developer guide: "Service integration patterns", "Integrating
// services", "AWS SDK integrations").
import type { ServiceModel, Shape } from "../../../protocol/model.ts";
import { setEntry } from "../../../protocol/shapes.ts";
import type { Json } from "./definition.ts";
import type { IntegrationPattern } from "./tasks.ts";

export type ResourceKind =
  | { kind: "optimized"; service: string; action: string; pattern: IntegrationPattern }
  | { kind: "aws-sdk"; service: string; action: string; pattern: IntegrationPattern }
  | { kind: "lambda-arn"; functionName: string; qualifier?: string }
  | { kind: "http"; pattern: IntegrationPattern }
  | { kind: "activity"; arn: string }
  | { kind: "unknown" };

const PATTERNS: Record<string, IntegrationPattern> = { "": "request-response", ".sync": "sync", ".sync:2": "sync:2", ".waitForTaskToken": "waitForTaskToken" };

/**
 * arn:<partition>:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken], arn:…:states:::aws-sdk:<service>:<action>[…],
 * arn:…:lambda:<region>:<account>:function:<name>[:<qualifier>], arn:…:states:<region>:<account>:activity:<name>
 * ("Service integration patterns": the suffix picks the pattern).
 */
export function parseResource(resource: string): ResourceKind {
  const lambda = /^arn:[\w-]+:lambda:[^:]*:\d{12}:function:([^:]+)(?::([^:]+))?$/.exec(resource);
  if (lambda) return { kind: "lambda-arn", functionName: lambda[1], qualifier: lambda[2] };
  const activity = /^arn:[\w-]+:states:[^:]+:\d{12}:activity:[^:]+$/.exec(resource);
  if (activity) return { kind: "activity", arn: resource };
  const m = /^arn:[\w-]+:states:::(aws-sdk:)?([\w-]+):([A-Za-z0-9]+)(\.sync:2|\.sync|\.waitForTaskToken)?$/.exec(resource);
  if (!m) return { kind: "unknown" };
  const pattern = PATTERNS[m[4] ?? ""];
  if (m[1]) return { kind: "aws-sdk", service: m[2], action: m[3], pattern };
  if (m[2] === "http" && m[3] === "invoke") return { kind: "http", pattern };
  return { kind: "optimized", service: m[2], action: m[3], pattern };
}

/** Why an EXPRESS definition cannot run: Task resources with .sync or .waitForTaskToken, or activities (nested states included). */
export function expressProblems(def: { States: Record<string, Record<string, Json>> }): string[] {
  const out: string[] = [];
  const walk = (states: Record<string, Record<string, Json>>, at: string) => {
    for (const [name, s] of Object.entries(states)) {
      if (s.Type === "Task" && typeof s.Resource === "string") {
        const r = parseResource(s.Resource);
        if (r.kind === "activity" || ((r.kind === "optimized" || r.kind === "aws-sdk") && r.pattern !== "request-response")) {
          out.push(`SCHEMA_VALIDATION_FAILED: Express state machine does not support '${r.kind === "activity" ? "activity" : `.${r.pattern}`}' service integration at ${at}/${name}/Resource`);
        }
      }
      for (const branch of Array.isArray(s.Branches) ? s.Branches : []) {
        if (branch && typeof branch === "object" && !Array.isArray(branch) && branch.States && typeof branch.States === "object") walk(branch.States as Record<string, Record<string, Json>>, `${at}/${name}/Branches`);
      }
      const proc = (s.ItemProcessor ?? s.Iterator) as Record<string, Json> | undefined;
      if (proc && typeof proc === "object" && !Array.isArray(proc) && proc.States && typeof proc.States === "object") walk(proc.States as Record<string, Record<string, Json>>, `${at}/${name}/ItemProcessor`);
    }
  };
  walk(def.States, "/States");
  return out;
}

/** The operation name of an action: sendMessage → SendMessage. */
export const operationName = (action: string) => action.charAt(0).toUpperCase() + action.slice(1);

/**
 * Step Functions parameters to a service's input: "Parameters in Step Functions are expressed in PascalCase, even if
 * the native service API is in camelCase" (AWS SDK integrations, "API naming conventions"), so a key matches a member
 * exactly or with its first letter's case changed. Blob members take text (its UTF-8 bytes) and are handed on as
 * the JSON wire form (base64) that readShape decodes. Unknown keys are kept (readShape drops what the model lacks).
 */
export function toServiceInput(model: ServiceModel, shapeName: string | undefined, value: Json): Json {
  const shape: Shape | undefined = shapeName ? model.shapes[shapeName] : undefined;
  if (!shape || value === null) return value;
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || Array.isArray(value)) return value;
      const out: Record<string, Json> = {};
      const members = shape.members ?? {};
      for (const [k, v] of Object.entries(value)) {
        const name = Object.hasOwn(members, k) ? k : Object.keys(members).find((m) => m.toLowerCase() === k.toLowerCase()) ?? k;
        // setEntry: a key named __proto__ stays a key (never the object's prototype).
        setEntry(out, name, toServiceInput(model, Object.hasOwn(members, name) ? members[name].shape : undefined, v));
      }
      return out;
    }
    case "list":
      return Array.isArray(value) ? value.map((v) => toServiceInput(model, shape.member?.shape, v)) : value;
    case "map":
      if (typeof value !== "object" || Array.isArray(value)) return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toServiceInput(model, shape.value?.shape, v)]));

    case "blob":
      return typeof value === "string" ? Buffer.from(value, "utf8").toString("base64") : value;
    case "timestamp":
      // Timestamps are given as ISO-8601 text or epoch seconds; readShape takes both.
      return value;
    default:
      return value;
  }
}

/**
 * A service's output as an aws-sdk Task returns it: structure member names in PascalCase (as the parameters are), map
 * keys as they are, timestamps as ISO-8601 text, blobs as their text. Undefined members are left out. Without a
 * shape (or for values the shape does not describe) structures are converted the same way.
 */
export function fromServiceOutput(value: unknown, model?: ServiceModel, shapeName?: string): Json {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  const shape: Shape | undefined = model && shapeName ? model.shapes[shapeName] : undefined;
  if (Array.isArray(value)) return value.map((v) => fromServiceOutput(v, model, shape?.type === "list" ? shape.member?.shape : undefined));
  if (typeof value === "object") {
    const out: Record<string, Json> = {};
    const isMap = shape?.type === "map";
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      const inner = isMap ? shape.value?.shape : shape?.members && Object.hasOwn(shape.members, k) ? shape.members[k].shape : undefined;
      setEntry(out, isMap ? k : k.charAt(0).toUpperCase() + k.slice(1), fromServiceOutput(v, model, inner));
    }
    return out;
  }
  return value as Json;
}

/** The PascalCase name of a service in aws-sdk error names (sqs → Sqs, sfn → Sfn, eventbridge → EventBridge). */
const SDK_SERVICE_NAMES: Record<string, string> = { sqs: "Sqs", sns: "Sns", eventbridge: "EventBridge", kinesis: "Kinesis", sfn: "Sfn" };

/**
 * An error of an aws-sdk Task: "<ServiceName>.<ErrorName>", both PascalCase, with the "Exception" suffix added when
 * the service's name for the error lacks it (AWS SDK integrations: "If an AWS SDK integration encounters an error,
 * the resulting Error field is composed of the service name and the error name"; "always add the Exception suffix").
 */
export function sdkErrorName(service: string, code: string): string {
  const svc = SDK_SERVICE_NAMES[service] ?? operationName(service);
  return `${svc}.${code.endsWith("Exception") ? code : `${code}Exception`}`;
}

/** The cause of an aws-sdk Task error, in the AWS SDK for Java 2's words ("<message> (Service: Sqs, Status Code: 400, Request ID: …)"). */
export function sdkErrorCause(service: string, message: string, status: number, requestId: string): string {
  return `${message} (Service: ${SDK_SERVICE_NAMES[service] ?? operationName(service)}, Status Code: ${status}, Request ID: ${requestId})`;
}

/** The cause of an optimized integration's error, in the AWS SDK for Java 1's words (what Step Functions records for them). */
export function optimizedErrorCause(serviceLabel: string, message: string, status: number, code: string, requestId: string): string {
  return `${message} (Service: ${serviceLabel}; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`;
}

/**
 * SdkHttpMetadata and SdkResponseMetadata, which optimized integrations built on the AWS SDK for Java add to their
 * result (e.g. sqs:sendMessage → {MD5OfMessageBody, MessageId, SdkHttpMetadata, SdkResponseMetadata}; Step Functions
 * developer guide, SQS and SNS integration examples).
 */
export function sdkMetadata(requestId: string, contentType: string, date: number, length: number): { SdkHttpMetadata: Json; SdkResponseMetadata: Json } {
  const headers: Record<string, string> = {
    "Content-Length": String(length), "Content-Type": contentType, Date: new Date(date).toUTCString(), "x-amzn-RequestId": requestId,
  };
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

/** A JSON value as a service's string parameter: text stays text, anything else is serialized (MessageBody, Message, Detail, Input). */
export const asText = (v: Json | undefined): string | undefined => (v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v));
