// Two nodes on one PostgreSQL database (racing nodes): API destination deliveries written by PutEvents on either node
// are claimed under a lease (FOR UPDATE SKIP LOCKED), so every event reaches the endpoint exactly once; a bus policy
// changed on one node is seen by a PutEvents on the other. PostgreSQL only (SQLite is one process per file).
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  CreateApiDestinationCommand, CreateConnectionCommand, EventBridgeClient, PutEventsCommand, PutPermissionCommand, PutRuleCommand, PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import type { Mailroom } from "../../../src/index.ts";
import { startTestServer, TEST_BACKEND } from "../../helpers/server.ts";

const skip = TEST_BACKEND !== "postgres" ? "PostgreSQL only (MAILROOM_TEST_BACKEND=postgres)" : undefined;
let a: Mailroom | undefined;
let b: Mailroom | undefined;
let ebA: EventBridgeClient;
let ebB: EventBridgeClient;
let bobB: EventBridgeClient;
const ALICE = { accessKeyId: "AKIDALICE", secretAccessKey: "alice-secret", accountId: "111111111111" };
const BOB = { accessKeyId: "AKIDBOB", secretAccessKey: "bob-secret", accountId: "222222222222" };
const seen: string[] = [];
let endpoint = "";
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    seen.push(JSON.parse(Buffer.concat(chunks).toString("utf8")).id);
    res.writeHead(200);
    res.end();
  });
});

before(async () => {
  if (skip) return;
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // The same dataDir gives both nodes the same PostgreSQL database (test/helpers/server.ts).
  const dir = mkdtempSync(join(tmpdir(), "mailroom-eb-cluster-"));
  a = await startTestServer({ dataDir: dir, accessKeys: [ALICE, BOB] });
  b = await startTestServer({ dataDir: dir, accessKeys: [ALICE, BOB] });
  const client = (s: Mailroom, creds: typeof ALICE) => new EventBridgeClient({ endpoint: s.endpoint, region: "us-east-1", credentials: creds, maxAttempts: 1 });
  ebA = client(a, ALICE);
  ebB = client(b, ALICE);
  bobB = client(b, BOB);
});
after(async () => {
  if (skip) return;
  for (const c of [ebA, ebB, bobB]) c.destroy();
  await a?.close();
  await b?.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

test("events put on both nodes reach an API destination exactly once each", { skip }, async () => {
  const { ConnectionArn } = await ebA.send(new CreateConnectionCommand({ Name: "cl", AuthorizationType: "API_KEY", AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "k", ApiKeyValue: "v" } } }));
  const { ApiDestinationArn } = await ebA.send(new CreateApiDestinationCommand({ Name: "cl", ConnectionArn, InvocationEndpoint: `${endpoint}/in`, HttpMethod: "POST" }));
  await ebA.send(new PutRuleCommand({ Name: "cl", EventPattern: JSON.stringify({ source: ["cluster"] }) }));
  await ebA.send(new PutTargetsCommand({ Rule: "cl", Targets: [{ Id: "api", Arn: ApiDestinationArn }] }));
  const ids: string[] = [];
  await Promise.all([ebA, ebB].flatMap((c) => Array.from({ length: 3 }, async () => {
    const r = await c.send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, () => ({ Source: "cluster", DetailType: "d", Detail: "{}" })) }));
    ids.push(...r.Entries!.map((e) => e.EventId!));
  })));
  for (let i = 0; i < 1000 && seen.length < ids.length; i++) await new Promise((r) => setTimeout(r, 10));
  // Lease and poll windows pass without a second delivery of any of them.
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(seen.length, 60);
  assert.deepEqual([...seen].sort(), [...ids].sort());
});

test("a bus policy written on one node lets another account's PutEvents through on the other", { skip }, async () => {
  const send = () => bobB.send(new PutEventsCommand({ Entries: [{ Source: "bob", DetailType: "d", Detail: "{}", EventBusName: "arn:aws:events:us-east-1:111111111111:event-bus/default" }] }));
  assert.equal((await send()).Entries![0].ErrorCode, "AccessDeniedException");
  await ebA.send(new PutPermissionCommand({ Action: "events:PutEvents", Principal: BOB.accountId, StatementId: "bob" }));
  assert.equal((await send()).FailedEntryCount, 0);
});
