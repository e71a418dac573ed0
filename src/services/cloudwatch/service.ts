// The CloudWatch service definition: its model (botocore's monitoring 2010-08-01), protocols — Smithy RPC v2 CBOR
// (the model's first protocol), AWS JSON 1.0 (what @aws-sdk/client-cloudwatch 3.11xx sends by default) and query/XML
// (Debian's boto3 1.26, awscli 2.9) —, awsQueryCompatible errors, and the operations table.
import { cloudwatchModel } from "../../protocol/models/cloudwatch.gen.ts";
import { bindOperations, type Operation, pendingOperations } from "../operations.ts";
import type { ServiceDefinition } from "../types.ts";
import { invalidParameterValue, missingMember, unsupported } from "./errors.ts";
import * as alarms from "./operations/alarms.ts";
import type { AlarmEnv } from "./operations/alarms.ts";
import * as metrics from "./operations/metrics.ts";

type Op = Operation<AlarmEnv>;

const OPERATIONS: Record<string, Op> = {
  PutMetricData: metrics.putMetricData,
  GetMetricStatistics: metrics.getMetricStatistics,
  GetMetricData: metrics.getMetricData,
  ListMetrics: metrics.listMetrics,
  PutMetricAlarm: alarms.putMetricAlarm,
  DescribeAlarms: alarms.describeAlarms,
  DescribeAlarmsForMetric: alarms.describeAlarmsForMetric,
  DeleteAlarms: alarms.deleteAlarms,
  SetAlarmState: alarms.setAlarmState,
  EnableAlarmActions: alarms.enableAlarmActions,
  DisableAlarmActions: alarms.disableAlarmActions,
  DescribeAlarmHistory: alarms.describeAlarmHistory,
};

export const PENDING_OPERATIONS = pendingOperations(cloudwatchModel, OPERATIONS);

export function createCloudWatchService(env: AlarmEnv): ServiceDefinition {
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
    operations: bindOperations(cloudwatchModel, OPERATIONS, env, unsupported),
  };
}
