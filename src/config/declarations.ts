// Resources declared at startup (--config mailroom.yaml or .json, startMailroom({ resources })): read, checked
// against the resource kinds each service module contributes (ServiceModule.resources), and applied at every start
// through the modules' own operations, so they are validated exactly as requests are. Applying is idempotent: a
// resource that exists is brought up to date with what is declared. Every problem names the file, the line and the
// resource (ADR 0024).
import { readFileSync, statSync } from "node:fs";
import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { AwsError } from "../protocol/errors.ts";
import type { DeclarationScope, OperationCall, ResourceKind, ServiceModule } from "../services/module.ts";
import { serviceCall } from "../services/operations.ts";
import { jobContext, type ServiceDefinition } from "../services/types.ts";
import { DeclarationError } from "./declared.ts";

export { DeclarationError, type Declarations } from "./declared.ts";

/** The largest declaration file read (a guard against pointing --config at something else). */
export const MAX_DECLARATION_FILE_BYTES = 10 * 1024 * 1024;

/** One resource to apply, with where it was declared ("mailroom.yaml:12" or "resources.sqs.queues[0]"). */
export interface Declared {
  module: string;
  kind: ResourceKind;
  decl: Record<string, unknown>;
  where: string;
}

export interface DeclarationSet {
  scope: DeclarationScope;
  resources: Declared[];
}

type Locate = (path: (string | number)[], key?: boolean) => string;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Checks a declarations object against the modules' resource kinds; `locate` words where a path was declared. */
export function checkDeclarations(value: unknown, modules: ServiceModule[], locate: Locate, defaultAccount: string): DeclarationSet {
  if (!isRecord(value)) throw new DeclarationError(`${locate([])}: expected a map of service sections (${modules.map((m) => m.name).join(", ")})`);
  const byName = new Map(modules.map((m) => [m.name, m]));
  const account = value.account === undefined ? defaultAccount : String(value.account);
  if (!/^\d{12}$/.test(account)) throw new DeclarationError(`${locate(["account"])}: account must be 12 digits, got ${JSON.stringify(value.account)}`);
  const region = value.region === undefined ? "us-east-1" : String(value.region);
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new DeclarationError(`${locate(["region"])}: region ${JSON.stringify(value.region)} is not a region name (e.g. us-east-1)`);
  const resources: Declared[] = [];
  for (const [section, body] of Object.entries(value)) {
    if (section === "account" || section === "region") continue;
    const m = byName.get(section);
    const kinds = m?.resources ?? [];
    if (!m || kinds.length === 0) {
      const known = modules.filter((x) => x.resources?.length).map((x) => x.name);
      throw new DeclarationError(`${locate([section], true)}: unknown section "${section}" (expected account, region, ${known.join(", ")})`);
    }
    if (!isRecord(body)) throw new DeclarationError(`${locate([section])}: "${section}" must be a map of ${kinds.map((k) => k.key).join(", ")}`);
    for (const [key, list] of Object.entries(body)) {
      const kind = kinds.find((k) => k.key === key);
      if (!kind) throw new DeclarationError(`${locate([section, key], true)}: unknown ${section} resource kind "${key}" (expected ${kinds.map((k) => k.key).join(", ")})`);
      if (list === null || list === undefined) continue;
      if (!Array.isArray(list)) throw new DeclarationError(`${locate([section, key])}: ${section}.${key} must be a list`);
      const names = new Set<string>();
      list.forEach((decl, i) => {
        const where = locate([section, key, i]);
        if (!isRecord(decl)) throw new DeclarationError(`${where}: each of ${section}.${key} must be a map`);
        const label = `${section} ${key} #${i + 1}`;
        for (const field of Object.keys(decl)) {
          if (!kind.fields.includes(field)) {
            throw new DeclarationError(`${locate([section, key, i, field], true)}: ${label}: unknown field "${field}" (expected ${kind.fields.join(", ")})`);
          }
        }
        if (typeof decl.name !== "string" || decl.name === "") throw new DeclarationError(`${where}: ${label}: "name" must be a non-empty string`);
        if (names.has(decl.name)) throw new DeclarationError(`${where}: ${section} ${key} "${decl.name}" is declared twice`);
        names.add(decl.name);
        resources.push({ module: section, kind, decl, where });
      });
    }
  }
  // Applied in module order (a later module's resources may refer to an earlier one's), then kind order.
  const order = (d: Declared) => modules.findIndex((m) => m.name === d.module) * 100 + (byName.get(d.module)!.resources ?? []).indexOf(d.kind);
  resources.sort((a, b) => order(a) - order(b));
  return { scope: { account, region }, resources };
}

/** Reads a YAML or JSON declaration file (JSON is read by the YAML parser too, for its line numbers). */
export function readDeclarationFile(file: string, modules: ServiceModule[], defaultAccount: string): DeclarationSet {
  let text: string;
  try {
    if (statSync(file).size > MAX_DECLARATION_FILE_BYTES) throw new Error(`larger than ${MAX_DECLARATION_FILE_BYTES} bytes`);
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new DeclarationError(`${file}: cannot read the declarations: ${e instanceof Error ? e.message : String(e)}`);
  }
  const lineCounter = new LineCounter();
  // maxAliasCount bounds alias expansion (a "billion laughs" file); uniqueKeys refuses a key given twice.
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    throw new DeclarationError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    throw new DeclarationError(`${file}:${lineOf(err.pos[0])}: ${err.message.split("\n")[0]}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new DeclarationError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (value === null || value === undefined) return { scope: { account: defaultAccount, region: "us-east-1" }, resources: [] };
  const locate: Locate = (path, key) => {
    // The node at the path (or, with key, the key naming its last step), else the nearest ancestor that exists.
    for (let n = path.length; n >= 0; n--) {
      const p = path.slice(0, n);
      let node: Node | undefined | null;
      if (key && n === path.length && n > 0) {
        const parent = p.length > 1 ? doc.getIn(p.slice(0, -1), true) : doc.contents;
        if (isMap(parent)) {
          const pair = parent.items.find((it) => (it.key as { value?: unknown } | null)?.value === p[p.length - 1]);
          node = pair?.key as Node | undefined;
        }
      } else {
        node = (p.length === 0 ? doc.contents : doc.getIn(p, true)) as Node | undefined;
      }
      if (node && (isMap(node) || isSeq(node) || node.range) && node.range) return `${file}:${lineOf(node.range[0])}`;
    }
    return file;
  };
  return checkDeclarations(value, modules, locate, defaultAccount);
}

/** Declarations given as an object (startMailroom({ resources })): located by their path. */
export function objectDeclarations(value: unknown, modules: ServiceModule[], defaultAccount: string): DeclarationSet {
  const locate: Locate = (path) =>
    `resources${path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")}`;
  return checkDeclarations(value, modules, locate, defaultAccount);
}

/** Calls a service's operations as the declarations' owner: input read against the model as a JSON request's is (serviceCall). */
export function operationCaller(def: ServiceDefinition, scope: DeclarationScope, baseUrl: string): OperationCall {
  const call = serviceCall(def);
  return (operation, input) => call(jobContext(scope.account, scope.region, baseUrl, "mailroom-declarations"), operation, input);
}

/**
 * Applies declarations: each resource's kind creates it or brings it up to date, in module and kind order, then
 * the kinds' second pass (links between resources). The first failure stops the start with where it was declared.
 */
export async function applyDeclarations(set: DeclarationSet, definitions: Map<string, ServiceDefinition>, baseUrl: string): Promise<number> {
  const callers = new Map<string, OperationCall>();
  const callerOf = (module: string) => {
    let c = callers.get(module);
    if (!c) {
      c = operationCaller(definitions.get(module)!, set.scope, baseUrl);
      callers.set(module, c);
    }
    return c;
  };
  const run = async (d: Declared, step: (call: OperationCall) => Promise<void>) => {
    try {
      await step(callerOf(d.module));
    } catch (e) {
      const what = e instanceof AwsError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
      throw new DeclarationError(`${d.where}: ${d.module} ${d.kind.key} "${d.kind.nameOf(d.decl)}": ${what}`);
    }
  };
  for (const d of set.resources) await run(d, (call) => d.kind.apply(call, d.decl, set.scope));
  for (const d of set.resources) if (d.kind.link) await run(d, (call) => d.kind.link!(call, d.decl, set.scope));
  return set.resources.length;
}
