// Query protocol input: form parameters (`Attribute.1.Name=...`, `MessageAttribute.1.Value.StringValue=...`)
// rebuilt into the nested structure the model describes, with serialized names and flattening taken from the
// model as botocore's query serializer writes them.
import type { MemberRef, ServiceModel } from "../model.ts";
import { setEntry } from "../shapes.ts";

interface Node {
  value?: string;
  children: Map<string, Node>;
}

function tree(params: Iterable<[string, string]>): Node {
  const root: Node = { children: new Map() };
  for (const [key, value] of params) {
    let node = root;
    for (const part of key.split(".")) {
      let next = node.children.get(part);
      if (!next) {
        next = { children: new Map() };
        node.children.set(part, next);
      }
      node = next;
    }
    node.value = value;
  }
  return root;
}

function numbered(node: Node | undefined): Node[] {
  if (!node) return [];
  return [...node.children.entries()]
    .filter(([k]) => /^[1-9][0-9]*$/.test(k))
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([, n]) => n);
}

function read(model: ServiceModel, ref: MemberRef, node: Node | undefined): unknown {
  const shape = model.shapes[ref.shape];
  if (!node || !shape) return node?.value;
  switch (shape.type) {
    case "structure": {
      const out: Record<string, unknown> = {};
      for (const [name, mref] of Object.entries(shape.members ?? {})) {
        const v = readMember(model, name, mref, node);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    default:
      return node.value;
  }
}

function readMember(model: ServiceModel, name: string, mref: MemberRef, parent: Node): unknown {
  const shape = model.shapes[mref.shape];
  // botocore merges the target shape's locationName into a member that has none (TagQueue's Tags → Tag.N.Key).
  const serialized = mref.locationName ?? shape?.locationName ?? name;
  if (shape?.type === "list") {
    const flattened = mref.flattened ?? shape.flattened;
    const elem = shape.member!;
    let items: Node[];
    if (flattened) {
      // botocore replaces the member name with the list member's name for flattened lists.
      items = numbered(parent.children.get(elem.locationName ?? serialized));
      if (items.length === 0 && elem.locationName) items = numbered(parent.children.get(serialized));
    } else {
      items = numbered(parent.children.get(serialized)?.children.get(elem.locationName ?? "member"));
    }
    if (items.length === 0) return parent.children.has(serialized) ? [] : undefined;
    return items.map((n) => read(model, elem, n));
  }
  if (shape?.type === "map") {
    const flattened = mref.flattened ?? shape.flattened;
    const base = parent.children.get(serialized);
    const entries = flattened ? numbered(base) : numbered(base?.children.get("entry"));
    if (entries.length === 0) return undefined;
    const out: Record<string, unknown> = {};
    const keyName = shape.key!.locationName ?? "key";
    const valueName = shape.value!.locationName ?? "value";
    for (const e of entries) {
      const k = e.children.get(keyName)?.value;
      if (k === undefined) continue;
      setEntry(out, k, read(model, shape.value!, e.children.get(valueName)));
    }
    return out;
  }
  const node = parent.children.get(serialized);
  return node === undefined ? undefined : read(model, mref, node);
}

/** Form parameters → the operation's input structure (strings still strings; readShape types them). */
export function decodeQuery(model: ServiceModel, inputShape: string, params: Iterable<[string, string]>): Record<string, unknown> {
  return read(model, { shape: inputShape }, tree(params)) as Record<string, unknown>;
}
