// Builds docs/operations.md from the services' operation tables, so the list of implemented operations
// cannot drift from the code. `npm run gen:docs` writes it; test/docs.test.ts checks it is current.
import { PENDING_OPERATIONS, createSqsService } from "../src/services/sqs/index.ts";
import type { SqsEnv } from "../src/services/sqs/env.ts";
import { PENDING_OPERATIONS as SNS_PENDING, createSnsService } from "../src/services/sns/index.ts";
import type { SnsEnv } from "../src/services/sns/env.ts";

export function operationsDoc(): string {
  const services = [
    {
      name: "SQS", protocols: "AWS JSON 1.0, query/XML", def: createSqsService({} as SqsEnv), pending: PENDING_OPERATIONS,
      note: "Queue types: standard and FIFO (`.fifo` names with `FifoQueue=true`: group order, deduplication, high-throughput settings).",
    },
    { name: "SNS", protocols: "query/XML", def: createSnsService({} as SnsEnv), pending: SNS_PENDING, note: "" },
  ];
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
