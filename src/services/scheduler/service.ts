// The EventBridge Scheduler service definition: its model (botocore scheduler 2021-06-30), the REST-JSON codec (the
// route table of src/protocol/rest-json/ finds the operation from method and path), the model's constraints checked
// on every input (protocol/constraints.ts), and the operations table.
import { schedulerModel } from "../../protocol/models/scheduler.gen.ts";
import { bindOperations, type Operation, pendingOperations } from "../operations.ts";
import type { ServiceDefinition } from "../types.ts";
import { checkConstraints } from "../../protocol/constraints.ts";
import type { SchedulerEnv } from "./env.ts";
import { constraint, unsupported, validation } from "./errors.ts";
import * as groups from "./operations/groups.ts";
import * as schedules from "./operations/schedules.ts";

const OPERATIONS: Record<string, Operation<SchedulerEnv>> = {
  CreateSchedule: schedules.createSchedule,
  GetSchedule: schedules.getSchedule,
  UpdateSchedule: schedules.updateSchedule,
  DeleteSchedule: schedules.deleteSchedule,
  ListSchedules: schedules.listSchedules,
  CreateScheduleGroup: groups.createScheduleGroup,
  GetScheduleGroup: groups.getScheduleGroup,
  ListScheduleGroups: groups.listScheduleGroups,
  DeleteScheduleGroup: groups.deleteScheduleGroup,
  TagResource: groups.tagResource,
  UntagResource: groups.untagResource,
  ListTagsForResource: groups.listTagsForResource,
};

export const PENDING_OPERATIONS = pendingOperations(schedulerModel, OPERATIONS);

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const memberPath = (path: string) => path.split(".").map(lowerFirst).join(".");

export function createSchedulerService(env: SchedulerEnv): ServiceDefinition {
  const handlers = bindOperations(schedulerModel, OPERATIONS, env, unsupported);
  for (const name of Object.keys(OPERATIONS)) {
    const input = schedulerModel.operations[name]?.input;
    const h = handlers[name];
    if (!input) continue;
    handlers[name] = (ctx, args) => {
      checkConstraints(schedulerModel, input, args, "", validation);
      return h(ctx, args);
    };
  }
  return {
    signingName: "scheduler",
    model: schedulerModel,
    codecs: ["rest-json"],
    jsonNamespace: "com.amazonaws.scheduler",
    queryCompatible: false,
    inputErrors: {
      // A missing required member is coral's "Member must not be null".
      missing: (member) => constraint("null", memberPath(member), "Member must not be null"),
      invalid: (member, value, expected) => validation(`${memberPath(member)}: ${JSON.stringify(value) ?? String(value)} is not a valid ${expected}.`),
    },
    operations: handlers,
  };
}
