// Runs the storage contract against the SQLite adapter: in memory, and on a file that is reopened.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { SqliteDb } from "../../src/storage/sqlite/db.ts";
import { SqliteSnsStore } from "../../src/storage/sqlite/sns-store.ts";
import { SqliteSqsStore } from "../../src/storage/sqlite/sqs-store.ts";
import { snsStoreContract } from "./sns-store.contract.ts";
import { sqsStoreContract } from "./sqs-store.contract.ts";

sqsStoreContract("sqlite (memory)", { open: async () => new SqliteSqsStore(new SqliteDb(":memory:")) });
snsStoreContract("sqlite (memory)", {
  open: async () => {
    const db = new SqliteDb(":memory:");
    const sqs = new SqliteSqsStore(db);
    return { sns: new SqliteSnsStore(db, sqs), sqs, close: () => db.close() };
  },
});

const dir = mkdtempSync(join(tmpdir(), "mailroom-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
sqsStoreContract("sqlite (file, strict)", { open: async () => new SqliteSqsStore(new SqliteDb(join(dir, `db${n++}.sqlite`), "strict")) });

test("a committed write survives reopening the database file", async () => {
  const file = join(dir, "reopen.sqlite");
  const a = new SqliteSqsStore(new SqliteDb(file));
  const { queue } = await a.createQueue({ account: "000000000000", region: "us-east-1", name: "keep" }, { attributes: {}, retentionMs: 60_000 }, {}, 1);
  await a.enqueue(queue.id, [{ messageId: "m", body: "kept", md5OfBody: "x", senderId: "s", visibleAt: 1 }], 1);
  await a.close();
  const b = new SqliteSqsStore(new SqliteDb(file));
  const got = await b.receive(queue.id, { max: 1, visibilityMs: 1, now: 2, expiredBefore: 0, nonces: ["n".repeat(16)] });
  assert.equal(got[0]?.body, "kept");
  await b.close();
});
