// SubscribeToShard asked for in CBOR (application/x-amz-cbor-1.1, the Java SDK's and the KCL's default): the event
// stream's payloads are CBOR too (Data a byte string, timestamps tag 1 epoch milliseconds, as src/protocol/cbor
// encodes answers), framed as the SDKs' EventStreamCodec reads them. A hand-built request signed with the SDK's signer,
// read over HTTP/1.1 chunked with fetch; and a JSON request whose own body comes chunked, which node's http server
// serves (the fast path hands such connections over) with the same streamed answer.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { cbor } from "@smithy/core/cbor";
import { EventStreamCodec } from "@smithy/core/event-streams";
import { SignatureV4 } from "@smithy/signature-v4";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { Sha256 } from "../../helpers/sha256.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
let server: Mailroom;
before(async () => {
  server = await startTestServer({ clock: new ManualClock(T0) });
});
after(() => server.close());

const signer = new SignatureV4({ credentials: TEST_CREDENTIALS, region: "us-east-1", service: "kinesis", sha256: Sha256 });
async function call(operation: string, body: unknown): Promise<Response> {
  const url = new URL(server.endpoint);
  const payload = Buffer.from(cbor.serialize(body));
  const req = await signer.sign({
    method: "POST", protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: "/", query: {}, body: payload,
    headers: { host: url.host, "content-type": "application/x-amz-cbor-1.1", "x-amz-target": `Kinesis_20131202.${operation}` },
  });
  return fetch(`${server.endpoint}/`, { method: "POST", headers: req.headers as Record<string, string>, body: payload });
}
const value = async (res: Response) => cbor.deserialize(new Uint8Array(await res.arrayBuffer())) as Record<string, any>;

test("a CBOR SubscribeToShard streams CBOR events: initial-response, then records with byte-string data and tag-1 millisecond times", async () => {
  assert.equal((await call("CreateStream", { StreamName: "cb", ShardCount: 1 })).status, 200);
  const reg = await value(await call("RegisterStreamConsumer", { StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/cb", ConsumerName: "java" }));
  const arn = reg.Consumer.ConsumerARN as string;
  assert.equal((await call("PutRecord", { StreamName: "cb", PartitionKey: "k", Data: new Uint8Array([1, 2, 3]) })).status, 200);
  const res = await call("SubscribeToShard", { ConsumerARN: arn, ShardId: "shardId-000000000000", StartingPosition: { Type: "TRIM_HORIZON" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/vnd.amazon.eventstream");
  const codec = new EventStreamCodec((b) => Buffer.from(b).toString("utf8"), (s) => Buffer.from(s, "utf8"));
  const reader = res.body!.getReader();
  const messages: { headers: Record<string, { value: unknown }>; body: Uint8Array }[] = [];
  let pending = Buffer.alloc(0);
  while (messages.length < 2) {
    const { value: chunk, done } = await reader.read();
    assert.equal(done, false);
    pending = Buffer.concat([pending, chunk!]);
    // Each message starts with its total length (4 bytes, big-endian): split, then decode whole messages.
    while (pending.length >= 4 && pending.length >= pending.readUInt32BE(0)) {
      const n = pending.readUInt32BE(0);
      messages.push(codec.decode(pending.subarray(0, n)) as never);
      pending = pending.subarray(n);
    }
  }
  await reader.cancel();
  const [initial, event] = messages;
  assert.deepEqual([initial.headers[":message-type"].value, initial.headers[":event-type"].value, initial.headers[":content-type"].value],
    ["event", "initial-response", "application/x-amz-cbor-1.1"]);
  assert.deepEqual([event.headers[":event-type"].value, event.headers[":content-type"].value], ["SubscribeToShardEvent", "application/x-amz-cbor-1.1"]);
  const body = cbor.deserialize(event.body) as Record<string, any>;
  assert.equal(body.Records.length, 1);
  assert.deepEqual([...body.Records[0].Data], [1, 2, 3]);
  assert.equal(body.Records[0].PartitionKey, "k");
  // Tag 1 with epoch milliseconds (the CBOR codec's rule for Kinesis timestamps).
  const ts = body.Records[0].ApproximateArrivalTimestamp;
  assert.equal(ts.tag, 1);
  assert.equal(Number(ts.value), T0);
  assert.equal(body.ContinuationSequenceNumber, body.Records[0].SequenceNumber);
  assert.equal(body.MillisBehindLatest, 0);
});

test("a SubscribeToShard whose body comes chunked (node's http server, after the fast path's handoff) streams the same events, chunked", async () => {
  const url = new URL(server.endpoint);
  const reg = await value(await call("RegisterStreamConsumer", { StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/cb", ConsumerName: "chunked" }));
  const payload = Buffer.from(JSON.stringify({ ConsumerARN: reg.Consumer.ConsumerARN, ShardId: "shardId-000000000000", StartingPosition: { Type: "TRIM_HORIZON" } }));
  const signed = await signer.sign({
    method: "POST", protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: "/", query: {}, body: payload,
    headers: { host: url.host, "content-type": "application/x-amz-json-1.1", "x-amz-target": "Kinesis_20131202.SubscribeToShard" },
  });
  const { request } = await import("node:http");
  const res = await new Promise<import("node:http").IncomingMessage>((resolve, reject) => {
    const req = request({ host: url.hostname, port: Number(url.port), method: "POST", path: "/", headers: { ...(signed.headers as Record<string, string>), "transfer-encoding": "chunked" } }, resolve);
    req.on("error", reject);
    req.write(payload.subarray(0, 10));
    req.end(payload.subarray(10));
  });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers["transfer-encoding"], "chunked");
  assert.equal(res.headers["content-type"], "application/vnd.amazon.eventstream");
  const codec = new EventStreamCodec((b) => Buffer.from(b).toString("utf8"), (s) => Buffer.from(s, "utf8"));
  let pending = Buffer.alloc(0);
  const messages: { headers: Record<string, { value: unknown }>; body: Uint8Array }[] = [];
  for await (const chunk of res) {
    pending = Buffer.concat([pending, chunk as Buffer]);
    while (pending.length >= 4 && pending.length >= pending.readUInt32BE(0)) {
      const n = pending.readUInt32BE(0);
      messages.push(codec.decode(pending.subarray(0, n)) as never);
      pending = pending.subarray(n);
    }
    if (messages.length >= 2) break;
  }
  res.destroy();
  assert.equal(messages[0].headers[":event-type"].value, "initial-response");
  assert.equal(messages[1].headers[":content-type"].value, "application/x-amz-json-1.1");
  const event = JSON.parse(Buffer.from(messages[1].body).toString()) as { Records: { Data: string }[] };
  assert.deepEqual(event.Records.map((r) => [...Buffer.from(r.Data, "base64")]), [[1, 2, 3]]);
});
