// The context every operation gets (server/handler.ts WireContext): one hidden class for all requests, its signal
// made on demand from the transport's, and kept by name when an in-process call copies the context. An object literal
// with a per-request `get signal()` had a new hidden class per request and kept each request's objects alive through
// the scavenges (bench/sqs-profile.md, third pass).
import assert from "node:assert/strict";
import { test } from "node:test";
import { CredentialStore } from "../../src/auth/credentials.ts";
import { ManualClock } from "../../src/engine/clock.ts";
import { sqsModel } from "../../src/protocol/models/sqs.gen.ts";
import { createHandler } from "../../src/server/handler.ts";
import { serviceCall } from "../../src/services/operations.ts";
import type { RequestContext } from "../../src/services/types.ts";
import { createLogger } from "../../src/util/log.ts";
import { echoService } from "./harness.ts";

function setup() {
  const sqs = echoService(sqsModel, ["json", "query"]);
  const seen: RequestContext[] = [];
  sqs.definition.operations.GetQueueUrl = async (ctx) => {
    seen.push(ctx);
    return { QueueUrl: "http://localhost/000000000000/q" };
  };
  const handler = createHandler({ services: [sqs.definition], credentials: new CredentialStore([]), clock: new ManualClock(Date.now()), log: createLogger("silent") });
  let signals = 0;
  const call = (abort = new AbortController()) =>
    handler.wire({
      method: "POST", url: "/", encrypted: false,
      rawHeaders: ["Host", "localhost:4566", "X-Amz-Target", "AmazonSQS.GetQueueUrl", "Content-Type", "application/x-amz-json-1.0"],
      body: Buffer.from(JSON.stringify({ QueueName: "q" })),
      signal: () => {
        signals++;
        return abort.signal;
      },
    });
  return { sqs, seen, call, signals: () => signals };
}

test("every request's context shares one class, with signal on its prototype, made only when read", async () => {
  const { seen, call, signals } = setup();
  const abort = new AbortController();
  for (const r of [await call(), await call(abort)]) assert.equal(r.status, 200);
  const [a, b] = seen;
  assert.notEqual(Object.getPrototypeOf(a), Object.prototype);
  assert.equal(Object.getPrototypeOf(a), Object.getPrototypeOf(b));
  assert.equal(Object.getOwnPropertyDescriptor(a, "signal"), undefined, "no per-request accessor");
  assert.equal(typeof Object.getOwnPropertyDescriptor(Object.getPrototypeOf(a), "signal")?.get, "function");
  assert.equal(signals(), 0, "no operation read the signal: none was made");
  assert.equal(b.signal, abort.signal);
  assert.equal(signals(), 1);
  assert.equal(b.operation, "GetQueueUrl");
  assert.equal(b.baseUrl, "http://localhost:4566");
  assert.equal(b.codec, "json");
});

test("an in-process call with a wire request's context passes its signal on", async () => {
  const { sqs, seen, call } = setup();
  const abort = new AbortController();
  await call(abort);
  const wireCtx = seen[0];
  await serviceCall(sqs.definition)(wireCtx, "GetQueueUrl", { QueueName: "q" });
  const copied = seen[1];
  assert.notEqual(copied, wireCtx);
  assert.equal(copied.signal, abort.signal);
  assert.equal(copied.accountId, wireCtx.accountId);
  assert.equal(copied.requestId, wireCtx.requestId);
});
