// The EventBridge Pipes service definition: its model (REST-JSON, /v1/pipes/{Name} and /tags/{resourceArn}), how
// input problems are named, and the operations table.
import { AwsError } from "../../protocol/errors.ts";
import { pipesModel } from "../../protocol/models/pipes.gen.ts";
import { bindOperations, type Operation, pendingOperations } from "../operations.ts";
import type { ServiceDefinition } from "../types.ts";
import type { PipesEnv } from "./env.ts";
import { validation } from "./errors.ts";
import * as pipes from "./operations/pipes.ts";

type Op = Operation<PipesEnv>;

const OPERATIONS: Record<string, Op> = {
  CreatePipe: pipes.createPipe,
  DescribePipe: pipes.describePipe,
  UpdatePipe: pipes.updatePipe,
  DeletePipe: pipes.deletePipe,
  ListPipes: pipes.listPipes,
  StartPipe: pipes.startPipe,
  StopPipe: pipes.stopPipe,
  TagResource: pipes.tagResource,
  UntagResource: pipes.untagResource,
  ListTagsForResource: pipes.listTagsForResource,
};

export const PENDING_OPERATIONS = pendingOperations(pipesModel, OPERATIONS);

function awsPath(member: string): string {
  return member.split(".").map((p) => (/^\d+$/.test(p) ? `${p}.member` : p.charAt(0).toLowerCase() + p.slice(1))).join(".");
}

export function createPipesService(env: PipesEnv): ServiceDefinition {
  return {
    signingName: "pipes",
    model: pipesModel,
    codecs: ["rest-json"],
    jsonNamespace: "com.amazonaws.pipes",
    queryCompatible: false,
    inputErrors: {
      missing: (member) => validation(`1 validation error detected: Value null at '${awsPath(member)}' failed to satisfy constraint: Member must not be null`),
      invalid: (member, value, expected) => validation(`1 validation error detected: Value '${typeof value === "object" ? JSON.stringify(value) : String(value)}' at '${awsPath(member)}' failed to satisfy constraint: Member must be of type ${expected}`),
    },
    operations: bindOperations(pipesModel, OPERATIONS, env, (name) => new AwsError("UnsupportedOperation", `${name} is not supported by this Mailroom version yet.`)),
  };
}
