// The model's constraints on input (lengths, ranges, patterns, enums), which readShape does not check, walked once
// per request over the decoded input: the first broken one answers coral's ValidationException wording. The
// patterns are the model's own (never built from input); a value is tested against them, never the reverse.
import type { ServiceModel } from "../../../protocol/model.ts";
import { constraint } from "../errors.ts";

const patterns = new Map<string, RegExp | null>();

function pattern(p: string): RegExp | null {
  let re = patterns.get(p);
  if (re === undefined) {
    try {
      re = new RegExp(p);
    } catch {
      re = null;
    }
    patterns.set(p, re);
  }
  return re;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

export function checkConstraints(model: ServiceModel, shapeName: string, value: unknown, path: string): void {
  const shape = model.shapes[shapeName] as (typeof model.shapes)[string] & { min?: number; max?: number; pattern?: string; enum?: string[] };
  if (!shape || value === undefined || value === null) return;
  switch (shape.type) {
    case "string": {
      if (typeof value !== "string") return;
      if (shape.enum && !shape.enum.includes(value)) throw constraint(value, path, `Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
      if (shape.min !== undefined && value.length < shape.min) throw constraint(value, path, `Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) throw constraint(value, path, `Member must have length less than or equal to ${shape.max}`);
      const re = shape.pattern ? pattern(shape.pattern) : null;
      if (re && !re.test(value)) throw constraint(value, path, `Member must satisfy regular expression pattern: ${shape.pattern}`);
      return;
    }
    case "integer":
    case "long": {
      if (typeof value !== "number") return;
      if (shape.min !== undefined && value < shape.min) throw constraint(value, path, `Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) throw constraint(value, path, `Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case "list": {
      if (!Array.isArray(value)) return;
      if (shape.min !== undefined && value.length < shape.min) throw constraint(value, path, `Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) throw constraint(value, path, `Member must have length less than or equal to ${shape.max}`);
      value.forEach((v, i) => checkConstraints(model, shape.member!.shape, v, `${path}.${i + 1}.member`));
      return;
    }
    case "structure": {
      if (typeof value !== "object") return;
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        checkConstraints(model, ref.shape, (value as Record<string, unknown>)[name], path ? `${path}.${lowerFirst(name)}` : lowerFirst(name));
      }
    }
  }
}
