// The EventBridge service definition: its model (AWS JSON 1.1, X-Amz-Target AWSEvents.*), how input problems are
// named, and the operations table. Operations of the model not in the table answer a clear error.
import { AwsError } from "../../protocol/errors.ts";
import { eventsModel } from "../../protocol/models/events.gen.ts";
import type { ServiceDefinition } from "../types.ts";
import { bindOperations, type Operation, pendingOperations } from "../operations.ts";
import type { EventsEnv } from "./env.ts";
import { validation } from "./errors.ts";
import * as apiDestinations from "./operations/api-destinations.ts";
import * as buses from "./operations/buses.ts";
import * as connections from "./operations/connections.ts";
import * as permissions from "./operations/permissions.ts";
import { putEvents } from "./operations/put-events.ts";
import * as rules from "./operations/rules.ts";
import * as targets from "./operations/targets.ts";
import * as archives from "./operations/archives.ts";
import * as replays from "./operations/replays.ts";
import * as tags from "./operations/tags.ts";

type Op = Operation<EventsEnv>;

const OPERATIONS: Record<string, Op> = {
  CreateEventBus: buses.createEventBus,
  DescribeEventBus: buses.describeEventBus,
  DeleteEventBus: buses.deleteEventBus,
  ListEventBuses: buses.listEventBuses,
  UpdateEventBus: buses.updateEventBus,
  PutPermission: permissions.putPermission,
  RemovePermission: permissions.removePermission,
  CreateConnection: connections.createConnection,
  DescribeConnection: connections.describeConnection,
  UpdateConnection: connections.updateConnection,
  DeleteConnection: connections.deleteConnection,
  ListConnections: connections.listConnections,
  DeauthorizeConnection: connections.deauthorizeConnection,
  CreateApiDestination: apiDestinations.createApiDestination,
  DescribeApiDestination: apiDestinations.describeApiDestination,
  UpdateApiDestination: apiDestinations.updateApiDestination,
  DeleteApiDestination: apiDestinations.deleteApiDestination,
  ListApiDestinations: apiDestinations.listApiDestinations,
  PutRule: rules.putRule,
  DescribeRule: rules.describeRule,
  ListRules: rules.listRules,
  EnableRule: rules.enableRule,
  DisableRule: rules.disableRule,
  DeleteRule: rules.deleteRule,
  ListRuleNamesByTarget: rules.listRuleNamesByTarget,
  TestEventPattern: rules.testEventPattern,
  PutTargets: targets.putTargets,
  RemoveTargets: targets.removeTargets,
  ListTargetsByRule: targets.listTargetsByRule,
  PutEvents: putEvents,
  CreateArchive: archives.createArchive,
  DescribeArchive: archives.describeArchive,
  ListArchives: archives.listArchives,
  UpdateArchive: archives.updateArchive,
  DeleteArchive: archives.deleteArchive,
  StartReplay: replays.startReplay,
  DescribeReplay: replays.describeReplay,
  ListReplays: replays.listReplays,
  CancelReplay: replays.cancelReplay,
  TagResource: tags.tagResource,
  UntagResource: tags.untagResource,
  ListTagsForResource: tags.listTagsForResource,
};

/** Operations in the model that this version does not carry out yet (answered with a clear error). */
export const PENDING_OPERATIONS = pendingOperations(eventsModel, OPERATIONS);

/** A member path in AWS's validation wording: lowerCamel members, list positions (1-based) followed by "member" ("Targets.1.Id" → "targets.1.member.id"). */
function awsPath(member: string): string {
  return member.split(".").map((p) => (/^\d+$/.test(p) ? `${p}.member` : p.charAt(0).toLowerCase() + p.slice(1))).join(".");
}

export function createEventsService(env: EventsEnv): ServiceDefinition {
  const operations = bindOperations(eventsModel, OPERATIONS, env, (name) => new AwsError("UnsupportedOperation", `${name} is not supported by this Mailroom version yet.`));
  return {
    signingName: "events",
    model: eventsModel,
    codecs: ["json"],
    jsonNamespace: "com.amazonaws.events",
    queryCompatible: false,
    inputErrors: {
      // The request-validation wording AWS uses for a required member that is missing.
      missing: (member) => validation(`1 validation error detected: Value null at '${awsPath(member)}' failed to satisfy constraint: Member must not be null`),
      invalid: (member, value, expected) => validation(`1 validation error detected: Value '${typeof value === "object" ? JSON.stringify(value) : String(value)}' at '${awsPath(member)}' failed to satisfy constraint: Member must be of type ${expected}`),
    },
    operations,
  };
}
