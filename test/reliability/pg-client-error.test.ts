// Probe kept as a test (issue 20, item 1): PostgreSQL stopping while a transaction holds a pooled connection used
// to crash the node (pg emits 'error' on a checked-out client, which had no listener: "Unhandled 'error' event").
// Now the transaction fails with a connection error the pipeline answers as 503, the process lives, and once
// PostgreSQL is back the pool serves again without a restart. Runs on a private PostgreSQL server.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { PgDb } from "../../src/storage/postgres/db.ts";
import { storageUnavailable } from "../../src/server/handler.ts";
import { type PrivatePostgres, privatePostgresUnavailable, startPrivatePostgres } from "./private-postgres.ts";

const unavailable = await privatePostgresUnavailable();
const skip = unavailable ? `private PostgreSQL unavailable: ${unavailable}` : false;
let server: PrivatePostgres | undefined;
let db: PgDb | undefined;
after(async () => {
  await db?.close().catch(() => {});
  await server?.destroy();
});

test("a transaction cut by a PostgreSQL shutdown fails as unavailable, the node lives, the pool recovers", { skip, timeout: 60_000 }, async () => {
  server = await startPrivatePostgres();
  db = await PgDb.open(server.url);
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  process.on("uncaughtException", onUncaught);
  try {
    const running = db.tx(async (c) => {
      await c.query("SELECT pg_sleep(10)");
    }).then(() => undefined, (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300));
    await server.stop("fast");
    const err = await running;
    assert.ok(err, "the transaction failed");
    assert.ok(storageUnavailable(err), `answered as unavailable: ${String(err)} (${(err as { code?: string }).code})`);
    await assert.rejects(db.query("SELECT 1"), (e) => storageUnavailable(e));
    await server.start();
    let ok = false;
    for (let i = 0; i < 50 && !ok; i++) {
      ok = await db.query("SELECT 1 AS one").then((r) => r.rows[0].one === 1, () => false);
      if (!ok) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(ok, "the pool serves again once PostgreSQL is back");
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(uncaught, []);
  } finally {
    process.off("uncaughtException", onUncaught);
  }
});
