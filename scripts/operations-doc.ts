// Builds docs/operations.md from the services' operation tables, so the list of implemented operations
// cannot drift from the code. `npm run gen:docs` writes it; test/docs.test.ts checks it is current.
import type { CodecName } from "../src/services/types.ts";
import { SERVICES } from "../src/services/index.ts";

const CODEC_NAMES: Record<CodecName, (jsonVersion?: string) => string> = {
  json: (v) => `AWS JSON ${v ?? "1.0"}`,
  query: () => "query/XML",
  cbor: () => "CBOR",
  "rest-json": () => "REST-JSON",
  "rpcv2-cbor": () => "Smithy RPC v2 CBOR",
};

export function operationsDoc(): string {
  const services = SERVICES.map((m) => {
    const def = m.docs.definition();
    const protocols = def.codecs.map((c) => CODEC_NAMES[c](def.model.metadata.jsonVersion)).join(", ");
    return { name: m.docs.title, protocols, def, pending: m.docs.pending, note: m.docs.note ?? "" };
  });
  const lines = [
    "# Implemented operations",
    "",
    "Generated from the code by `npm run gen:docs` (scripts/operations-doc.ts); do not edit by hand.",
    "Operations marked *pending* are answered with `UnsupportedOperation` (SQS) or `InvalidAction` (SNS) until the issue that brings them lands.",
    "",
  ];
  for (const s of services) {
    lines.push(`## ${s.name} (${s.protocols})`, "", ...(s.note ? [s.note, ""] : []), "| operation | status |", "|---|---|");
    for (const op of Object.keys(s.def.model.operations).sort()) {
      lines.push(`| ${op} | ${s.pending.includes(op) ? "pending" : "implemented"} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
