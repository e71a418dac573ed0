// Runs the storage contract against the PostgreSQL adapter, on a fresh database.
import { after, before, test } from "node:test";
import { PgDb } from "../../src/storage/postgres/db.ts";
import { PgSnsStore } from "../../src/storage/postgres/sns-store.ts";
import { PgSqsStore } from "../../src/storage/postgres/sqs-store.ts";
import { PgOutbox } from "../../src/storage/postgres/outbox.ts";
import { outboxContract } from "./outbox.contract.ts";
import { snsStoreContract } from "./sns-store.contract.ts";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.ts";
import { sqsStoreContract } from "./sqs-store.contract.ts";

const available = await postgresAvailable();
if (!available) {
  test("PostgreSQL contract", { skip: "no PostgreSQL at MAILROOM_TEST_PG / 127.0.0.1:5432" }, () => {});
} else {
  const db = await freshDatabase("contract");
  after(() => db.drop());
  // Each test gets its own store on the same database; queue names differ per test, so they do not collide.
  before(async () => {
    await (await PgDb.open(db.url)).close();
  });
  sqsStoreContract("postgres", {
    open: async () => {
      const pg = await PgDb.open(db.url, 4);
      await pg.query("TRUNCATE sqs_messages, sqs_queues, sqs_deleted_queues RESTART IDENTITY CASCADE");
      return new PgSqsStore(pg);
    },
  });
  snsStoreContract("postgres", {
    open: async () => {
      const pg = await PgDb.open(db.url, 4);
      await pg.query("TRUNCATE sns_topics, sns_subscriptions, delivery_outbox, sns_sink_messages, sns_platform_applications, sns_platform_endpoints, sns_dedup, sns_archive, sns_keys, sns_replays, sqs_messages, sqs_queues, sqs_deleted_queues RESTART IDENTITY CASCADE");
      return { sns: new PgSnsStore(pg), sqs: new PgSqsStore(pg), outbox: new PgOutbox(pg), close: () => pg.close() };
    },
  });
  outboxContract("postgres", {
    open: async () => {
      const pg = await PgDb.open(db.url, 4);
      await pg.query("TRUNCATE delivery_outbox, sqs_messages, sqs_queues, sqs_deleted_queues RESTART IDENTITY CASCADE");
      return { sqs: new PgSqsStore(pg), outbox: new PgOutbox(pg), close: () => pg.close() };
    },
  });
}
