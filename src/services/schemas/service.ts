// The Schema Registry service definition: its model (botocore's schemas 2019-12-02), REST-JSON (the only protocol the
// model has), and the operations table.
import { schemasModel } from "../../protocol/models/schemas.gen.ts";
import { bindOperations, type Operation, pendingOperations } from "../operations.ts";
import type { ServiceDefinition } from "../types.ts";
import type { SchemasEnv } from "./env.ts";
import { badRequest, missingMember, unsupported } from "./errors.ts";
import * as bindings from "./operations/code-bindings.ts";
import * as discoverers from "./operations/discoverers.ts";
import * as policies from "./operations/policies.ts";
import * as registries from "./operations/registries.ts";
import * as schemas from "./operations/schemas.ts";
import * as tags from "./operations/tags.ts";

type Op = Operation<SchemasEnv>;

const OPERATIONS: Record<string, Op> = {
  CreateRegistry: registries.createRegistry,
  DescribeRegistry: registries.describeRegistry,
  UpdateRegistry: registries.updateRegistry,
  DeleteRegistry: registries.deleteRegistry,
  ListRegistries: registries.listRegistries,
  CreateSchema: schemas.createSchema,
  DescribeSchema: schemas.describeSchema,
  UpdateSchema: schemas.updateSchema,
  DeleteSchema: schemas.deleteSchema,
  DeleteSchemaVersion: schemas.deleteSchemaVersion,
  ListSchemas: schemas.listSchemas,
  ListSchemaVersions: schemas.listSchemaVersions,
  SearchSchemas: schemas.searchSchemas,
  ExportSchema: schemas.exportSchema,
  GetDiscoveredSchema: schemas.getDiscoveredSchema,
  PutCodeBinding: bindings.putCodeBinding,
  DescribeCodeBinding: bindings.describeCodeBinding,
  GetCodeBindingSource: bindings.getCodeBindingSource,
  CreateDiscoverer: discoverers.createDiscoverer,
  DescribeDiscoverer: discoverers.describeDiscoverer,
  UpdateDiscoverer: discoverers.updateDiscoverer,
  DeleteDiscoverer: discoverers.deleteDiscoverer,
  ListDiscoverers: discoverers.listDiscoverers,
  StartDiscoverer: discoverers.startDiscoverer,
  StopDiscoverer: discoverers.stopDiscoverer,
  PutResourcePolicy: policies.putResourcePolicy,
  GetResourcePolicy: policies.getResourcePolicy,
  DeleteResourcePolicy: policies.deleteResourcePolicy,
  TagResource: tags.tagResource,
  UntagResource: tags.untagResource,
  ListTagsForResource: tags.listTagsForResource,
};

export const PENDING_OPERATIONS = pendingOperations(schemasModel, OPERATIONS);

export function createSchemasService(env: SchemasEnv): ServiceDefinition {
  return {
    signingName: "schemas",
    model: schemasModel,
    codecs: ["rest-json"],
    jsonNamespace: "com.amazonaws.schemas",
    queryCompatible: false,
    inputErrors: {
      missing: (member) => missingMember(member),
      invalid: (member, value, expected) => badRequest(`Invalid value for ${member}: expected ${expected}.`),
    },
    operations: bindOperations(schemasModel, OPERATIONS, env, unsupported),
  };
}
