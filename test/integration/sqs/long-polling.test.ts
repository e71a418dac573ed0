// Long polling (WaitTimeSeconds) through the JS SDK. Real-clock tests use short waits (about 2.5 s of waiting
// in total); the ManualClock tests check that delayed and in-flight messages falling due wake a waiting poll.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, test } from "node:test";
import {
  CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand,
} from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/index.ts";
import { useTestServer } from "../../helpers/server.ts";

describe("real clock", () => {
  const { sqs } = useTestServer();

  let n = 0;
  async function queue(Attributes?: Record<string, string>): Promise<string> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `lp-${++n}`, Attributes }));
    assert.ok(QueueUrl);
    return QueueUrl;
  }

  // ~100 ms in practice; the bound leaves room for a loaded test machine (the send itself is included).
  test("a message sent during the wait is returned within ~100 ms", async () => {
    const url = await queue();
    const started = performance.now();
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2 }));
    await sleep(200);
    const sentAt = performance.now();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "wake up" }));
    const r = await poll;
    const done = performance.now();
    assert.equal(r.Messages?.[0].Body, "wake up");
    assert.ok(done - sentAt < 150, `returned ${Math.round(done - sentAt)} ms after the send`);
    assert.ok(done - started < 1000);
  });

  test("a message already there is returned at once", async () => {
    const url = await queue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "ready" }));
    const started = performance.now();
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    assert.equal(r.Messages?.[0].Body, "ready");
    assert.ok(performance.now() - started < 200);
  });

  test("an empty long poll returns after about WaitTimeSeconds with no messages", async () => {
    const url = await queue();
    const started = performance.now();
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
    const elapsed = performance.now() - started;
    assert.equal(r.Messages, undefined);
    assert.ok(elapsed >= 950, `returned after ${Math.round(elapsed)} ms`);
    assert.ok(elapsed < 2000, `returned after ${Math.round(elapsed)} ms`);
  });

  test("the queue's ReceiveMessageWaitTimeSeconds applies when WaitTimeSeconds is absent; 0 overrides it", async () => {
    const url = await queue({ ReceiveMessageWaitTimeSeconds: "1" });
    let started = performance.now();
    const immediate = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0 }));
    assert.equal(immediate.Messages, undefined);
    assert.ok(performance.now() - started < 200);

    started = performance.now();
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    const elapsed = performance.now() - started;
    assert.equal(r.Messages, undefined);
    assert.ok(elapsed >= 950 && elapsed < 2000, `returned after ${Math.round(elapsed)} ms`);
  });

  test("several waiters on one queue: each message goes to one of them", async () => {
    const url = await queue();
    const polls = [1, 2, 3].map(() => sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2 })));
    await sleep(100);
    for (const b of ["a", "b", "c"]) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: b }));
    const bodies = (await Promise.all(polls)).flatMap((r) => r.Messages?.map((m) => m.Body) ?? []);
    assert.deepEqual(bodies.sort(), ["a", "b", "c"]);
  });

  test("an abandoned long poll does not swallow a message sent afterwards", async () => {
    const url = await queue();
    const abort = new AbortController();
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2 }), { abortSignal: abort.signal });
    await sleep(100);
    abort.abort();
    await assert.rejects(poll);
    await sleep(50);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "not lost" }));
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    assert.equal(r.Messages?.[0].Body, "not lost");
  });
});

describe("ManualClock", () => {
  const clock = new ManualClock();
  const { sqs } = useTestServer({ clock });

  let n = 0;
  async function queue(Attributes?: Record<string, string>): Promise<string> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `lpm-${++n}`, Attributes }));
    assert.ok(QueueUrl);
    return QueueUrl;
  }

  /** Whether p settles within ms of real time. */
  async function settlesWithin<T>(p: Promise<T>, ms: number): Promise<boolean> {
    return Promise.race([p.then(() => true, () => true), sleep(ms).then(() => false)]);
  }

  /**
   * Waits (real time) until the server's long poll has armed its wake-up timer `inMs` from now on the manual clock,
   * so that advancing the clock cannot race the request on a loaded machine; then checks the poll is still open.
   */
  async function armed<T>(poll: Promise<T>, inMs: number): Promise<boolean> {
    const at = clock.now() + inMs;
    for (let i = 0; i < 500 && !clock.pending().includes(at); i++) await sleep(10);
    return !(await settlesWithin(poll, 20));
  }

  test("a delayed message wakes a waiting poll when the clock passes its delay", async () => {
    const url = await queue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "delayed", DelaySeconds: 5 }));
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    assert.ok(await armed(poll, 5_000));
    clock.advance(4_000);
    assert.equal(await settlesWithin(poll, 50), false);
    clock.advance(1_000);
    const r = await poll;
    assert.equal(r.Messages?.[0].Body, "delayed");
  });

  test("a message whose visibility expires wakes a waiting poll", async () => {
    const url = await queue({ VisibilityTimeout: "10" });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "again" }));
    assert.ok((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages);
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    assert.ok(await armed(poll, 10_000));
    clock.advance(10_000);
    const r = await poll;
    assert.equal(r.Messages?.[0].Attributes?.ApproximateReceiveCount, "2");
  });

  test("an empty poll ends when the clock passes WaitTimeSeconds, not before", async () => {
    const url = await queue();
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    assert.ok(await armed(poll, 20_000));
    clock.advance(19_000);
    assert.equal(await settlesWithin(poll, 50), false);
    clock.advance(1_000);
    assert.equal((await poll).Messages, undefined);
  });

  test("a message delayed past the end of the wait does not end the poll early", async () => {
    const url = await queue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "late", DelaySeconds: 30 }));
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }));
    assert.ok(await armed(poll, 10_000));
    clock.advance(10_000);
    assert.equal((await poll).Messages, undefined);
    clock.advance(20_000);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.[0].Body, "late");
  });

  test("lowering the queue's DelaySeconds does not change messages already sent", async () => {
    const url = await queue({ DelaySeconds: "30" });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "d" }));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: "0" } }));
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
    clock.advance(30_000);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.[0].Body, "d");
  });

  test("deleting the queue during a long poll ends it without a server error", async () => {
    const url = await queue();
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    assert.ok(await armed(poll, 20_000));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    clock.advance(20_000);
    const outcome = await poll.then((r) => ({ ok: r }), (e: { $fault?: string }) => ({ err: e }));
    if ("err" in outcome) assert.equal(outcome.err.$fault, "client");
    else assert.equal(outcome.ok.Messages, undefined);
  });
});
