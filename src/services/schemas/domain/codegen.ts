// Code bindings: classes generated from a schema's types, packaged as AWS packages them — a zip whose files sit under
// schema/<source, dots as folders>/<event name, lower case>/ (the package path of AWS's bindings, e.g.
// schema.aws.ec2.ec2instancestatechangenotification in its SAM templates), one file per type plus a Marshaller.
// Languages: TypeScript3 (API reference, PutCodeBinding: Language is one of Java8, Python36, TypeScript3, Go1).
// Names and keys are emitted only as quoted string literals or sanitized identifiers, never as raw source text.
import { pascal } from "./infer.ts";
import type { SchemaType } from "./content.ts";
import type { ZipEntry } from "./zip.ts";

export const LANGUAGES = ["Java8", "Python36", "TypeScript3", "Go1"] as const;
/** The languages this version generates. */
export const GENERATED = new Set(["TypeScript3"]);

type Schema = Record<string, unknown>;

const TS_RESERVED = new Set([
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export", "extends", "false", "finally",
  "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var",
  "void", "while", "with", "as", "implements", "interface", "let", "package", "private", "protected", "public", "static", "yield", "any", "boolean",
  "number", "string", "symbol", "type", "object", "never", "unknown", "Array", "Date", "Object", "Marshaller", "Index", "undefined",
]);

/** A type name that is a valid, unreserved TypeScript identifier. */
function typeName(raw: string): string {
  const n = pascal(raw);
  return TS_RESERVED.has(n) ? `${n}Type` : n;
}

/** The component types of a schema document: OpenAPI components, or a draft 4 root (named `rootName`) and its definitions. */
export function componentsOf(type: SchemaType, doc: Schema, rootName: string): Map<string, Schema> {
  const out = new Map<string, Schema>();
  if (type === "OpenApi3") {
    const schemas = ((doc.components as Schema | undefined)?.schemas ?? {}) as Record<string, Schema>;
    for (const [k, v] of Object.entries(schemas)) out.set(k, v);
  } else {
    const { definitions, ...root } = doc;
    out.set(rootName, root);
    for (const [k, v] of Object.entries((definitions ?? {}) as Record<string, Schema>)) out.set(k, v);
  }
  return out;
}

/** The package path AWS gives a schema's bindings: schema/<source as folders>/<name in lower case>. */
export function packagePath(schemaName: string, comps: Map<string, Schema>): string {
  const event = comps.get("AWSEvent");
  const source = typeof event?.["x-amazon-events-source"] === "string" ? (event["x-amazon-events-source"] as string) : undefined;
  const detailType = typeof event?.["x-amazon-events-detail-type"] === "string" ? (event["x-amazon-events-detail-type"] as string) : undefined;
  const at = schemaName.indexOf("@");
  const src = source ?? (at > 0 ? schemaName.slice(0, at) : "");
  const name = detailType !== undefined ? pascal(detailType) : at > 0 ? schemaName.slice(at + 1) : schemaName;
  const folders = src.split(".").map((s) => s.toLowerCase().replace(/[^a-z0-9_]/g, "")).filter((s) => s !== "");
  const leaf = name.toLowerCase().replace(/[^a-z0-9_]/g, "") || "event";
  return ["schema", ...folders, leaf].join("/");
}

interface TsClass {
  name: string;
  fields: { key: string; type: string; optional: boolean }[];
}

/** The TypeScript files of a schema's bindings (paths relative to the archive's root). */
export function typescriptBinding(schemaName: string, type: SchemaType, doc: Schema): ZipEntry[] {
  const comps = componentsOf(type, doc, typeName(schemaName.slice(schemaName.indexOf("@") + 1) || "Event"));
  const dir = packagePath(schemaName, comps);
  const names = new Map<string, string>();
  const used = new Set<string>();
  const unique = (wanted: string) => {
    let n = wanted;
    for (let i = 1; used.has(n); i++) n = `${wanted}${i}`;
    used.add(n);
    return n;
  };
  for (const k of comps.keys()) names.set(k, unique(typeName(k)));
  const classes: TsClass[] = [];
  const pending: [string, Schema][] = [...comps.entries()].map(([k, v]) => [names.get(k)!, v]);
  // Inline object types become classes of their own (hoisted, bounded: at most 2,000 classes).
  const tsType = (s: unknown, hint: string, depth: number): string => {
    if (s === null || typeof s !== "object" || Array.isArray(s) || depth > 64) return "any";
    const o = s as Schema;
    if (typeof o.$ref === "string") {
      const ref = o.$ref.replace(/^#\/(components\/schemas|definitions)\//, "");
      return names.get(ref) ?? "any";
    }
    const t = Array.isArray(o.type) ? o.type.find((x) => x !== "null") : o.type;
    switch (t) {
      case "string":
        return o.format === "date-time" ? "Date" : "string";
      case "integer":
      case "number":
        return "number";
      case "boolean":
        return "boolean";
      case "array":
        return `Array<${tsType(o.items, hint, depth + 1)}>`;
      case "object":
      case undefined:
        if (o.properties && typeof o.properties === "object" && classes.length + pending.length < 2000) {
          const n = unique(typeName(hint));
          pending.push([n, o]);
          return n;
        }
        return t === "object" ? "{ [key: string]: any }" : "any";
      default:
        return "any";
    }
  };
  while (pending.length > 0) {
    const [name, s] = pending.shift()!;
    const props = (s.properties ?? {}) as Record<string, unknown>;
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    const fields = Object.entries(props).map(([key, p]) => ({ key, type: tsType(p, key, 0), optional: !required.has(key) }));
    classes.push({ name, fields });
  }
  const files: ZipEntry[] = [];
  const classNames = new Set(classes.map((c) => c.name));
  for (const c of classes) {
    const refs = new Set<string>();
    for (const f of c.fields) for (const m of f.type.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) if (classNames.has(m[0]) && m[0] !== c.name) refs.add(m[0]);
    const lines = [...[...refs].sort().map((r) => `import { ${r} } from './${r}';`), ...(refs.size > 0 ? [""] : [])];
    lines.push(`export class ${c.name} {`);
    for (const f of c.fields) lines.push(`  ${JSON.stringify(f.key)}${f.optional ? "?" : "!"}: ${f.type};`);
    lines.push("}", "");
    files.push({ path: `${dir}/${c.name}.ts`, data: lines.join("\n") });
  }
  files.push({
    path: `${dir}/Marshaller.ts`,
    data: [
      "export class Marshaller {",
      "  public static marshall(obj: object): object {",
      "    return JSON.parse(JSON.stringify(obj));",
      "  }",
      "",
      "  public static unmarshal<T extends object>(data: unknown, type: new () => T): T {",
      "    return Object.assign(new type(), data);",
      "  }",
      "}",
      "",
    ].join("\n"),
  });
  files.push({
    path: `${dir}/index.ts`,
    data: [...classes.map((c) => `export { ${c.name} } from './${c.name}';`), "export { Marshaller } from './Marshaller';", ""].join("\n"),
  });
  return files;
}
