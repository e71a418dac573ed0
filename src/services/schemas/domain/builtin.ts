// The aws.events registry: schemas of the events AWS services send, read-only, the same in every account (user guide,
// "Schema registries": "the AWS event schema registry"). Mailroom carries the schemas of the events it sends itself.
import type { SchemaRecord, Scope, VersionRecord } from "../store.ts";
import { contentFingerprint, discoveredName, inferOpenApi } from "./infer.ts";
import { AWS_EVENTS_REGISTRY } from "./names.ts";

interface Builtin {
  name: string;
  description: string;
  content: string;
}

interface BuiltinSource {
  source: string;
  detailType: string;
  description: string;
}

/** Events Mailroom sends: scheduled rules' events (source aws.events, detail-type "Scheduled Event", detail {}). */
const SOURCES: BuiltinSource[] = [
  { source: "aws.events", detailType: "Scheduled Event", description: "Schema for event type ScheduledEvent, published by AWS service aws.events" },
];

const BUILTINS: Builtin[] = SOURCES.map((b) => {
  const doc = inferOpenApi({ source: b.source, "detail-type": b.detailType, detail: {} });
  return { name: discoveredName(b.source, b.detailType), description: b.description, content: JSON.stringify(doc) };
});

/** When the built-in schemas were published (a fixed time: they never change). */
const PUBLISHED = Date.UTC(2019, 11, 1);

export function builtinSchemas(scope: Scope): { schema: SchemaRecord; version: VersionRecord }[] {
  return BUILTINS.map((b) => {
    const key = { ...scope, registry: AWS_EVENTS_REGISTRY, name: b.name };
    return {
      schema: { ...key, description: b.description, type: "OpenApi3", tags: {}, latest: 1, versionCount: 1, lastModified: PUBLISHED },
      version: { ...key, version: 1, type: "OpenApi3", content: b.content, fingerprint: contentFingerprint(JSON.parse(b.content)), createdAt: PUBLISHED },
    };
  });
}

export function builtinSchema(scope: Scope, name: string) {
  return builtinSchemas(scope).find((b) => b.schema.name === name);
}
