// The EventBridge Pipes storage contract: one body of tests the SQLite and PostgreSQL adapters must pass unchanged.
// Each factory opens a store on a database without pipes.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { PipeRecord, PipesStore } from "../../src/services/pipes/store.ts";

export interface PipesStoreFactory {
  open(): Promise<{ store: PipesStore; close(): Promise<void> }>;
  /** Closes and opens the same database again (restarts), when the backend keeps data. */
  reopen?(): Promise<{ store: PipesStore; close(): Promise<void> }>;
}

const A = "000000000000";
const pipe = (name: string, extra: Partial<PipeRecord> = {}): Omit<PipeRecord, "version"> => ({
  account: A, region: "us-east-1", name, desiredState: "RUNNING", currentState: "CREATING",
  config: { Source: `arn:aws:sqs:us-east-1:${A}:src-${name}`, Target: `arn:aws:sqs:us-east-1:${A}:dst`, RoleArn: `arn:aws:iam::${A}:role/r`, Tags: { t: "1" } },
  createdAt: 1000, modifiedAt: 1000, ...extra,
});

export function pipesStoreContract(name: string, factory: PipesStoreFactory): void {
  describe(`PipesStore contract: ${name}`, () => {
    const withStore = (fn: (s: PipesStore) => Promise<void>) => async () => {
      const { store, close } = await factory.open();
      try {
        await fn(store);
      } finally {
        await close();
      }
    };

    test("create, get, duplicate names and the per-account limit", withStore(async (s) => {
      assert.equal(await s.create(pipe("a"), 2), "ok");
      assert.equal(await s.create(pipe("a"), 2), "exists");
      assert.equal(await s.create(pipe("b"), 2), "ok");
      assert.equal(await s.create(pipe("c"), 2), "limit");
      assert.equal(await s.create({ ...pipe("c"), region: "eu-west-1" }, 2), "ok");
      const got = await s.get({ account: A, region: "us-east-1", name: "a" });
      assert.equal(got?.version, 1);
      assert.equal(got?.currentState, "CREATING");
      assert.deepEqual(got?.config.Tags, { t: "1" });
      assert.equal(got?.createdAt, 1000);
      assert.equal(await s.get({ account: A, region: "us-east-1", name: "zz" }), undefined);
    }));

    test("save is compare-and-set on the version; delete too, with the checkpoints", withStore(async (s) => {
      await s.create(pipe("cas"), 10);
      const key = { account: A, region: "us-east-1", name: "cas" };
      const p = (await s.get(key))!;
      assert.equal(await s.save({ ...p, currentState: "RUNNING", modifiedAt: 2000, config: { ...p.config, Target: "arn:aws:sqs:us-east-1:000000000000:other" } }, 1), true);
      assert.equal(await s.save({ ...p, currentState: "STOPPED" }, 1), false);
      const q = (await s.get(key))!;
      assert.equal(q.version, 2);
      assert.equal(q.currentState, "RUNNING");
      assert.equal(q.modifiedAt, 2000);
      assert.equal(q.config.Target, "arn:aws:sqs:us-east-1:000000000000:other");
      await s.saveCheckpoint(key, "shardId-000000000000", "100");
      await s.saveCheckpoint(key, "shardId-000000000000", "200");
      await s.saveCheckpoint(key, "shardId-000000000001", "7");
      assert.deepEqual(await s.checkpoints(key), { "shardId-000000000000": "200", "shardId-000000000001": "7" });
      assert.equal(await s.delete(key, 1), false);
      assert.equal(await s.delete(key, 2), true);
      assert.equal(await s.get(key), undefined);
      assert.deepEqual(await s.checkpoints(key), {});
      await s.saveCheckpoint(key, "s", "1");
      await s.clearCheckpoints(key);
      assert.deepEqual(await s.checkpoints(key), {});
    }));

    test("list: by name after a cursor, with prefix and state filters; page over every account", withStore(async (s) => {
      for (const n of ["l-b", "l-a", "l-c", "m-a"]) await s.create(pipe(n), 10);
      await s.create({ ...pipe("l-x"), account: "111111111111" }, 10);
      const names = async (f = {}, after = "", limit = 10) => (await s.list(A, "us-east-1", f, after, limit)).map((p) => p.name);
      assert.deepEqual(await names(), ["l-a", "l-b", "l-c", "m-a"]);
      assert.deepEqual(await names({ namePrefix: "l-" }, "l-a", 1), ["l-b"]);
      assert.deepEqual(await names({ sourcePrefix: `arn:aws:sqs:us-east-1:${A}:src-l-c` }), ["l-c"]);
      assert.deepEqual(await names({ targetPrefix: "arn:aws:sqs" }), ["l-a", "l-b", "l-c", "m-a"]);
      assert.deepEqual(await names({ targetPrefix: "arn:aws:kinesis" }), []);
      const b = (await s.get({ account: A, region: "us-east-1", name: "l-b" }))!;
      await s.save({ ...b, currentState: "STOPPED", desiredState: "STOPPED" }, b.version);
      assert.deepEqual(await names({ currentState: "STOPPED" }), ["l-b"]);
      assert.deepEqual(await names({ desiredState: "RUNNING", namePrefix: "l" }), ["l-a", "l-c"]);
      // A prefix with LIKE's special characters is taken literally.
      assert.deepEqual(await names({ namePrefix: "l_" }), []);
      assert.deepEqual(await names({ namePrefix: "%" }), []);
      const all: string[] = [];
      let after: PipeRecord | undefined;
      for (;;) {
        const page = await s.page(after, 2);
        all.push(...page.map((p) => `${p.account}/${p.name}`));
        if (page.length < 2) break;
        after = page[page.length - 1];
      }
      assert.deepEqual(all, [`${A}/l-a`, `${A}/l-b`, `${A}/l-c`, `${A}/m-a`, "111111111111/l-x"]);
    }));

    if (factory.reopen) {
      test("pipes and checkpoints survive a reopen", async () => {
        const first = await factory.open();
        await first.store.create(pipe("kept"), 10);
        await first.store.saveCheckpoint({ account: A, region: "us-east-1", name: "kept" }, "s0", "42");
        await first.close();
        const again = await factory.reopen!();
        try {
          assert.equal((await again.store.get({ account: A, region: "us-east-1", name: "kept" }))?.name, "kept");
          assert.deepEqual(await again.store.checkpoints({ account: A, region: "us-east-1", name: "kept" }), { s0: "42" });
        } finally {
          await again.close();
        }
      });
    }
  });
}
