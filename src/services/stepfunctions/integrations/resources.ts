// TaskResources (domain/tasks.ts): what carries out a Task state's Resource. Service integrations call the other
// services in-process through their public api (services/<svc>/index.ts: the same operation handlers and input
// checks an SDK request reaches), so a Task sees exactly the behaviour and errors a client would; Lambda functions
// are local functions configured by URL (integrations/lambda.ts); a mock-config file can replace any task's result.
import type { Clock } from "../../../engine/clock.ts";
import { AwsError } from "../../../protocol/errors.ts";
import type { ServiceModel } from "../../../protocol/model.ts";
import { eventsModel } from "../../../protocol/models/events.gen.ts";
import { kinesisModel } from "../../../protocol/models/kinesis.gen.ts";
import { snsModel } from "../../../protocol/models/sns.gen.ts";
import { sqsModel } from "../../../protocol/models/sqs.gen.ts";
import { stepfunctionsModel } from "../../../protocol/models/stepfunctions.gen.ts";
import type { ServiceCall } from "../../operations.ts";
import { jobContext, type RequestContext } from "../../types.ts";
import type { Json } from "../domain/definition.ts";
import {
  asText, fromServiceOutput, operationName, optimizedErrorCause, parseResource, sdkErrorCause, sdkErrorName, sdkMetadata, toServiceInput,
} from "../domain/integrations.ts";
import { mockedOutcome, type MockConfig } from "../domain/mock-config.ts";
import type { TaskCall, TaskOutcome, TaskResources } from "../domain/tasks.ts";
import { type ConnectionAuth, invokeHttp } from "./http.ts";
import { invokeLambda } from "./lambda.ts";

/** The services a Task can reach, by their aws-sdk service name (arn:aws:states:::aws-sdk:<name>:<action>). */
export interface TaskServices {
  sqs?: ServiceCall;
  sns?: ServiceCall;
  events?: ServiceCall;
  kinesis?: ServiceCall;
  states: ServiceCall;
}

export interface TaskResourceDeps {
  services: TaskServices;
  clock: Clock;
  /** The server's base URL as clients use it (queue URLs, SNS links in results). */
  baseUrl: () => string;
  /** EventBridge's connections, by ARN (the HTTP Task's Authentication.ConnectionArn); undefined without EventBridge. */
  connectionAuth?: ConnectionAuth;
  /** Local Lambda functions: name → URL the payload is POSTed to. */
  lambdaFunctions: Record<string, string>;
  mock?: MockConfig;
  /**
   * Starts a child execution (StartExecution's input) that completes the parent's task token when it ends
   * (states:startExecution.sync, .sync:2): the interpreter shapes the result from the child's DescribeExecution.
   */
  startChild(ctx: RequestContext, input: Record<string, unknown>, taskToken: string): Promise<{ executionArn: string }>;
}

/** Each integration's service: its model (for parameter names), its call, and how its errors are named. */
interface Target { model: ServiceModel; call: ServiceCall | undefined }

/** aws-sdk service names (as AWS spells them in Resource ARNs) → Mailroom's services. */
const SDK_TARGETS: Record<string, (s: TaskServices) => Target> = {
  sqs: (s) => ({ model: sqsModel, call: s.sqs }),
  sns: (s) => ({ model: snsModel, call: s.sns }),
  eventbridge: (s) => ({ model: eventsModel, call: s.events }),
  kinesis: (s) => ({ model: kinesisModel, call: s.kinesis }),
  sfn: (s) => ({ model: stepfunctionsModel, call: s.states }),
};

/**
 * The optimized integrations Mailroom carries out, with the patterns AWS allows for each (Step Functions developer
 * guide, "Integrating optimized services": SQS sendMessage, SNS publish and EventBridge putEvents support
 * request-response and .waitForTaskToken; states:startExecution also .sync and .sync:2).
 */
const OPTIMIZED: Record<string, string[]> = {
  "sqs:sendMessage": ["request-response", "waitForTaskToken"],
  "sns:publish": ["request-response", "waitForTaskToken"],
  "events:putEvents": ["request-response", "waitForTaskToken"],
  "states:startExecution": ["request-response", "sync", "sync:2", "waitForTaskToken"],
  "lambda:invoke": ["request-response", "waitForTaskToken"],
};

const failed = (error: string, cause?: string): TaskOutcome => ({ type: "failed", error, cause });

export interface MockedTaskResources extends TaskResources {
  /** Runs the execution's tasks under a test case of the mock config (StartExecution on "<machine ARN>#<case>"). */
  useTestCase(executionArn: string, machineName: string, testCase: string): void;
}

export function createTaskResources(deps: TaskResourceDeps): MockedTaskResources {
  // Test cases by execution, and each (execution, state)'s invocation count: in memory, as in Step Functions Local.
  const cases = new Map<string, { machine: string; testCase: string }>();
  const invocations = new Map<string, number>();

  function context(call: TaskCall): RequestContext {
    return jobContext(call.account, call.region, deps.baseUrl());
  }

  async function invoke(call: TaskCall): Promise<TaskOutcome> {
    const tc = cases.get(call.executionArn);
    if (tc && deps.mock) {
      const key = `${call.executionArn}\u0000${call.stateName}`;
      const n = invocations.get(key) ?? 0;
      const mocked = mockedOutcome(deps.mock, tc.machine, tc.testCase, call.stateName, n);
      if (mocked) {
        invocations.set(key, n + 1);
        // A mocked .waitForTaskToken / .sync task answers at once with the mocked result (as in Step Functions Local).
        return mocked;
      }
    }
    const r = parseResource(call.resource);
    switch (r.kind) {
      case "lambda-arn":
        return invokeLambda(deps.lambdaFunctions, r.functionName, call.parameters, "direct");
      case "http":
        // The HTTP Task authorizes its request through an EventBridge connection (Authentication.ConnectionArn).
        return invokeHttp(deps.connectionAuth, call);
      case "activity":
        return failed("States.Runtime", "Activities are carried out by the interpreter, not by a service integration.");
      case "unknown":
        return failed("States.Runtime", `The resource provided ${call.resource} is not recognized.`);
      case "aws-sdk":
        return sdkTask(call, r.service, r.action, r.pattern);
      case "optimized":
        return optimizedTask(call, r.service, r.action, r.pattern);
    }
  }

  async function sdkTask(call: TaskCall, service: string, action: string, pattern: string): Promise<TaskOutcome> {
    const target = SDK_TARGETS[service]?.(deps.services);
    if (!target?.call) return failed("States.Runtime", `The resource provided ${call.resource} is not recognized: Mailroom has no service '${service}'.`);
    // AWS SDK integrations support request-response and .waitForTaskToken, not .sync ("AWS SDK integrations").
    if (pattern === "sync" || pattern === "sync:2") return failed("States.Runtime", `The resource provided ${call.resource} is not recognized: aws-sdk integrations do not support .sync.`);
    const op = operationName(action);
    const model = target.model.operations[op];
    if (!model) return failed("States.Runtime", `The resource provided ${call.resource} is not recognized: ${service} has no action ${action}.`);
    const ctx = context(call);
    try {
      const out = await target.call(ctx, op, toServiceInput(target.model, model.input, call.parameters) as Record<string, unknown>);
      if (pattern === "waitForTaskToken") return { type: "pending" };
      return { type: "succeeded", output: fromServiceOutput(out, target.model, model.output) };
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      return failed(sdkErrorName(service, e.code), sdkErrorCause(service, e.message, e.status, ctx.requestId));
    }
  }

  async function optimizedTask(call: TaskCall, service: string, action: string, pattern: string): Promise<TaskOutcome> {
    const key = `${service}:${action}`;
    const allowed = OPTIMIZED[key];
    if (!allowed || !allowed.includes(pattern)) return failed("States.Runtime", `The resource provided ${call.resource} is not recognized.`);
    const p = (call.parameters ?? {}) as Record<string, Json>;
    if (typeof p !== "object" || Array.isArray(p)) return failed("States.Runtime", "The task's parameters must be a JSON object.");
    const ctx = context(call);
    const meta = (body: unknown, contentType: string) => sdkMetadata(ctx.requestId, contentType, deps.clock.now(), JSON.stringify(body ?? {}).length);
    const done = (output: Json): TaskOutcome => (pattern === "waitForTaskToken" ? { type: "pending" } : { type: "succeeded", output });
    try {
      switch (key) {
        case "sqs:sendMessage": {
          if (!deps.services.sqs) break;
          const out = await deps.services.sqs(ctx, "SendMessage", toServiceInput(sqsModel, "SendMessageRequest", { ...p, MessageBody: asText(p.MessageBody) ?? null }) as Record<string, unknown>);
          return done({ ...(fromServiceOutput(out, sqsModel, "SendMessageResult") as Record<string, Json>), ...meta(out, "application/x-amz-json-1.0") });
        }
        case "sns:publish": {
          if (!deps.services.sns) break;
          const out = await deps.services.sns(ctx, "Publish", toServiceInput(snsModel, "PublishInput", { ...p, Message: asText(p.Message) ?? null }) as Record<string, unknown>);
          return done({ ...(fromServiceOutput(out, snsModel, "PublishResponse") as Record<string, Json>), ...meta(out, "text/xml") });
        }
        case "events:putEvents": {
          if (!deps.services.events) break;
          // Detail may be given as JSON; it travels as text (EventBridge integration: "Detail": {...}).
          const entries = Array.isArray(p.Entries) ? p.Entries.map((e) => (e && typeof e === "object" && !Array.isArray(e) ? { ...e, Detail: asText(e.Detail) ?? null } : e)) : p.Entries;
          const out = fromServiceOutput(await deps.services.events(ctx, "PutEvents", toServiceInput(eventsModel, "PutEventsRequest", { ...p, Entries: entries }) as Record<string, unknown>), eventsModel, "PutEventsResponse") as Record<string, Json>;
          // A PutEvents with failed entries fails the task with EventBridge.FailedEntry, the response as its cause
          // (Step Functions developer guide, "Add EventBridge events": "EventBridge.FailedEntry").
          if (typeof out.FailedEntryCount === "number" && out.FailedEntryCount > 0) return failed("EventBridge.FailedEntry", JSON.stringify(out));
          return done(out);
        }
        case "states:startExecution": {
          const sync = pattern === "sync" || pattern === "sync:2";
          if (sync && !call.taskToken) return failed("States.Runtime", "A .sync task needs a task token.");
          const input: Record<string, Json> = { ...p };
          if (p.Input !== undefined) input.Input = asText(p.Input)!;
          const request = toServiceInput(stepfunctionsModel, "StartExecutionInput", input) as Record<string, unknown>;
          if (sync) {
            await deps.startChild(ctx, request, call.taskToken!);
            return { type: "pending" };
          }
          const out = await deps.services.states(ctx, "StartExecution", request);
          const arn = String(out.executionArn);
          // StartDate in epoch milliseconds, as the Java SDK's Date serializes (recorded outputs of the optimized integration).
          const result = { ExecutionArn: arn, StartDate: (out.startDate as Date).getTime() };
          return done({ ...result, ...meta(out, "application/x-amz-json-1.0") });
        }
        case "lambda:invoke": {
          const name = typeof p.FunctionName === "string" ? p.FunctionName : "";
          const fn = /^arn:[\w-]+:lambda:[^:]*:\d{12}:function:([^:]+)/.exec(name)?.[1] ?? name.split(":")[0];
          const outcome = await invokeLambda(deps.lambdaFunctions, fn, p.Payload ?? {}, "invoke");
          if (outcome.type !== "succeeded") return outcome;
          // lambda:invoke returns the Invoke response: ExecutedVersion, Payload, StatusCode, and the SDK metadata
          // (Step Functions developer guide, "Invoke an AWS Lambda function").
          return done({ ExecutedVersion: "$LATEST", Payload: outcome.output, StatusCode: 200, ...meta(outcome.output, "application/json") });
        }
      }
      return failed("States.Runtime", `The resource provided ${call.resource} is not recognized: its service is not running.`);
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      return optimizedError(service, e, ctx.requestId);
    }
  }

  return {
    invoke,
    useTestCase(executionArn, machineName, testCase) {
      cases.set(executionArn, { machine: machineName, testCase });
    },
  };
}

/**
 * How optimized integrations name a service's error: SQS's are all SQS.AmazonSQSException; SNS's and
 * EventBridge's are the service's code with the Exception suffix; Step Functions' own are StepFunctions.<Code>Exception
 * (as recorded for these integrations; the cause carries the Java SDK's "(Service: …; Error Code: …)" suffix).
 */
function optimizedError(service: string, e: AwsError, requestId: string): TaskOutcome {
  const withSuffix = (c: string) => (c.endsWith("Exception") ? c : `${c}Exception`);
  switch (service) {
    case "sqs":
      return failed("SQS.AmazonSQSException", optimizedErrorCause("AmazonSQS", e.message, e.status, e.queryCode, requestId));
    case "sns":
      return failed(`SNS.${withSuffix(e.code)}`, optimizedErrorCause("AmazonSNS", e.message, e.status, e.code, requestId));
    case "events":
      return failed(`EventBridge.${withSuffix(e.code)}`, optimizedErrorCause("AmazonEventBridge", e.message, e.status, e.code, requestId));
    default:
      return failed(`StepFunctions.${withSuffix(e.code)}`, optimizedErrorCause("AWSStepFunctions", e.message, e.status, e.code, requestId));
  }
}
