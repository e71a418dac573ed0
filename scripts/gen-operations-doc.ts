// Writes docs/operations.md (see scripts/operations-doc.ts).
import { writeFileSync } from "node:fs";
import { operationsDoc } from "./operations-doc.ts";

writeFileSync(new URL("../docs/operations.md", import.meta.url), operationsDoc());
console.log("wrote docs/operations.md");
