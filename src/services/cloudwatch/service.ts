// The CloudWatch service definition: its model (botocore's monitoring 2010-08-01), protocols — Smithy RPC v2 CBOR
// (the model's first protocol), AWS JSON 1.0 (what @aws-sdk/client-cloudwatch 3.11xx sends by default) and query/XML
// (Debian's boto3 1.26, awscli 2.9) —, awsQueryCompatible errors, and the operations table.
import { cloudwatchModel } from "../../protocol/models/cloudwatch.gen.ts";
import { bindOperations, type Operation, pendingOperations } from "../operations.ts";
import type { ServiceDefinition } from "../types.ts";
import type { ServiceModel } from "../../protocol/model.ts";
import { invalidParameterValue, missingMember, unsupported, validationError } from "./errors.ts";
import * as alarms from "./operations/alarms.ts";
import type { AlarmEnv } from "./operations/alarms.ts";
import * as composite from "./operations/composite.ts";
import * as metrics from "./operations/metrics.ts";

type Op = Operation<AlarmEnv>;

const OPERATIONS: Record<string, Op> = {
  PutMetricData: metrics.putMetricData,
  GetMetricStatistics: metrics.getMetricStatistics,
  GetMetricData: metrics.getMetricData,
  ListMetrics: metrics.listMetrics,
  PutMetricAlarm: alarms.putMetricAlarm,
  PutCompositeAlarm: composite.putCompositeAlarm,
  DescribeAlarms: alarms.describeAlarms,
  DescribeAlarmsForMetric: alarms.describeAlarmsForMetric,
  DeleteAlarms: alarms.deleteAlarms,
  SetAlarmState: alarms.setAlarmState,
  EnableAlarmActions: alarms.enableAlarmActions,
  DisableAlarmActions: alarms.disableAlarmActions,
  DescribeAlarmHistory: alarms.describeAlarmHistory,
};

export const PENDING_OPERATIONS = pendingOperations(cloudwatchModel, OPERATIONS);

/** The member path as coral's validation messages write it: lower camel case, list items as "metricData.1.member.unit". */
function memberPath(path: string): string {
  return path.split(".").map((p) => (/^\d+$/.test(p) ? `${p}.member` : p.charAt(0).toLowerCase() + p.slice(1))).join(".");
}

/**
 * Enum members checked against the model: a value outside the set is coral's ValidationError, "1 validation error
 * detected: Value 'INVALID' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [...]"
 * (LocalStack's AWS-recorded snapshot test_set_alarm_invalid_input, all three protocols).
 */
/** Enum sets in the order AWS's messages list them, where it was recorded (else the model's order). */
const RECORDED_ORDER: Record<string, string[]> = { StateValue: ["INSUFFICIENT_DATA", "ALARM", "OK"] };

export function checkEnums(model: ServiceModel, shapeName: string, value: unknown, path: string): void {
  const shape = model.shapes[shapeName];
  if (!shape || value === undefined || value === null) return;
  if (shape.enum && typeof value === "string" && !shape.enum.includes(value)) {
    throw validationError(`1 validation error detected: Value '${value}' at '${memberPath(path)}' failed to satisfy constraint: Member must satisfy enum value set: [${(RECORDED_ORDER[shapeName] ?? shape.enum).join(", ")}]`);
  }
  if (shape.type === "structure" && shape.members && typeof value === "object") {
    for (const [name, ref] of Object.entries(shape.members)) checkEnums(model, ref.shape, (value as Record<string, unknown>)[name], path ? `${path}.${name}` : name);
  } else if (shape.type === "list" && shape.member && Array.isArray(value)) {
    value.forEach((v, i) => checkEnums(model, shape.member!.shape, v, `${path}.${i + 1}`));
  }
}

export function createCloudWatchService(env: AlarmEnv): ServiceDefinition {
  const handlers = bindOperations(cloudwatchModel, OPERATIONS, env, unsupported);
  for (const [name, h] of Object.entries(handlers)) {
    const input = cloudwatchModel.operations[name]?.input;
    if (!input || !(name in OPERATIONS)) continue;
    handlers[name] = (ctx, args) => {
      checkEnums(cloudwatchModel, input, args, "");
      return h(ctx, args);
    };
  }
  return {
    // No signingName in the model: SigV4 signs with the endpoint prefix.
    signingName: "monitoring",
    model: cloudwatchModel,
    codecs: ["rpcv2-cbor", "json", "query"],
    jsonNamespace: "com.amazonaws.cloudwatch",
    queryCompatible: true,
    inputErrors: {
      missing: (member) => missingMember(member),
      invalid: (member, value, expected) => invalidParameterValue(`The value ${typeof value === "object" ? JSON.stringify(value) : String(value)} for parameter ${member} is invalid (expected ${expected}).`),
    },
    operations: handlers,
    // "Each PutMetricData request is limited to 1 MB in size for HTTP POST requests. You can send a payload compressed
    // by gzip" (PutMetricData API reference); the answer's code and status are Mailroom's (413, RequestEntityTooLarge).
    maxRequestBytes: { PutMetricData: 1024 * 1024 },
  };
}
