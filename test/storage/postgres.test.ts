// Runs the storage contract against the PostgreSQL adapter, on a fresh database.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PgDb } from "../../src/storage/postgres/db.ts";
import { PgKinesisStore } from "../../src/storage/postgres/kinesis-store.ts";
import { PgSnsStore } from "../../src/storage/postgres/sns-store.ts";
import { PgSqsStore } from "../../src/storage/postgres/sqs-store.ts";
import { PgStepFunctionsStore } from "../../src/storage/postgres/stepfunctions-store.ts";
import { stepFunctionsStoreContract } from "./stepfunctions-store.contract.ts";
import { versionStoreContract } from "./stepfunctions-versions.contract.ts";
import { PgOutbox } from "../../src/storage/postgres/outbox.ts";
import { kinesisStoreContract } from "./kinesis-store.contract.ts";
import { kinesisConsumersContract } from "./kinesis-consumers.contract.ts";
import { outboxContract } from "./outbox.contract.ts";
import { eventsStoreContract } from "./events-store.contract.ts";
import { eventsArchiveStoreContract } from "./events-archive-store.contract.ts";
import { PgEventsStore } from "../../src/storage/postgres/events-store.ts";
import { snsStoreContract } from "./sns-store.contract.ts";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.ts";
import { sqsStoreContract } from "./sqs-store.contract.ts";
import { cloudWatchStoreContract } from "./cloudwatch-store.contract.ts";
import { PgCloudWatchStore } from "../../src/storage/postgres/cloudwatch-store.ts";
import { schedulerStoreContract } from "./scheduler-store.contract.ts";
import { PgSchedulerStore } from "../../src/storage/postgres/scheduler-store.ts";

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
  eventsStoreContract("postgres", {
    open: async () => {
      const pg = await PgDb.open(db.url, 4);
      await pg.query("TRUNCATE events_targets, events_rules, events_buses, events_bus_versions, events_bus_policies, events_documents, sqs_messages, sqs_queues, sqs_deleted_queues RESTART IDENTITY CASCADE");
      return { events: new PgEventsStore(pg), sqs: new PgSqsStore(pg), close: () => pg.close() };
    },
  });
  eventsArchiveStoreContract("postgres", {
    open: async () => {
      const pg = await PgDb.open(db.url, 4);
      await pg.query(`TRUNCATE events_archived, events_archives, events_replays, events_schedules, events_tags, events_targets, events_rules, events_buses,
        events_bus_versions, sqs_messages, sqs_queues, sqs_deleted_queues RESTART IDENTITY CASCADE`);
      return { events: new PgEventsStore(pg), sqs: new PgSqsStore(pg), close: () => pg.close() };
    },
  });
  stepFunctionsStoreContract("postgres", {
    open: async () => {
      const pg = await PgDb.open(db.url, 4);
      await pg.query("TRUNCATE sfn_state_machines, sfn_executions, sfn_history, sfn_tasks, sfn_activities, sfn_map_runs");
      return new PgStepFunctionsStore(pg);
    },
  });
  versionStoreContract("postgres", {
    open: async () => {
      const pg = await PgDb.open(db.url, 4);
      await pg.query("TRUNCATE sfn_machine_settings, sfn_versions, sfn_aliases, sfn_execution_sources, sfn_task_children");
      return new PgStepFunctionsStore(pg);
    },
  });
  outboxContract("postgres", {
    open: async () => {
      const pg = await PgDb.open(db.url, 4);
      await pg.query("TRUNCATE delivery_outbox, sqs_messages, sqs_queues, sqs_deleted_queues RESTART IDENTITY CASCADE");
      return { sqs: new PgSqsStore(pg), outbox: new PgOutbox(pg), close: () => pg.close() };
    },
  });
  cloudWatchStoreContract("postgres", {
    open: async () => {
      const pg = await PgDb.open(db.url, 4);
      await pg.query("TRUNCATE cw_datapoints, cw_alarms, cw_alarm_history, delivery_outbox RESTART IDENTITY CASCADE");
      return { cw: new PgCloudWatchStore(pg), outbox: new PgOutbox(pg), close: () => pg.close() };
    },
  });
  schedulerStoreContract("postgres", {
    open: async () => {
      const pg = await PgDb.open(db.url, 4);
      await pg.query("TRUNCATE scheduler_schedules, scheduler_groups, delivery_outbox RESTART IDENTITY CASCADE");
      const others: PgDb[] = [];
      const second = async () => {
        const other = await PgDb.open(db.url, 4);
        others.push(other);
        return new PgSchedulerStore(other);
      };
      return { store: new PgSchedulerStore(pg), outbox: new PgOutbox(pg), second, close: async () => {
        for (const o of others) await o.close();
        await pg.close();
      } };
    },
  });
  kinesisStoreContract("postgres", {
    open: async () => {
      const pg = await PgDb.open(db.url, 4);
      await pg.query("TRUNCATE kinesis_records, kinesis_shards, kinesis_streams RESTART IDENTITY CASCADE");
      return new PgKinesisStore(pg);
    },
  });
  kinesisConsumersContract("postgres", {
    open: async () => {
      const pg = await PgDb.open(db.url, 4);
      await pg.query("TRUNCATE kinesis_records, kinesis_shards, kinesis_streams RESTART IDENTITY CASCADE");
      return new PgKinesisStore(pg);
    },
  });
  test("two nodes on one database race for the same outbox rows: each row goes to one of them", async () => {
    const [a, b] = await Promise.all([PgDb.open(db.url, 4), PgDb.open(db.url, 4)]);
    try {
      await a.query("TRUNCATE delivery_outbox RESTART IDENTITY");
      const [oa, ob] = [new PgOutbox(a), new PgOutbox(b)];
      const T0 = Date.UTC(2026, 0, 1);
      await oa.add(Array.from({ length: 200 }, (_, i) => ({ kind: "http", target: `u${i}`, payload: String(i), dueAt: T0 })), T0);
      const rounds = await Promise.all([0, 1, 2, 3].flatMap(() => [oa.claim(T0, 60_000, 16), ob.claim(T0, 60_000, 16)]));
      const ids = rounds.flat().map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length);
      assert.ok(ids.length > 0);
    } finally {
      await a.close();
      await b.close();
    }
  });
}
