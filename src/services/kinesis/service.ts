// The Kinesis service definition: its model, protocols (AWS JSON 1.1 and CBOR, application/x-amz-cbor-1.1, the Java
// SDK's and the KCL's default), how input problems are named, and the operations table.
import { kinesisModel } from "../../protocol/models/kinesis.gen.ts";
import type { ServiceDefinition } from "../types.ts";
import { bindOperations, type Operation, pendingOperations } from "../operations.ts";
import { CALL_RATES } from "./domain/throughput.ts";
import { type KinesisEnv, takeCall } from "./env.ts";
import { invalidArgument, unsupported, validation } from "./errors.ts";
import * as consumers from "./operations/consumers.ts";
import * as reading from "./operations/reading.ts";
import * as records from "./operations/records.ts";
import * as resharding from "./operations/resharding.ts";
import * as settings from "./operations/settings.ts";
import * as streams from "./operations/streams.ts";
import * as subscribe from "./operations/subscribe.ts";
import * as tags from "./operations/tags.ts";

type Op = Operation<KinesisEnv>;

const OPERATIONS: Record<string, Op> = {
  CreateStream: streams.createStream,
  DeleteStream: streams.deleteStream,
  DescribeStream: streams.describeStream,
  DescribeStreamSummary: streams.describeStreamSummary,
  DescribeLimits: streams.describeLimits,
  ListStreams: streams.listStreams,
  ListShards: streams.listShards,
  PutRecord: records.putRecord,
  PutRecords: records.putRecords,
  GetShardIterator: reading.getShardIterator,
  GetRecords: reading.getRecords,
  SplitShard: resharding.splitShard,
  MergeShards: resharding.mergeShards,
  UpdateShardCount: resharding.updateShardCount,
  UpdateStreamMode: resharding.updateStreamMode,
  IncreaseStreamRetentionPeriod: settings.increaseStreamRetentionPeriod,
  DecreaseStreamRetentionPeriod: settings.decreaseStreamRetentionPeriod,
  StartStreamEncryption: settings.startStreamEncryption,
  StopStreamEncryption: settings.stopStreamEncryption,
  EnableEnhancedMonitoring: settings.enableEnhancedMonitoring,
  DisableEnhancedMonitoring: settings.disableEnhancedMonitoring,
  UpdateMaxRecordSize: settings.updateMaxRecordSize,
  AddTagsToStream: tags.addTagsToStream,
  RemoveTagsFromStream: tags.removeTagsFromStream,
  ListTagsForStream: tags.listTagsForStream,
  TagResource: tags.tagResource,
  UntagResource: tags.untagResource,
  ListTagsForResource: tags.listTagsForResource,
  PutResourcePolicy: tags.putResourcePolicy,
  GetResourcePolicy: tags.getResourcePolicy,
  DeleteResourcePolicy: tags.deleteResourcePolicy,
  RegisterStreamConsumer: consumers.registerStreamConsumer,
  DescribeStreamConsumer: consumers.describeStreamConsumer,
  ListStreamConsumers: consumers.listStreamConsumers,
  DeregisterStreamConsumer: consumers.deregisterStreamConsumer,
  SubscribeToShard: subscribe.subscribeToShard,
};

/** Operations in the model that this version does not carry out yet (answered with a clear error). */
export const PENDING_OPERATIONS = pendingOperations(kinesisModel, OPERATIONS);

/** The member path as coral's validation messages write it: lower camel case, list items as "records.1.member.data". */
function memberPath(member: string): string {
  return member.split(".").map((p) => (/^\d+$/.test(p) ? `${p}.member` : p.charAt(0).toLowerCase() + p.slice(1))).join(".");
}

/** An operation behind its account-wide call rate (CALL_RATES), when call rates are enforced. */
function rated(name: string, op: Op): Op {
  const perSecond = CALL_RATES[name];
  if (perSecond === undefined) return op;
  return (env, ctx, input) => {
    takeCall(env, `${ctx.accountId}:${ctx.region}:${name}`, perSecond, `${name} in account ${ctx.accountId} (${perSecond} per second)`);
    return op(env, ctx, input);
  };
}

export function createKinesisService(env: KinesisEnv): ServiceDefinition {
  const table = Object.fromEntries(Object.entries(OPERATIONS).map(([name, op]) => [name, rated(name, op)]));
  const operations = bindOperations(kinesisModel, table, env, unsupported);
  return {
    signingName: "kinesis",
    model: kinesisModel,
    codecs: ["json", "cbor"],
    jsonNamespace: "Kinesis_20131202",
    queryCompatible: false,
    inputErrors: {
      // A missing required member is coral's "Member must not be null" validation error.
      missing: (member) => validation("null", memberPath(member), "Member must not be null"),
      invalid: (member, value, expected) => invalidArgument(`${memberPath(member)}: ${JSON.stringify(value) ?? String(value)} is not a valid ${expected}.`),
    },
    operations,
  };
}
