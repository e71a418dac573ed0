// A fresh PostgreSQL database per test run (dropped at exit), from MAILROOM_TEST_PG (default: the local
// server at 127.0.0.1:5432). Tests that need it skip, visibly, when no server answers.
import { randomBytes } from "node:crypto";
import pg from "pg";

const ADMIN_URL = process.env.MAILROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

export async function postgresAvailable(): Promise<boolean> {
  // A server that is down refuses at once; one that is up can be slow to accept while the suite runs in parallel
  // (each CREATE DATABASE forces a checkpoint): a timed-out attempt is tried again before it counts as absent.
  for (let attempt = 1; ; attempt++) {
    const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.end();
      return true;
    } catch (e) {
      await c.end().catch(() => {});
      if (attempt >= 4 || !/timeout/i.test(String((e as Error)?.message ?? e))) return false;
    }
  }
}

/** Creates an empty database and returns its URL and a drop() to remove it. */
export async function freshDatabase(tag = "t"): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `mailroom_${tag}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
