// A binary (CBOR) answer through every transport: the HTTP/1.1 fast path (Content-Length body), node's http server
// (a chunked body is handed to it) and HTTP/2 — Reply.body is a Buffer there and must arrive byte for byte.
import assert from "node:assert/strict";
import http2 from "node:http2";
import type net from "node:net";
import { after, before, test } from "node:test";
import { cbor } from "@smithy/core/cbor";
import { CredentialStore } from "../../src/auth/credentials.ts";
import { ManualClock } from "../../src/engine/clock.ts";
import { kinesisModel } from "../../src/protocol/models/kinesis.gen.ts";
import { createFront, type Front } from "../../src/server/front.ts";
import { createHandler } from "../../src/server/handler.ts";
import { createLogger } from "../../src/util/log.ts";
import { echoService } from "./harness.ts";

const kinesis = echoService(kinesisModel, ["json", "cbor"]);
let front: Front;
let endpoint: string;
const CBOR = "application/x-amz-cbor-1.1";
const record = { Records: [{ SequenceNumber: "1", ApproximateArrivalTimestamp: new Date(1_700_000_000_123), Data: Buffer.from([0, 0xff, 0x80, 10, 13]), PartitionKey: "pk" }], MillisBehindLatest: 0 };

before(async () => {
  const handler = createHandler({ services: [kinesis.definition], credentials: new CredentialStore([]), clock: new ManualClock(0), log: createLogger("silent") });
  front = createFront(handler);
  await new Promise<void>((resolve) => front.server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(front.server.address() as net.AddressInfo).port}`;
  kinesis.answer("GetRecords", record);
});
after(() => front.close());

function check(status: number, contentType: string | null | undefined, length: string | null | undefined, bytes: Buffer) {
  assert.equal(status, 200);
  assert.equal(contentType, CBOR);
  assert.equal(Number(length), bytes.length);
  const v = cbor.deserialize(bytes) as { Records: { Data: Uint8Array; ApproximateArrivalTimestamp: { value: number } }[] };
  assert.deepEqual(Buffer.from(v.Records[0].Data), record.Records[0].Data);
  assert.equal(v.Records[0].ApproximateArrivalTimestamp.value, 1_700_000_000_123);
}

const body = () => Buffer.from(cbor.serialize({ ShardIterator: "it" }));
const headers = { "x-amz-target": "Kinesis_20131202.GetRecords", "content-type": CBOR };

test("HTTP/1.1 fast path (Content-Length body)", async () => {
  const res = await fetch(endpoint, { method: "POST", headers, body: new Uint8Array(body()) });
  check(res.status, res.headers.get("content-type"), res.headers.get("content-length"), Buffer.from(await res.arrayBuffer()));
});

test("node's http server (a chunked body is handed to it)", async () => {
  const bytes = body();
  const stream = new ReadableStream({ start(c) { c.enqueue(new Uint8Array(bytes)); c.close(); } });
  const res = await fetch(endpoint, { method: "POST", headers, body: stream, duplex: "half" } as RequestInit);
  check(res.status, res.headers.get("content-type"), res.headers.get("content-length"), Buffer.from(await res.arrayBuffer()));
});

test("HTTP/2 (prior knowledge)", async () => {
  const session = http2.connect(endpoint);
  try {
    const req = session.request({ ":method": "POST", ":path": "/", ...headers });
    req.end(body());
    const [head, bytes] = await new Promise<[http2.IncomingHttpHeaders, Buffer]>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let h: http2.IncomingHttpHeaders = {};
      req.on("response", (x) => (h = x));
      req.on("data", (d: Buffer) => chunks.push(d));
      req.on("end", () => resolve([h, Buffer.concat(chunks)]));
      req.on("error", reject);
    });
    check(Number(head[":status"]), head["content-type"], head["content-length"] as string, bytes);
  } finally {
    session.close();
  }
});
