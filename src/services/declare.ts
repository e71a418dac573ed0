// Helpers the services' resource kinds share (ResourceKind in module.ts; ADR 0024): declarations are written by
// hand in YAML or JSON, so attribute values may be numbers, booleans or nested objects (a filter policy, a redrive
// policy), which AWS takes as strings.
import { AwsError } from "../protocol/errors.ts";

/** A declaration's problem that no operation would report (a wrong field type): worded like the operations' errors. */
export function declarationError(message: string): AwsError {
  return new AwsError("InvalidDeclaration", message);
}

export function requiredString(decl: Record<string, unknown>, field: string): string {
  const v = decl[field];
  if (typeof v !== "string" || v === "") throw declarationError(`"${field}" must be a non-empty string`);
  return v;
}

export function optionalString(decl: Record<string, unknown>, field: string): string | undefined {
  const v = decl[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw declarationError(`"${field}" must be a string`);
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** AWS's string form of an attribute value: strings as they are, numbers and booleans printed, objects as JSON. */
export function attributeString(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** A map of attributes (or tags) with values in AWS's string form; undefined when absent. */
export function stringMap(decl: Record<string, unknown>, field: string): Record<string, string> | undefined {
  const v = decl[field];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw declarationError(`"${field}" must be a map`);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, attributeString(x)]));
}

/** A list of declarations under a field (e.g. a topic's subscriptions); each must be a map. */
export function declarationList(decl: Record<string, unknown>, field: string): Record<string, unknown>[] {
  const v = decl[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every(isObject)) throw declarationError(`"${field}" must be a list of maps`);
  return v as Record<string, unknown>[];
}

/** Whether an AWS error is the given code (the operations' way of saying "not there" or "already there"). */
export function isCode(e: unknown, ...codes: string[]): boolean {
  return e instanceof AwsError && codes.includes(e.code);
}
