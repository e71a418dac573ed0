// Schema inference from events, as EventBridge's discoverers and GetDiscoveredSchema do it: an OpenAPI 3.0.0 document
// whose AWSEvent component describes the envelope (x-amazon-events-source and -detail-type, the required envelope
// fields) and whose other components describe the detail, one per nested object, named after its key in PascalCase
// (the layout of AWS's discovered and aws.events schemas). Walks are iterative-safe: nesting past MAX_DEPTH levels is
// not described (API reference, Discover: "Discoverer will only infer events that are nested up to 255 levels").
import { createHash } from "node:crypto";

export const MAX_DEPTH = 255;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = Record<string, unknown>;

/** "EC2 Instance State-change Notification" → "EC2InstanceStateChangeNotification"; what schema names and titles use. */
export function pascal(s: string): string {
  const out = s
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== "")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
  return out === "" ? "Event" : /^[0-9]/.test(out) ? `N${out}` : out;
}

/** The discovered schema's name: source@DetailType (user guide, "Schema discovery"; e.g. aws.ec2@EC2InstanceStateChangeNotification). */
export function discoveredName(source: string, detailType: string): string {
  return `${source}@${pascal(detailType)}`;
}

class Components {
  readonly schemas: Record<string, Schema> = {};
  name(wanted: string): string {
    let n = wanted;
    for (let i = 1; n in this.schemas; i++) n = `${wanted}_${i}`;
    this.schemas[n] = {};
    return n;
  }
}

function typeOf(value: Json, key: string, comps: Components, depth: number): Schema {
  if (value === null) return {};
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return { type: "array", items: {} };
    const items = value.length === 0 ? { type: "object" } : merged(value, key, comps, depth + 1);
    return { type: "array", items };
  }
  switch (typeof value) {
    case "string":
      return ISO_TIME.test(value) ? { type: "string", format: "date-time" } : { type: "string" };
    case "boolean":
      return { type: "boolean" };
    case "number":
      return Number.isInteger(value) ? { type: "number" } : { type: "number", format: "double" };
    default: {
      if (depth >= MAX_DEPTH) return { type: "object" };
      const name = comps.name(pascal(key));
      comps.schemas[name] = objectSchema(value as Record<string, Json>, comps, depth + 1);
      return { $ref: `#/components/schemas/${name}` };
    }
  }
}

/** The items of an array: the first item's type (AWS describes an array by one item type). */
function merged(values: Json[], key: string, comps: Components, depth: number): Schema {
  const first = values.find((v) => v !== null) ?? null;
  return typeOf(first, key, comps, depth);
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

function objectSchema(obj: Record<string, Json>, comps: Components, depth: number): Schema {
  const keys = Object.keys(obj).sort();
  const properties: Record<string, Schema> = {};
  for (const k of keys) properties[k] = typeOf(obj[k], k, comps, depth);
  const out: Schema = { type: "object" };
  const required = keys.filter((k) => obj[k] !== null);
  if (required.length > 0) out.required = required;
  out.properties = properties;
  return out;
}

export interface EventLike {
  source?: unknown;
  "detail-type"?: unknown;
  detail?: unknown;
}

/** The OpenAPI 3 document AWS infers from an event (its envelope and detail). */
export function inferOpenApi(event: EventLike): Record<string, unknown> {
  const source = String(event.source ?? "");
  const detailType = String(event["detail-type"] ?? "");
  const title = pascal(detailType);
  const comps = new Components();
  const envelope = comps.name("AWSEvent");
  const detailName = comps.name(title);
  const detail = event.detail;
  comps.schemas[detailName] = detail !== null && typeof detail === "object" && !Array.isArray(detail) ? objectSchema(detail as Record<string, Json>, comps, 1) : { type: "object" };
  comps.schemas[envelope] = {
    type: "object",
    required: ["detail-type", "resources", "detail", "id", "source", "time", "region", "version", "account"],
    "x-amazon-events-detail-type": detailType,
    "x-amazon-events-source": source,
    properties: {
      detail: { $ref: `#/components/schemas/${detailName}` },
      account: { type: "string" },
      "detail-type": { type: "string" },
      id: { type: "string" },
      region: { type: "string" },
      resources: { type: "array", items: { type: "string" } },
      source: { type: "string" },
      time: { type: "string", format: "date-time" },
      version: { type: "string" },
    },
  };
  // AWSEvent first, then the detail and its parts (the order AWS's documents list them).
  const ordered: Record<string, Schema> = { [envelope]: comps.schemas[envelope] };
  for (const [k, v] of Object.entries(comps.schemas)) if (k !== envelope) ordered[k] = v;
  return { openapi: "3.0.0", info: { version: "1.0.0", title }, paths: {}, components: { schemas: ordered } };
}

/** An event's shape as text: keys (length-prefixed) and value kinds, arrays by their first non-null item. */
function signature(v: unknown, depth: number): string {
  if (v === null) return "n";
  switch (typeof v) {
    case "string":
      // Only strings shaped like a timestamp are tried against the date-time pattern.
      return v.length >= 20 && v.charCodeAt(4) === 45 && ISO_TIME.test(v) ? "t" : "s";
    case "number":
      return Number.isInteger(v) ? "i" : "d";
    case "boolean":
      return "b";
    case "object": {
      // Recursion is bounded by MAX_DEPTH (255 frames), as inference is.
      if (Array.isArray(v)) {
        if (v.length === 0) return "[e]";
        if (depth >= MAX_DEPTH) return "[]";
        let first: unknown = null;
        for (const x of v) {
          if (x !== null) {
            first = x;
            break;
          }
        }
        return `[${signature(first, depth + 1)}]`;
      }
      if (depth >= MAX_DEPTH) return "{}";
      const keys = Object.keys(v as object).sort();
      let out = "{";
      for (const k of keys) out += `${k.length}:${k}${signature((v as Record<string, unknown>)[k], depth + 1)}`;
      return `${out}}`;
    }
    default:
      return typeof v;
  }
}

/**
 * A key for an event's shape (keys and value kinds, not values): two events of one shape give one key, so the
 * discoverer infers and compares a schema only for shapes it has not seen. The signature itself when short (a Map
 * hashes it once), else its SHA-1. About 1.5 µs of CPU for a 7-field nested event where a SHA-1 updated token by token
 * took ~9 µs (process.cpuUsage over 100,000 calls, same sitting).
 */
export function shapeFingerprint(event: EventLike): string {
  const sig = `${String(event.source ?? "")}\0${String(event["detail-type"] ?? "")}\0${signature(event.detail, 0)}`;
  return sig.length <= 512 ? sig : createHash("sha1").update(sig).digest("hex");
}

/** A digest of a schema document's text with keys sorted (what "the same schema" means for a new version). */
export function contentFingerprint(doc: unknown): string {
  return createHash("sha1").update(canonical(doc, 0)).digest("hex");
}

function canonical(v: unknown, depth: number): string {
  if (depth > 2 * MAX_DEPTH + 16) return "…";
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map((x) => canonical(x, depth + 1)).join(",")}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k], depth + 1)}`).join(",")}}`;
}

/**
 * Two inferred documents of one event type as one (GetDiscoveredSchema's sample events): components by name, their
 * properties united, a property required only where every sample has it; where samples disagree on a property's type,
 * the first sample's stands (a null value gives way to a typed one). Components are flat (nested objects are
 * references), so this walks one level.
 */
export function mergeInferred(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const sa = (a.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
  const sb = (b.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
  const out: Record<string, Record<string, unknown>> = {};
  for (const name of new Set([...Object.keys(sa), ...Object.keys(sb)])) {
    const x = sa[name];
    const y = sb[name];
    if (!x || !y || name === "AWSEvent") {
      // A component only one sample has is optional in all its fields; the envelope is the same for every sample.
      out[name] = { ...(x ?? y) };
      if (!x || !y) delete out[name].required;
      continue;
    }
    const px = (x.properties ?? {}) as Record<string, Record<string, unknown>>;
    const py = (y.properties ?? {}) as Record<string, Record<string, unknown>>;
    const properties: Record<string, unknown> = {};
    for (const k of [...new Set([...Object.keys(px), ...Object.keys(py)])].sort()) {
      const u = px[k];
      properties[k] = u === undefined || Object.keys(u).length === 0 ? (py[k] ?? u) : u;
    }
    const rx = new Set((x.required as string[] | undefined) ?? []);
    const required = ((y.required as string[] | undefined) ?? []).filter((k) => rx.has(k));
    out[name] = { type: "object", ...(required.length > 0 ? { required } : {}), properties };
  }
  return { ...a, components: { schemas: out } };
}
