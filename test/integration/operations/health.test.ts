// Health: /_mailroom/health reads storage for real and reports the node and each service; /_localstack/health
// answers in LocalStack's shape so wait-scripts work; both answer 503 when storage does not (PostgreSQL: the node's
// database is dropped under it, its connections terminated, without stopping the shared server).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ListQueuesCommand } from "@aws-sdk/client-sqs";
import pg from "pg";
import { startMailroom, VERSION, type Mailroom } from "../../../src/index.ts";
import { SERVICES } from "../../../src/services/index.ts";
import { freshDatabase, postgresAvailable } from "../../helpers/postgres.ts";
import { sqsClient, startTestServer } from "../../helpers/server.ts";

describe("on the test backend", () => {
  let server: Mailroom;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test("/_mailroom/health: ok after a storage read, with the node, its version and profile, and every service", async () => {
    const res = await fetch(`${server.endpoint}/_mailroom/health`);
    assert.equal(res.status, 200);
    assert.ok(res.headers.get("x-amzn-requestid"));
    const h = await res.json();
    assert.equal(h.status, "ok");
    assert.equal(h.version, VERSION);
    assert.equal(h.storage.status, "ok");
    assert.equal(typeof h.storage.latencyMs, "number");
    assert.match(h.node.id, /^[0-9a-f-]{36}$/);
    assert.equal(h.node.profile, "test");
    assert.match(h.node.storage, /^(sqlite|postgres)/);
    assert.ok(h.node.uptimeSeconds >= 0);
    // Every module in the list, each running.
    assert.deepEqual(h.services, Object.fromEntries(SERVICES.map((m) => [m.name, "running"])));
  });

  test("/_localstack/health in LocalStack's shape; HEAD answers without a body", async () => {
    const h = await (await fetch(`${server.endpoint}/_localstack/health`)).json();
    assert.deepEqual(Object.keys(h).sort(), ["edition", "services", "version"]);
    assert.equal(h.services.sqs, "running");
    assert.equal(h.services.stepfunctions, "running");
    assert.equal(h.version, VERSION);
    const head = await fetch(`${server.endpoint}/_localstack/health`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
  });

  test("/_localstack/init without an init directory is not a route", async () => {
    const res = await fetch(`${server.endpoint}/_localstack/init`);
    assert.equal(res.status, 404);
  });
});

describe("PostgreSQL down", async () => {
  const available = await postgresAvailable();
  test("health answers 503 (storage unavailable) once the node's database is gone, and requests get ServiceUnavailable", { skip: !available && "no PostgreSQL on 127.0.0.1:5432" }, async () => {
    const db = await freshDatabase("health");
    const server = await startMailroom({ port: 0, logLevel: "silent", database: db.url });
    const sqs = sqsClient(server.endpoint);
    try {
      assert.equal((await fetch(`${server.endpoint}/_mailroom/health`)).status, 200);
      await sqs.send(new ListQueuesCommand({}));
      // Drop the database under the node: its connections are terminated and new ones are refused.
      const admin = new pg.Client({ connectionString: process.env.MAILROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test" });
      await admin.connect();
      await admin.query(`DROP DATABASE ${new URL(db.url).pathname.slice(1)} WITH (FORCE)`);
      await admin.end();
      const res = await fetch(`${server.endpoint}/_mailroom/health`);
      assert.equal(res.status, 503);
      const h = await res.json();
      assert.equal(h.status, "unavailable");
      assert.equal(h.storage.status, "unavailable");
      assert.ok(h.storage.error);
      assert.equal(h.services.sqs, "unavailable");
      const ls = await fetch(`${server.endpoint}/_localstack/health`);
      assert.equal(ls.status, 503);
      assert.equal((await ls.json()).services.sqs, "error");
      await assert.rejects(sqs.send(new ListQueuesCommand({})), (e: { $metadata?: { httpStatusCode?: number }; name: string }) => {
        assert.equal(e.$metadata?.httpStatusCode, 503, e.name);
        return true;
      });
    } finally {
      sqs.destroy();
      await server.close();
      await db.drop();
    }
  });
});
