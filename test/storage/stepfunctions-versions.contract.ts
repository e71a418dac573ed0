// The contract of Step Functions' versions, aliases, machine settings, execution sources and .sync children
// (VersionAliasStore): one body of tests the SQLite and PostgreSQL adapters pass unchanged.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AliasRecord, StepFunctionsStore, VersionRecord } from "../../src/services/stepfunctions/store.ts";

export interface VersionStoreFactory {
  open(): Promise<StepFunctionsStore>;
}

const M = "arn:aws:states:us-east-1:000000000000:stateMachine:m";
const version = (revisionKey: string, description?: string): Omit<VersionRecord, "arn" | "version"> => ({
  machineArn: M, definition: "{}", roleArn: "arn:aws:iam::000000000000:role/r", type: "STANDARD", revisionKey, createdAt: 1, description,
});
const alias = (name: string, routing: AliasRecord["routing"]): AliasRecord => ({ arn: `${M}:${name}`, machineArn: M, name, routing, createdAt: 1, updatedAt: 1 });

export function versionStoreContract(name: string, factory: VersionStoreFactory): void {
  describe(`Step Functions versions and aliases contract: ${name}`, () => {
    const withStore = (fn: (s: StepFunctionsStore) => Promise<void>) => async () => {
      const s = await factory.open();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    };

    test("publishing numbers versions from 1, answers the newest again for its revision, enforces the limit", withStore(async (s) => {
      const a = await s.publishVersion(version("r1", "d"), 3);
      assert.ok(a !== "limit" && a.created && a.version.version === 1 && a.version.arn === `${M}:1` && a.version.description === "d");
      const again = await s.publishVersion(version("r1"), 3);
      assert.ok(again !== "limit" && !again.created && again.version.version === 1);
      const b = await s.publishVersion(version("r2"), 3);
      assert.ok(b !== "limit" && b.version.version === 2);
      await s.deleteVersion(`${M}:2`);
      const c = await s.publishVersion(version("r3"), 3);
      assert.ok(c !== "limit" && c.version.version === 3, "numbers are not reused");
      await s.publishVersion(version("r4"), 3);
      assert.equal(await s.publishVersion(version("r5"), 3), "limit");
      assert.deepEqual((await s.listVersions(M, Number.MAX_SAFE_INTEGER, 10)).map((v) => v.version), [4, 3, 1]);
      assert.deepEqual((await s.listVersions(M, 3, 10)).map((v) => v.version), [1]);
      assert.equal((await s.getVersion(`${M}:1`))?.revisionKey, "r1");
    }));

    test("concurrent publishes of different revisions get distinct numbers", withStore(async (s) => {
      const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => s.publishVersion(version(`c${i}`), 1000)));
      const numbers = rs.map((r) => (r === "limit" ? -1 : r.version.version)).sort((x, y) => x - y);
      assert.equal(new Set(numbers).size, numbers.length);
    }));

    test("aliases: created once, routed versions must exist, a routed version cannot be deleted, limit", withStore(async (s) => {
      await s.publishVersion(version("r1"), 10);
      await s.publishVersion(version("r2"), 10);
      assert.equal(await s.createAlias(alias("x", [{ stateMachineVersionArn: `${M}:9`, weight: 100 }]), 2), "missing-version");
      const made = await s.createAlias(alias("prod", [{ stateMachineVersionArn: `${M}:1`, weight: 100 }]), 2);
      assert.ok(made !== "limit" && made !== "missing-version" && made.created);
      const again = await s.createAlias(alias("prod", [{ stateMachineVersionArn: `${M}:2`, weight: 100 }]), 2);
      assert.ok(again !== "limit" && again !== "missing-version" && !again.created && again.alias.routing[0].stateMachineVersionArn === `${M}:1`);
      assert.equal(await s.deleteVersion(`${M}:1`), "referenced");
      assert.equal(await s.updateAlias(`${M}:prod`, { routing: [{ stateMachineVersionArn: `${M}:7`, weight: 100 }], updatedAt: 2 }), "missing-version");
      assert.equal(await s.updateAlias(`${M}:prod`, { routing: [{ stateMachineVersionArn: `${M}:2`, weight: 100 }], description: "d", updatedAt: 2 }), true);
      assert.equal((await s.getAlias(`${M}:prod`))?.description, "d");
      assert.equal(await s.deleteVersion(`${M}:1`), "deleted");
      await s.createAlias(alias("b", [{ stateMachineVersionArn: `${M}:2`, weight: 100 }]), 2);
      assert.equal(await s.createAlias(alias("c", [{ stateMachineVersionArn: `${M}:2`, weight: 100 }]), 2), "limit");
      assert.deepEqual((await s.listAliases(M, "", 10)).map((a) => a.name), ["b", "prod"]);
      assert.deepEqual((await s.listAliases(M, `${M}:b`, 10)).map((a) => a.name), ["prod"]);
      assert.equal(await s.updateAlias(`${M}:gone`, { updatedAt: 3 }), false);
      await s.deleteMachineExtras(M);
      assert.equal(await s.getAlias(`${M}:prod`), undefined);
      assert.equal(await s.getVersion(`${M}:2`), undefined);
    }));

    test("settings, execution sources and .sync children", withStore(async (s) => {
      await s.setMachineSettings(M, { logging: '{"level":"OFF"}' });
      await s.setMachineSettings(M, { logging: '{"level":"ALL"}', tracing: '{"enabled":true}' });
      assert.deepEqual(await s.getMachineSettings(M), { logging: '{"level":"ALL"}', tracing: '{"enabled":true}' });
      await s.setExecutionSource("x1", { versionArn: `${M}:1`, aliasArn: `${M}:a` });
      assert.deepEqual(await s.getExecutionSource("x1"), { versionArn: `${M}:1`, aliasArn: `${M}:a` });
      assert.equal(await s.getExecutionSource("x2"), undefined);
      await s.linkChild("child", "token", "sync:2");
      assert.deepEqual(await s.childLink("child"), { taskToken: "token", pattern: "sync:2" });
      assert.equal(await s.childLink("other"), undefined);
    }));
  });
}
