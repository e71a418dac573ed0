// What a schedule's target is: a templated target (an SQS queue, SNS topic, event bus, state machine or Kinesis
// stream named by its ARN, with the schedule's Input as the message / detail / execution input / record data) or a
// universal target (`arn:aws:scheduler:::aws-sdk:<service>:<apiAction>`, Input = the action's JSON request;
// Scheduler user guide, "Using universal targets"). Either way a firing is "call operation X of module Y with this
// input" (module api `call`, services/operations.ts serviceCall), attempted by the delivery engine.
import { validation } from "../errors.ts";

/** The outbox payload of one firing. */
export interface TargetCall {
  /** Module (src/services/<module>) whose operation is called. */
  module: string;
  operation: string;
  input: Record<string, unknown>;
  /** Account and region the call acts in. */
  account: string;
  region: string;
  /** Target input as given (the dead-letter message's body). */
  body: string;
}

/** Templated target services by ARN service (Scheduler user guide, "Using templated targets"), and the module behind each. */
const TEMPLATED: Record<string, string> = { sqs: "sqs", sns: "sns", events: "events", states: "stepfunctions", kinesis: "kinesis" };

/** Universal targets by the SDK's service name (aws-sdk:<service>:<action>): those Mailroom runs. */
const UNIVERSAL: Record<string, string> = {
  sqs: "sqs", sns: "sns", eventbridge: "events", sfn: "stepfunctions", kinesis: "kinesis",
};

const UNIVERSAL_PREFIX = "arn:aws:scheduler:::aws-sdk:";

interface Arn {
  service: string;
  region: string;
  account: string;
  resource: string;
}

function parseArn(arn: string): Arn | undefined {
  const p = arn.split(":");
  if (p.length < 6 || p[0] !== "arn" || !p[1].startsWith("aws")) return undefined;
  return { service: p[2], region: p[3], account: p[4], resource: p.slice(5).join(":") };
}

export interface TargetInput {
  Arn: string;
  Input?: string;
  SqsParameters?: { MessageGroupId?: string };
  EventBridgeParameters?: { DetailType: string; Source: string };
  KinesisParameters?: { PartitionKey: string };
  EcsParameters?: unknown;
  SageMakerPipelineParameters?: unknown;
}

/**
 * Checks a target when the schedule is written: a service Mailroom runs, the parameters its kind takes, and for a
 * universal target a JSON object as Input. Throws ValidationException.
 */
export function checkTarget(t: TargetInput & { DeadLetterConfig?: { Arn?: string } }): void {
  // "EventBridge Scheduler does not support using a FIFO queue as your schedule's DLQ" (user guide, "Configuring a
  // dead-letter queue for EventBridge Scheduler").
  if (t.DeadLetterConfig?.Arn?.endsWith(".fifo")) throw validation("A FIFO queue cannot be a schedule's dead-letter queue.");
  if (t.EcsParameters !== undefined || t.SageMakerPipelineParameters !== undefined) {
    throw validation("ECS and SageMaker targets are not supported by Mailroom.");
  }
  if (t.Arn.startsWith(UNIVERSAL_PREFIX)) {
    const [service, action] = t.Arn.slice(UNIVERSAL_PREFIX.length).split(":");
    if (!service || !action) throw validation(`Invalid universal target ARN ${t.Arn}.`);
    if (!(service in UNIVERSAL)) throw validation(`Universal target service ${service} is not supported by Mailroom.`);
    if (t.Input !== undefined) {
      let v: unknown;
      try {
        v = JSON.parse(t.Input);
      } catch {
        throw validation("Input must be a valid JSON object for a universal target.");
      }
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw validation("Input must be a valid JSON object for a universal target.");
    }
    return;
  }
  const arn = parseArn(t.Arn);
  if (!arn || !(arn.service in TEMPLATED)) throw validation(`Target ARN ${t.Arn} is not a target Mailroom supports (SQS, SNS, EventBridge, Step Functions, Kinesis, or a universal target).`);
  if (arn.service === "events" && !t.EventBridgeParameters) throw validation("EventBridgeParameters is required for an EventBridge target.");
  if (arn.service === "kinesis" && !t.KinesisParameters) throw validation("KinesisParameters is required for a Kinesis target.");
  if (arn.service !== "events" && t.EventBridgeParameters) throw validation("EventBridgeParameters can only be used with an EventBridge target.");
  if (arn.service !== "kinesis" && t.KinesisParameters) throw validation("KinesisParameters can only be used with a Kinesis target.");
  if (arn.service !== "sqs" && t.SqsParameters) throw validation("SqsParameters can only be used with an SQS target.");
}

/** The call a firing makes (account: the schedule's; the queue URL from the request's base URL). */
export function targetCall(t: TargetInput, account: string, region: string, baseUrl: string): TargetCall {
  const body = t.Input ?? "";
  if (t.Arn.startsWith(UNIVERSAL_PREFIX)) {
    const [service, action] = t.Arn.slice(UNIVERSAL_PREFIX.length).split(":");
    const input = body === "" ? {} : (JSON.parse(body) as Record<string, unknown>);
    // The action is the SDK's camel-case name (sendMessage); the model's operation is SendMessage.
    return { module: UNIVERSAL[service], operation: action.charAt(0).toUpperCase() + action.slice(1), input, account, region, body };
  }
  const arn = parseArn(t.Arn)!;
  const at = { account, region: arn.region || region, body };
  switch (arn.service) {
    case "sqs":
      return {
        ...at, module: "sqs", operation: "SendMessage",
        input: { QueueUrl: `${baseUrl}/${arn.account}/${arn.resource}`, MessageBody: body, ...(t.SqsParameters?.MessageGroupId ? { MessageGroupId: t.SqsParameters.MessageGroupId } : {}) },
      };
    case "sns":
      return { ...at, module: "sns", operation: "Publish", input: { TopicArn: t.Arn, Message: body } };
    case "events":
      return {
        ...at, module: "events", operation: "PutEvents",
        input: { Entries: [{ EventBusName: t.Arn, Source: t.EventBridgeParameters!.Source, DetailType: t.EventBridgeParameters!.DetailType, Detail: body === "" ? "{}" : body }] },
      };
    case "states":
      return { ...at, module: "stepfunctions", operation: "StartExecution", input: { stateMachineArn: t.Arn, input: body === "" ? "{}" : body } };
    default:
      return { ...at, module: "kinesis", operation: "PutRecord", input: { StreamARN: t.Arn, PartitionKey: t.KinesisParameters!.PartitionKey, Data: Buffer.from(body).toString("base64") } };
  }
}
