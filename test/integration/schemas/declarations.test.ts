// Schema Registry resources declared at start (ADR 0024): a registry with a schema (content written as structure) and
// a discoverer on a declared bus; a second start with the same declarations changes nothing (no new version). Both backends.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DescribeDiscovererCommand, DescribeSchemaCommand, ListSchemaVersionsCommand, SchemasClient } from "@aws-sdk/client-schemas";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const resources = {
  events: { buses: [{ name: "orders" }] },
  schemas: {
    registries: [{
      name: "shop", description: "declared",
      schemas: [{ name: "shop@Placed", type: "OpenApi3", content: { openapi: "3.0.0", info: { title: "Placed", version: "1.0.0" }, paths: {}, components: { schemas: { Placed: { type: "object", properties: { id: { type: "string" } } } } } } }],
    }],
    discoverers: [{ name: "orders", crossAccount: false }],
  },
};

test("declared registries, schemas and discoverers; applying twice changes nothing", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "mailroom-schemas-decl-"));
  for (let round = 0; round < 2; round++) {
    const server = await startTestServer({ dataDir, resources });
    try {
      const c = new SchemasClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
      const s = await c.send(new DescribeSchemaCommand({ RegistryName: "shop", SchemaName: "shop@Placed" }));
      assert.equal(JSON.parse(s.Content!).info.title, "Placed");
      const versions = await c.send(new ListSchemaVersionsCommand({ RegistryName: "shop", SchemaName: "shop@Placed" }));
      assert.deepEqual(versions.SchemaVersions?.map((v) => v.SchemaVersion), ["1"]);
      const d = await c.send(new DescribeDiscovererCommand({ DiscovererId: "events-event-bus-orders" }));
      assert.deepEqual([d.State, d.CrossAccount], ["STARTED", false]);
    } finally {
      await server.close();
    }
  }
});

test("a declared schema with bad content stops the start with the AWS error", async () => {
  await assert.rejects(
    startTestServer({ resources: { schemas: { registries: [{ name: "r", schemas: [{ name: "s", type: "OpenApi3", content: "nope" }] }] } } }),
    /BadRequestException/,
  );
});
