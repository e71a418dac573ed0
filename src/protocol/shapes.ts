// Walks a model shape to turn wire input into the plain operation input: checks member types and required
// members, turns blobs into Buffers and drops members the model does not know. Used by every JSON codec
// directly and by the query codec after it has rebuilt the nested structure from the form parameters.
import type { ServiceModel, Shape } from "./model.ts";
import type { AwsError } from "./errors.ts";

/** How a service names input problems on the wire (each service has its own error codes). */
export interface InputErrors {
  missing(member: string): AwsError;
  invalid(member: string, value: unknown, expected: string): AwsError;
}

/** Input as it arrived: JSON values, or strings and nested maps from the query codec. */
export type WireValue = unknown;

/** A structure's members as [name, shape] pairs, listed once per shape (input walks are on the request path). */
const memberLists = new WeakMap<Shape, [string, string][]>();
function membersOf(shape: Shape): [string, string][] {
  let list = memberLists.get(shape);
  if (!list) {
    list = Object.entries(shape.members ?? {}).map(([name, ref]) => [name, ref.shape]);
    memberLists.set(shape, list);
  }
  return list;
}

/**
 * Sets a key on a plain object as an own property, whatever its name: `obj["__proto__"] = v` would replace the
 * prototype instead, losing a map key (a message attribute may be named __proto__) and polluting the object.
 */
export function setEntry(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

export function readShape(model: ServiceModel, shapeName: string, value: WireValue, errors: InputErrors, path: string, fromQuery: boolean): unknown {
  const shape: Shape | undefined = model.shapes[shapeName];
  if (!shape) return value;
  if (value === null || value === undefined) return undefined;
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || Array.isArray(value)) throw errors.invalid(path, value, "structure");
      const out: Record<string, unknown> = {};
      const src = value as Record<string, unknown>;
      for (const [name, memberShape] of membersOf(shape)) {
        const raw = src[name];
        if (raw === undefined || raw === null) continue;
        const v = readShape(model, memberShape, raw, errors, path ? `${path}.${name}` : name, fromQuery);
        if (v !== undefined) out[name] = v;
      }
      if (shape.required) for (const req of shape.required) if (out[req] === undefined) throw errors.missing(path ? `${path}.${req}` : req);
      return out;
    }
    case "list": {
      if (!Array.isArray(value)) throw errors.invalid(path, value, "list");
      return value.map((v, i) => readShape(model, shape.member!.shape, v, errors, `${path}.${i + 1}`, fromQuery));
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) throw errors.invalid(path, value, "map");
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        setEntry(out, k, readShape(model, shape.value!.shape, v, errors, `${path}.${k}`, fromQuery));
      }
      return out;
    }
    case "string":
      if (typeof value !== "string") throw errors.invalid(path, value, "string");
      return value;
    case "integer":
    case "long":
    case "double":
    case "float": {
      let n: number;
      if (typeof value === "number") n = value;
      else if (fromQuery && typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) n = Number(value);
      else throw errors.invalid(path, value, shape.type);
      if ((shape.type === "integer" || shape.type === "long") && !Number.isInteger(n)) throw errors.invalid(path, value, shape.type);
      return n;
    }
    case "boolean":
      if (typeof value === "boolean") return value;
      if (fromQuery && (value === "true" || value === "false")) return value === "true";
      throw errors.invalid(path, value, "boolean");
    case "blob":
      // Binary codecs (CBOR, REST payloads) hand over bytes; text codecs base64.
      if (Buffer.isBuffer(value)) return value;
      if (typeof value !== "string") throw errors.invalid(path, value, "blob");
      return Buffer.from(value, "base64");
    case "timestamp":
      if (value instanceof Date) return value;
      if (typeof value === "number") return new Date(value * 1000);
      if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return new Date(value);
      throw errors.invalid(path, value, "timestamp");
  }
  return value;
}

/**
 * Prepares an output object for JSON: Buffers become base64, Dates epoch seconds. What needs no change is
 * returned as it is (JSON.stringify drops undefined members itself), so plain outputs are not copied.
 */
export function toJsonValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = toJsonValue(value[i]);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  for (const k in value as Record<string, unknown>) {
    const before = (value as Record<string, unknown>)[k];
    const v = toJsonValue(before);
    // Spreading copies an own __proto__ key as a key; setEntry keeps it one when it is replaced.
    if (v !== before) setEntry((out ??= { ...(value as Record<string, unknown>) }), k, v);
  }
  return out ?? value;
}
