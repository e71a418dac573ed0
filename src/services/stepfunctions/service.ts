// The Step Functions service definition: AWS JSON 1.0 (X-Amz-Target AWSStepFunctions.*, signing name "states"),
// how input problems are named, and the operations table. Operations of the model not carried out yet answer a
// clear UnsupportedOperation error.
import { AwsError } from "../../protocol/errors.ts";
import { stepfunctionsModel } from "../../protocol/models/stepfunctions.gen.ts";
import type { ServiceDefinition } from "../types.ts";
import { bindOperations, type Operation, pendingOperations } from "../operations.ts";
import type { SfnEnv } from "./env.ts";
import { notNull, validation } from "./errors.ts";
import * as activities from "./operations/activities.ts";
import * as executions from "./operations/executions.ts";
import * as machines from "./operations/state-machines.ts";
import * as aliases from "./operations/aliases.ts";
import * as sync from "./operations/sync.ts";
import * as tags from "./operations/tags.ts";
import * as versions from "./operations/versions.ts";
import * as tasks from "./operations/tasks.ts";
import * as testState from "./operations/test-state.ts";

type Op = Operation<SfnEnv>;

const OPERATIONS: Record<string, Op> = {
  CreateStateMachine: machines.createStateMachine,
  DescribeStateMachine: machines.describeStateMachine,
  ListStateMachines: machines.listStateMachines,
  DeleteStateMachine: machines.deleteStateMachine,
  UpdateStateMachine: machines.updateStateMachine,
  StartExecution: executions.startExecution,
  DescribeExecution: executions.describeExecution,
  ListExecutions: executions.listExecutions,
  StopExecution: executions.stopExecution,
  GetExecutionHistory: executions.getExecutionHistory,
  DescribeStateMachineForExecution: executions.describeStateMachineForExecution,
  TagResource: tags.tagResource,
  UntagResource: tags.untagResource,
  ListTagsForResource: tags.listTagsForResource,
  StartSyncExecution: sync.startSyncExecution,
  PublishStateMachineVersion: versions.publishStateMachineVersion,
  ListStateMachineVersions: versions.listStateMachineVersions,
  DeleteStateMachineVersion: versions.deleteStateMachineVersion,
  CreateStateMachineAlias: aliases.createStateMachineAlias,
  DescribeStateMachineAlias: aliases.describeStateMachineAlias,
  ListStateMachineAliases: aliases.listStateMachineAliases,
  UpdateStateMachineAlias: aliases.updateStateMachineAlias,
  DeleteStateMachineAlias: aliases.deleteStateMachineAlias,
  ValidateStateMachineDefinition: machines.validateStateMachineDefinition,
  SendTaskSuccess: tasks.sendTaskSuccess,
  SendTaskFailure: tasks.sendTaskFailure,
  SendTaskHeartbeat: tasks.sendTaskHeartbeat,
  CreateActivity: activities.createActivity,
  DescribeActivity: activities.describeActivity,
  ListActivities: activities.listActivities,
  DeleteActivity: activities.deleteActivity,
  GetActivityTask: activities.getActivityTask,
  RedriveExecution: executions.redriveExecution,
  DescribeMapRun: executions.describeMapRun,
  ListMapRuns: executions.listMapRuns,
  UpdateMapRun: executions.updateMapRun,
  TestState: testState.testState,
};

/** Operations in the model that this version does not carry out yet (answered with a clear error). */
export const PENDING_OPERATIONS = pendingOperations(stepfunctionsModel, OPERATIONS);

export function createStepFunctionsService(env: SfnEnv): ServiceDefinition {
  const bound = bindOperations(stepfunctionsModel, OPERATIONS, env, (name) => new AwsError("UnsupportedOperation", `${name} is not supported by this Mailroom version yet.`));
  // The base URL clients reach Step Functions at, for links and queue URLs in task results.
  const operations: typeof bound = {};
  for (const [name, h] of Object.entries(bound)) {
    operations[name] = (ctx, input) => {
      if (ctx.baseUrl && env.baseUrl) env.baseUrl.current = ctx.baseUrl;
      return h(ctx, input);
    };
  }
  return {
    signingName: "states",
    model: stepfunctionsModel,
    codecs: ["json"],
    jsonNamespace: "com.amazonaws.sfn",
    queryCompatible: false,
    inputErrors: {
      // A missing required member is a ValidationException naming it (AWS's Coral validation wording).
      missing: (member) => notNull(member),
      invalid: (member, value) => validation(`1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must be of the expected type`),
    },
    operations,
  };
}
