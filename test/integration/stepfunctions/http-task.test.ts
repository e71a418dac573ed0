// The HTTP Task (arn:aws:states:::http:invoke) end to end with the official clients: an EventBridge connection made
// with CreateConnection authorizes a Task state's request (Basic credentials and invocation parameters; an OAuth
// client-credentials token fetched once and cached, the connection then AUTHORIZED), the result as the state's
// output, a non-2xx answer as States.Http.StatusCode.<code> caught by a Catch-less task (the execution fails with it),
// and a deauthorized or deleted connection as Events.ConnectionResource.<reason>.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { CreateConnectionCommand, DeauthorizeConnectionCommand, DescribeConnectionCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand, StartSyncExecutionCommand } from "@aws-sdk/client-sfn";
import { TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";
import { def, ROLE, waitFor } from "./helpers.ts";

const { server } = useTestServer();
let ebc: EventBridgeClient | undefined;
const eb = () => (ebc ??= new EventBridgeClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 }));
let sfnc: SFNClient | undefined;
const sfn = () => (sfnc ??= new SFNClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1, disableHostPrefix: true }));

interface Hit { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }
const hits: Hit[] = [];
const tokens: Hit[] = [];
let endpoint = "";
const api = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const hit = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
    if (req.url?.startsWith("/token")) {
      tokens.push(hit);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ access_token: `tok-${tokens.length}`, expires_in: 3600 }));
      return;
    }
    hits.push(hit);
    if (req.url?.startsWith("/missing")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "no such order" }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ received: hit.body === "" ? null : JSON.parse(hit.body), path: req.url }));
  });
});
before(async () => {
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => {
  api.closeAllConnections();
  api.close(() => r());
}));

let n = 0;
async function run(task: Record<string, unknown>, input: unknown = {}) {
  const { stateMachineArn } = await sfn().send(new CreateStateMachineCommand({
    name: `http-${++n}`, roleArn: ROLE, type: "EXPRESS", definition: def({ Call: { Type: "Task", Resource: "arn:aws:states:::http:invoke", End: true, ...task } }),
  }));
  return sfn().send(new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
}

test("a Basic connection authorizes the Task's request; its parameters join the task's; the result is the output", async () => {
  const { ConnectionArn } = await eb().send(new CreateConnectionCommand({
    Name: "basic", AuthorizationType: "BASIC",
    AuthParameters: {
      BasicAuthParameters: { Username: "user", Password: "secret" },
      InvocationHttpParameters: { HeaderParameters: [{ Key: "x-tenant", Value: "t1" }], QueryStringParameters: [{ Key: "v", Value: "2" }], BodyParameters: [{ Key: "source", Value: "mailroom" }] },
    },
  }));
  const r = await run({
    Parameters: {
      ApiEndpoint: `${endpoint}/orders`, Method: "POST", Authentication: { ConnectionArn },
      Headers: { "x-request": "r" }, QueryParameters: { "id.$": "$.id" }, "RequestBody.$": "$.order",
    },
    ResultSelector: { "code.$": "$.StatusCode", "body.$": "$.ResponseBody" },
  }, { id: "o-7", order: { items: 2 } });
  assert.equal(r.status, "SUCCEEDED", r.cause);
  const out = JSON.parse(r.output!);
  assert.equal(out.code, 200);
  assert.deepEqual(out.body.received, { items: 2, source: "mailroom" });
  const h = hits[hits.length - 1];
  assert.equal(h.headers.authorization, `Basic ${Buffer.from("user:secret").toString("base64")}`);
  assert.equal(h.headers["x-tenant"], "t1");
  assert.equal(h.headers["x-request"], "r");
  assert.deepEqual([...new URL(h.url, endpoint).searchParams], [["id", "o-7"], ["v", "2"]]);
});

test("an OAuth connection: the token is fetched once and cached, and the connection becomes AUTHORIZED", async () => {
  const { ConnectionArn, ConnectionState } = await eb().send(new CreateConnectionCommand({
    Name: "oauth", AuthorizationType: "OAUTH_CLIENT_CREDENTIALS",
    AuthParameters: { OAuthParameters: { ClientParameters: { ClientID: "cid", ClientSecret: "cs" }, AuthorizationEndpoint: `${endpoint}/token`, HttpMethod: "POST" } },
  }));
  assert.equal(ConnectionState, "AUTHORIZING");
  const task = { Parameters: { ApiEndpoint: `${endpoint}/ping`, Method: "GET", Authentication: { ConnectionArn } } };
  const before = tokens.length;
  for (let i = 0; i < 2; i++) {
    const r = await run(task);
    assert.equal(r.status, "SUCCEEDED", r.cause);
    assert.equal(hits[hits.length - 1].headers.authorization, `Bearer tok-${before + 1}`);
  }
  assert.equal(tokens.length, before + 1);
  assert.equal((await eb().send(new DescribeConnectionCommand({ Name: "oauth" }))).ConnectionState, "AUTHORIZED");
});

test("a 404 fails the execution with States.Http.StatusCode.404; a STANDARD run too", async () => {
  const { ConnectionArn } = await eb().send(new CreateConnectionCommand({ Name: "key", AuthorizationType: "API_KEY", AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "x-api-key", ApiKeyValue: "k" } } }));
  const task = { Parameters: { ApiEndpoint: `${endpoint}/missing`, Method: "GET", Authentication: { ConnectionArn } } };
  const r = await run(task);
  assert.equal(r.status, "FAILED");
  assert.equal(r.error, "States.Http.StatusCode.404");
  assert.deepEqual(JSON.parse(r.cause!).ResponseBody, { error: "no such order" });
  assert.equal(hits[hits.length - 1].headers["x-api-key"], "k");
  const { stateMachineArn } = await sfn().send(new CreateStateMachineCommand({
    name: "http-standard", roleArn: ROLE, definition: def({ Call: { Type: "Task", Resource: "arn:aws:states:::http:invoke", End: true, ...task } }),
  }));
  const { executionArn } = await sfn().send(new StartExecutionCommand({ stateMachineArn }));
  const d = await waitFor(sfn(), executionArn!);
  assert.equal(d.status, "FAILED");
  assert.equal(d.error, "States.Http.StatusCode.404");
});

test("a deauthorized or unknown connection fails with Events.ConnectionResource.<reason>", async () => {
  const { ConnectionArn } = await eb().send(new CreateConnectionCommand({ Name: "gone", AuthorizationType: "API_KEY", AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "k", ApiKeyValue: "v" } } }));
  await eb().send(new DeauthorizeConnectionCommand({ Name: "gone" }));
  const before = hits.length;
  const r = await run({ Parameters: { ApiEndpoint: `${endpoint}/x`, Method: "GET", Authentication: { ConnectionArn } } });
  assert.equal(r.error, "Events.ConnectionResource.InvalidConnectionState");
  const unknown = await run({ Parameters: { ApiEndpoint: `${endpoint}/x`, Method: "GET", Authentication: { ConnectionArn: "arn:aws:events:us-east-1:000000000000:connection/none/00000000-0000-0000-0000-000000000000" } } });
  assert.equal(unknown.error, "Events.ConnectionResource.ResourceNotFound");
  // Another account's connection is not used.
  const other = await run({ Parameters: { ApiEndpoint: `${endpoint}/x`, Method: "GET", Authentication: { ConnectionArn: ConnectionArn!.replace(":000000000000:", ":111111111111:") } } });
  assert.equal(other.error, "Events.ConnectionResource.AccessDenied");
  assert.equal(hits.length, before, "no request was sent");
});
