// The HTTP Task through the TaskResources.invoke contract against a local HTTP server: the request as sent (method,
// URL with query parameters, headers, connection parameters and authorization merged in, JSON and URL-encoded bodies
// with each array format), the result's shape, States.Http.StatusCode.<code> for non-2xx answers, the connection's
// failures, and the probes: an oversized answer, a slow endpoint, reserved headers, a deep body.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { ManualClock } from "../../../engine/clock.ts";
import type { Json } from "../domain/definition.ts";
import type { TaskCall } from "../domain/tasks.ts";
import { invokeHttp, urlEncode, type ConnectionAuth } from "./http.ts";
import { createTaskResources } from "./resources.ts";

interface Hit { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }
const hits: Hit[] = [];
let base = "";
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    hits.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    if (req.url?.startsWith("/slow")) return; // never answers
    if (req.url?.startsWith("/big")) {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("x".repeat(300_000));
      return;
    }
    if (req.url?.startsWith("/image")) {
      res.writeHead(200, { "content-type": "image/png" });
      res.end("png");
      return;
    }
    if (req.url?.startsWith("/fail")) {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "down" }));
      return;
    }
    if (req.url?.startsWith("/text")) {
      res.writeHead(200, { "content-type": "text/plain", "set-cookie": ["a=1", "b=2"] });
      res.end("plain");
      return;
    }
    res.writeHead(201, { "content-type": "application/json; charset=utf-8", "x-one": "1" });
    res.end(JSON.stringify({ ok: true }));
  });
});
before(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => {
  server.closeAllConnections();
  server.close(() => r());
}));

const CONN = "arn:aws:events:us-east-1:000000000000:connection/c/11111111-2222-3333-4444-555555555555";
let dropped = 0;
const connectionAuth: ConnectionAuth = async (arn, caller) => {
  if (arn !== CONN) return { code: "ResourceNotFound", message: `Connection ${arn} does not exist.` };
  assert.deepEqual(caller, { account: "000000000000", region: "us-east-1" });
  return {
    headers: { authorization: "Basic dTpw", "x-conn": "c", "x-both": "from-connection" },
    query: [["ck", "cv"]], body: [["cb", "bv"]],
    unauthorized: () => dropped++,
  };
};
const resources = createTaskResources({
  services: { states: async () => ({}) }, clock: new ManualClock(0), baseUrl: () => "", lambdaFunctions: {}, connectionAuth,
  startChild: async () => ({ executionArn: "" }),
});
const call = (parameters: Json, pattern: TaskCall["pattern"] = "request-response"): TaskCall => ({
  resource: "arn:aws:states:::http:invoke", pattern, parameters, executionArn: "arn:aws:states:us-east-1:000000000000:execution:m:e",
  stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:m", stateName: "Call", account: "000000000000", region: "us-east-1",
});
const params = (extra: Record<string, Json> = {}): Json => ({ ApiEndpoint: `${base}/api`, Method: "POST", Authentication: { ConnectionArn: CONN }, ...extra });

test("a POST with headers, query parameters and a JSON body, merged with the connection's; the result's shape", async () => {
  const before = hits.length;
  const out = await resources.invoke(call(params({
    Headers: { "x-task": "t", "X-Both": "from-task", "Content-Type": "application/json" },
    QueryParameters: { q: "1", list: ["a", "b"] },
    RequestBody: { order: 7, nested: { a: [1, 2] } },
  })));
  assert.equal(out.type, "succeeded");
  const o = (out as { output: Record<string, Json> }).output;
  assert.equal(o.StatusCode, 201);
  assert.equal(o.StatusText, "Created");
  assert.deepEqual(o.ResponseBody, { ok: true });
  assert.deepEqual((o.Headers as Record<string, Json>)["x-one"], ["1"]);
  const h = hits[before];
  assert.equal(h.method, "POST");
  const u = new URL(h.url, base);
  assert.equal(u.pathname, "/api");
  assert.deepEqual([...u.searchParams], [["q", "1"], ["list", "a"], ["list", "b"], ["ck", "cv"]]);
  assert.equal(h.headers.authorization, "Basic dTpw");
  assert.equal(h.headers["x-task"], "t");
  assert.equal(h.headers["x-conn"], "c");
  assert.equal(h.headers["x-both"], "from-connection");
  assert.equal(h.headers["user-agent"], "Amazon|StepFunctions|HttpInvoke|us-east-1");
  assert.equal(h.headers.range, "bytes=0-262144");
  assert.deepEqual(JSON.parse(h.body), { order: 7, nested: { a: [1, 2] }, cb: "bv" });
});

test("URL_ENCODED bodies in each array format", async () => {
  const body = { array: ["a", "b"], n: 1, o: { k: "v w" } };
  assert.equal(urlEncode(body), "array%5B0%5D=a&array%5B1%5D=b&n=1&o%5Bk%5D=v%20w");
  assert.equal(urlEncode(body, "REPEAT"), "array=a&array=b&n=1&o%5Bk%5D=v%20w");
  assert.equal(urlEncode(body, "COMMAS"), "array=a%2Cb&n=1&o%5Bk%5D=v%20w");
  assert.equal(urlEncode(body, "BRACKETS"), "array%5B%5D=a&array%5B%5D=b&n=1&o%5Bk%5D=v%20w");
  const before = hits.length;
  const out = await resources.invoke(call(params({ RequestBody: { array: ["x", "y"] }, Transform: { RequestBodyEncoding: "URL_ENCODED", RequestEncodingOptions: { ArrayFormat: "BRACKETS" } } })));
  assert.equal(out.type, "succeeded");
  assert.equal(hits[before].headers["content-type"], "application/x-www-form-urlencoded");
  assert.equal(hits[before].body, "array%5B%5D=x&array%5B%5D=y&cb=bv");
});

test("a non-2xx answer fails with States.Http.StatusCode.<code>; text answers stay text, cookies a list", async () => {
  const failed = await resources.invoke(call(params({ ApiEndpoint: `${base}/fail` })));
  assert.equal(failed.type, "failed");
  const f = failed as { error: string; cause: string };
  assert.equal(f.error, "States.Http.StatusCode.503");
  assert.deepEqual(JSON.parse(f.cause).ResponseBody, { message: "down" });
  const text = await resources.invoke(call({ ApiEndpoint: `${base}/text`, Method: "GET", Authentication: { ConnectionArn: CONN } }));
  const o = (text as { output: Record<string, Json> }).output;
  assert.equal(o.ResponseBody, "plain");
  assert.deepEqual((o.Headers as Record<string, Json>)["set-cookie"], ["a=1", "b=2"]);
});

test("bad parameters, an unknown connection and patterns other than request-response fail the task", async () => {
  const fails = async (p: Json, error: RegExp, pattern: TaskCall["pattern"] = "request-response") => {
    const out = await resources.invoke(call(p, pattern));
    assert.equal(out.type, "failed", JSON.stringify(p));
    assert.match((out as { error: string }).error, error);
  };
  await fails(params({ ApiEndpoint: "not a url" }), /^States\.Runtime$/);
  await fails(params({ ApiEndpoint: "ftp://x/y" }), /^States\.Runtime$/);
  await fails(params({ Method: "TRACE" }), /^States\.Runtime$/);
  await fails({ ApiEndpoint: `${base}/api`, Method: "GET" }, /^States\.Runtime$/);
  await fails(params({ Authentication: { ConnectionArn: "arn:aws:events:us-east-1:000000000000:connection/other/x" } }), /^Events\.ConnectionResource\.ResourceNotFound$/);
  await fails(params({ Headers: { Authorization: "Bearer mine" } }), /^States\.Runtime$/);
  await fails(params({ Headers: { "x-amz-date": "x" } }), /^States\.Runtime$/);
  await fails(params({ Headers: { "x-a": "line\r\nInjected: 1" } }), /^States\.Runtime$/);
  await fails(params({ Method: "GET", RequestBody: { a: 1 } }), /^States\.Runtime$/);
  await fails(params({ Transform: { RequestBodyEncoding: "GZIP" } }), /^States\.Runtime$/);
  await fails(params({ RequestBody: "text", Transform: { RequestBodyEncoding: "URL_ENCODED" } }), /^States\.Runtime$/);
  await fails(params(), /^States\.Runtime$/, "waitForTaskToken");
});

test("probes: an answer over 256 KiB, a binary answer, a slow endpoint, a 401 drops the token, a deep body", async () => {
  const big = await resources.invoke(call(params({ ApiEndpoint: `${base}/big` })));
  assert.equal((big as { error: string }).error, "States.DataLimitExceeded");
  const image = await resources.invoke(call(params({ ApiEndpoint: `${base}/image` })));
  assert.equal((image as { error: string }).error, "States.Runtime");
  const slow = await invokeHttp(connectionAuth, call(params({ ApiEndpoint: `${base}/slow` })), { timeoutMs: 200 });
  assert.equal((slow as { error: string }).error, "States.Http.Socket");
  const refused = await resources.invoke(call(params({ ApiEndpoint: "http://127.0.0.1:1/" })));
  assert.equal((refused as { error: string }).error, "States.Http.Socket");
  let deep: Json = "leaf";
  for (let i = 0; i < 10_000; i++) deep = { d: deep };
  // A body nested past what can be encoded fails the task (never a crash of the runner).
  const encoded = await resources.invoke(call(params({ RequestBody: deep as Record<string, Json>, Transform: { RequestBodyEncoding: "URL_ENCODED" } })));
  assert.equal((encoded as { error: string }).error, "States.Runtime");
  const json = await resources.invoke(call(params({ RequestBody: deep as Record<string, Json> })));
  assert.equal((json as { error: string }).error, "States.Runtime");
  const unauthorized: ConnectionAuth = async () => ({ headers: {}, query: [], body: [], unauthorized: () => dropped++ });
  const s401 = http.createServer((_q, r) => {
    r.writeHead(401);
    r.end();
  });
  await new Promise<void>((r) => s401.listen(0, "127.0.0.1", r));
  const before = dropped;
  const out = await invokeHttp(unauthorized, call(params({ ApiEndpoint: `http://127.0.0.1:${(s401.address() as AddressInfo).port}/` })));
  await new Promise<void>((r) => s401.close(() => r()));
  assert.equal((out as { error: string }).error, "States.Http.StatusCode.401");
  assert.equal(dropped, before + 1);
});
