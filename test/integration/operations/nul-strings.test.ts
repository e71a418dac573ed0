// U+0000 in members AWS accepts as any string: SQLite stores it; PostgreSQL's text and jsonb cannot, and there the
// answer is the service's validation error (400), never a 500 (ADR 0038). Real SDK clients, both backends.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CreateEventBusCommand, DescribeEventBusCommand, EventBridgeClient, PutRuleCommand } from "@aws-sdk/client-eventbridge";
import { CreateRegistryCommand, SchemasClient } from "@aws-sdk/client-schemas";
import { TEST_BACKEND, TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";

const { server } = useTestServer();
const config = () => ({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
const NUL = "before\u0000after";

/** The call succeeds on SQLite; on PostgreSQL it is refused with the service's 400 validation error. */
async function storedOrRefused(send: () => Promise<unknown>, code: string): Promise<boolean> {
  try {
    await send();
  } catch (e) {
    const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(TEST_BACKEND, "postgres", `refused on SQLite: ${err.name}`);
    assert.equal(err.$metadata?.httpStatusCode, 400, `${err.name} answered ${err.$metadata?.httpStatusCode}`);
    assert.equal(err.name, code);
    return false;
  }
  assert.equal(TEST_BACKEND, "sqlite", "PostgreSQL stored U+0000 in text: this test should learn which column");
  return true;
}

test("EventBridge descriptions with U+0000", async () => {
  const eb = new EventBridgeClient(config());
  await storedOrRefused(() => eb.send(new PutRuleCommand({ Name: "nul-rule", Description: NUL, EventPattern: '{"source":["a"]}' })), "ValidationException");
  if (await storedOrRefused(() => eb.send(new CreateEventBusCommand({ Name: "nul-bus", Description: NUL })), "ValidationException")) {
    assert.equal((await eb.send(new DescribeEventBusCommand({ Name: "nul-bus" }))).Description, NUL);
  }
});

test("a CloudWatch metric name with U+0000 (query protocol)", async () => {
  const cw = new CloudWatchClient(config());
  await storedOrRefused(() => cw.send(new PutMetricDataCommand({ Namespace: "Nul", MetricData: [{ MetricName: NUL, Value: 1 }] })), "InvalidParameterValueException");
});

test("a Schemas registry description with U+0000 (REST-JSON)", async () => {
  const schemas = new SchemasClient(config());
  await storedOrRefused(() => schemas.send(new CreateRegistryCommand({ RegistryName: "nul-registry", Description: NUL })), "BadRequestException");
});
