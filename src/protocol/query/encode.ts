// Query protocol output: the operation's result object written as the XML AWS sends
// (<XResponse><XResult>…</XResult><ResponseMetadata><RequestId>…), names and flattening from the model.
import type { MemberRef, ServiceModel } from "../model.ts";
import { escapeXml } from "../errors.ts";

function scalar(type: string, value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (value instanceof Date) return value.toISOString();
  if (type === "boolean") return value ? "true" : "false";
  return escapeXml(String(value));
}

function write(model: ServiceModel, ref: MemberRef, name: string, value: unknown, out: string[]): void {
  if (value === undefined || value === null) return;
  const shape = model.shapes[ref.shape];
  if (!shape) {
    out.push(`<${name}>${scalar("string", value)}</${name}>`);
    return;
  }
  switch (shape.type) {
    case "structure": {
      out.push(`<${name}>`);
      writeMembers(model, ref.shape, value as Record<string, unknown>, out);
      out.push(`</${name}>`);
      return;
    }
    case "list": {
      const items = value as unknown[];
      const elem = shape.member!;
      if (ref.flattened ?? shape.flattened) {
        const itemName = elem.locationName ?? name;
        for (const item of items) write(model, elem, itemName, item, out);
      } else {
        out.push(`<${name}>`);
        for (const item of items) write(model, elem, elem.locationName ?? "member", item, out);
        out.push(`</${name}>`);
      }
      return;
    }
    case "map": {
      const keyName = shape.key!.locationName ?? "key";
      const valueName = shape.value!.locationName ?? "value";
      const flattened = ref.flattened ?? shape.flattened;
      if (!flattened) out.push(`<${name}>`);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        out.push(flattened ? `<${name}>` : "<entry>");
        out.push(`<${keyName}>${escapeXml(k)}</${keyName}>`);
        write(model, shape.value!, valueName, v, out);
        out.push(flattened ? `</${name}>` : "</entry>");
      }
      if (!flattened) out.push(`</${name}>`);
      return;
    }
    default:
      out.push(`<${name}>${scalar(shape.type, value)}</${name}>`);
  }
}

function writeMembers(model: ServiceModel, shapeName: string, value: Record<string, unknown>, out: string[]): void {
  const shape = model.shapes[shapeName];
  for (const [name, mref] of Object.entries(shape?.members ?? {})) {
    // A member without its own locationName takes its shape's, as botocore's model resolution does.
    if (value[name] !== undefined) write(model, mref, mref.locationName ?? model.shapes[mref.shape]?.locationName ?? name, value[name], out);
  }
}

export function encodeQueryResponse(model: ServiceModel, operation: string, output: Record<string, unknown> | undefined, requestId: string): string {
  const ns = model.metadata.xmlNamespace ?? "";
  const out: string[] = [`<?xml version="1.0"?><${operation}Response xmlns="${ns}">`];
  const outShape = model.operations[operation]?.output;
  if (outShape) {
    const start = out.push(`<${operation}Result>`);
    if (output) writeMembers(model, outShape, output, out);
    // An empty result is a self-closing element, e.g. <ReceiveMessageResult/> (LocalStack test_get_send_and_receive_messages, AWS-validated).
    if (out.length === start) out[start - 1] = `<${operation}Result/>`;
    else out.push(`</${operation}Result>`);
  }
  out.push(`<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`);
  return out.join("");
}
