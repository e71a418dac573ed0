// Append-only SQL migrations, kept per module so services landing in parallel never collide on a number: the
// platform's own tables in src/storage/migrations/<backend>/, each service's in src/services/<name>/migrations/<backend>/
// (in the prebuilt bundle: dist/migrations/<module>/<backend>, copied by scripts/build.mjs). A migration is known by
// (module, file name); modules run platform first, then services by name. Services never reference each other's
// tables, so no order between them is needed (ADR 0012). Databases made before migrations were per module recorded
// global version numbers in schema_migrations; their file names carried over unchanged, so those rows are adopted.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export type Backend = "sqlite" | "postgres";

export interface Migration {
  module: string;
  name: string;
  sql: string;
}

export const PLATFORM = "platform";

/** The table that records applied migrations (the same statement on both backends). */
export const MIGRATIONS_TABLE_SQL =
  "CREATE TABLE IF NOT EXISTS mailroom_migrations (module TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (module, name))";

const FILE = /^\d{4}_.*\.sql$/;

/** Each module's migration folder for a backend, platform first, then services by name. */
export function migrationSources(backend: Backend): { module: string; dir: string }[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const services = join(here, "..", "services");
  const out: { module: string; dir: string }[] = [];
  if (existsSync(services)) {
    out.push({ module: PLATFORM, dir: join(here, "migrations", backend) });
    for (const name of readdirSync(services).sort()) out.push({ module: name, dir: join(services, name, "migrations", backend) });
  } else {
    // The bundle (dist/mailroom.mjs): dist/migrations/<module>/<backend>.
    const root = join(here, "migrations");
    const names = readdirSync(root).sort();
    for (const name of [PLATFORM, ...names.filter((n) => n !== PLATFORM)]) out.push({ module: name, dir: join(root, name, backend) });
  }
  return out.filter((s) => existsSync(s.dir));
}

/**
 * The migrations still to run, in order. `applied` holds "module/name" keys; `legacy` the file names recorded in the
 * old global schema_migrations table, adopted as applied (see above) and returned so the caller can record them.
 */
export function pendingMigrations(backend: Backend, applied: Set<string>, legacy: string[] = []): { adopt: Migration[]; run: Migration[] } {
  const legacyNames = new Set(legacy);
  const adopt: Migration[] = [];
  const run: Migration[] = [];
  for (const { module, dir } of migrationSources(backend)) {
    for (const name of readdirSync(dir).filter((f) => FILE.test(f)).sort()) {
      if (applied.has(`${module}/${name}`)) continue;
      const m = { module, name, sql: "" };
      if (legacyNames.has(name)) adopt.push(m);
      else run.push({ ...m, sql: readFileSync(join(dir, name), "utf8") });
    }
  }
  return { adopt, run };
}
