// PostgreSQL restarts and node loss under load (issue 20, items 1 and 2), on a private PostgreSQL server of this
// test (private-postgres.ts), never the shared one. Three Mailroom processes serve SQS and SNS (an SQS and an HTTP
// subscription) under load; PostgreSQL is stopped for a few seconds in the middle. While it is down, requests
// answer AWS's 503 ServiceUnavailable (or 500 InternalFailure) with a request id, quickly; no node crashes. When
// it is back every node serves again within seconds, without a restart: the pools reconnect, LISTEN is
// re-established (a long poll on one node wakes at once for a send on another), the delivery leases are taken
// again (HTTP deliveries resume). Then one node is killed with SIGKILL while it holds in-flight messages and a long
// poll, and started again. At the end every acknowledged message and publish has arrived, and no message whose
// delete was acknowledged is received again.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, test } from "node:test";
import pg from "pg";
import {
  CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ListMessageMoveTasksCommand, ListQueuesCommand, StartMessageMoveTaskCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient,
} from "@aws-sdk/client-sqs";
import { CreateTopicCommand, PublishCommand, SubscribeCommand, type SNSClient } from "@aws-sdk/client-sns";
import { startReceiver, type Receiver } from "../helpers/receiver.ts";
import { snsClient, sqsClient } from "../helpers/server.ts";
import { freePort, type PrivatePostgres, privatePostgresUnavailable, startPrivatePostgres } from "./private-postgres.ts";

const unavailable = await privatePostgresUnavailable();
const skip = unavailable ? `private PostgreSQL unavailable: ${unavailable}` : false;
const VISIBILITY_S = 2;
const OUTAGE_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Node {
  proc: ChildProcess;
  /** The scheduler's node id (lease holder name), from its "mailroom listening" log line. */
  id: string;
  endpoint: string;
  sqs: SQSClient;
  sns: SNSClient;
  exited: boolean;
}

let pgsrv: PrivatePostgres;
let receiver: Receiver;
const nodes: Node[] = [];
const stderr: string[] = [];

async function startNode(url: string, port?: number): Promise<Node> {
  const p = port ?? (await freePort());
  const proc = spawn(process.execPath, ["bin/mailroom.js", "--port", String(p), "--database", url, "--log-level", "info"], { stdio: ["ignore", "pipe", "pipe"] });
  const node: Node = { proc, id: "", endpoint: `http://127.0.0.1:${p}`, sqs: undefined as unknown as SQSClient, sns: undefined as unknown as SNSClient, exited: false };
  let ready = false;
  let settle: (() => void) | undefined;
  const check = () => ready && node.id && settle?.();
  proc.stderr?.on("data", (d: Buffer) => {
    const text = d.toString();
    stderr.push(text);
    const m = /"msg":"mailroom listening".*?"node":"([^"]+)"/.exec(text);
    if (m) node.id = m[1];
    check();
  });
  await new Promise<void>((resolve, reject) => {
    settle = resolve;
    proc.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) ready = true;
      check();
    });
    proc.once("exit", (code) => {
      node.exited = true;
      reject(new Error(`node exited with ${code}: ${stderr.join("").split("\n").filter((l) => !l.startsWith("{")).slice(-10).join("\n")}`));
    });
  });
  node.sqs = sqsClient(node.endpoint);
  node.sns = snsClient(node.endpoint);
  return node;
}

before(async () => {
  if (skip) return;
  pgsrv = await startPrivatePostgres();
  receiver = await startReceiver();
  // A free port can be taken by another process between the probe and the bind: a second try on another.
  for (let i = 0; i < 3; i++) nodes.push(await startNode(pgsrv.url).catch(() => startNode(pgsrv.url)));
});
after(async () => {
  for (const n of nodes) n.proc.kill("SIGKILL");
  await receiver?.close();
  await pgsrv?.destroy();
});

interface Failure { node: number; op: string; name?: string; status?: number; requestId?: string; ms: number }

test("PostgreSQL restart under SQS and SNS load, then kill -9 of a node", { skip, timeout: 180_000 }, async (t) => {
  const c0 = nodes[0];
  const { QueueUrl: workUrl } = await c0.sqs.send(new CreateQueueCommand({ QueueName: "work", Attributes: { VisibilityTimeout: String(VISIBILITY_S) } }));
  await c0.sqs.send(new CreateQueueCommand({ QueueName: "fan" }));
  await c0.sqs.send(new CreateQueueCommand({ QueueName: "wake" }));
  const { TopicArn } = await c0.sns.send(new CreateTopicCommand({ Name: "events" }));
  await c0.sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:fan", Attributes: { RawMessageDelivery: "true" } }));
  await c0.sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: receiver.url, Attributes: { RawMessageDelivery: "true" } }));
  const [conf] = await receiver.waitFor(1);
  assert.equal((await fetch(conf.json!.SubscribeURL)).status, 200);
  receiver.received.length = 0;
  const url = (i: number, name: string) => `${nodes[i].endpoint}/000000000000/${name}`;
  void workUrl;

  const acked = new Set<string>();
  const published = new Set<string>();
  /** body → hand-outs: when, by which node, and when its delete was acknowledged. */
  const receipts = new Map<string, { at: number; node: number; deletedAt?: number }[]>();
  const failures: Failure[] = [];
  const outage = { from: 0, to: 0 };
  const killed = new Set<number>();
  let producing = true;
  /** Set once every producer's last request has been answered (an answer may add to acked/published). */
  let produced = false;
  /** Ends every loop (the test failed part-way). */
  let abandoned = false;
  let seq = 0;

  const attempt = async <T>(i: number, op: string, fn: () => Promise<T>): Promise<T | undefined> => {
    const start = Date.now();
    try {
      return await fn();
    } catch (e) {
      const err = e as { name?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
      if (!killed.has(i)) failures.push({ node: i, op, name: err.name, status: err.$metadata?.httpStatusCode, requestId: err.$metadata?.requestId, ms: Date.now() - start });
      return undefined;
    }
  };

  const produce = async (i: number) => {
    while (producing && !abandoned) {
      if (killed.has(i)) {
        await sleep(50);
        continue;
      }
      const bodies = Array.from({ length: 5 }, () => `m${seq++}`);
      const r = await attempt(i, "SendMessageBatch", () => nodes[i].sqs.send(new SendMessageBatchCommand({ QueueUrl: url(i, "work"), Entries: bodies.map((b, k) => ({ Id: `e${k}`, MessageBody: b })) })));
      for (const s of r?.Successful ?? []) acked.add(bodies[Number(s.Id!.slice(1))]);
      const msg = `p${seq++}`;
      const p = await attempt(i, "Publish", () => nodes[i].sns.send(new PublishCommand({ TopicArn, Message: msg })));
      if (p?.MessageId) published.add(msg);
      if (!r) await sleep(100);
    }
  };
  const consume = async (i: number, keepEvery: number) => {
    let n = 0;
    while (!abandoned && (!produced || !settled())) {
      if (killed.has(i)) {
        await sleep(50);
        continue;
      }
      const got = await attempt(i, "ReceiveMessage", () => nodes[i].sqs.send(new ReceiveMessageCommand({ QueueUrl: url(i, "work"), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 })));
      if (!got) {
        await sleep(100);
        continue;
      }
      const toDelete: { m: { ReceiptHandle?: string }; entry: { deletedAt?: number } }[] = [];
      for (const m of got.Messages ?? []) {
        const entry: { at: number; node: number; deletedAt?: number } = { at: Date.now(), node: i };
        receipts.set(m.Body!, [...(receipts.get(m.Body!) ?? []), entry]);
        // Some are kept in flight without a delete: they come back after the visibility timeout.
        if (keepEvery > 0 && ++n % keepEvery === 0) continue;
        toDelete.push({ m, entry });
      }
      if (toDelete.length === 0) continue;
      const d = await attempt(i, "DeleteMessageBatch", () => nodes[i].sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url(i, "work"), Entries: toDelete.map(({ m }, k) => ({ Id: `d${k}`, ReceiptHandle: m.ReceiptHandle })) })));
      for (const s of d?.Successful ?? []) toDelete[Number(s.Id!.slice(1))].entry.deletedAt = Date.now();
    }
  };
  const fan = new Set<string>();
  const drainFan = async (i: number) => {
    while (!abandoned && (!produced || (Date.now() < deadline && [...published].some((p) => !fan.has(p))))) {
      if (killed.has(i)) {
        await sleep(50);
        continue;
      }
      const got = await attempt(i, "ReceiveMessage(fan)", () => nodes[i].sqs.send(new ReceiveMessageCommand({ QueueUrl: url(i, "fan"), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 })));
      if (!got) {
        await sleep(100);
        continue;
      }
      for (const m of got.Messages ?? []) fan.add(m.Body!);
      if (got.Messages?.length) {
        await attempt(i, "DeleteMessageBatch(fan)", () => nodes[i].sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url(i, "fan"), Entries: got.Messages!.map((m, k) => ({ Id: `f${k}`, ReceiptHandle: m.ReceiptHandle })) })));
      }
    }
  };
  let deadline = Number.POSITIVE_INFINITY;
  const settled = () => Date.now() > deadline || [...acked].every((b) => receipts.get(b)?.some((x) => x.deletedAt !== undefined || killed.has(x.node)));

  const producers = [produce(0), produce(1), produce(2)];
  const work = [consume(0, 0), consume(1, 0), consume(2, 5), drainFan(0), drainFan(1)];

  try {
    // 1. PostgreSQL goes away under load, and comes back.
    await sleep(1500);
    outage.from = Date.now();
    await pgsrv.stop("fast");
    await sleep(OUTAGE_MS);
    // While it is down: an answer, quickly, with a request id.
    const during = Date.now();
    const probe = await nodes[1].sqs.send(new SendMessageCommand({ QueueUrl: url(1, "work"), MessageBody: "during" })).catch((e) => e);
    const probeMs = Date.now() - during;
    await pgsrv.start();
    outage.to = Date.now();
    assert.ok(probe instanceof Error, "a send while PostgreSQL is down is refused");
    assert.equal((probe as { name?: string }).name, "ServiceUnavailable");
    assert.equal((probe as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 503);
    assert.match((probe as { $metadata?: { requestId?: string } }).$metadata?.requestId ?? "", /^[0-9a-f-]{36}$/);
    assert.ok(probeMs < 6000, `answered in ${probeMs} ms`);

    // Every node serves again within seconds, without a restart.
    const recovered: number[] = [];
    for (const [i, n] of nodes.entries()) {
      const from = Date.now();
      for (;;) {
        const err = await n.sqs.send(new ListQueuesCommand({})).then(() => undefined, (e: Error) => e);
        if (!err) break;
        const log = stderr.join("").split("\n").filter((l) => !l.startsWith("{") || /"level":"error"/.test(l)).slice(-30).join("\n");
        assert.ok(Date.now() - from < 15_000, `node ${i} serves again within 15 s of PostgreSQL's return (${String(err)}; exited ${n.exited}; log ${log})`);
        await sleep(100);
      }
      recovered.push(Date.now() - outage.to);
    }
    // LISTEN re-established: a long poll on node 2 wakes for a send on node 0 at once, not at its 10 s deadline.
    await sleep(1000);
    const woke = Date.now();
    const poll = nodes[2].sqs.send(new ReceiveMessageCommand({ QueueUrl: url(2, "wake"), WaitTimeSeconds: 10 }));
    await sleep(300);
    await nodes[0].sqs.send(new SendMessageCommand({ QueueUrl: url(0, "wake"), MessageBody: "wake" }));
    const polled = await poll;
    const wakeMs = Date.now() - woke;
    assert.equal(polled.Messages?.[0]?.Body, "wake");
    assert.ok(wakeMs < 5000, `the cross-node long poll woke after ${wakeMs} ms`);

    // 2. kill -9 of node 2 while its consumer holds messages in flight and a long poll is open; then it restarts.
    await sleep(1000);
    const openPoll = nodes[2].sqs.send(new ReceiveMessageCommand({ QueueUrl: url(2, "wake"), WaitTimeSeconds: 10 })).catch(() => undefined);
    await sleep(200);
    killed.add(2);
    const port2 = Number(new URL(nodes[2].endpoint).port);
    nodes[2].proc.kill("SIGKILL");
    await openPoll;
    await sleep(1000);
    nodes[2] = await startNode(pgsrv.url, port2);
    killed.delete(2);

    await sleep(2000);
    producing = false;
    await Promise.all(producers);
    deadline = Date.now() + 30_000;
    produced = true;
    await Promise.all(work);

    // Nothing acknowledged is lost: drain what is left (the killed node's in-flight messages come back).
    await sleep(VISIBILITY_S * 1000 + 500);
    for (;;) {
      const got = await nodes[0].sqs.send(new ReceiveMessageCommand({ QueueUrl: url(0, "work"), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      if (!got.Messages?.length) break;
      for (const m of got.Messages) receipts.set(m.Body!, [...(receipts.get(m.Body!) ?? []), { at: Date.now(), node: 0, deletedAt: Date.now() }]);
      await nodes[0].sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url(0, "work"), Entries: got.Messages.map((m, k) => ({ Id: `z${k}`, ReceiptHandle: m.ReceiptHandle })) }));
    }
    const missing = [...acked].filter((b) => !receipts.get(b)?.length);
    assert.deepEqual(missing, [], "every acknowledged message was received");
    // No acknowledged delete comes back.
    for (const [body, list] of receipts) {
      const deleted = list.find((x) => x.deletedAt !== undefined);
      if (deleted) assert.ok(!list.some((x) => x.at > deleted.deletedAt!), `${body} was received again after its delete was acknowledged`);
    }
    const lostFan = [...published].filter((p) => !fan.has(p));
    assert.deepEqual(lostFan, [], "every acknowledged publish reached the SQS subscription");
    // HTTP deliveries resume after the outage and the kill (the outbox's leases are taken again): all arrive.
    const http = new Set<string>();
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      for (const r of receiver.received) http.add(r.body);
      if ([...published].every((p) => http.has(p))) break;
      await sleep(250);
    }
    assert.deepEqual([...published].filter((p) => !http.has(p)), [], "every acknowledged publish was delivered over HTTP");
    const duplicates = receiver.received.length - http.size;

    // During the outage, refusals were AWS 5xx errors with request ids, answered quickly.
    const bad = failures.filter((f) => !(f.status === 503 || f.status === 500) || !f.requestId || f.ms > 10_000);
    assert.deepEqual(bad, [], "every refusal was a quick 5xx with a request id");
    assert.ok(failures.length > 0, "the outage was seen by the clients");
    assert.ok(nodes.every((n) => !n.exited), "no node crashed");
    const slowest = Math.max(...failures.map((f) => f.ms));
    t.diagnostic(`acknowledged ${acked.size} sends and ${published.size} publishes; ${failures.length} refusals during the ${OUTAGE_MS} ms outage (${[...new Set(failures.map((f) => `${f.status} ${f.name}`))].join(", ")}; slowest ${slowest} ms); nodes served again ${recovered.join("/")} ms after PostgreSQL's return; cross-node wake ${wakeMs} ms; HTTP duplicates ${duplicates}`);
  } finally {
    abandoned = true;
    producing = false;
  }
});

test("kill -9 of the node running a DLQ redrive: another node takes the lease over and every message moves once", { skip, timeout: 120_000 }, async (t) => {
  const n0 = nodes[0];
  const { QueueUrl: dlqUrl } = await n0.sqs.send(new CreateQueueCommand({ QueueName: "mv-dlq" }));
  await n0.sqs.send(new CreateQueueCommand({ QueueName: "mv-src", Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:mv-dlq", maxReceiveCount: 3 }) } }));
  const N = 1200;
  for (let b = 0; b < N / 10; b++) {
    await n0.sqs.send(new SendMessageBatchCommand({ QueueUrl: dlqUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `mv ${b * 10 + i}` })) }));
  }
  // 150 a second: about 8 s of moving, in per-second batches, each one transaction.
  await n0.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: "arn:aws:sqs:us-east-1:000000000000:mv-dlq", DestinationArn: "arn:aws:sqs:us-east-1:000000000000:mv-src", MaxNumberOfMessagesPerSecond: 150 }));
  const c = new pg.Client({ connectionString: pgsrv.url });
  await c.connect();
  let holder: string | undefined;
  for (let i = 0; i < 100 && !holder; i++) {
    holder = (await c.query("SELECT holder FROM leases WHERE name = 'sqs.move-tasks'")).rows[0]?.holder as string | undefined;
    if (!holder) await sleep(100);
  }
  await sleep(2500);
  const victim = nodes.findIndex((n) => n.id === holder);
  assert.ok(victim >= 0, `the lease holder ${holder} is one of the nodes`);
  const port = Number(new URL(nodes[victim].endpoint).port);
  nodes[victim].proc.kill("SIGKILL");
  const killedAt = Date.now();
  const survivor = nodes[(victim + 1) % 3];
  let takenOverMs = -1;
  for (let i = 0; i < 200; i++) {
    const h = (await c.query("SELECT holder FROM leases WHERE name = 'sqs.move-tasks'")).rows[0]?.holder as string | undefined;
    if (h && h !== holder) {
      takenOverMs = Date.now() - killedAt;
      break;
    }
    await sleep(100);
  }
  await c.end();
  assert.ok(takenOverMs >= 0, "another node took the lease over");
  nodes[victim] = await startNode(pgsrv.url, port);
  let status = "";
  for (let i = 0; i < 600 && status !== "COMPLETED"; i++) {
    const r = await survivor.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: "arn:aws:sqs:us-east-1:000000000000:mv-dlq" }));
    status = r.Results?.[0]?.Status ?? "";
    if (status !== "COMPLETED") await sleep(100);
  }
  assert.equal(status, "COMPLETED", JSON.stringify((await survivor.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: "arn:aws:sqs:us-east-1:000000000000:mv-dlq" }))).Results));
  const moved = (await survivor.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: "arn:aws:sqs:us-east-1:000000000000:mv-dlq" }))).Results?.[0];
  assert.equal(moved?.ApproximateNumberOfMessagesMoved, N);
  const bodies: string[] = [];
  for (;;) {
    const r = await survivor.sqs.send(new ReceiveMessageCommand({ QueueUrl: `${survivor.endpoint}/000000000000/mv-src`, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }));
    if (!r.Messages?.length) break;
    bodies.push(...r.Messages.map((m) => m.Body!));
  }
  assert.equal(new Set(bodies).size, bodies.length, "no message moved twice");
  assert.equal(bodies.length, N, "every message moved");
  const left = await survivor.sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${survivor.endpoint}/000000000000/mv-dlq`, AttributeNames: ["ApproximateNumberOfMessages"] }));
  assert.equal(left.Attributes?.ApproximateNumberOfMessages, "0");
  t.diagnostic(`move task's lease taken over ${takenOverMs} ms after the kill; ${N} messages moved once each`);
});
