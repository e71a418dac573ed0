// Schema content as CreateSchema and UpdateSchema take it: JSON text of an OpenAPI 3 document or a JSON Schema
// draft 4 document (API reference, CreateSchema: Type "OpenApi3" | "JSONSchemaDraft4"), checked on write; and
// ExportSchema's conversion of an OpenAPI 3 schema to JSON Schema draft 4. Walks are bounded in depth, so content at
// the 100,000-character limit of any nesting is refused, never a stack overflow.

export const MAX_CONTENT = 100_000;
/** Deeper documents are refused (Discover: events are inferred up to 255 levels; a schema of them nests about twice that). */
export const MAX_SCHEMA_DEPTH = 600;

export type SchemaType = "OpenApi3" | "JSONSchemaDraft4";

const JSON_TYPES = new Set(["array", "boolean", "integer", "number", "null", "object", "string"]);

/** Why the content is not a schema of the type, or undefined when it is; `doc` is the parsed document. */
export function checkContent(type: SchemaType, content: string): { doc: Record<string, unknown> } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    return { error: "The content is not valid JSON." };
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return { error: "The content must be a JSON object." };
  const d = doc as Record<string, unknown>;
  const depthError = tooDeep(d);
  if (depthError) return { error: depthError };
  if (type === "OpenApi3") {
    if (typeof d.openapi !== "string" || !/^3\.\d+\.\d+$/.test(d.openapi)) return { error: "The 'openapi' field must be a 3.x.y version string." };
    const info = d.info as Record<string, unknown> | undefined;
    if (!info || typeof info !== "object" || typeof info.title !== "string" || typeof info.version !== "string") {
      return { error: "The 'info' object with string 'title' and 'version' is required." };
    }
    if (d.paths !== undefined && (d.paths === null || typeof d.paths !== "object" || Array.isArray(d.paths))) return { error: "The 'paths' field must be an object." };
    const comps = d.components as Record<string, unknown> | undefined;
    if (comps !== undefined) {
      if (comps === null || typeof comps !== "object" || Array.isArray(comps)) return { error: "The 'components' field must be an object." };
      const schemas = comps.schemas as Record<string, unknown> | undefined;
      if (schemas !== undefined) {
        if (schemas === null || typeof schemas !== "object" || Array.isArray(schemas)) return { error: "The 'components.schemas' field must be an object." };
        for (const [name, s] of Object.entries(schemas)) {
          const e = schemaError(s, `components.schemas.${name}`);
          if (e) return { error: e };
        }
      }
    }
    return { doc: d };
  }
  if (d.$schema !== undefined && (typeof d.$schema !== "string" || !d.$schema.includes("draft-04"))) {
    return { error: "The '$schema' field must name JSON Schema draft 4 (http://json-schema.org/draft-04/schema#)." };
  }
  const e = schemaError(d, "");
  return e ? { error: e } : { doc: d };
}

/** Iterative depth check: no recursion on user content. */
function tooDeep(root: unknown): string | undefined {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth > MAX_SCHEMA_DEPTH) return `The content is nested deeper than ${MAX_SCHEMA_DEPTH} levels.`;
    for (const x of Array.isArray(v) ? v : Object.values(v)) if (x !== null && typeof x === "object") stack.push([x, depth + 1]);
  }
  return undefined;
}

/** The JSON Schema keywords whose values are checked: type names, properties, items, required (draft 4). */
function schemaError(root: unknown, at: string): string | undefined {
  const stack: [unknown, string][] = [[root, at]];
  while (stack.length > 0) {
    const [s, path] = stack.pop()!;
    const where = path === "" ? "the schema" : `'${path}'`;
    if (s === null || typeof s !== "object" || Array.isArray(s)) return `${where} must be an object.`;
    const o = s as Record<string, unknown>;
    if (o.type !== undefined) {
      const types = Array.isArray(o.type) ? o.type : [o.type];
      if (types.length === 0 || types.some((t) => typeof t !== "string" || !JSON_TYPES.has(t))) return `${where} has an unknown type ${JSON.stringify(o.type)}.`;
    }
    if (o.required !== undefined && (!Array.isArray(o.required) || o.required.some((r) => typeof r !== "string"))) return `${where}: 'required' must be an array of strings.`;
    if (o.$ref !== undefined && typeof o.$ref !== "string") return `${where}: '$ref' must be a string.`;
    const sub = (k: string) => (path === "" ? k : `${path}.${k}`);
    for (const key of ["properties", "definitions", "patternProperties"]) {
      const m = o[key];
      if (m === undefined) continue;
      if (m === null || typeof m !== "object" || Array.isArray(m)) return `${where}: '${key}' must be an object.`;
      for (const [k, v] of Object.entries(m)) stack.push([v, sub(`${key}.${k}`)]);
    }
    if (o.items !== undefined) {
      if (Array.isArray(o.items)) o.items.forEach((v, i) => stack.push([v, sub(`items.${i}`)]));
      else stack.push([o.items, sub("items")]);
    }
    for (const key of ["allOf", "anyOf", "oneOf"]) {
      const l = o[key];
      if (l === undefined) continue;
      if (!Array.isArray(l) || l.length === 0) return `${where}: '${key}' must be a non-empty array.`;
      l.forEach((v, i) => stack.push([v, sub(`${key}.${i}`)]));
    }
    if (o.not !== undefined) stack.push([o.not, sub("not")]);
    if (o.additionalProperties !== undefined && typeof o.additionalProperties !== "boolean") stack.push([o.additionalProperties, sub("additionalProperties")]);
  }
  return undefined;
}

/** References rewritten from OpenAPI components to draft 4 definitions (iterative). */
function rewriteRefs(root: unknown): unknown {
  const copy = structuredClone(root);
  const stack: unknown[] = [copy];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (!Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.$ref === "string" && o.$ref.startsWith("#/components/schemas/")) o.$ref = `#/definitions/${o.$ref.slice("#/components/schemas/".length)}`;
    }
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push(x);
  }
  return copy;
}

/**
 * ExportSchema to JSONSchemaDraft4: the OpenAPI document's event component (AWSEvent, else the first) becomes the root,
 * the other components its definitions, references pointed at them; a draft 4 schema is returned as it is.
 */
export function toJsonSchemaDraft4(type: SchemaType, doc: Record<string, unknown>): Record<string, unknown> {
  if (type === "JSONSchemaDraft4") return doc;
  const schemas = ((doc.components as Record<string, unknown> | undefined)?.schemas ?? {}) as Record<string, unknown>;
  const names = Object.keys(schemas);
  const rootName = "AWSEvent" in schemas ? "AWSEvent" : names[0];
  const title = (doc.info as Record<string, unknown> | undefined)?.title;
  const root = rootName ? (rewriteRefs(schemas[rootName]) as Record<string, unknown>) : { type: "object" };
  const out: Record<string, unknown> = { $schema: "http://json-schema.org/draft-04/schema#", ...(typeof title === "string" ? { title } : {}), ...root };
  const definitions: Record<string, unknown> = {};
  for (const n of names) if (n !== rootName) definitions[n] = rewriteRefs(schemas[n]);
  if (Object.keys(definitions).length > 0) out.definitions = definitions;
  return out;
}
