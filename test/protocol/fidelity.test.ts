// Pipeline fidelity defects (issue 12 item 8) through a real server: JSON nested too deep and invalid UTF-8 are
// SerializationException (400), never 500; a credential scoped to another service is refused; a map key named
// __proto__ is stored and answered like any other; a malformed percent-encoding in a query form is a 4xx.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Mailroom } from "../../src/index.ts";
import { MAX_DEPTH } from "../../src/protocol/json/codec.ts";
import { rejectsAws } from "../helpers/aws-error.ts";
import { startTestServer } from "../helpers/server.ts";
import { Sha256 } from "../helpers/sha256.ts";

const KEY = { accessKeyId: "AKIDFIDELITY", secretAccessKey: "fidelity-secret", accountId: "123456789012" };

async function post(endpoint: string, headers: Record<string, string>, body: string | Uint8Array, path = "/") {
  const res = await fetch(endpoint + path, { method: "POST", headers, body: typeof body === "string" ? body : new Uint8Array(body) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const sqsJson = (op: string) => ({ "x-amz-target": `AmazonSQS.${op}`, "content-type": "application/x-amz-json-1.0" });

function nested(levels: number): string {
  // `levels` objects and arrays deep in total, the outer object included.
  return `{"QueueNamePrefix":"x","Deep":${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`;
}

describe("anonymous server", () => {
  let server: Mailroom;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test(`JSON nested deeper than ${MAX_DEPTH} levels is SerializationException (400), at the limit it is read`, async () => {
    const ok = await post(server.endpoint, sqsJson("ListQueues"), nested(MAX_DEPTH));
    assert.equal(ok.status, 200, ok.text);
    const deep = await post(server.endpoint, sqsJson("ListQueues"), nested(MAX_DEPTH + 1));
    assert.equal(deep.status, 400);
    assert.equal(JSON.parse(deep.text).__type, "com.amazon.coral.service#SerializationException");
    // A hundred thousand levels: still a 400, no stack overflow.
    const huge = await post(server.endpoint, sqsJson("ListQueues"), nested(100_000));
    assert.equal(huge.status, 400);
    assert.equal(JSON.parse(huge.text).__type, "com.amazon.coral.service#SerializationException");
  });

  test("a JSON body that is not an object is SerializationException (400)", async () => {
    for (const body of ["[]", '"x"', "5", "null", "{", "{\"a\":1}x"]) {
      const res = await post(server.endpoint, sqsJson("ListQueues"), body);
      assert.equal(res.status, 400, body);
      assert.equal(JSON.parse(res.text).__type, "com.amazon.coral.service#SerializationException", body);
    }
    // An empty body is an empty input.
    assert.equal((await post(server.endpoint, sqsJson("ListQueues"), "")).status, 200);
  });

  test("invalid UTF-8 in a JSON body is SerializationException (400)", async () => {
    const body = Buffer.concat([Buffer.from('{"QueueNamePrefix":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const res = await post(server.endpoint, sqsJson("ListQueues"), body);
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.text).__type, "com.amazon.coral.service#SerializationException");
    assert.equal(res.headers.get("x-amzn-query-error"), "MalformedInput;Sender");
  });

  test("a message attribute named __proto__ is stored and received like any other (JSON)", async () => {
    const created = await post(server.endpoint, sqsJson("CreateQueue"), JSON.stringify({ QueueName: "proto" }));
    const { QueueUrl } = JSON.parse(created.text) as { QueueUrl: string };
    const attrs = '{"__proto__":{"DataType":"String","StringValue":"p"},"plain":{"DataType":"String","StringValue":"q"}}';
    const sent = await post(server.endpoint, sqsJson("SendMessage"), `{"QueueUrl":${JSON.stringify(QueueUrl)},"MessageBody":"b","MessageAttributes":${attrs}}`);
    assert.equal(sent.status, 200, sent.text);
    const got = await post(server.endpoint, sqsJson("ReceiveMessage"), JSON.stringify({ QueueUrl, MessageAttributeNames: ["All"] }));
    assert.equal(got.status, 200, got.text);
    const msg = (JSON.parse(got.text) as { Messages: { MessageAttributes: Record<string, unknown> }[] }).Messages[0];
    assert.ok(Object.hasOwn(msg.MessageAttributes, "__proto__"), got.text);
    assert.deepEqual(Object.keys(msg.MessageAttributes).sort(), ["__proto__", "plain"]);
    assert.deepEqual(Object.getPrototypeOf(msg.MessageAttributes), Object.prototype);
  });

  test("a message attribute named __proto__ is stored and received like any other (query)", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const created = await post(server.endpoint, form, "Action=CreateQueue&QueueName=proto-q");
    const url = /<QueueUrl>([^<]+)<\/QueueUrl>/.exec(created.text)![1];
    const q = `QueueUrl=${encodeURIComponent(url)}`;
    const sent = await post(server.endpoint, form,
      `Action=SendMessage&${q}&MessageBody=b&MessageAttribute.1.Name=__proto__&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=p`);
    assert.equal(sent.status, 200, sent.text);
    const got = await post(server.endpoint, form, `Action=ReceiveMessage&${q}&MessageAttributeName.1=All`);
    assert.match(got.text, /<MessageAttribute><Name>__proto__<\/Name><Value><StringValue>p<\/StringValue><DataType>String<\/DataType><\/Value><\/MessageAttribute>/);
  });

  test("a malformed percent-encoding in a query form or query string is MalformedQueryString, in a queue URL path InvalidAddress", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded" };
    for (const [path, body, code] of [
      ["/", "Action=ListQueues&QueueNamePrefix=%zz", "MalformedQueryString"],
      ["/", "Action=ListQueues&QueueNamePrefix=%", "MalformedQueryString"],
      ["/000000000000/q%zz", "Action=GetQueueAttributes", "InvalidAddress"],
    ]) {
      const res = await post(server.endpoint, form, body, path);
      assert.ok(res.status >= 400 && res.status < 500, `${path} ${body}: ${res.status} ${res.text}`);
      assert.match(res.text, new RegExp(`<Code>${code}</Code>`));
    }
    const get = await fetch(`${server.endpoint}/?Action=ListQueues&QueueNamePrefix=%G1`);
    assert.equal(get.status, 404);
    assert.match(await get.text(), /<Code>MalformedQueryString<\/Code>/);
  });
});

describe("with access keys", () => {
  let server: Mailroom;
  before(async () => {
    server = await startTestServer({ accessKeys: [KEY] });
  });
  after(() => server.close());
  const config = (endpoint: string, signingName?: string) => ({ endpoint, region: "us-east-1", credentials: KEY, maxAttempts: 1, ...(signingName ? { signingName } : {}) });

  test("an SQS request whose credential is scoped to another service is refused (JSON)", async () => {
    const sqs = new SQSClient(config(server.endpoint, "sns"));
    await rejectsAws(sqs.send(new ListQueuesCommand({})), { status: 403, message: "Credential should be scoped to correct service: 'sqs'. " });
    // Scoped to sqs, the same client is served.
    await new SQSClient(config(server.endpoint)).send(new ListQueuesCommand({}));
  });

  test("a raw JSON request signed for another service: InvalidSignatureException (403)", async () => {
    const signer = new SignatureV4({ credentials: KEY, region: "us-east-1", service: "states", sha256: Sha256 });
    const url = new URL(server.endpoint);
    const body = "{}";
    const signed = await signer.sign({
      method: "POST", protocol: "http:", hostname: url.hostname, port: Number(url.port), path: "/", query: {},
      headers: { host: url.host, ...sqsJson("ListQueues") }, body,
    });
    const res = await post(server.endpoint, signed.headers, body);
    assert.equal(res.status, 403);
    assert.deepEqual(JSON.parse(res.text), { __type: "com.amazon.coral.service#InvalidSignatureException", message: "Credential should be scoped to correct service: 'sqs'. " });
  });

  test("an SNS (query) request scoped to another service is refused with the query envelope", async () => {
    const sns = new SNSClient(config(server.endpoint, "states"));
    await rejectsAws(sns.send(new ListTopicsCommand({})), {
      name: "SignatureDoesNotMatch", status: 403, message: "Credential should be scoped to correct service: 'sns'. ",
    });
  });
});
