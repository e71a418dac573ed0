// SNS's migration 0009_sns_outbox_to_delivery carries HTTP/S work still pending in sns_outbox over to the delivery
// engine's outbox (platform migration 0003_delivery_outbox), so nothing acknowledged before an upgrade is lost: a
// database of the previous layout (global migration numbers up to 0010) with pending rows is opened by this build.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import { migrationSources } from "../../src/storage/migrations.ts";
import { PgDb } from "../../src/storage/postgres/db.ts";
import { PgOutbox } from "../../src/storage/postgres/outbox.ts";
import { SqliteDb } from "../../src/storage/sqlite/db.ts";
import { SqliteOutbox } from "../../src/storage/sqlite/outbox.ts";
import { SqliteSqsStore } from "../../src/storage/sqlite/sqs-store.ts";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.ts";

const T0 = Date.UTC(2026, 0, 1);
/** The migrations of the previous layout, in its global order: the files of its modules but the ones added since. */
const LEGACY_MODULES = new Set(["platform", "sqs", "sns"]);
const ADDED_SINCE = new Set(["platform/0003_delivery_outbox.sql", "sns/0009_sns_outbox_to_delivery.sql"]);
const migrations = (backend: "sqlite" | "postgres") =>
  migrationSources(backend)
    .filter(({ module }) => LEGACY_MODULES.has(module))
    .flatMap(({ module, dir }) => readdirSync(dir).filter((f) => /^\d{4}_.*\.sql$/.test(f) && !ADDED_SINCE.has(`${module}/${f}`))
      .map((f) => ({ version: Number(f.slice(0, 4)), name: f, sql: readFileSync(join(dir, f), "utf8") })))
    .sort((a, b) => a.version - b.version);
const ARN = "arn:aws:sns:us-east-1:000000000000:t:00000000-0000-0000-0000-000000000001";

test("sqlite: pending sns_outbox rows become delivery_outbox rows of kind sns.http, attempts and due time kept", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mailroom-mig-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "old.db");
  const old = new Database(file);
  old.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)");
  for (const m of migrations("sqlite")) {
    old.exec(m.sql);
    old.prepare("INSERT INTO schema_migrations (version, name) VALUES (?, ?)").run(m.version, m.name);
  }
  old.prepare("INSERT INTO sns_outbox (subscription_arn, kind, payload, attempts, due_at, leased_until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .run(ARN, "notification", "{\"n\":1}", 2, T0 + 5000, 0, T0);
  old.prepare("INSERT INTO sns_outbox (subscription_arn, kind, payload, attempts, due_at, leased_until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .run(ARN, "confirmation", "{\"c\":1}", 0, T0, 0, T0);
  old.close();
  const db = new SqliteDb(file);
  const outbox = new SqliteOutbox(db, new SqliteSqsStore(db));
  const rows = await outbox.claim(T0 + 5000, 1000, 10);
  assert.deepEqual(rows.map((r) => [r.kind, r.target, r.detail, r.payload, r.attempts, r.dueAt]), [
    ["sns.http", ARN, "confirmation", "{\"c\":1}", 0, T0],
    ["sns.http", ARN, "notification", "{\"n\":1}", 2, T0 + 5000],
  ]);
  assert.equal(db.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'sns_outbox'").pluck().get(), 0);
  await db.close();
});

const available = await postgresAvailable();
test("postgres: pending sns_outbox rows become delivery_outbox rows of kind sns.http", { skip: !available && "no PostgreSQL" }, async () => {
  const fresh = await freshDatabase("outboxmig");
  after(() => fresh.drop());
  const c = new pg.Client({ connectionString: fresh.url });
  await c.connect();
  await c.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)");
  for (const m of migrations("postgres")) {
    await c.query(m.sql);
    await c.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
  }
  await c.query("INSERT INTO sns_outbox (subscription_arn, kind, payload, attempts, due_at, leased_until, created_at) VALUES ($1, 'notification', '{}', 1, $2, 0, $3)", [ARN, T0, T0]);
  await c.end();
  const db = await PgDb.open(fresh.url, 2);
  const rows = await new PgOutbox(db).claim(T0, 1000, 10);
  assert.deepEqual(rows.map((r) => [r.kind, r.target, r.detail, r.attempts, r.dueAt]), [["sns.http", ARN, "notification", 1, T0]]);
  await db.close();
});
