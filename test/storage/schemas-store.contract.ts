// The Schema Registry storage contract: one body of tests the SQLite and PostgreSQL adapters must pass unchanged.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { NewVersion, SchemasStore } from "../../src/services/schemas/store.ts";

export interface SchemasStoreFactory {
  open(): Promise<{ store: SchemasStore; close(): Promise<void> }>;
}

const S = { account: "111111111111", region: "us-east-1" };
const T0 = Date.UTC(2026, 0, 1);
const v = (content: string, fingerprint = content): NewVersion => ({ type: "OpenApi3", content, fingerprint });

export function schemasStoreContract(name: string, factory: SchemasStoreFactory): void {
  describe(`SchemasStore contract: ${name}`, () => {
    const withStore = (fn: (s: SchemasStore) => Promise<void>) => async () => {
      const { store, close } = await factory.open();
      try {
        await fn(store);
      } finally {
        await close();
      }
    };

    test("registries: create once, update, list by prefix with paging (wildcards literal), delete removes what they hold", withStore(async (s) => {
      assert.equal(await s.createRegistry({ ...S, name: "a_1", description: "d", tags: { k: "v" } }), true);
      assert.equal(await s.createRegistry({ ...S, name: "a_1", tags: {} }), false);
      for (const n of ["a%2", "ab", "b"]) await s.createRegistry({ ...S, name: n, tags: {} });
      assert.deepEqual((await s.getRegistry(S, "a_1"))?.tags, { k: "v" });
      assert.equal((await s.updateRegistry(S, "a_1", "new"))?.description, "new");
      assert.equal(await s.updateRegistry(S, "zz", "new"), undefined);
      const p1 = await s.listRegistries(S, "a", "", 2);
      assert.deepEqual(p1.items.map((r) => r.name), ["a%2", "a_1"]);
      const p2 = await s.listRegistries(S, "a", p1.next!, 2);
      assert.deepEqual([p2.items.map((r) => r.name), p2.next], [["ab"], undefined]);
      assert.deepEqual((await s.listRegistries(S, "a_", "", 10)).items.map((r) => r.name), ["a_1"]);
      assert.deepEqual((await s.listRegistries(S, "a%", "", 10)).items.map((r) => r.name), ["a%2"]);
      await s.addVersion({ ...S, registry: "a_1", name: "x" }, v("c1"), "create", T0);
      await s.putPolicy({ ...S, registry: "a_1", policy: "{}" }, undefined, "r1");
      assert.equal(await s.deleteRegistry(S, "a_1"), true);
      assert.equal(await s.deleteRegistry(S, "a_1"), false);
      assert.equal(await s.getSchema({ ...S, registry: "a_1", name: "x" }), undefined);
      assert.equal(await s.getPolicy(S, "a_1"), undefined);
    }));

    test("versions: create, update, discover (unchanged when the fingerprint is the newest's), numbered without gaps", withStore(async (s) => {
      const k = { ...S, registry: "r", name: "src@Type" };
      assert.deepEqual(await s.addVersion(k, v("c1"), "update", T0), { outcome: "missing" });
      const a = await s.addVersion(k, { ...v("c1"), description: "d", tags: { t: "1" } }, "create", T0);
      assert.equal(a.outcome, "added");
      assert.deepEqual(await s.addVersion(k, v("c1"), "create", T0), { outcome: "exists" });
      const b = await s.addVersion(k, v("c2"), "update", T0 + 1);
      assert.ok(b.outcome === "added" && b.version.version === 2 && b.schema.description === "d" && b.schema.versionCount === 2);
      const same = await s.addVersion(k, v("c2"), "discover", T0 + 2);
      assert.equal(same.outcome, "unchanged");
      const c = await s.addVersion(k, v("c3"), "discover", T0 + 3);
      assert.ok(c.outcome === "added" && c.version.version === 3);
      const fresh = await s.addVersion({ ...k, name: "new" }, v("n1"), "discover", T0);
      assert.ok(fresh.outcome === "added" && fresh.version.version === 1);
      assert.equal((await s.getVersion(k))?.content, "c3");
      assert.equal((await s.getVersion(k, 1))?.content, "c1");
      const page = await s.listVersions(k, 0, 2);
      assert.deepEqual([page.items.map((x) => x.version), page.next], [[1, 2], "2"]);
      assert.deepEqual((await s.listVersions(k, 2, 2)).items.map((x) => x.version), [3]);
      assert.equal(await s.deleteVersion(k, 3), "latest");
      assert.equal(await s.deleteVersion(k, 9), "missing");
      assert.equal(await s.deleteVersion(k, 1), "deleted");
      assert.equal((await s.getSchema(k))?.versionCount, 2);
      const found = await s.searchSchemas(S, "r", "TYPE", "", 10);
      assert.deepEqual(found.items.map((x) => [x.name, x.versions.map((y) => y.version)]), [["src@Type", [2, 3]]]);
      assert.equal((await s.setSchemaDescription(k, "e", T0 + 9))?.description, "e");
      assert.equal(await s.setSchemaTags(k, { a: "b" }), true);
      assert.deepEqual((await s.getSchema(k))?.tags, { a: "b" });
      assert.deepEqual((await s.listSchemas(S, "r", "src", "", 10)).items.map((x) => x.name), ["src@Type"]);
      assert.equal(await s.deleteSchema(k), true);
      assert.equal(await s.getVersion(k, 2), undefined);
      assert.equal(await s.deleteSchema(k), false);
    }));

    test("versions added at once are numbered once each", withStore(async (s) => {
      const k = { ...S, registry: "r2", name: "race" };
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => s.addVersion(k, v(`c${i}`), "discover", T0)));
      const numbers = results.map((r) => (r.outcome === "added" ? r.version.version : 0)).sort((x, y) => x - y);
      assert.deepEqual(numbers, [1, 2, 3, 4, 5, 6, 7, 8]);
      assert.equal((await s.getSchema(k))?.latest, 8);
    }));

    test("code bindings, discoverers and policies", withStore(async (s) => {
      const k = { ...S, registry: "r3", name: "x" };
      await s.putCodeBinding({ ...k, version: 1, language: "TypeScript3", status: "CREATE_IN_PROGRESS", createdAt: T0, lastModified: T0 });
      await s.putCodeBinding({ ...k, version: 1, language: "TypeScript3", status: "CREATE_COMPLETE", createdAt: T0 + 5, lastModified: T0 + 5, source: Buffer.from("zip") });
      const b = await s.getCodeBinding(k, 1, "TypeScript3");
      assert.deepEqual([b?.status, b?.createdAt, b?.lastModified, b?.source?.toString()], ["CREATE_COMPLETE", T0, T0 + 5, "zip"]);

      const d = { ...S, id: "events-event-bus-b", sourceArn: "arn:aws:events:us-east-1:111111111111:event-bus/b", state: "STARTED" as const, crossAccount: true, tags: {} };
      assert.equal(await s.createDiscoverer(d), true);
      assert.equal(await s.createDiscoverer(d), false);
      assert.deepEqual((await s.startedDiscoverers()).map((x) => x.id), [d.id]);
      const u = await s.updateDiscoverer(S, d.id, { state: "STOPPED", crossAccount: false, description: "x" });
      assert.deepEqual([u?.state, u?.crossAccount, u?.description], ["STOPPED", false, "x"]);
      assert.deepEqual(await s.startedDiscoverers(), []);
      assert.deepEqual((await s.listDiscoverers(S, "events-", "arn:aws:events:us-east-1:111111111111:event-bus/", "", 10)).items.map((x) => x.id), [d.id]);
      assert.equal(await s.updateDiscoverer(S, "none", { state: "STARTED" }), undefined);
      assert.equal(await s.deleteDiscoverer(S, d.id), true);
      assert.equal(await s.getDiscoverer(S, d.id), undefined);

      const p = await s.putPolicy({ ...S, registry: "", policy: "{\"a\":1}" }, undefined, "rev1");
      assert.equal(p?.revision, "rev1");
      assert.equal(await s.putPolicy({ ...S, registry: "", policy: "{}" }, "wrong", "rev2"), undefined);
      assert.equal((await s.putPolicy({ ...S, registry: "", policy: "{}" }, "rev1", "rev2"))?.revision, "rev2");
      assert.equal(await s.putPolicy({ ...S, registry: "other", policy: "{}" }, "rev1", "rev3"), undefined);
      assert.equal((await s.getPolicy(S, ""))?.policy, "{}");
      assert.equal(await s.deletePolicy(S, ""), true);
      assert.equal(await s.deletePolicy(S, ""), false);
    }));
  });
}
