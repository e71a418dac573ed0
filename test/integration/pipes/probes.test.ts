// Hostile and malformed requests to the Pipes API, raw over HTTP (what an SDK would not send): each answers AWS's
// error in the REST-JSON envelope (x-amzn-errortype, a JSON message), never a 500, a hang or a stored pipe.
import assert from "node:assert/strict";
import { test } from "node:test";
import { useTestServer } from "../../helpers/server.ts";

const { server } = useTestServer();
const AUTH = { authorization: "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/pipes/aws4_request, SignedHeaders=host, Signature=00" };
const ACCOUNT = "000000000000";
const valid = {
  Source: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`, Target: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`, RoleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
};

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; type: string | null; message: string }> {
  const r = await fetch(server.endpoint + path, {
    method, headers: { ...AUTH, "content-type": "application/json" }, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let message = "";
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? "";
  } catch {
    message = text;
  }
  return { status: r.status, type: r.headers.get("x-amzn-errortype"), message };
}

test("malformed bodies and paths", async () => {
  assert.deepEqual((await call("POST", "/v1/pipes/p", "{")).type, "SerializationException");
  assert.deepEqual((await call("POST", "/v1/pipes/p", "[]")).type, "SerializationException");
  assert.deepEqual((await call("POST", "/v1/pipes/p", "\"x\"")).type, "SerializationException");
  assert.equal((await call("GET", "/v1/pipes/%ZZ")).type, "SerializationException");
  const wrongType = await call("POST", "/v1/pipes/p", { ...valid, Source: 5 });
  assert.equal(wrongType.type, "ValidationException");
  assert.match(wrongType.message, /source/);
  const deep = await call("POST", "/v1/pipes/p", `{"SourceParameters":${"[".repeat(200)}${"]".repeat(200)}}`);
  assert.ok(deep.status === 400, `deep nesting answered ${deep.status}`);
});

test("limits of the model: names, lists, maps, numbers, enums, patterns", async () => {
  const cases: [string, unknown, RegExp][] = [
    ["/v1/pipes/" + "a".repeat(65), valid, /length less than or equal to 64/],
    ["/v1/pipes/p", { ...valid, SourceParameters: { FilterCriteria: { Filters: Array(6).fill({ Pattern: "{}" }) } } }, /length less than or equal to 5/],
    ["/v1/pipes/p", { ...valid, Tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) }, /length less than or equal to 50/],
    ["/v1/pipes/p", { ...valid, SourceParameters: { SqsQueueParameters: { MaximumBatchingWindowInSeconds: 301 } } }, /less than or equal to 300/],
    ["/v1/pipes/p", { ...valid, DesiredState: "DELETED" }, /enum value set: \[RUNNING, STOPPED\]/],
    ["/v1/pipes/p", { ...valid, RoleArn: "arn:aws:iam::1:role/r" }, /regular expression pattern/],
    ["/v1/pipes/p", { ...valid, Description: "d".repeat(513) }, /length less than or equal to 512/],
    ["/v1/pipes/p", { ...valid, TargetParameters: { InputTemplate: "x".repeat(8193) } }, /length less than or equal to 8192/],
    ["/v1/pipes/p", { ...valid, SourceParameters: { FilterCriteria: { Filters: [{ Pattern: "{".repeat(4097) }] } } }, /length less than or equal to 4096/],
    ["/v1/pipes/p", { ...valid, SourceParameters: { FilterCriteria: { Filters: [{ Pattern: `${'{"a":'.repeat(40)}[1]${"}".repeat(40)}` }] } } }, /FilterCriteria/],
  ];
  for (const [path, body, message] of cases) {
    const r = await call("POST", path, body);
    assert.equal(r.status, 400, `${path} ${JSON.stringify(body).slice(0, 80)} → ${r.status} ${r.message}`);
    assert.equal(r.type, "ValidationException");
    assert.match(r.message, message);
  }
  // None of them was stored.
  const list = await fetch(`${server.endpoint}/v1/pipes`, { headers: AUTH });
  assert.deepEqual((await list.json()).Pipes, []);
});

test("features of the model Mailroom does not carry out are refused, never stored", async () => {
  const refused: unknown[] = [
    { ...valid, LogConfiguration: { Level: "INFO" } },
    { ...valid, SourceParameters: { DynamoDBStreamParameters: { StartingPosition: "LATEST" } } },
    { ...valid, TargetParameters: { EcsTaskParameters: { TaskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/t" } } },
    { ...valid, Enrichment: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f` },
    { ...valid, Source: `arn:aws:sqs:eu-west-1:${ACCOUNT}:q` },
    { ...valid, Source: "smk://broker.example:9092" },
    { ...valid, TargetParameters: { KinesisStreamParameters: { PartitionKey: "x" } } },
  ];
  for (const body of refused) {
    const r = await call("POST", "/v1/pipes/refused", body);
    assert.equal(r.type, "ValidationException", JSON.stringify(body));
  }
  assert.equal((await call("GET", "/v1/pipes/refused")).type, "NotFoundException");
});

test("tagging another account's or a malformed ARN", async () => {
  const r = await call("POST", `/tags/${encodeURIComponent("arn:aws:pipes:us-east-1:111111111111:pipe/x")}`, { tags: { a: "b" } });
  assert.equal(r.type, "ValidationException");
  const m = await call("GET", `/tags/${encodeURIComponent("arn:aws:sqs:us-east-1:000000000000:q")}`);
  assert.equal(m.type, "ValidationException");
});
