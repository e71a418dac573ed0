// Three Mailroom processes on one PostgreSQL database, concurrent producers and consumers spread over them:
// every acknowledged message is received, none is handed out twice while invisible, counts end at zero.
// Then one node is killed with SIGKILL mid-run: the survivors carry on, and the messages its consumers
// held in flight come back after their visibility timeout.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { after, before, test } from "node:test";
import {
  CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand,
} from "@aws-sdk/client-sqs";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.ts";
import { sqsClient } from "../helpers/server.ts";

const available = await postgresAvailable();
const skip = available ? false : "no PostgreSQL on 127.0.0.1:5432";
const VISIBILITY_S = 2;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Node {
  proc: ChildProcess;
  endpoint: string;
}

async function startNode(database: string): Promise<Node> {
  const port = await freePort();
  const proc = spawn(process.execPath, ["bin/mailroom.js", "--port", String(port), "--database", database, "--log-level", "warn"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    proc.stdout?.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    proc.once("exit", (code) => reject(new Error(`node exited with ${code}`)));
  });
  return { proc, endpoint: `http://127.0.0.1:${port}` };
}

let db: { url: string; drop(): Promise<void> };
let nodes: Node[] = [];
before(async () => {
  if (skip) return;
  db = await freshDatabase("kill");
  nodes = await Promise.all([0, 1, 2].map(() => startNode(db.url)));
});
after(async () => {
  for (const n of nodes) n.proc.kill("SIGKILL");
  if (db) await db.drop();
});

test("three nodes, concurrent producers and consumers, then kill -9 one node", { skip, timeout: 90_000 }, async (t) => {
  const clients = nodes.map((n) => sqsClient(n.endpoint));
  const url = (i: number) => `${nodes[i].endpoint}/000000000000/work`;
  await clients[0].send(new CreateQueueCommand({ QueueName: "work", Attributes: { VisibilityTimeout: String(VISIBILITY_S) } }));

  const acked = new Set<string>();
  // body -> times it was handed out, and whether the holder deleted it
  const receipts = new Map<string, { at: number; deleted: boolean; node: number }[]>();
  const alive = [true, true, true];
  const errors: string[] = [];
  let producing = true;

  const produce = async (i: number, count: number) => {
    for (let b = 0; b < count / 10; b++) {
      if (!alive[i]) return;
      const bodies = Array.from({ length: 10 }, (_, k) => `n${i}-b${b}-${k}`);
      try {
        const r = await clients[i].send(new SendMessageBatchCommand({ QueueUrl: url(i), Entries: bodies.map((body, k) => ({ Id: `e${k}`, MessageBody: body })) }));
        for (const s of r.Successful ?? []) acked.add(bodies[Number(s.Id?.slice(1))]);
      } catch {
        // the node died mid-request: those sends were never acknowledged
      }
    }
  };

  const consume = async (i: number, dropEvery: number) => {
    let n = 0;
    // Run until every acknowledged message has been received and its delete acknowledged, or was last
    // held by the killed node (whose delete may have committed without its answer reaching us; the final
    // drain below shows whether any of those are still in the queue). Sends committed but never
    // acknowledged, because their node died mid-request, may be received too and do not count.
    const settled = (b: string) => receipts.get(b)?.some((x) => x.deleted || x.node === 2);
    while (producing || [...acked].some((b) => !settled(b))) {
      if (!alive[i]) return;
      let got;
      try {
        got = await clients[i].send(new ReceiveMessageCommand({ QueueUrl: url(i), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      } catch (e) {
        if (alive[i]) errors.push(`receive on node ${i}: ${String(e)}`);
        return;
      }
      const toDelete = [];
      for (const m of got.Messages ?? []) {
        const list = receipts.get(m.Body ?? "") ?? [];
        const entry = { at: Date.now(), deleted: false, node: i };
        list.push(entry);
        receipts.set(m.Body ?? "", list);
        // Consumers on the doomed node keep some messages without deleting them: in flight when it dies.
        if (dropEvery > 0 && ++n % dropEvery === 0) continue;
        toDelete.push({ m, entry });
      }
      if (toDelete.length > 0) {
        try {
          await clients[i].send(new DeleteMessageBatchCommand({ QueueUrl: url(i), Entries: toDelete.map(({ m }, k) => ({ Id: `d${k}`, ReceiptHandle: m.ReceiptHandle })) }));
          for (const d of toDelete) d.entry.deleted = true;
        } catch (e) {
          if (alive[i]) errors.push(`delete on node ${i}: ${String(e)}`);
          return;
        }
      }
    }
  };

  const startedAt = Date.now();
  const producers = [produce(0, 600), produce(1, 600), produce(2, 600)];
  const consumers = [consume(0, 0), consume(0, 0), consume(1, 0), consume(1, 0), consume(2, 7), consume(2, 7)];
  // Kill node 2 while work is under way.
  await new Promise((r) => setTimeout(r, 700));
  alive[2] = false;
  nodes[2].proc.kill("SIGKILL");
  const killedAt = Date.now();
  await Promise.all(producers);
  producing = false;
  await Promise.race([Promise.all(consumers), new Promise((r) => setTimeout(r, 30_000))]);

  assert.deepEqual(errors, [], "no request to a live node failed");
  // Messages the killed node's consumers held come back after their visibility timeout, unless their delete
  // committed before the kill: drain what is left through a survivor.
  await new Promise((r) => setTimeout(r, VISIBILITY_S * 1000 + 500));
  for (;;) {
    const got = await clients[0].send(new ReceiveMessageCommand({ QueueUrl: url(0), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    if (!got.Messages?.length) break;
    for (const m of got.Messages) {
      receipts.get(m.Body ?? "")?.push({ at: Date.now(), deleted: true, node: 0 });
    }
    await clients[0].send(new DeleteMessageBatchCommand({ QueueUrl: url(0), Entries: got.Messages.map((m, k) => ({ Id: `f${k}`, ReceiptHandle: m.ReceiptHandle })) }));
  }
  const missing = [...acked].filter((b) => !receipts.get(b)?.length);
  assert.deepEqual(missing, [], "every acknowledged message was received");
  let redelivered = 0;
  let minGap = Number.POSITIVE_INFINITY;
  for (const [body, list] of receipts) {
    for (let k = 1; k < list.length; k++) {
      redelivered++;
      // A second hand-out only after the first holder stopped (did not delete) and its visibility ran out.
      assert.equal(list[k - 1].deleted, false, `${body} handed out again although it was deleted`);
      // Times are taken when the client sees the response, so allow for a busy test process; a double
      // claim would show up as two hand-outs at nearly the same moment.
      const gap = list[k].at - list[k - 1].at;
      minGap = Math.min(minGap, gap);
      assert.ok(gap >= VISIBILITY_S * 1000 - 500, `${body} handed out twice within its visibility timeout (${gap} ms apart)`);
    }
  }
  const attrs = await clients[0].send(new GetQueueAttributesCommand({ QueueUrl: url(0), AttributeNames: ["All"] }));
  assert.equal(attrs.Attributes?.ApproximateNumberOfMessages, "0");
  assert.equal(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible, "0");
  t.diagnostic(`acknowledged ${acked.size}, received ${receipts.size} distinct, redelivered ${redelivered} (shortest gap ${minGap} ms), node killed ${killedAt - startedAt} ms into the run`);
  assert.ok(redelivered > 0, "the killed node's in-flight messages came back");
});
