// The model's constraints on an input (lengths, ranges, list and map sizes, enums, patterns), checked the way AWS's
// request validation does before an operation runs: the first broken one answers ValidationException in coral's
// wording ("1 validation error detected: Value '…' at '…' failed to satisfy constraint: Member must …"). The
// model's patterns are matched whole (Java's matches()); they are AWS's fixed expressions, never user text, and
// the values they are matched against are bounded by the model's max lengths, which are checked first.
import type { ServiceModel } from "../../../protocol/model.ts";
import { constraint } from "../errors.ts";

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

function lower(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Checks `value` (already shaped by readShape) against the constraints of `shapeName` and everything in it. */
export function checkConstraints(model: ServiceModel, shapeName: string, value: unknown, path: string): void {
  const shape = model.shapes[shapeName];
  if (!shape || value === undefined || value === null) return;
  switch (shape.type) {
    case "string": {
      if (typeof value !== "string") return;
      const n = [...value].length;
      if (shape.min !== undefined && n < shape.min) throw constraint(value, path, `have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && n > shape.max) throw constraint(value, path, `have length less than or equal to ${shape.max}`);
      if (shape.enum && !shape.enum.includes(value)) throw constraint(value, path, `satisfy enum value set: [${shape.enum.join(", ")}]`);
      if (shape.pattern && whole(shape.pattern)?.test(value) === false) throw constraint(value, path, `satisfy regular expression pattern: ${shape.pattern}`);
      return;
    }
    case "integer":
    case "long":
    case "double":
    case "float":
      if (typeof value !== "number") return;
      if (shape.min !== undefined && value < shape.min) throw constraint(value, path, `have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) throw constraint(value, path, `have value less than or equal to ${shape.max}`);
      return;
    case "list":
      if (!Array.isArray(value)) return;
      if (shape.min !== undefined && value.length < shape.min) throw constraint(JSON.stringify(value), path, `have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) throw constraint(JSON.stringify(value), path, `have length less than or equal to ${shape.max}`);
      value.forEach((v, i) => checkConstraints(model, shape.member!.shape, v, `${path}.${i + 1}.member`));
      return;
    case "map": {
      if (typeof value !== "object") return;
      const entries = Object.entries(value as Record<string, unknown>);
      if (shape.min !== undefined && entries.length < shape.min) throw constraint(JSON.stringify(value), path, `have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && entries.length > shape.max) throw constraint(JSON.stringify(value), path, `have length less than or equal to ${shape.max}`);
      for (const [k, v] of entries) {
        checkConstraints(model, shape.key!.shape, k, `${path}.key`);
        checkConstraints(model, shape.value!.shape, v, `${path}.${k}`);
      }
      return;
    }
    case "structure": {
      if (typeof value !== "object") return;
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const v = (value as Record<string, unknown>)[name];
        checkConstraints(model, ref.shape, v, path ? `${path}.${lower(name)}` : lower(name));
      }
      return;
    }
    default:
      return;
  }
}
