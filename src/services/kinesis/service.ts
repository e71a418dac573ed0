// The Kinesis service definition: its model, protocols (AWS JSON 1.1 and CBOR, application/x-amz-cbor-1.1, the Java
// SDK's and the KCL's default), how input problems are named, and the operations table.
import { kinesisModel } from "../../protocol/models/kinesis.gen.ts";
import type { ServiceDefinition } from "../types.ts";
import { bindOperations, type Operation, pendingOperations } from "../operations.ts";
import type { KinesisEnv } from "./env.ts";
import { invalidArgument, unsupported, validation } from "./errors.ts";
import * as consumers from "./operations/consumers.ts";
import * as reading from "./operations/reading.ts";
import * as records from "./operations/records.ts";
import * as streams from "./operations/streams.ts";
import * as subscribe from "./operations/subscribe.ts";

type Op = Operation<KinesisEnv>;

const OPERATIONS: Record<string, Op> = {
  CreateStream: streams.createStream,
  DeleteStream: streams.deleteStream,
  DescribeStream: streams.describeStream,
  DescribeStreamSummary: streams.describeStreamSummary,
  ListStreams: streams.listStreams,
  ListShards: streams.listShards,
  PutRecord: records.putRecord,
  PutRecords: records.putRecords,
  GetShardIterator: reading.getShardIterator,
  GetRecords: reading.getRecords,
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

export function createKinesisService(env: KinesisEnv): ServiceDefinition {
  const operations = bindOperations(kinesisModel, OPERATIONS, env, unsupported);
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
