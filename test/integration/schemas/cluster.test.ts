// Two nodes on one PostgreSQL database: a discoverer created on node A is honoured by node B once B reads the started
// discoverers again (every 5 s by the clock when the database is shared), and the schemas both nodes infer for one
// event type are one schema with versions numbered once. PostgreSQL only (SQLite is one process per file).
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { CreateDiscovererCommand, DescribeSchemaCommand, ListSchemaVersionsCommand, SchemasClient } from "@aws-sdk/client-schemas";
import { ManualClock } from "../../../src/engine/clock.ts";
import type { Mailroom } from "../../../src/index.ts";
import { startTestServer, TEST_BACKEND, TEST_CREDENTIALS } from "../../helpers/server.ts";

const skip = TEST_BACKEND !== "postgres" ? "PostgreSQL only (MAILROOM_TEST_BACKEND=postgres)" : undefined;
const clock = new ManualClock(Date.UTC(2026, 0, 1));
let a: Mailroom | undefined;
let b: Mailroom | undefined;

before(async () => {
  if (skip) return;
  const dir = mkdtempSync(join(tmpdir(), "mailroom-schemas-cluster-"));
  a = await startTestServer({ dataDir: dir, clock });
  b = await startTestServer({ dataDir: dir, clock });
});
after(async () => {
  await a?.close();
  await b?.close();
});

const cfg = (s: Mailroom) => ({ endpoint: s.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });

async function eventually<T>(fn: () => Promise<T | undefined>, what: string, tick?: () => void): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    tick?.();
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test("a discoverer made on one node infers the events put on the other", { skip }, async () => {
  const schemasA = new SchemasClient(cfg(a!));
  const eventsB = new EventBridgeClient(cfg(b!));
  const eventsA = new EventBridgeClient(cfg(a!));
  await schemasA.send(new CreateDiscovererCommand({ SourceArn: "arn:aws:events:us-east-1:000000000000:event-bus/default" }));
  const describe = (name: string) =>
    schemasA.send(new DescribeSchemaCommand({ RegistryName: "discovered-schemas", SchemaName: name })).catch((e: { name: string }) => {
      if (e.name === "NotFoundException") return undefined;
      throw e;
    });
  // Node B learns of the discoverer within 5 s of the clock; events it takes before then are not inferred.
  let n = 0;
  await eventually(async () => {
    await eventsB.send(new PutEventsCommand({ Entries: [{ Source: "app", DetailType: "From B", Detail: JSON.stringify({ n: n++ }) }] }));
    return describe("app@FromB");
  }, "node B to infer", () => clock.advance(1_000));

  // Both nodes infer new shapes of one type: one schema, versions numbered once.
  await Promise.all([
    eventsA.send(new PutEventsCommand({ Entries: [{ Source: "app", DetailType: "Both", Detail: JSON.stringify({ a: 1 }) }] })),
    eventsB.send(new PutEventsCommand({ Entries: [{ Source: "app", DetailType: "Both", Detail: JSON.stringify({ b: 1 }) }] })),
  ]);
  const versions = await eventually(async () => {
    const v = await schemasA.send(new ListSchemaVersionsCommand({ RegistryName: "discovered-schemas", SchemaName: "app@Both" })).catch(() => undefined);
    return v?.SchemaVersions?.length === 2 ? v : undefined;
  }, "two versions");
  assert.deepEqual(versions.SchemaVersions?.map((x) => x.SchemaVersion), ["1", "2"]);
});
