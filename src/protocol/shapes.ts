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

export function readShape(model: ServiceModel, shapeName: string, value: WireValue, errors: InputErrors, path: string, fromQuery: boolean): unknown {
  const shape: Shape | undefined = model.shapes[shapeName];
  if (!shape) return value;
  if (value === null || value === undefined) return undefined;
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || Array.isArray(value)) throw errors.invalid(path, value, "structure");
      const out: Record<string, unknown> = {};
      const src = value as Record<string, unknown>;
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const v = readShape(model, ref.shape, src[name], errors, path ? `${path}.${name}` : name, fromQuery);
        if (v !== undefined) out[name] = v;
      }
      for (const req of shape.required ?? []) if (out[req] === undefined) throw errors.missing(path ? `${path}.${req}` : req);
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
        out[k] = readShape(model, shape.value!.shape, v, errors, `${path}.${k}`, fromQuery);
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
      if (typeof value !== "string") throw errors.invalid(path, value, "blob");
      return Buffer.from(value, "base64");
    case "timestamp":
      if (typeof value === "number") return new Date(value * 1000);
      if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return new Date(value);
      throw errors.invalid(path, value, "timestamp");
  }
  return value;
}

/** Prepares an output object for JSON: Buffers become base64, Dates epoch seconds. */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonValue(v);
    return out;
  }
  return value;
}
