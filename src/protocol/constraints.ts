// The model's constraints on a request's input (string lengths in code points, numeric ranges, list and map sizes,
// enums, patterns), which readShape does not check: walked once per request over the decoded input, the first broken
// one answers coral's wording ("1 validation error detected: Value '…' at '…' failed to satisfy constraint: Member
// must …", as the AWS JSON and REST-JSON services word it). The patterns are the model's own fixed expressions, never
// built from input, matched whole (coral's Java matches()), and only after the length checks bound the value.
// Shared by every service that validates this way (Scheduler, Pipes); each gives its own ValidationException.
import type { ServiceModel } from "./model.ts";

const compiled = new Map<string, RegExp | undefined>();
function whole(pattern: string): RegExp | undefined {
  if (compiled.has(pattern)) return compiled.get(pattern);
  let r: RegExp | undefined;
  try {
    r = new RegExp(`^(?:${pattern})$`, "s");
  } catch {
    // A model pattern JavaScript cannot read (Java regular expression syntax) is not checked rather than failing requests.
    r = undefined;
  }
  compiled.set(pattern, r);
  return r;
}

const lower = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/** coral's message for a broken constraint: `rule` follows "Member must". */
export function constraintMessage(value: unknown, path: string, rule: string): string {
  const shown = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
  return `1 validation error detected: Value '${shown}' at '${path}' failed to satisfy constraint: Member must ${rule}`;
}

/**
 * Checks `value` (already shaped by readShape) against the constraints of `shapeName` and everything in it; `fail`
 * turns the first broken one's message into the service's error. `path` is the member path so far ("" at the top).
 */
export function checkConstraints(model: ServiceModel, shapeName: string, value: unknown, path: string, fail: (message: string) => Error): void {
  const shape = model.shapes[shapeName];
  if (!shape || value === undefined || value === null) return;
  const broken = (v: unknown, rule: string) => fail(constraintMessage(v, path, rule));
  switch (shape.type) {
    case "string": {
      if (typeof value !== "string") return;
      // Smithy's length trait counts Unicode code points.
      const n = value.length > (shape.max ?? Infinity) * 2 ? value.length : [...value].length;
      if (shape.min !== undefined && n < shape.min) throw broken(value, `have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && n > shape.max) throw broken(value, `have length less than or equal to ${shape.max}`);
      if (shape.enum && !shape.enum.includes(value)) throw broken(value, `satisfy enum value set: [${shape.enum.join(", ")}]`);
      if (shape.pattern && whole(shape.pattern)?.test(value) === false) throw broken(value, `satisfy regular expression pattern: ${shape.pattern}`);
      return;
    }
    case "integer":
    case "long":
    case "double":
    case "float":
      if (typeof value !== "number") return;
      if (shape.min !== undefined && value < shape.min) throw broken(value, `have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) throw broken(value, `have value less than or equal to ${shape.max}`);
      return;
    case "list":
      if (!Array.isArray(value)) return;
      if (shape.min !== undefined && value.length < shape.min) throw broken(value, `have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) throw broken(value, `have length less than or equal to ${shape.max}`);
      value.forEach((v, i) => checkConstraints(model, shape.member!.shape, v, `${path}.${i + 1}.member`, fail));
      return;
    case "map": {
      if (typeof value !== "object") return;
      const entries = Object.entries(value as Record<string, unknown>);
      if (shape.min !== undefined && entries.length < shape.min) throw broken(value, `have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && entries.length > shape.max) throw broken(value, `have length less than or equal to ${shape.max}`);
      for (const [k, v] of entries) {
        checkConstraints(model, shape.key!.shape, k, `${path}.key`, fail);
        checkConstraints(model, shape.value!.shape, v, `${path}.${k}`, fail);
      }
      return;
    }
    case "structure":
      if (typeof value !== "object") return;
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        checkConstraints(model, ref.shape, (value as Record<string, unknown>)[name], path ? `${path}.${lower(name)}` : lower(name), fail);
      }
      return;
    default:
      return;
  }
}
