// Code bindings: classes generated from a schema's types, packaged as AWS packages them — a zip whose files sit under
// schema/<source, dots as folders>/<event name, lower case>/ (the package path of AWS's bindings, e.g.
// schema.aws.ec2.ec2instancestatechangenotification in its SAM templates), one file per type plus a Marshaller.
// Languages: TypeScript3 and Python36 (API reference, PutCodeBinding: Language is one of Java8, Python36, TypeScript3, Go1).
// Names and keys are emitted only as quoted string literals or sanitized identifiers, never as raw source text.
import { pascal } from "./infer.ts";
import type { SchemaType } from "./content.ts";
import type { ZipEntry } from "./zip.ts";

export const LANGUAGES = ["Java8", "Python36", "TypeScript3", "Go1"] as const;
/** The languages this version generates. */
export const GENERATED = new Set(["TypeScript3", "Python36"]);

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

/** A field's type, language-neutral. */
type TypeRef =
  | { kind: "string" | "number" | "integer" | "boolean" | "date" | "any" | "map" }
  | { kind: "class"; name: string }
  | { kind: "array"; of: TypeRef };

interface ClassModel {
  name: string;
  fields: { key: string; type: TypeRef; optional: boolean }[];
}

/** The classes of a schema: each component, and each inline object type hoisted into a class of its own (≤ 2,000). */
function classesOf(comps: Map<string, Schema>): ClassModel[] {
  const names = new Map<string, string>();
  const used = new Set<string>();
  const unique = (wanted: string) => {
    let n = wanted;
    for (let i = 1; used.has(n); i++) n = `${wanted}${i}`;
    used.add(n);
    return n;
  };
  for (const k of comps.keys()) names.set(k, unique(typeName(k)));
  const classes: ClassModel[] = [];
  const pending: [string, Schema][] = [...comps.entries()].map(([k, v]) => [names.get(k)!, v]);
  const typeOf = (s: unknown, hint: string, depth: number): TypeRef => {
    if (s === null || typeof s !== "object" || Array.isArray(s) || depth > 64) return { kind: "any" };
    const o = s as Schema;
    if (typeof o.$ref === "string") {
      const n = names.get(o.$ref.replace(/^#\/(components\/schemas|definitions)\//, ""));
      return n ? { kind: "class", name: n } : { kind: "any" };
    }
    const t = Array.isArray(o.type) ? o.type.find((x) => x !== "null") : o.type;
    switch (t) {
      case "string":
        return { kind: o.format === "date-time" ? "date" : "string" };
      case "integer":
      case "number":
      case "boolean":
        return { kind: t };
      case "array":
        return { kind: "array", of: typeOf(o.items, hint, depth + 1) };
      case "object":
      case undefined:
        if (o.properties && typeof o.properties === "object" && classes.length + pending.length < 2000) {
          const n = unique(typeName(hint));
          pending.push([n, o]);
          return { kind: "class", name: n };
        }
        return { kind: t === "object" ? "map" : "any" };
      default:
        return { kind: "any" };
    }
  };
  while (pending.length > 0) {
    const [name, s] = pending.shift()!;
    const props = (s.properties ?? {}) as Record<string, unknown>;
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    classes.push({ name, fields: Object.entries(props).map(([key, p]) => ({ key, type: typeOf(p, key, 0), optional: !required.has(key) })) });
  }
  return classes;
}

function refsOf(t: TypeRef, out: Set<string>): void {
  if (t.kind === "class") out.add(t.name);
  else if (t.kind === "array") refsOf(t.of, out);
}

function tsTypeOf(t: TypeRef): string {
  switch (t.kind) {
    case "class":
      return t.name;
    case "array":
      return `Array<${tsTypeOf(t.of)}>`;
    case "integer":
    case "number":
      return "number";
    case "date":
      return "Date";
    case "map":
      return "{ [key: string]: any }";
    default:
      return t.kind;
  }
}

function setup(schemaName: string, type: SchemaType, doc: Schema) {
  const comps = componentsOf(type, doc, typeName(schemaName.slice(schemaName.indexOf("@") + 1) || "Event"));
  return { dir: packagePath(schemaName, comps), classes: classesOf(comps) };
}

/** The TypeScript files of a schema's bindings (paths relative to the archive's root). */
export function typescriptBinding(schemaName: string, type: SchemaType, doc: Schema): ZipEntry[] {
  const { dir, classes } = setup(schemaName, type, doc);
  const files: ZipEntry[] = [];
  for (const c of classes) {
    const refs = new Set<string>();
    for (const f of c.fields) refsOf(f.type, refs);
    refs.delete(c.name);
    const lines = [...[...refs].sort().map((r) => `import { ${r} } from './${r}';`), ...(refs.size > 0 ? [""] : [])];
    lines.push(`export class ${c.name} {`);
    for (const f of c.fields) lines.push(`  ${JSON.stringify(f.key)}${f.optional ? "?" : "!"}: ${tsTypeOf(f.type)};`);
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

const PY_KEYWORDS = new Set([
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally",
  "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
  "self", "cls", "object", "type", "str", "int", "float", "bool", "dict", "list", "datetime",
]);

/** A Python attribute name: snake_case of the key, a valid identifier, not a keyword. */
function pyName(key: string): string {
  let n = key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
  if (n === "") n = "field";
  if (/^[0-9]/.test(n)) n = `n_${n}`;
  return PY_KEYWORDS.has(n) ? `${n}_` : n;
}

/** A type name as the Python marshaller reads it: 'str', 'list[Line]', 'datetime', a class name, 'object'. */
function pyTypeOf(t: TypeRef): string {
  switch (t.kind) {
    case "class":
      return t.name;
    case "array":
      return `list[${pyTypeOf(t.of)}]`;
    case "string":
      return "str";
    case "integer":
      return "int";
    case "number":
      return "float";
    case "boolean":
      return "bool";
    case "date":
      return "datetime";
    case "map":
      return "dict";
    default:
      return "object";
  }
}

const snakeFile = (cls: string) => cls.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();

/** The Python 3.6+ files of a schema's bindings: a package exporting each class and a Marshaller (marshall / unmarshall). */
export function pythonBinding(schemaName: string, type: SchemaType, doc: Schema): ZipEntry[] {
  const { dir, classes } = setup(schemaName, type, doc);
  const files: ZipEntry[] = [];
  const modules = new Map<string, string>();
  const usedModules = new Set(["marshaller", "__init__"]);
  for (const c of classes) {
    let m = snakeFile(c.name);
    for (let i = 1; usedModules.has(m); i++) m = `${snakeFile(c.name)}_${i}`;
    usedModules.add(m);
    modules.set(c.name, m);
  }
  for (const c of classes) {
    const attrs = new Set<string>();
    const fields = c.fields.map((f) => {
      let a = pyName(f.key);
      for (let i = 1; attrs.has(a); i++) a = `${pyName(f.key)}_${i}`;
      attrs.add(a);
      return { attr: a, key: f.key, type: pyTypeOf(f.type) };
    });
    const lines = [`class ${c.name}(object):`];
    lines.push(`    _types = {${fields.map((f) => `${JSON.stringify(f.attr)}: ${JSON.stringify(f.type)}`).join(", ")}}`);
    lines.push(`    _attribute_map = {${fields.map((f) => `${JSON.stringify(f.attr)}: ${JSON.stringify(f.key)}`).join(", ")}}`);
    lines.push("");
    lines.push(`    def __init__(self${fields.map((f) => `, ${f.attr}=None`).join("")}):`);
    if (fields.length === 0) lines.push("        pass");
    for (const f of fields) lines.push(`        self.${f.attr} = ${f.attr}`);
    lines.push("");
    lines.push("    def __eq__(self, other):");
    lines.push("        return isinstance(other, self.__class__) and self.__dict__ == other.__dict__");
    lines.push("");
    files.push({ path: `${dir}/${modules.get(c.name)}.py`, data: lines.join("\n") });
  }
  files.push({
    path: `${dir}/marshaller.py`,
    data: [
      "import datetime",
      "import importlib",
      "",
      "",
      "class Marshaller:",
      "    PRIMITIVES = {'str': str, 'int': int, 'float': float, 'bool': bool}",
      "",
      "    @classmethod",
      "    def marshall(cls, obj):",
      "        if obj is None or isinstance(obj, (str, int, float, bool)):",
      "            return obj",
      "        if isinstance(obj, datetime.datetime):",
      "            return obj.isoformat()",
      "        if isinstance(obj, list):",
      "            return [cls.marshall(o) for o in obj]",
      "        if isinstance(obj, dict):",
      "            return {k: cls.marshall(v) for k, v in obj.items()}",
      "        out = {}",
      "        for attr, key in obj._attribute_map.items():",
      "            value = getattr(obj, attr)",
      "            if value is not None:",
      "                out[key] = cls.marshall(value)",
      "        return out",
      "",
      "    @classmethod",
      "    def unmarshall(cls, data, typ):",
      "        if data is None:",
      "            return None",
      "        if isinstance(typ, str):",
      "            if typ.startswith('list['):",
      "                return [cls.unmarshall(d, typ[5:-1]) for d in data]",
      "            if typ in cls.PRIMITIVES:",
      "                return cls.PRIMITIVES[typ](data)",
      "            if typ == 'datetime':",
      "                text = str(data).replace('Z', '+00:00')",
      "                if hasattr(datetime.datetime, 'fromisoformat'):",
      "                    return datetime.datetime.fromisoformat(text)",
      "                return datetime.datetime.strptime(text[:19], '%Y-%m-%dT%H:%M:%S')",
      "            if typ in ('dict', 'object'):",
      "                return data",
      "            typ = getattr(importlib.import_module(__package__), typ)",
      "        kwargs = {}",
      "        for attr, key in typ._attribute_map.items():",
      "            if key in data:",
      "                kwargs[attr] = cls.unmarshall(data[key], typ._types[attr])",
      "        return typ(**kwargs)",
      "",
    ].join("\n"),
  });
  files.push({
    path: `${dir}/__init__.py`,
    data: [...classes.map((c) => `from .${modules.get(c.name)} import ${c.name}`), "from .marshaller import Marshaller", ""].join("\n"),
  });
  // Package markers up the path, so `import schema.<source>.<name>` works from the archive's root.
  const parts = dir.split("/");
  for (let i = 1; i < parts.length; i++) files.push({ path: `${parts.slice(0, i).join("/")}/__init__.py`, data: "" });
  return files;
}
