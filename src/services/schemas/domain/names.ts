// Names and ARNs of the Schema Registry (ARN formats: CloudFormation AWS::EventSchemas::Registry, ::Schema and
// ::Discoverer return values, e.g. arn:aws:schemas:us-east-1:012345678901:registry/MyRegistry).
import { badRequest } from "../errors.ts";
import type { Scope } from "../store.ts";

/** The AWS-managed registries every account has (user guide, "Schema registries"): read-only to callers. */
export const AWS_EVENTS_REGISTRY = "aws.events";
export const DISCOVERED_REGISTRY = "discovered-schemas";
export const BUILT_IN = new Set([AWS_EVENTS_REGISTRY, DISCOVERED_REGISTRY]);

/** Registry names: letters, digits and - _ . @, at most 64 characters. */
const REGISTRY_NAME = /^[A-Za-z0-9\-_.@]{1,64}$/;
/** Schema names: the same characters, at most 385 (AWS::EventSchemas::Schema SchemaName). */
const SCHEMA_NAME = /^[A-Za-z0-9\-_.@]{1,385}$/;

export function checkRegistryName(name: string): void {
  if (!REGISTRY_NAME.test(name)) throw badRequest(`Invalid RegistryName '${name.slice(0, 100)}': it must be 1 to 64 letters, digits, '-', '_', '.' or '@'.`);
}

export function checkSchemaName(name: string): void {
  if (!SCHEMA_NAME.test(name)) throw badRequest(`Invalid SchemaName '${name.slice(0, 100)}': it must be 1 to 385 letters, digits, '-', '_', '.' or '@'.`);
}

export const registryArn = (s: Scope, name: string) => `arn:aws:schemas:${s.region}:${s.account}:registry/${name}`;
export const schemaArn = (s: Scope, registry: string, name: string) => `arn:aws:schemas:${s.region}:${s.account}:schema/${registry}/${name}`;
export const discovererArn = (s: Scope, id: string) => `arn:aws:schemas:${s.region}:${s.account}:discoverer/${id}`;

export type ParsedArn =
  | { kind: "registry"; account: string; region: string; registry: string }
  | { kind: "schema"; account: string; region: string; registry: string; name: string }
  | { kind: "discoverer"; account: string; region: string; id: string };

/** A Schemas resource ARN (tags), or undefined when it names none. */
export function parseArn(arn: string): ParsedArn | undefined {
  const m = /^arn:aws[a-z-]*:schemas:([a-z0-9-]+):(\d{12}):(registry|schema|discoverer)\/(.+)$/.exec(arn);
  if (!m) return undefined;
  const [, region, account, kind, rest] = m;
  if (kind === "registry") return { kind, account, region, registry: rest };
  if (kind === "discoverer") return { kind, account, region, id: rest };
  const slash = rest.indexOf("/");
  if (slash <= 0) return undefined;
  return { kind: "schema", account, region, registry: rest.slice(0, slash), name: rest.slice(slash + 1) };
}

/** An event bus ARN: arn:aws:events:<region>:<account>:event-bus/<name>. */
export function parseBusArn(arn: string): { account: string; region: string; name: string } | undefined {
  const m = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/([A-Za-z0-9._\-/]+)$/.exec(arn);
  return m ? { region: m[1], account: m[2], name: m[3] } : undefined;
}

/** The discoverer id AWS gives a bus's discoverer (CLI reference create-discoverer example: events-event-bus-default). */
export function discovererId(busName: string): string {
  return `events-event-bus-${busName.replace(/[^A-Za-z0-9._-]/g, "-")}`;
}
