// Durability under kill -9: a Mailroom process (SQLite, --durability strict, access keys, signed requests)
// takes W3-style load (cycle workers send → receive → delete, plus send-only workers so a backlog exists)
// and is killed with SIGKILL at a random moment, several times, restarting on the same data directory.
// After each restart, once in-flight receipts have timed out, the queue is drained and checked:
//   * every message whose SendMessage was acknowledged (HTTP 200) and that nobody tried to delete is there;
//   * no message whose DeleteMessage was acknowledged (with its latest receipt handle) comes back,
//     neither during the load nor in the drain.
// The drained messages are then deleted (acknowledged) and the next round starts. Counts are printed with
// t.diagnostic. CRASH_ROUNDS sets the number of kills (default 3). Note kill -9 loses only what the process
// held: it shows responses follow commits, not that the commit reached the disk (that needs a power cut).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { test } from "node:test";
import { freePort, startMailroomProcess, type Started } from "../../bench/lib/process.ts";
import { SqsConnection } from "../../bench/lib/raw-http.ts";
import { Signer } from "../../bench/lib/sigv4.ts";

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 3);
const KEY = { accessKeyId: "CRASHKEY", secretAccessKey: "crash-secret" };
const VISIBILITY_S = 2;
const CYCLE_WORKERS = 12;
const SEND_WORKERS = 4;

interface Msg {
  Body: string;
  ReceiptHandle: string;
}

test(`SQS strict durability across ${ROUNDS} kill -9 under W3 load`, { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(`${os.tmpdir()}/mailroom-crash-`);
  const port = await freePort();
  const signer = new Signer(KEY);
  const args = ["--data-dir", dir, "--durability", "strict", "--access-keys", `${KEY.accessKeyId}:${KEY.secretAccessKey}:000000000000`];
  let server: Started = await startMailroomProcess(args, null, port);
  try {
    const admin = await SqsConnection.open(port, signer);
    const { QueueUrl: queueUrl } = await admin.call<{ QueueUrl: string }>("CreateQueue", { QueueName: "crash", Attributes: { VisibilityTimeout: String(VISIBILITY_S) } });
    admin.close();

    const ackedSent = new Set<string>();
    const deleteAttempted = new Set<string>();
    const deleteAcked = new Set<string>();
    const lastHandle = new Map<string, string>();
    const zombiesDuringLoad: string[] = [];
    let staleDeletes = 0;
    let redeliveries = 0;
    let seq = 0;

    const received = (m: Msg) => {
      if (deleteAcked.has(m.Body)) zombiesDuringLoad.push(m.Body);
      if (lastHandle.has(m.Body)) redeliveries++;
      lastHandle.set(m.Body, m.ReceiptHandle);
    };
    const deleted = (m: Msg) => {
      if (lastHandle.get(m.Body) === m.ReceiptHandle) deleteAcked.add(m.Body);
      else staleDeletes++; // deleted with an older handle after a redelivery: not a proof of deletion
    };

    for (let round = 1; round <= ROUNDS; round++) {
      // --- load until the kill
      let running = true;
      const worker = async (cycle: boolean) => {
        const c = await SqsConnection.open(port, signer);
        try {
          while (running) {
            const body = `r${round}-m${seq++}`;
            await c.text("SendMessage", JSON.stringify({ QueueUrl: queueUrl, MessageBody: body }));
            ackedSent.add(body);
            if (!cycle) continue;
            const msgs = (JSON.parse(await c.text("ReceiveMessage", JSON.stringify({ QueueUrl: queueUrl, MaxNumberOfMessages: 1 }))).Messages ?? []) as Msg[];
            for (const m of msgs) {
              received(m);
              deleteAttempted.add(m.Body);
              await c.text("DeleteMessage", JSON.stringify({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
              deleted(m);
            }
          }
        } catch {
          // the server was killed mid-request: that request's outcome is unknown
        } finally {
          c.close();
        }
      };
      const workers = [...Array.from({ length: CYCLE_WORKERS }, () => worker(true)), ...Array.from({ length: SEND_WORKERS }, () => worker(false))];
      const loadMs = 800 + Math.floor(Math.random() * 1500);
      await new Promise((r) => setTimeout(r, loadMs));
      await server.kill9();
      running = false;
      await Promise.all(workers);

      // --- restart on the same data, let in-flight receipts time out, drain and check
      server = await startMailroomProcess(args, null, port);
      await new Promise((r) => setTimeout(r, VISIBILITY_S * 1000 + 300));
      const c = await SqsConnection.open(port, signer);
      const drained = new Map<string, Msg>();
      let duplicatesInDrain = 0;
      for (let empty = 0; empty < 3; ) {
        const msgs = (JSON.parse(await c.text("ReceiveMessage", JSON.stringify({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }))).Messages ?? []) as Msg[];
        if (msgs.length === 0) empty++;
        for (const m of msgs) {
          if (drained.has(m.Body)) duplicatesInDrain++;
          drained.set(m.Body, m);
        }
      }
      const lost = [...ackedSent].filter((b) => !deleteAttempted.has(b) && !drained.has(b));
      const zombies = [...drained.keys()].filter((b) => deleteAcked.has(b));
      const unackedSendsPresent = [...drained.keys()].filter((b) => !ackedSent.has(b)).length;
      t.diagnostic(
        `round ${round}: killed after ${loadMs} ms; so far ${ackedSent.size} sends acknowledged, ${deleteAcked.size} deletes acknowledged; ` +
          `after restart ${drained.size} in the queue (expected ≥ ${[...ackedSent].filter((b) => !deleteAttempted.has(b)).length}), ` +
          `lost ${lost.length}, deleted-but-back ${zombies.length + zombiesDuringLoad.length}, unacknowledged sends that survived ${unackedSendsPresent}, ` +
          `redeliveries ${redeliveries}, stale-handle deletes ${staleDeletes}, duplicates in drain ${duplicatesInDrain}`,
      );
      assert.deepEqual(lost.slice(0, 10), [], `round ${round}: ${lost.length} acknowledged sends are missing`);
      assert.deepEqual(zombies.slice(0, 10), [], `round ${round}: ${zombies.length} acknowledged deletes came back`);
      assert.deepEqual(zombiesDuringLoad.slice(0, 10), [], `round ${round}: acknowledged deletes came back during the load`);
      assert.equal(duplicatesInDrain, 0);

      // --- delete what was drained (acknowledged), so the next round's checks start from a known state
      const all = [...drained.values()];
      for (const m of all) {
        lastHandle.set(m.Body, m.ReceiptHandle);
        deleteAttempted.add(m.Body);
      }
      for (let i = 0; i < all.length; i += 10) {
        const batch = all.slice(i, i + 10);
        const r = JSON.parse(await c.text("DeleteMessageBatch", JSON.stringify({ QueueUrl: queueUrl, Entries: batch.map((m, k) => ({ Id: `d${k}`, ReceiptHandle: m.ReceiptHandle })) }))) as { Successful?: { Id: string }[] };
        for (const s of r.Successful ?? []) deleted(batch[Number(s.Id.slice(1))]);
      }
      c.close();
    }
    assert.ok(ackedSent.size > 1000, `too little load to mean anything: ${ackedSent.size} acknowledged sends`);
  } finally {
    await server.kill9();
    rmSync(dir, { recursive: true, force: true });
  }
});
