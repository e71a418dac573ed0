// The resources the Schema Registry lets operators declare (ADR 0024): registries with their schemas, and discoverers
// on event buses (declared after EventBridge's buses, which start earlier). Applying again changes nothing: a registry
// or discoverer is created when missing and updated otherwise; a schema whose content is unchanged gets no new version.
import { attributeString, declarationError, declarationList, isCode, optionalString, requiredString, stringMap } from "../declare.ts";
import type { OperationCall, ResourceKind } from "../module.ts";
import { discovererId } from "./domain/names.ts";

async function exists(call: OperationCall, op: string, input: Record<string, unknown>): Promise<boolean> {
  try {
    await call(op, input);
    return true;
  } catch (e) {
    if (isCode(e, "NotFoundException")) return false;
    throw e;
  }
}

export const registryResources: ResourceKind = {
  key: "registries",
  fields: ["name", "description", "tags", "schemas"],
  nameOf: (d) => String(d.name),
  async apply(call, decl) {
    const name = requiredString(decl, "name");
    const description = optionalString(decl, "description");
    if (!(await exists(call, "DescribeRegistry", { RegistryName: name }))) {
      await call("CreateRegistry", { RegistryName: name, Description: description, Tags: stringMap(decl, "tags") });
    } else if (description !== undefined) {
      await call("UpdateRegistry", { RegistryName: name, Description: description });
    }
    for (const s of declarationList(decl, "schemas")) {
      for (const k of Object.keys(s)) if (!["name", "type", "content", "description"].includes(k)) throw declarationError(`schema: unknown field "${k}"`);
      const schemaName = requiredString(s, "name");
      // Content may be written as YAML/JSON structure: it is sent as JSON text.
      if (s.content === undefined || s.content === null) throw declarationError(`schema "${schemaName}": "content" is required`);
      const input = { RegistryName: name, SchemaName: schemaName, Type: optionalString(s, "type") ?? "OpenApi3", Content: attributeString(s.content), Description: optionalString(s, "description") };
      if (await exists(call, "DescribeSchema", { RegistryName: name, SchemaName: schemaName })) await call("UpdateSchema", input);
      else await call("CreateSchema", input);
    }
  },
};

export const discovererResources: ResourceKind = {
  key: "discoverers",
  // name: the event bus the discoverer watches (one discoverer per bus).
  fields: ["name", "description", "crossAccount", "state"],
  nameOf: (d) => String(d.name),
  async apply(call, decl, scope) {
    const bus = requiredString(decl, "name");
    const crossAccount = decl.crossAccount;
    if (crossAccount !== undefined && typeof crossAccount !== "boolean") throw declarationError(`"crossAccount" must be true or false`);
    const state = optionalString(decl, "state");
    if (state !== undefined && state !== "STARTED" && state !== "STOPPED") throw declarationError(`"state" must be STARTED or STOPPED`);
    const id = discovererId(bus);
    const description = optionalString(decl, "description");
    if (!(await exists(call, "DescribeDiscoverer", { DiscovererId: id }))) {
      await call("CreateDiscoverer", { SourceArn: `arn:aws:events:${scope.region}:${scope.account}:event-bus/${bus}`, Description: description, CrossAccount: crossAccount });
    } else if (description !== undefined || crossAccount !== undefined) {
      await call("UpdateDiscoverer", { DiscovererId: id, Description: description, CrossAccount: crossAccount });
    }
    if (state === "STOPPED") await call("StopDiscoverer", { DiscovererId: id });
    else if (state === "STARTED") await call("StartDiscoverer", { DiscovererId: id });
  },
};
