// Fuzz targets of issue 20, item 4, shared by the short run in `npm test` (test/reliability/fuzz.test.ts) and the
// long run (`npm run fuzz`, scripts/fuzz.ts). Each target is a fast-check property over mutated seeds or
// generated structures; it fails on a crash (an exception that is not the component's own refusal), an answer
// of 500, or a hang (an input taking over HANG_MS twice in a row, so one GC pause or a busy machine is not one).
import net from "node:net";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { CredentialStore } from "../src/auth/credentials.ts";
import { verifySigV4 } from "../src/auth/sigv4.ts";
import { signBackupRequest } from "../src/cli/backup.ts";
import { ManualClock } from "../src/engine/clock.ts";
import { startMailroom, type Mailroom } from "../src/index.ts";
import { AwsError } from "../src/protocol/errors.ts";
import { cloudwatchModel } from "../src/protocol/models/cloudwatch.gen.ts";
import { eventsModel } from "../src/protocol/models/events.gen.ts";
import { kinesisModel } from "../src/protocol/models/kinesis.gen.ts";
import { schedulerModel } from "../src/protocol/models/scheduler.gen.ts";
import { snsModel } from "../src/protocol/models/sns.gen.ts";
import { sqsModel } from "../src/protocol/models/sqs.gen.ts";
import { stepfunctionsModel } from "../src/protocol/models/stepfunctions.gen.ts";
import { compileEventPattern, matchesEvent, PatternError } from "../src/patterns/event-pattern.ts";
import { checkFilterPolicy, matchesAttributes, matchesBody } from "../src/patterns/filter-policy.ts";
import { createHandler, type Handler } from "../src/server/handler.ts";
import { validateDefinition } from "../src/services/stepfunctions/domain/definition.ts";
import { createLogger } from "../src/util/log.ts";
import { echoService } from "../test/protocol/harness.ts";

export const HANG_MS = 100;

export interface Target {
  name: string;
  /** The property; `numRuns` inputs. */
  property(): fc.IAsyncPropertyWithHooks<[unknown]> | fc.IAsyncProperty<[unknown]>;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
}

/** Runs `fn` timed; a run over HANG_MS is repeated once and fails when it is over again. */
async function timed(what: string, fn: () => unknown | Promise<unknown>): Promise<void> {
  let t = performance.now();
  await fn();
  if (performance.now() - t <= HANG_MS) return;
  t = performance.now();
  await fn();
  const ms = performance.now() - t;
  if (ms > HANG_MS) throw new Error(`hang: ${what} took ${ms.toFixed(0)} ms (over ${HANG_MS} ms twice)`);
}

// --- mutations ----------------------------------------------------------------------------------------------

const TOKENS = [
  "{", "}", "[", "]", '"', ":", ",", "\\", "\\u0000", "\\ud800", "%", "%ZZ", "%00", "%FF", "&", "=", ".1.", ".0.", ".99999999999.",
  "\r\n", "\r\n\r\n", "\n", "\u0000", "\uFFFF", "1e999", "-0", "NaN", "null", "true", "__proto__", "constructor", "prototype",
  "9".repeat(40), "[".repeat(200), "{\"a\":".repeat(150), "a".repeat(5000), "*".repeat(30), "Transfer-Encoding: chunked\r\n",
  "Content-Length: 99999999999\r\n", "Content-Length: -1\r\n", "Expect: 100-continue\r\n", "HTTP/1.0", "HTTP/2.0", " ",
];
const CBOR_TOKENS = [[0x9f], [0xbf], [0xff], [0xc1], [0xc2], [0xd8, 0x20], [0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0x5f], [0x7f], [0xf9, 0x7c, 0x00], [0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0], [0xa1, 0x60], [0x9b, 0, 0, 0, 1, 0, 0, 0, 0]];

type Mutation =
  | { k: "flip"; at: number; byte: number }
  | { k: "insert"; at: number; bytes: Uint8Array }
  | { k: "token"; at: number; token: number; cbor: boolean }
  | { k: "delete"; at: number; len: number }
  | { k: "repeat"; at: number; len: number; n: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ k: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ k: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ k: fc.constant("token" as const), at: fc.nat(), token: fc.nat(), cbor: fc.boolean() }),
  fc.record({ k: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ k: fc.constant("repeat" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 32 }), n: fc.integer({ min: 2, max: 200 }) }),
);
export const mutationsArb = fc.array(mutationArb, { minLength: 0, maxLength: 6 });

export function mutate(input: Buffer, muts: Mutation[]): Buffer {
  let b = input;
  for (const m of muts) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    switch (m.k) {
      case "flip":
        if (b.length > 0) {
          b = Buffer.from(b);
          b[at % b.length] = m.byte;
        }
        break;
      case "insert":
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength) as Buffer, b.subarray(at)]);
        break;
      case "token": {
        const t = m.cbor ? Buffer.from(CBOR_TOKENS[m.token % CBOR_TOKENS.length]) : Buffer.from(TOKENS[m.token % TOKENS.length], "utf8");
        b = Buffer.concat([b.subarray(0, at), t, b.subarray(at)]);
        break;
      }
      case "delete":
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
        break;
      case "repeat": {
        const piece = b.subarray(at, at + m.len);
        b = Buffer.concat([b.subarray(0, at), ...Array<Buffer>(m.n).fill(piece), b.subarray(at)]);
        break;
      }
    }
  }
  return b;
}

// --- seeds: valid requests of every codec -------------------------------------------------------------------

interface Seed {
  method: string;
  url: string;
  headers: [string, string][];
  body: Buffer;
}

const QURL = "http://localhost:4566/000000000000/q";
/** A CBOR map of text keys to text or byte values (RFC 8949), enough for the Kinesis seeds. */
function cborMap(m: Record<string, string | Buffer>): Buffer {
  const head = (major: number, n: number) => (n < 24 ? Buffer.from([(major << 5) | n]) : Buffer.from([(major << 5) | 25, n >> 8, n & 255]));
  const parts: Buffer[] = [head(5, Object.keys(m).length)];
  for (const [k, v] of Object.entries(m)) {
    parts.push(head(3, Buffer.byteLength(k)), Buffer.from(k));
    const bytes = Buffer.isBuffer(v) ? v : Buffer.from(v);
    parts.push(head(Buffer.isBuffer(v) ? 2 : 3, bytes.length), bytes);
  }
  return Buffer.concat(parts);
}
const json = (target: string, version: string, body: unknown): Seed => ({
  method: "POST", url: "/", headers: [["content-type", `application/x-amz-json-${version}`], ["x-amz-target", target]], body: Buffer.from(JSON.stringify(body)),
});
const form = (body: string): Seed => ({ method: "POST", url: "/", headers: [["content-type", "application/x-www-form-urlencoded"]], body: Buffer.from(body) });
const scoped = (s: Seed, service: string): Seed => ({
  ...s, headers: [...s.headers, ["authorization", `AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`]],
});

export const SEEDS: Seed[] = [
  scoped(form(`Action=SendMessage&QueueUrl=${encodeURIComponent(QURL)}&MessageBody=hi&MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v&DelaySeconds=0&Version=2012-11-05`), "sqs"),
  scoped(form(`Action=SendMessageBatch&QueueUrl=${encodeURIComponent(QURL)}&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=x&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=y`), "sqs"),
  json("AmazonSQS.SendMessage", "1.0", { QueueUrl: QURL, MessageBody: "hi", MessageAttributes: { a: { DataType: "Number", StringValue: "1.5" } }, MessageSystemAttributes: {} }),
  json("AmazonSQS.ReceiveMessage", "1.0", { QueueUrl: QURL, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ["All"], AttributeNames: ["All"] }),
  json("AmazonSQS.CreateQueue", "1.0", { QueueName: "q2", Attributes: { VisibilityTimeout: "30", RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:q","maxReceiveCount":"3"}' }, tags: { a: "b" } }),
  json("AmazonSQS.SetQueueAttributes", "1.0", { QueueUrl: QURL, Attributes: { Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}]}' } }),
  scoped(form("Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At&Message=hi&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=v"), "sns"),
  scoped(form(`Action=Subscribe&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At&Protocol=sqs&Endpoint=arn%3Aaws%3Asqs%3Aus-east-1%3A000000000000%3Aq&Attributes.entry.1.key=FilterPolicy&Attributes.entry.1.value=${encodeURIComponent('{"a":[{"prefix":"x"}]}')}`), "sns"),
  json("AWSEvents.PutEvents", "1.1", { Entries: [{ Source: "my.app", DetailType: "t", Detail: '{"a":1}', Time: 1765000000, Resources: ["arn:r"] }] }),
  json("AWSEvents.PutRule", "1.1", { Name: "r", EventPattern: '{"source":["my.app"],"detail":{"a":[{"numeric":[">",0]}]}}' }),
  json("Kinesis_20131202.PutRecord", "1.1", { StreamName: "s", Data: "AAEC", PartitionKey: "pk" }),
  { method: "POST", url: "/", headers: [["content-type", "application/x-amz-cbor-1.1"], ["x-amz-target", "Kinesis_20131202.PutRecord"]], body: cborMap({ StreamName: "s", Data: Buffer.from([0, 1, 2]), PartitionKey: "pk" }) },
  { method: "POST", url: "/", headers: [["content-type", "application/x-amz-cbor-1.1"], ["x-amz-target", "Kinesis_20131202.GetShardIterator"]], body: cborMap({ StreamName: "s", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }) },
  json("AWSStepFunctions.CreateStateMachine", "1.0", { name: "m", roleArn: "arn:aws:iam::000000000000:role/r", definition: '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}' }),
  json("AWSStepFunctions.StartExecution", "1.0", { stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:m", input: '{"a":1}' }),
  { method: "POST", url: "/schedules/s1", headers: [["content-type", "application/json"], ["authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/scheduler/aws4_request, SignedHeaders=host, Signature=00"]], body: Buffer.from('{"ScheduleExpression":"rate(1 minute)","FlexibleTimeWindow":{"Mode":"OFF"},"Target":{"Arn":"arn:a","RoleArn":"arn:r"}}') },
  { method: "GET", url: `/?Action=GetQueueAttributes&QueueUrl=${encodeURIComponent(QURL)}&AttributeName.1=All`, headers: [], body: Buffer.alloc(0) },
  // Smithy RPC v2 CBOR (CloudWatch) and a gzip-compressed body (the requestCompression trait).
  { method: "POST", url: "/service/GraniteServiceVersion20100801/operation/PutMetricData", headers: [["content-type", "application/cbor"], ["smithy-protocol", "rpc-v2-cbor"]], body: cborMap({ Namespace: "app" }) },
  { method: "POST", url: "/", headers: [["content-type", "application/x-amz-json-1.0"], ["x-amz-target", "GraniteServiceVersion20100801.PutMetricData"], ["content-encoding", "gzip"]], body: gzipSync(JSON.stringify({ Namespace: "app", MetricData: [{ MetricName: "m", Value: 1, Unit: "Count" }] })) },
];

interface RequestInput {
  seed: number;
  url: Mutation[];
  body: Mutation[];
  header: Mutation[];
  method: number;
}
const requestArb = fc.record({
  seed: fc.nat(), url: mutationsArb, body: mutationsArb, header: fc.array(mutationArb, { maxLength: 2 }), method: fc.nat(20),
});
const METHODS = ["POST", "GET", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"];

function buildRequest(r: RequestInput) {
  const s = SEEDS[r.seed % SEEDS.length];
  const method = r.method < METHODS.length ? METHODS[r.method] : s.method;
  const url = mutate(Buffer.from(s.url), r.url).toString("latin1");
  const headers = s.headers.map(([k, v], i) => [k, i === 0 ? mutate(Buffer.from(v), r.header).toString("latin1") : v] as [string, string]);
  return { method, url: url.startsWith("/") ? url : `/${url}`, headers, body: mutate(s.body, r.body) };
}

// --- targets ------------------------------------------------------------------------------------------------

/** The whole pipeline (detection, SigV4 scope, every codec's decode and readShape, encode) over echo services. */
function pipelineTarget(): Target {
  let handler: Handler;
  const services = [
    echoService(sqsModel, ["json", "query"], { jsonNamespace: "com.amazonaws.sqs", queryCompatible: true }),
    echoService(snsModel, ["query"]),
    echoService(eventsModel, ["json"]),
    echoService(kinesisModel, ["json", "cbor"]),
    echoService(stepfunctionsModel, ["json"], { signingName: "states", jsonNamespace: "com.amazonaws.sfn" }),
    echoService(schedulerModel, ["rest-json"]),
    echoService(cloudwatchModel, ["rpcv2-cbor", "json", "query"], { signingName: "monitoring", jsonNamespace: "com.amazonaws.cloudwatch", queryCompatible: true }),
  ];
  return {
    name: "codecs (query, JSON, CBOR, REST-JSON, RPC v2 CBOR, gzip pipeline)",
    async setup() {
      handler = createHandler({ services: services.map((s) => s.definition), credentials: new CredentialStore([]), clock: new ManualClock(Date.now()), log: createLogger("silent") });
    },
    property: () =>
      fc.asyncProperty(requestArb, async (r) => {
        const req = buildRequest(r);
        await timed("pipeline", async () => {
          const reply = await handler.wire({ method: req.method, url: req.url, rawHeaders: req.headers.flat(), body: req.body, encrypted: false, signal: () => new AbortController().signal });
          if (reply.status >= 500) throw new Error(`answered ${reply.status}: ${String(reply.body).slice(0, 300)}`);
        });
      }) as fc.IAsyncProperty<[unknown]>,
  };
}

/** Raw bytes into the HTTP/1.1 fast path of a real server (SQLite in memory, real services): no 500, never stuck. */
function http1Target(): Target {
  let server: Mailroom;
  let port = 0;
  const exchange = (bytes: Buffer) =>
    new Promise<string>((resolve, reject) => {
      const s = net.connect(port, "127.0.0.1");
      const chunks: Buffer[] = [];
      // The request is all there is: the client half-closes, so a server waiting for more bytes must give up.
      s.on("connect", () => s.end(bytes));
      s.on("data", (c) => chunks.push(c));
      s.on("error", () => {});
      s.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
      const t = setTimeout(() => {
        s.destroy();
        reject(new Error("hang: the server neither answered nor closed within 5 s of the client's end"));
      }, 5000);
      s.on("close", () => clearTimeout(t));
    });
  return {
    name: "HTTP/1.1 fast path (real server)",
    async setup() {
      server = await startMailroom({ port: 0, memory: true, logLevel: "silent" });
      port = server.port;
      await exchange(buildHttp(json("AmazonSQS.CreateQueue", "1.0", { QueueName: "q" })));
    },
    async teardown() {
      await server.close();
    },
    property: () =>
      fc.asyncProperty(requestArb, fc.array(mutationArb, { maxLength: 3 }), fc.boolean(), async (r, raw, twice) => {
        const req = buildRequest(r);
        const one = buildHttp({ ...req, url: req.url });
        const bytes = mutate(twice ? Buffer.concat([one, one]) : one, raw);
        const answer = await exchange(bytes);
        if (/^HTTP\/1\.1 5\d\d/m.test(answer) && !/^HTTP\/1\.1 503/m.test(answer)) throw new Error(`answered ${answer.slice(0, 300)}`);
        // The server still serves a valid request at once.
        await timed("http1 follow-up", async () => {
          const ok = await exchange(buildHttp(SEEDS[16]));
          if (!/^HTTP\/1\.1 200/.test(ok)) throw new Error(`follow-up answered ${ok.slice(0, 200)}`);
        });
      }) as unknown as fc.IAsyncProperty<[unknown]>,
  };
}

function buildHttp(s: { method: string; url: string; headers: [string, string][]; body: Buffer }): Buffer {
  const head = [`${s.method} ${s.url} HTTP/1.1`, "Host: localhost", ...s.headers.map(([k, v]) => `${k}: ${v}`), `Content-Length: ${s.body.length}`, "", ""].join("\r\n");
  return Buffer.concat([Buffer.from(head, "latin1"), s.body]);
}

/** SigV4 verification with keys configured: mutated Authorization headers, dates and presigned queries. */
function sigv4Target(): Target {
  const creds = new CredentialStore([{ accessKeyId: "AKIDFUZZ", secretAccessKey: "fuzz-secret", accountId: "000000000000" }]);
  const now = Date.now();
  const url = new URL("http://localhost:4566/_mailroom/backup");
  const signed = signBackupRequest(url, { accessKeyId: "AKIDFUZZ", secretAccessKey: "fuzz-secret" }, "us-east-1", new Date(now));
  const presigned = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDFUZZ%2F${signed["x-amz-date"].slice(0, 8)}%2Fus-east-1%2Fmailroom%2Faws4_request&X-Amz-Date=${signed["x-amz-date"]}&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=${"ab".repeat(32)}&Action=X`;
  return {
    name: "SigV4 headers and presigned URLs",
    property: () =>
      fc.asyncProperty(fc.nat(3), mutationsArb, mutationsArb, fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 3 }), async (which, m1, m2, extra) => {
        const headers = { ...signed };
        let query = "";
        let path = "/_mailroom/backup";
        if (which === 0) headers.authorization = mutate(Buffer.from(signed.authorization), m1).toString("latin1");
        else if (which === 1) headers["x-amz-date"] = mutate(Buffer.from(signed["x-amz-date"]), m1).toString("latin1");
        else if (which === 2) {
          delete (headers as Record<string, string>).authorization;
          query = mutate(Buffer.from(presigned), m1).toString("latin1");
        } else path = mutate(Buffer.from(path), m1).toString("latin1");
        const rawHeaders = [...Object.entries(headers).flat(), ...extra.flat()];
        if (m2.length > 0) rawHeaders.push("x-amz-security-token", mutate(Buffer.from("token"), m2).toString("latin1"));
        await timed("verifySigV4", () => {
          try {
            verifySigV4({ method: "POST", path, query, rawHeaders, bodySha256: signed["x-amz-content-sha256"], service: "mailroom" }, creds, now);
          } catch (e) {
            if (!(e instanceof AwsError) || e.status >= 500) throw e;
          }
        });
      }) as unknown as fc.IAsyncProperty<[unknown]>,
  };
}

// JSON values shaped like patterns: the operators' names as keys, their operand shapes as values.
const OPERATORS = ["prefix", "suffix", "anything-but", "numeric", "exists", "cidr", "equals-ignore-case", "wildcard", "$or"];
const leafArb = fc.oneof(
  fc.string({ maxLength: 12 }), fc.constantFrom("*", "**", "a*b*c*d*e*f*g", "10.0.0.0/8", "::1/128", ">", ">=", "<", "=", ""),
  fc.double(), fc.integer(), fc.boolean(), fc.constant(null),
);
const patternArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leafArb, fc.array(tie("value"), { maxLength: 4 }), tie("object")),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...OPERATORS, "a", "b", "detail", "source"), fc.string({ maxLength: 6 })), tie("value"), { maxKeys: 4 }),
})).object;
const eventArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, leafArb, fc.array(tie("value"), { maxLength: 4 }), tie("object")),
  object: fc.dictionary(fc.constantFrom("a", "b", "detail", "source", "x"), tie("value"), { maxKeys: 4 }),
})).object;
const SEED_POLICIES = ['{"a":[{"prefix":"x"},{"numeric":[">",0,"<=",5]}],"b":[{"anything-but":{"prefix":"z"}}]}', '{"$or":[{"a":["x"]},{"b":[{"exists":true}]}]}', '{"detail":{"ip":[{"cidr":"10.0.0.0/24"}],"s":[{"wildcard":"a*b"}]}}'];
const policyTextArb = fc.oneof(
  patternArb.map((p) => JSON.stringify(p)),
  fc.tuple(fc.constantFrom(...SEED_POLICIES), mutationsArb).map(([s, m]) => mutate(Buffer.from(s), m).toString("utf8")),
);

/** SNS filter policies (both scopes) and EventBridge event patterns: compile, then match random messages. */
function patternsTarget(): Target {
  return {
    name: "filter policies and event patterns",
    property: () =>
      fc.asyncProperty(policyTextArb, eventArb, fc.dictionary(fc.string({ maxLength: 4 }), fc.record({ DataType: fc.constantFrom("String", "Number", "String.Array", "Binary"), StringValue: fc.string({ maxLength: 20 }) }), { maxKeys: 4 }), async (text, event, attrs) => {
        await timed("patterns", () => {
          for (const scope of ["MessageAttributes", "MessageBody"] as const) {
            try {
              const p = checkFilterPolicy(text, scope);
              if (scope === "MessageBody") matchesBody(p, JSON.stringify(event));
              else matchesAttributes(p, attrs);
            } catch (e) {
              if (!(e instanceof PatternError)) throw e;
            }
          }
          try {
            matchesEvent(compileEventPattern(text), event);
          } catch (e) {
            if (!(e instanceof PatternError)) throw e;
          }
        });
      }) as unknown as fc.IAsyncProperty<[unknown]>,
  };
}

const SEED_ASL = [
  '{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x":1},"ResultPath":"$.r","Next":"B"},"B":{"Type":"Choice","Choices":[{"Variable":"$.r.x","NumericEquals":1,"Next":"C"},{"And":[{"Variable":"$.a","StringMatches":"a*"},{"Not":{"Variable":"$.b","IsPresent":true}}],"Next":"D"}],"Default":"D"},"C":{"Type":"Wait","Seconds":5,"Next":"D"},"D":{"Type":"Succeed"}}}',
  '{"StartAt":"W","TimeoutSeconds":10,"States":{"W":{"Type":"Wait","TimestampPath":"$.t","Next":"F"},"F":{"Type":"Fail","Error":"E","Cause":"c"}}}',
];

/** Step Functions ASL validation: never throws, whatever the text. */
function aslTarget(): Target {
  const stateArb = fc.dictionary(fc.constantFrom("Type", "Next", "End", "Result", "ResultPath", "InputPath", "OutputPath", "Parameters", "Choices", "Default", "Seconds", "Timestamp", "SecondsPath", "Variable", "Error", "Cause", "States", "StartAt"), leafArb.chain((l) => fc.oneof(fc.constant(l), fc.constantFrom("Pass", "Wait", "Choice", "Succeed", "Fail", "Task", "Map", "$.a", "$$.x", "A"))), { maxKeys: 6 });
  const defArb = fc.record({ StartAt: fc.constantFrom("A", "B", ""), States: fc.dictionary(fc.constantFrom("A", "B", "C"), stateArb, { maxKeys: 3 }) }).map((d) => JSON.stringify(d));
  const textArb = fc.oneof(defArb, fc.tuple(fc.constantFrom(...SEED_ASL), mutationsArb).map(([s, m]) => mutate(Buffer.from(s), m).toString("utf8")), fc.string());
  return {
    name: "ASL definitions (Step Functions validation)",
    property: () =>
      fc.asyncProperty(textArb, async (text) => {
        await timed("validateDefinition", () => {
          const r = validateDefinition(text);
          if (!("definition" in r) && !Array.isArray(r.problems)) throw new Error("no verdict");
        });
      }) as unknown as fc.IAsyncProperty<[unknown]>,
  };
}

export function targets(): Target[] {
  return [pipelineTarget(), http1Target(), sigv4Target(), patternsTarget(), aslTarget()];
}

/** Runs one target for `numRuns` inputs; resolves with the time taken, rejects with fast-check's report. */
export async function runTarget(t: Target, numRuns: number, seed?: number): Promise<{ ms: number; seed: number }> {
  await t.setup?.();
  const s = seed ?? Date.now() % 2 ** 31;
  const start = performance.now();
  try {
    await fc.assert(t.property(), { numRuns, seed: s, includeErrorInReport: true });
  } finally {
    await t.teardown?.();
  }
  return { ms: performance.now() - start, seed: s };
}
