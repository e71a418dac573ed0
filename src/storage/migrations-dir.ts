// Where a backend's append-only SQL migrations are: beside the adapter in the source tree
// (src/storage/<backend>/migrations), or under dist/migrations/<backend> in the prebuilt bundle (scripts/build.mjs).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function migrationsDir(moduleUrl: string, backend: "sqlite" | "postgres"): string {
  const here = dirname(fileURLToPath(moduleUrl));
  const beside = join(here, "migrations");
  return existsSync(join(beside, "0001_sqs.sql")) ? beside : join(here, "migrations", backend);
}
