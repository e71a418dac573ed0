// Per-module migrations (src/storage/migrations.ts) on both backends: a fresh database gets every module's
// migrations recorded by (module, name); a database made before migrations were per module (global version numbers
// in schema_migrations) adopts them without running anything again; a second open runs nothing.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { migrationSources, pendingMigrations } from "../../src/storage/migrations.ts";
import { PgDb } from "../../src/storage/postgres/db.ts";
import { SqliteDb } from "../../src/storage/sqlite/db.ts";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.ts";

const everything = (backend: "sqlite" | "postgres") => pendingMigrations(backend, new Set()).run.map((m) => `${m.module}/${m.name}`);

describe("migration sources", () => {
  test("platform first, then each service folder that has migrations, by name", () => {
    const modules = migrationSources("sqlite").map((s) => s.module);
    assert.equal(modules[0], "platform");
    assert.deepEqual(modules.slice(1), [...modules.slice(1)].sort());
    assert.ok(modules.includes("sqs") && modules.includes("sns"));
  });
  test("file names are unique within a module and ordered", () => {
    for (const backend of ["sqlite", "postgres"] as const) {
      const all = everything(backend);
      assert.equal(new Set(all).size, all.length);
    }
  });
});

describe("sqlite", () => {
  const dir = mkdtempSync(join(tmpdir(), "mailroom-migrations-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("a fresh database records every module's migrations", () => {
    const db = new SqliteDb(join(dir, "fresh.db"));
    const rows = db.db.prepare("SELECT module || '/' || name FROM mailroom_migrations ORDER BY rowid").pluck().all();
    assert.deepEqual(rows, everything("sqlite"));
    void db.close();
  });

  test("a database with the old global schema_migrations adopts them and runs nothing twice", async () => {
    const file = join(dir, "legacy.db");
    const first = new SqliteDb(file);
    // Make it look like a database of the previous layout: only schema_migrations, by global version.
    first.db.exec("DROP TABLE mailroom_migrations; CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    const names = everything("sqlite").map((k) => k.split("/")[1]);
    const insert = first.db.prepare("INSERT INTO schema_migrations (version, name) VALUES (?, ?)");
    names.forEach((n, i) => insert.run(i + 1, n));
    first.db.exec("INSERT INTO leases (name, holder, expires_at) VALUES ('kept', 'a', 1)");
    await first.close();
    // Re-running any CREATE TABLE of those migrations would throw: opening must adopt them instead.
    const again = new SqliteDb(file);
    assert.deepEqual(again.db.prepare("SELECT count(*) FROM mailroom_migrations").pluck().get(), names.length);
    assert.equal(again.db.prepare("SELECT holder FROM leases WHERE name = 'kept'").pluck().get(), "a");
    await again.close();
    const third = new SqliteDb(file);
    assert.equal(third.db.prepare("SELECT count(*) FROM mailroom_migrations").pluck().get(), names.length);
    await third.close();
  });
});

describe("postgres", async () => {
  if (!(await postgresAvailable())) {
    test("PostgreSQL migrations", { skip: "no PostgreSQL at MAILROOM_TEST_PG / 127.0.0.1:5432" }, () => {});
    return;
  }
  const fresh = await freshDatabase("migrations");
  after(() => fresh.drop());

  test("fresh, then adopted from the old global table, then nothing to run", async () => {
    const db = await PgDb.open(fresh.url, 2);
    const rows = (await db.pool.query("SELECT module || '/' || name AS k FROM mailroom_migrations")).rows.map((r) => r.k);
    assert.deepEqual(new Set(rows), new Set(everything("postgres")));
    const names = everything("postgres").map((k) => k.split("/")[1]);
    await db.pool.query("DROP TABLE mailroom_migrations");
    await db.pool.query("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    for (const [i, n] of names.entries()) await db.pool.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [i + 1, n]);
    await db.close();
    // Two nodes opening together: the advisory lock lets one adopt; neither re-runs a migration.
    const [a, b] = await Promise.all([PgDb.open(fresh.url, 2), PgDb.open(fresh.url, 2)]);
    const count = (await a.pool.query("SELECT count(*)::int AS n FROM mailroom_migrations")).rows[0].n;
    assert.equal(count, names.length);
    await a.close();
    await b.close();
  });
});
