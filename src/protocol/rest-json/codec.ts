// REST-JSON (Scheduler, Schemas, Pipes): the operation comes from the route (method + path template), input
// members from the path labels, query string, headers and the JSON body (or a payload member) as the model's
// HTTP bindings say; answers carry the operation's status code, bound output headers, and errors name their code
// in the x-amzn-errortype header (Smithy restJson1 protocol).
import { type Codec, type Detected, plainOutput, type ProtocolService, type Reply } from "../codec.ts";
import { AwsError } from "../errors.ts";
import { parseJsonBody, serializationError } from "../json/codec.ts";
import type { MemberRef, ServiceModel, Shape } from "../model.ts";
import { setEntry, toJsonValue } from "../shapes.ts";

const JSON_TYPE = "application/json";

function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    // A malformed percent-encoding in the path cannot name a resource.
    throw serializationError("Malformed percent-encoding in the request path.");
  }
}

/** A string from the path, query or a header as the member's shape wants it (readShape then checks it). */
function scalar(model: ServiceModel, ref: MemberRef, raw: string): unknown {
  const shape = model.shapes[ref.shape];
  switch (shape?.type) {
    case "integer":
    case "long":
    case "double":
    case "float": {
      const n = raw.trim() === "" ? Number.NaN : Number(raw);
      return Number.isNaN(n) ? raw : n;
    }
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : raw;
    default:
      return raw;
  }
}

/** Body keys renamed from their JSON names (locationName) to member names, walking nested shapes. */
function bodyIn(model: ServiceModel, shapeName: string, value: unknown): unknown {
  const shape: Shape | undefined = model.shapes[shapeName];
  if (!shape || value === null || typeof value !== "object") return value;
  if (shape.type === "list" && Array.isArray(value)) return value.map((v) => bodyIn(model, shape.member!.shape, v));
  if (shape.type === "map" && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setEntry(out, k, bodyIn(model, shape.value!.shape, v));
    return out;
  }
  if (shape.type !== "structure" || Array.isArray(value)) return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    if (ref.location) continue;
    const v = src[ref.locationName ?? name];
    if (v !== undefined) out[name] = bodyIn(model, ref.shape, v);
  }
  return out;
}

/** A timestamp in the body: epoch seconds unless the shape or member says iso8601 (Smithy timestampFormat). */
function timestampOut(format: string | undefined, v: Date): string | number {
  return format === "iso8601" ? v.toISOString() : v.getTime() / 1000;
}

/** Output members renamed to their JSON names, bound members left out (they travel in headers or the status). */
function bodyOut(model: ServiceModel, shapeName: string, value: unknown): unknown {
  const shape: Shape | undefined = model.shapes[shapeName];
  if (shape?.type === "timestamp" && value instanceof Date) return timestampOut(shape.timestampFormat, value);
  if (!shape || value === null || typeof value !== "object" || value instanceof Date || Buffer.isBuffer(value)) return value;
  if (shape.type === "list" && Array.isArray(value)) return value.map((v) => bodyOut(model, shape.member!.shape, v));
  if (shape.type === "map" && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setEntry(out, k, bodyOut(model, shape.value!.shape, v));
    return out;
  }
  if (shape.type !== "structure") return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    if (ref.location || src[name] === undefined) continue;
    const v = src[name];
    out[ref.locationName ?? name] = ref.timestampFormat && v instanceof Date ? timestampOut(ref.timestampFormat, v) : bodyOut(model, ref.shape, v);
  }
  return out;
}

function decode(found: Detected, svc: ProtocolService, inputShape: string | undefined): unknown {
  const req = found;
  const model = svc.model;
  const shape = inputShape ? model.shapes[inputShape] : undefined;
  if (!shape) return {};
  const input: Record<string, unknown> = {};
  let params: URLSearchParams | undefined;
  let payloadDone = false;
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const key = ref.locationName ?? name;
    switch (ref.location) {
      case "uri": {
        const raw = found.labels?.[key];
        if (raw !== undefined) input[name] = scalar(model, ref, decodeLabel(raw));
        break;
      }
      case "querystring": {
        params ??= new URLSearchParams(req.query);
        const target = model.shapes[ref.shape];
        if (target?.type === "list") {
          const all = params.getAll(key);
          if (all.length > 0) input[name] = all.map((v) => scalar(model, target.member!, v));
        } else if (target?.type === "map") {
          // A map bound to the query string takes every parameter no other member names (Smithy httpQueryParams).
          const named = new Set(Object.entries(shape.members ?? {}).filter(([, r]) => r.location === "querystring").map(([n, r]) => r.locationName ?? n));
          const m: Record<string, unknown> = {};
          for (const [k, v] of params) if (!named.has(k)) setEntry(m, k, v);
          input[name] = m;
        } else {
          const v = params.get(key);
          if (v !== null) input[name] = scalar(model, ref, v);
        }
        break;
      }
      case "header": {
        const v = req.headers.get(key.toLowerCase());
        if (v !== undefined) input[name] = scalar(model, ref, v);
        break;
      }
      case "headers": {
        const prefix = key.toLowerCase();
        const m: Record<string, unknown> = {};
        for (const [k, v] of req.headers) if (k.startsWith(prefix)) setEntry(m, k.slice(prefix.length), v);
        input[name] = m;
        break;
      }
      default:
        if (shape.payload === name) {
          payloadDone = true;
          const target = model.shapes[ref.shape];
          if (req.body.length === 0) break;
          if (target?.type === "blob") input[name] = req.body;
          else if (target?.type === "string") input[name] = req.body.toString("utf8");
          else input[name] = bodyIn(model, ref.shape, parseJsonBody(req.body));
        }
    }
  }
  if (!payloadDone && req.body.length > 0) {
    const body = bodyIn(model, inputShape!, parseJsonBody(req.body));
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw serializationError();
    for (const [k, v] of Object.entries(body)) if (input[k] === undefined) input[k] = v;
  }
  return input;
}

function headerValue(ref: MemberRef, v: unknown): string {
  // Header timestamps are HTTP dates unless the model says otherwise (Smithy timestampFormat defaults).
  if (v instanceof Date) return ref.timestampFormat === "iso8601" ? v.toISOString() : v.toUTCString();
  if (Buffer.isBuffer(v)) return v.toString("base64");
  return String(v);
}

function encode(found: Detected, svc: ProtocolService, output: Record<string, unknown> | undefined, requestId: string): Reply {
  const model = svc.model;
  const op = model.operations[found.operation];
  const shape = op?.output ? model.shapes[op.output] : undefined;
  let status = op?.http?.responseCode ?? 200;
  const headers: Record<string, string> = { "content-type": JSON_TYPE, "x-amzn-requestid": requestId };
  const out = plainOutput(output) ?? {};
  let body: string | Buffer = "{}";
  if (shape) {
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const v = out[name];
      if (v === undefined || v === null) continue;
      if (ref.location === "header") headers[(ref.locationName ?? name).toLowerCase()] = headerValue(ref, v);
      else if (ref.location === "headers") {
        for (const [k, hv] of Object.entries(v as Record<string, unknown>)) headers[`${(ref.locationName ?? "").toLowerCase()}${k}`] = String(hv);
      } else if (ref.location === "statusCode") status = Number(v);
    }
    if (shape.payload) {
      const ref = shape.members![shape.payload];
      const v = out[shape.payload];
      const target = model.shapes[ref.shape];
      if (v === undefined || v === null) body = target?.type === "structure" ? "{}" : "";
      else if (Buffer.isBuffer(v)) {
        headers["content-type"] = "application/octet-stream";
        body = v;
      } else if (typeof v === "string") {
        headers["content-type"] = "text/plain";
        body = v;
      } else body = JSON.stringify(toJsonValue(bodyOut(model, ref.shape, v)));
    } else {
      body = JSON.stringify(toJsonValue(bodyOut(model, op!.output!, out)));
    }
  }
  return { status, headers, body };
}

/** restJson1 errors: the code in x-amzn-errortype (and the body's __type would do too), the message in the body. */
export function restJsonError(err: AwsError, requestId: string): Reply {
  const code = err.jsonType ? err.jsonType.slice(err.jsonType.indexOf("#") + 1) : err.code;
  return {
    status: err.status,
    headers: { "content-type": JSON_TYPE, "x-amzn-requestid": requestId, "x-amzn-errortype": code },
    // Error shapes with members of their own (Schemas' Code and Message) carry them too (AwsError.body).
    body: JSON.stringify({ message: err.message, ...err.body }),
  };
}

export const restJsonCodec: Codec = {
  name: "rest-json",
  stringScalars: false,
  decode: (found, svc, op) => decode(found, svc, op.input),
  encode,
  error: (_found, _svc, err, requestId) => restJsonError(err, requestId),
  unknownOperation: () => new AwsError("UnknownOperationException", "", { status: 404 }),
};
