// Connections and API destinations with the official client, and real deliveries to a local HTTP endpoint under a
// ManualClock: Basic, API key and OAuth client-credentials authorization (token fetched once, cached until it
// expires), secrets never returned, HttpParameters and InputTransformer, retries with backoff, the dead-letter queue
// with EventBridge's attributes (after the last retry, and at once for errors AWS does not retry), the invocation
// rate limit, and a restart while a retry is pending.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  CreateApiDestinationCommand, CreateConnectionCommand, DeauthorizeConnectionCommand, DeleteApiDestinationCommand, DeleteConnectionCommand,
  DescribeApiDestinationCommand, DescribeConnectionCommand, EventBridgeClient, ListApiDestinationsCommand, ListConnectionsCommand,
  ListTargetsByRuleCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand, UpdateApiDestinationCommand, UpdateConnectionCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { startTestServer, TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 4, 17, 8, 0, 0));
const { server, sqs } = useTestServer({ clock });
const ACCOUNT = "000000000000";
let client: EventBridgeClient | undefined;
const eb = () => (client ??= new EventBridgeClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 }));

interface Hit { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }
const hits: Hit[] = [];
const tokens: Hit[] = [];
const slow: Hit[] = [];
/** Statuses the endpoint answers next (then 200), with a Retry-After header when given as [status, retryAfter]. */
const statuses: (number | [number, string])[] = [];
let endpoint = "";
let tokenCount = 0;
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const hit = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
    // A slow endpoint: never answers (the request is cut by EventBridge's 5-second timeout).
    if (req.url?.startsWith("/slow")) {
      slow.push(hit);
      return;
    }
    if (req.url?.startsWith("/token-fail")) {
      tokens.push(hit);
      res.writeHead(500);
      res.end();
      return;
    }
    if (req.url?.startsWith("/token")) {
      tokens.push(hit);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ access_token: `tok-${++tokenCount}`, token_type: "bearer", expires_in: 60 }));
      return;
    }
    hits.push(hit);
    const next = statuses.shift() ?? 200;
    if (Array.isArray(next)) res.writeHead(next[0], { "retry-after": next[1] });
    else res.writeHead(next);
    res.end();
  });
});
before(async () => {
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => {
  receiver.closeAllConnections();
  receiver.close(() => r());
}));

/** Waits (real time) until `n` requests arrived. */
async function waitHits(n: number, list = hits): Promise<Hit[]> {
  for (let i = 0; i < 500 && list.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(list.length >= n, `expected ${n} requests, got ${list.length}`);
  return list;
}
/**
 * Lets the delivery engine record a failed attempt's retry (or a throttled delivery's next second) before the clock
 * moves. The scheduler keeps one timer for all due work (a leased job ticks every second), so the retry's own timer
 * cannot be told apart in ManualClock.pending(); the write is a local commit, done well within this pause.
 */
async function recorded(): Promise<void> {
  await new Promise((r) => setTimeout(r, 400));
  assert.ok(clock.pending().length > 0, "the scheduler has a timer armed");
}
const quiet = () => new Promise((r) => setTimeout(r, 100));

let n = 0;
async function destination(auth: "BASIC" | "API_KEY" | "OAUTH_CLIENT_CREDENTIALS", extra: Record<string, unknown> = {}, path = "/hook/*") {
  const name = `c${++n}`;
  const AuthParameters = auth === "BASIC"
    ? { BasicAuthParameters: { Username: "user", Password: "pa ss" } }
    : auth === "API_KEY" ? { ApiKeyAuthParameters: { ApiKeyName: "x-api-key", ApiKeyValue: "secret-key" } }
    : { OAuthParameters: { ClientParameters: { ClientID: "cid", ClientSecret: "csecret" }, AuthorizationEndpoint: `${endpoint}/token`, HttpMethod: "POST" as const } };
  const { ConnectionArn } = await eb().send(new CreateConnectionCommand({ Name: name, AuthorizationType: auth, AuthParameters }));
  const { ApiDestinationArn } = await eb().send(new CreateApiDestinationCommand({
    Name: `d${n}`, ConnectionArn, InvocationEndpoint: `${endpoint}${path}`, HttpMethod: "POST", ...extra,
  }));
  return { name, ConnectionArn: ConnectionArn!, ApiDestinationArn: ApiDestinationArn!, destName: `d${n}` };
}
async function rule(name: string, targets: Record<string, unknown>[]) {
  await eb().send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: ["app"], detail: { rule: [name] } }) }));
  const r = await eb().send(new PutTargetsCommand({ Rule: name, Targets: targets as never }));
  assert.equal(r.FailedEntryCount, 0, JSON.stringify(r.FailedEntries));
}
const emit = (ruleName: string, extra: object = {}) =>
  eb().send(new PutEventsCommand({ Entries: [{ Source: "app", DetailType: "d", Detail: JSON.stringify({ rule: ruleName, ...extra }) }] }));
async function queue(name: string) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}` };
}

test("connections: secrets are write-only; update merges, deauthorize removes them, list filters by prefix and state", async () => {
  const basic = await eb().send(new CreateConnectionCommand({
    Name: "conn-basic", Description: "d", AuthorizationType: "BASIC",
    AuthParameters: {
      BasicAuthParameters: { Username: "u", Password: "p" },
      InvocationHttpParameters: { HeaderParameters: [{ Key: "x-open", Value: "v" }, { Key: "x-hidden", Value: "s", IsValueSecret: true }] },
    },
  }));
  assert.equal(basic.ConnectionState, "AUTHORIZED");
  assert.match(basic.ConnectionArn!, new RegExp(`^arn:aws:events:us-east-1:${ACCOUNT}:connection/conn-basic/[-0-9a-f]{36}$`));
  const d = await eb().send(new DescribeConnectionCommand({ Name: "conn-basic" }));
  assert.deepEqual(d.AuthParameters?.BasicAuthParameters, { Username: "u" });
  assert.deepEqual(d.AuthParameters?.InvocationHttpParameters?.HeaderParameters, [{ Key: "x-open", Value: "v" }, { Key: "x-hidden", IsValueSecret: true }]);
  assert.equal(d.Description, "d");
  assert.match(d.SecretArn!, /^arn:aws:secretsmanager:us-east-1:000000000000:secret:events!connection\/conn-basic\//);
  const key = await eb().send(new CreateConnectionCommand({ Name: "conn-key", AuthorizationType: "API_KEY", AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "k", ApiKeyValue: "v" } } }));
  assert.equal(key.ConnectionState, "AUTHORIZED");
  assert.deepEqual((await eb().send(new DescribeConnectionCommand({ Name: "conn-key" }))).AuthParameters?.ApiKeyAuthParameters, { ApiKeyName: "k" });
  const oauth = await eb().send(new CreateConnectionCommand({
    Name: "conn-oauth", AuthorizationType: "OAUTH_CLIENT_CREDENTIALS",
    AuthParameters: { OAuthParameters: { ClientParameters: { ClientID: "id", ClientSecret: "s" }, AuthorizationEndpoint: "https://auth.example/token", HttpMethod: "POST" } },
  }));
  assert.equal(oauth.ConnectionState, "AUTHORIZING");
  const od = await eb().send(new DescribeConnectionCommand({ Name: "conn-oauth" }));
  assert.deepEqual(od.AuthParameters?.OAuthParameters?.ClientParameters, { ClientID: "id" });
  assert.equal(JSON.stringify(od).includes('"s"'), false);
  await rejectsAws(eb().send(new CreateConnectionCommand({ Name: "conn-key", AuthorizationType: "API_KEY", AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "k", ApiKeyValue: "v" } } })), {
    name: "ResourceAlreadyExistsException", message: "Connection conn-key already exists.",
  });
  await rejectsAws(eb().send(new CreateConnectionCommand({ Name: "conn-bad", AuthorizationType: "BASIC", AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "k", ApiKeyValue: "v" } } })), { name: "ValidationException" });
  await rejectsAws(eb().send(new CreateConnectionCommand({ Name: "conn-bad", AuthorizationType: "BASIC", AuthParameters: { BasicAuthParameters: { Username: "a:b", Password: "p" } } })), { name: "ValidationException" });
  await rejectsAws(eb().send(new DescribeConnectionCommand({ Name: "nope" })), { name: "ResourceNotFoundException", message: "Failed to describe the connection(s). Connection 'nope' does not exist." });

  clock.advance(1000);
  const up = await eb().send(new UpdateConnectionCommand({ Name: "conn-basic", AuthParameters: { BasicAuthParameters: { Username: "u2" } } }));
  assert.equal(up.ConnectionState, "AUTHORIZED");
  assert.ok(up.LastModifiedTime!.getTime() > up.CreationTime!.getTime());
  assert.deepEqual((await eb().send(new DescribeConnectionCommand({ Name: "conn-basic" }))).AuthParameters?.BasicAuthParameters, { Username: "u2" });

  const de = await eb().send(new DeauthorizeConnectionCommand({ Name: "conn-key" }));
  assert.equal(de.ConnectionState, "DEAUTHORIZING");
  const after = await eb().send(new DescribeConnectionCommand({ Name: "conn-key" }));
  assert.equal(after.ConnectionState, "DEAUTHORIZED");
  assert.equal(after.AuthParameters, undefined);

  const listed = await eb().send(new ListConnectionsCommand({ NamePrefix: "conn-" }));
  assert.deepEqual(listed.Connections!.map((c) => [c.Name, c.ConnectionState, c.AuthorizationType]), [
    ["conn-basic", "AUTHORIZED", "BASIC"], ["conn-key", "DEAUTHORIZED", "API_KEY"], ["conn-oauth", "AUTHORIZING", "OAUTH_CLIENT_CREDENTIALS"],
  ]);
  assert.deepEqual((await eb().send(new ListConnectionsCommand({ NamePrefix: "conn-", ConnectionState: "DEAUTHORIZED" }))).Connections!.map((c) => c.Name), ["conn-key"]);
  const page = await eb().send(new ListConnectionsCommand({ NamePrefix: "conn-", Limit: 2 }));
  assert.equal(page.Connections!.length, 2);
  assert.deepEqual((await eb().send(new ListConnectionsCommand({ NamePrefix: "conn-", Limit: 2, NextToken: page.NextToken }))).Connections!.map((c) => c.Name), ["conn-oauth"]);
  const del = await eb().send(new DeleteConnectionCommand({ Name: "conn-oauth" }));
  assert.equal(del.ConnectionState, "DELETING");
  await rejectsAws(eb().send(new DeleteConnectionCommand({ Name: "conn-oauth" })), { name: "ResourceNotFoundException" });
});

test("API destinations: create needs an existing connection; describe, update, list by connection, delete", async () => {
  const { ConnectionArn } = await eb().send(new CreateConnectionCommand({ Name: "ad-conn", AuthorizationType: "API_KEY", AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "k", ApiKeyValue: "v" } } }));
  await rejectsAws(eb().send(new CreateApiDestinationCommand({
    Name: "ad", ConnectionArn: `arn:aws:events:us-east-1:${ACCOUNT}:connection/missing/6a6ba1c3-7d6f-4d4b-9d0c-8a3e3c0d0f00`, InvocationEndpoint: "https://x.example", HttpMethod: "POST",
  })), { name: "ResourceNotFoundException" });
  await rejectsAws(eb().send(new CreateApiDestinationCommand({ Name: "ad", ConnectionArn, InvocationEndpoint: "https://x.example", HttpMethod: "TRACE" as never })), { name: "ValidationException" });
  await rejectsAws(eb().send(new CreateApiDestinationCommand({ Name: "ad", ConnectionArn, InvocationEndpoint: "https://x.example", HttpMethod: "POST", InvocationRateLimitPerSecond: 0 })), { name: "ValidationException" });
  const c = await eb().send(new CreateApiDestinationCommand({ Name: "ad", ConnectionArn, InvocationEndpoint: "https://x.example/a", HttpMethod: "POST" }));
  assert.equal(c.ApiDestinationState, "ACTIVE");
  assert.match(c.ApiDestinationArn!, /^arn:aws:events:us-east-1:000000000000:api-destination\/ad\/[-0-9a-f]{36}$/);
  const d = await eb().send(new DescribeApiDestinationCommand({ Name: "ad" }));
  assert.deepEqual([d.ConnectionArn, d.InvocationEndpoint, d.HttpMethod, d.InvocationRateLimitPerSecond], [ConnectionArn, "https://x.example/a", "POST", 300]);
  await eb().send(new UpdateApiDestinationCommand({ Name: "ad", HttpMethod: "PUT", InvocationRateLimitPerSecond: 7 }));
  const u = await eb().send(new DescribeApiDestinationCommand({ Name: "ad" }));
  assert.deepEqual([u.InvocationEndpoint, u.HttpMethod, u.InvocationRateLimitPerSecond], ["https://x.example/a", "PUT", 7]);
  await eb().send(new CreateApiDestinationCommand({ Name: "ad-other", ConnectionArn: (await destination("BASIC")).ConnectionArn, InvocationEndpoint: "https://y.example", HttpMethod: "GET" }));
  assert.deepEqual((await eb().send(new ListApiDestinationsCommand({ ConnectionArn }))).ApiDestinations!.map((x) => x.Name), ["ad"]);
  assert.deepEqual((await eb().send(new ListApiDestinationsCommand({ NamePrefix: "ad" }))).ApiDestinations!.map((x) => x.Name), ["ad", "ad-other"]);
  await rejectsAws(eb().send(new CreateApiDestinationCommand({ Name: "ad", ConnectionArn, InvocationEndpoint: "https://x.example", HttpMethod: "POST" })), { name: "ResourceAlreadyExistsException" });
  await eb().send(new DeleteApiDestinationCommand({ Name: "ad" }));
  await rejectsAws(eb().send(new DescribeApiDestinationCommand({ Name: "ad" })), { name: "ResourceNotFoundException" });
});

test("a Basic-auth destination gets the transformed event with the connection's and the target's parameters", async () => {
  const d = await destination("BASIC");
  await eb().send(new UpdateConnectionCommand({
    Name: d.name,
    AuthParameters: { InvocationHttpParameters: { HeaderParameters: [{ Key: "x-conn", Value: "c" }, { Key: "x-both", Value: "conn" }], QueryStringParameters: [{ Key: "cq", Value: "1" }] } },
  }));
  await rule("basic", [{
    Id: "api", Arn: d.ApiDestinationArn,
    HttpParameters: { PathParameterValues: ["p 1"], HeaderParameters: { "x-target": "t", "x-both": "target" }, QueryStringParameters: { tq: "2", cq: "target" } },
    InputTransformer: { InputPathsMap: { v: "$.detail.v" }, InputTemplate: '{"value": <v>, "rule": "<aws.events.rule-name>"}' },
  }]);
  const listed = (await eb().send(new ListTargetsByRuleCommand({ Rule: "basic" }))).Targets![0];
  assert.deepEqual(listed.HttpParameters?.HeaderParameters, { "x-target": "t", "x-both": "target" });
  assert.equal(listed.InputTransformer?.InputPathsMap?.v, "$.detail.v");
  const before = hits.length;
  await emit("basic", { v: "hello" });
  const [h] = (await waitHits(before + 1)).slice(before);
  assert.equal(h.method, "POST");
  // Where the connection and the target name the same key, the connection's value wins (API reference, HttpParameters).
  assert.equal(h.url, "/hook/p%201?tq=2&cq=1");
  assert.equal(h.headers["x-both"], "conn");
  assert.equal(h.headers.authorization, `Basic ${Buffer.from("user:pa ss").toString("base64")}`);
  assert.equal(h.headers["x-conn"], "c");
  assert.equal(h.headers["x-target"], "t");
  assert.equal(h.headers["user-agent"], "Amazon/EventBridge/ApiDestinations");
  assert.equal(h.headers["content-type"], "application/json; charset=utf-8");
  assert.deepEqual(JSON.parse(h.body), { value: "hello", rule: "basic" });
});

test("an API-key destination and an OAuth one: the token is fetched once, cached until it expires, then fetched again", async () => {
  const k = await destination("API_KEY");
  await rule("apikey", [{ Id: "api", Arn: k.ApiDestinationArn }]);
  let before = hits.length;
  await emit("apikey");
  const [h] = (await waitHits(before + 1)).slice(before);
  assert.equal(h.headers["x-api-key"], "secret-key");
  assert.equal(JSON.parse(h.body).detail.rule, "apikey");

  const o = await destination("OAUTH_CLIENT_CREDENTIALS");
  await rule("oauth", [{ Id: "api", Arn: o.ApiDestinationArn }]);
  const t0 = tokens.length;
  before = hits.length;
  await emit("oauth", { n: 1 });
  await waitHits(before + 1);
  await emit("oauth", { n: 2 });
  await waitHits(before + 2);
  assert.equal(tokens.length, t0 + 1);
  const tok = tokens[t0];
  assert.equal(tok.method, "POST");
  assert.equal(tok.headers.authorization, `Basic ${Buffer.from("cid:csecret").toString("base64")}`);
  assert.equal(tok.body, "grant_type=client_credentials");
  const token = hits[before].headers.authorization;
  assert.match(token!, /^Bearer tok-\d+$/);
  assert.equal(hits[before + 1].headers.authorization, token);
  assert.equal((await eb().send(new DescribeConnectionCommand({ Name: o.name }))).ConnectionState, "AUTHORIZED");
  clock.advance(61_000);
  await emit("oauth", { n: 3 });
  await waitHits(before + 3);
  assert.equal(tokens.length, t0 + 2);
  assert.notEqual(hits[before + 2].headers.authorization, token);
});

test("an OAuth token endpoint that fails: the delivery fails (OAUTH_ERROR) and is dead-lettered; a type change takes new parameters", async () => {
  const dlq = await queue("oauth-dlq");
  const o = await destination("OAUTH_CLIENT_CREDENTIALS");
  await eb().send(new UpdateConnectionCommand({ Name: o.name, AuthParameters: { OAuthParameters: { AuthorizationEndpoint: `${endpoint}/token-fail` } } }));
  // The update kept the client credentials (only the endpoint changed).
  const desc = await eb().send(new DescribeConnectionCommand({ Name: o.name }));
  assert.deepEqual([desc.AuthParameters?.OAuthParameters?.ClientParameters?.ClientID, desc.AuthParameters?.OAuthParameters?.AuthorizationEndpoint], ["cid", `${endpoint}/token-fail`]);
  await rule("oauth-fail", [{ Id: "api", Arn: o.ApiDestinationArn, RetryPolicy: { MaximumRetryAttempts: 0 }, DeadLetterConfig: { Arn: dlq.arn } }]);
  const before = hits.length;
  await emit("oauth-fail");
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 5, MessageAttributeNames: ["All"] }));
  assert.equal(r.Messages![0].MessageAttributes!.ERROR_CODE.StringValue, "OAUTH_ERROR");
  assert.equal(hits.length, before);
  // Another authorization type needs all of its parameters; then deliveries use it.
  await rejectsAws(eb().send(new UpdateConnectionCommand({ Name: o.name, AuthorizationType: "API_KEY" })), { name: "ValidationException" });
  const up = await eb().send(new UpdateConnectionCommand({ Name: o.name, AuthorizationType: "API_KEY", AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "x-new", ApiKeyValue: "nv" } } }));
  assert.equal(up.ConnectionState, "AUTHORIZED");
  await emit("oauth-fail");
  const [h] = (await waitHits(before + 1)).slice(before);
  assert.equal(h.headers["x-new"], "nv");
  assert.equal(h.headers.authorization, undefined);
});

test("a failing destination is retried with backoff and gets the event on the third attempt", async () => {
  const d = await destination("BASIC");
  await rule("retry", [{ Id: "api", Arn: d.ApiDestinationArn }]);
  const before = hits.length;
  statuses.push(500, 503);
  await emit("retry");
  await waitHits(before + 1);
  // The first retry is due within 1 s (1 s base, up to half of it jitter), the second within 2 s.
  await recorded();
  clock.advance(1000);
  await waitHits(before + 2);
  await recorded();
  clock.advance(2000);
  await waitHits(before + 3);
  await quiet();
  assert.equal(hits.length, before + 3);
  assert.deepEqual(hits.slice(before).map((x) => JSON.parse(x.body).detail.rule), ["retry", "retry", "retry"]);
});

test("after MaximumRetryAttempts the event goes to the dead-letter queue with EventBridge's attributes; a 4xx goes at once", async () => {
  const dlq = await queue("api-dlq");
  const d = await destination("BASIC");
  await rule("dlq", [{ Id: "api", Arn: d.ApiDestinationArn, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 }, DeadLetterConfig: { Arn: dlq.arn } }]);
  const before = hits.length;
  statuses.push(500, 500, 500);
  await emit("dlq", { k: "v" });
  await waitHits(before + 1);
  await recorded();
  clock.advance(1000);
  await waitHits(before + 2);
  await recorded();
  clock.advance(2000);
  await waitHits(before + 3);
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 2, MessageAttributeNames: ["All"] }));
  const m = r.Messages![0];
  assert.equal(JSON.parse(m.Body!).detail.k, "v");
  const a = Object.fromEntries(Object.entries(m.MessageAttributes!).map(([k, v]) => [k, v.StringValue]));
  assert.equal(a.RULE_ARN, `arn:aws:events:us-east-1:${ACCOUNT}:rule/dlq`);
  assert.equal(a.TARGET_ARN, d.ApiDestinationArn);
  assert.equal(a.ERROR_CODE, "500");
  assert.equal(a.RETRY_ATTEMPTS, "2");
  assert.equal(a.EXHAUSTED_RETRY_CONDITION, "MaximumRetryAttempts");
  assert.match(a.ERROR_MESSAGE!, /500/);

  // A 400 is not retried (user guide, API destination error codes): straight to the DLQ, without EXHAUSTED_RETRY_CONDITION.
  statuses.push(400);
  await emit("dlq", { k: "bad" });
  await waitHits(before + 4);
  const r2 = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 2, MessageAttributeNames: ["All"] }));
  const a2 = r2.Messages![0].MessageAttributes!;
  assert.equal(a2.ERROR_CODE.StringValue, "400");
  assert.equal(a2.RETRY_ATTEMPTS.StringValue, "0");
  assert.equal(a2.EXHAUSTED_RETRY_CONDITION, undefined);
  await quiet();
  assert.equal(hits.length, before + 4);

  // A destination deleted meanwhile: NO_RESOURCE, not retried.
  await eb().send(new DeleteApiDestinationCommand({ Name: d.destName }));
  await emit("dlq", { k: "gone" });
  const r3 = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 2, MessageAttributeNames: ["All"] }));
  assert.equal(r3.Messages![0].MessageAttributes!.ERROR_CODE.StringValue, "NO_RESOURCE");
  assert.equal(JSON.parse(r3.Messages![0].Body!).detail.k, "gone");
});

test("probe: an endpoint that never answers is cut after 5 seconds (TIMEOUT) and, without retries left, dead-lettered", async () => {
  const dlq = await queue("slow-dlq");
  const d = await destination("API_KEY", {}, "/slow");
  await rule("slow", [{ Id: "api", Arn: d.ApiDestinationArn, RetryPolicy: { MaximumRetryAttempts: 0 }, DeadLetterConfig: { Arn: dlq.arn } }]);
  const started = Date.now();
  await emit("slow");
  await waitHits(1, slow);
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 10, MessageAttributeNames: ["All"] }));
  const a = r.Messages![0].MessageAttributes!;
  assert.equal(a.ERROR_CODE.StringValue, "TIMEOUT");
  assert.equal(a.EXHAUSTED_RETRY_CONDITION.StringValue, "MaximumRetryAttempts");
  assert.ok(Date.now() - started >= 4900, "cut after 5 s, not before");
});

test("a 429 with Retry-After waits that long before the retry; a negative Retry-After ends the retries", async () => {
  const dlq = await queue("ra-dlq");
  const d = await destination("API_KEY");
  await rule("ra", [{ Id: "api", Arn: d.ApiDestinationArn, DeadLetterConfig: { Arn: dlq.arn } }]);
  const before = hits.length;
  statuses.push([429, "10"]);
  await emit("ra");
  await waitHits(before + 1);
  await recorded();
  clock.advance(9000);
  await recorded();
  assert.equal(hits.length, before + 1);
  clock.advance(1000);
  await waitHits(before + 2);
  statuses.push([503, "-1"]);
  await emit("ra", { n: 2 });
  await waitHits(before + 3);
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 2, MessageAttributeNames: ["All"] }));
  const a = r.Messages![0].MessageAttributes!;
  assert.equal(a.ERROR_CODE.StringValue, "503");
  assert.equal(a.RETRY_ATTEMPTS.StringValue, "0");
});

test("InvocationRateLimitPerSecond: deliveries over the rate wait for the next second", async () => {
  const d = await destination("API_KEY", { InvocationRateLimitPerSecond: 2 });
  await rule("rate", [{ Id: "api", Arn: d.ApiDestinationArn }]);
  const before = hits.length;
  await eb().send(new PutEventsCommand({ Entries: Array.from({ length: 5 }, (_, i) => ({ Source: "app", DetailType: "d", Detail: JSON.stringify({ rule: "rate", i }) })) }));
  await waitHits(before + 2);
  await recorded();
  assert.equal(hits.length, before + 2);
  clock.advance(1000);
  await waitHits(before + 4);
  await recorded();
  assert.equal(hits.length, before + 4);
  clock.advance(1000);
  await waitHits(before + 5);
  assert.deepEqual(hits.slice(before).map((h) => JSON.parse(h.body).detail.i).sort(), [0, 1, 2, 3, 4]);
});

test("a retry pending across a restart of the server is made after it", async () => {
  const c = new ManualClock(Date.UTC(2026, 4, 18));
  const dir = mkdtempSync(join(tmpdir(), "mailroom-eb-"));
  let s: Mailroom | undefined = await startTestServer({ clock: c, dataDir: dir, memory: false });
  const local = () => new EventBridgeClient({ endpoint: s!.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  let e = local();
  try {
    const { ConnectionArn } = await e.send(new CreateConnectionCommand({ Name: "rs", AuthorizationType: "API_KEY", AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "k", ApiKeyValue: "v" } } }));
    const { ApiDestinationArn } = await e.send(new CreateApiDestinationCommand({ Name: "rs", ConnectionArn, InvocationEndpoint: `${endpoint}/restart`, HttpMethod: "POST" }));
    await e.send(new PutRuleCommand({ Name: "rs", EventPattern: JSON.stringify({ source: ["restart"] }) }));
    await e.send(new PutTargetsCommand({ Rule: "rs", Targets: [{ Id: "api", Arn: ApiDestinationArn }] }));
    const before = hits.length;
    statuses.push(500);
    await e.send(new PutEventsCommand({ Entries: [{ Source: "restart", DetailType: "d", Detail: "{}" }] }));
    await waitHits(before + 1);
    await new Promise((r) => setTimeout(r, 200));
    e.destroy();
    await s.close();
    s = await startTestServer({ clock: c, dataDir: dir, memory: false });
    e = local();
    c.advance(1000);
    await waitHits(before + 2);
    assert.deepEqual(hits.slice(before).map((h) => h.url), ["/restart", "/restart"]);
  } finally {
    e.destroy();
    await s?.close();
  }
});
