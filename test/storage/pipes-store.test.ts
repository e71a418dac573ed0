// Runs the EventBridge Pipes storage contract on SQLite (memory, and a file reopened) and, when a server answers, on
// PostgreSQL (a fresh database, emptied before each test).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { PgDb } from "../../src/storage/postgres/db.ts";
import { PgPipesStore } from "../../src/storage/postgres/pipes-store.ts";
import { SqliteDb } from "../../src/storage/sqlite/db.ts";
import { SqlitePipesStore } from "../../src/storage/sqlite/pipes-store.ts";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.ts";
import { pipesStoreContract } from "./pipes-store.contract.ts";

pipesStoreContract("sqlite (memory)", {
  open: async () => {
    const db = new SqliteDb(":memory:");
    return { store: new SqlitePipesStore(db), close: () => db.close() };
  },
});

const dir = mkdtempSync(join(tmpdir(), "mailroom-pipes-store-"));
let files = 0;
let current = "";
pipesStoreContract("sqlite (file)", {
  open: async () => {
    current = join(dir, `p${files++}.db`);
    const db = new SqliteDb(current);
    return { store: new SqlitePipesStore(db), close: () => db.close() };
  },
  reopen: async () => {
    const db = new SqliteDb(current);
    return { store: new SqlitePipesStore(db), close: () => db.close() };
  },
});

if (!(await postgresAvailable())) {
  test("PostgreSQL pipes contract", { skip: "no PostgreSQL at MAILROOM_TEST_PG / 127.0.0.1:5432" }, () => {});
} else {
  const db = await freshDatabase("pipes");
  after(() => db.drop());
  pipesStoreContract("postgres", {
    open: async () => {
      const pg = await PgDb.open(db.url, 4);
      await pg.query("TRUNCATE pipes, pipe_checkpoints");
      return { store: new PgPipesStore(pg), close: () => pg.close() };
    },
    reopen: async () => {
      const pg = await PgDb.open(db.url, 4);
      return { store: new PgPipesStore(pg), close: () => pg.close() };
    },
  });
}
