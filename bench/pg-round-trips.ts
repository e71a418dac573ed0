// Round trips to PostgreSQL per message on the SQS store (issue 19, part 3): 16 calls per event-loop turn, one
// message each or batches of 10; sends, then receive + delete. Counts pg Client.query calls (one round trip each).
//   node --import tsx bench/pg-round-trips.ts
import pg from "pg";
import { freshDatabase } from "../test/helpers/postgres.ts";
import { PgDb } from "../src/storage/postgres/db.ts";
import { PgSqsStore } from "../src/storage/postgres/sqs-store.ts";
let roundTrips = 0;
const orig = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) { roundTrips++; return (orig as (...a: unknown[]) => unknown).apply(this, args); } as typeof orig;
const d = await freshDatabase("rt");
const db = await PgDb.open(d.url, 10);
const s = new PgSqsStore(db);
const { queue } = await s.createQueue({ account: "a", region: "r", name: "q" }, { attributes: {}, retentionMs: 1e12 }, {}, 0);
let n = 0;
const msg = () => ({ messageId: `m${n++}`, body: "x".repeat(1024), md5OfBody: "x", senderId: "A", visibleAt: 0 });
const C = 16;
for (const batched of [false, true]) {
  const k = batched ? 10 : 1;
  roundTrips = 0;
  const turns = 50;
  for (let t = 0; t < turns; t++) {
    await Promise.all(Array.from({ length: C }, () => s.enqueue(queue.id, Array.from({ length: k }, msg), 1)));
  }
  const sendRt = roundTrips / (turns * C * k);
  roundTrips = 0;
  for (let t = 0; t < turns; t++) {
    const got = await Promise.all(Array.from({ length: C }, (_, i) => s.receive(queue.id, { max: k, visibilityMs: 30000, now: 2, expiredBefore: 0, nonces: Array.from({ length: k }, (_, j) => `n${t}-${i}-${j}`.padEnd(16, "x")) })));
    await Promise.all(got.map((ms) => s.deleteMessages(queue.id, ms.map((m) => ({ rowId: m.rowId, nonce: m.receiptNonce })), 2)));
  }
  const cycRt = roundTrips / (turns * C * k);
  console.log(`${batched ? "batches of 10" : "one message per call"}, ${C} calls per turn: ${sendRt.toFixed(3)} round trips per message sent, ${cycRt.toFixed(3)} per message received and deleted`);
}
await s.close();
await d.drop();
