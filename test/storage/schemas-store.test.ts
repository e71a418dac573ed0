// Runs the Schema Registry storage contract on SQLite (in memory) and, when it answers, PostgreSQL (a fresh database).
import { after } from "node:test";
import { PgDb } from "../../src/storage/postgres/db.ts";
import { PgSchemasStore } from "../../src/storage/postgres/schemas-store.ts";
import { SqliteDb } from "../../src/storage/sqlite/db.ts";
import { SqliteSchemasStore } from "../../src/storage/sqlite/schemas-store.ts";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.ts";
import { schemasStoreContract } from "./schemas-store.contract.ts";

schemasStoreContract("sqlite (memory)", {
  open: async () => {
    const db = new SqliteDb(":memory:");
    return { store: new SqliteSchemasStore(db), close: () => db.close() };
  },
});

if (process.env.MAILROOM_TEST_POSTGRES !== "off" && (await postgresAvailable())) {
  const fresh = await freshDatabase("schemas");
  after(() => fresh.drop());
  schemasStoreContract("postgres", {
    open: async () => {
      const pg = await PgDb.open(fresh.url, 4);
      await pg.query("TRUNCATE schemas_registries, schemas_schemas, schemas_versions, schemas_code_bindings, schemas_discoverers, schemas_policies");
      return { store: new PgSchemasStore(pg), close: () => pg.close() };
    },
  });
}
