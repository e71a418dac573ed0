// The Step Functions storage contract: one body of tests the SQLite and PostgreSQL adapters must pass unchanged.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ExecutionRecord, HistoryEventRecord, StateMachineRecord, StepFunctionsStore } from "../../src/services/stepfunctions/store.ts";

export interface StepFunctionsStoreFactory {
  open(): Promise<StepFunctionsStore>;
}

const T0 = Date.UTC(2026, 0, 1);
const machine = (name: string, account = "000000000000", region = "us-east-1"): StateMachineRecord => ({
  arn: `arn:aws:states:${region}:${account}:stateMachine:${name}`, account, region, name, definition: '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}',
  roleArn: "arn:aws:iam::000000000000:role/r", type: "STANDARD", createdAt: T0, tags: [],
});
const execution = (m: StateMachineRecord, name: string, startDate = T0, due: number | null = startDate): ExecutionRecord => ({
  arn: `${m.arn.replace(":stateMachine:", ":execution:")}:${name}`, machineArn: m.arn, name, status: "RUNNING", input: "{}", startDate,
  definition: m.definition, roleArn: m.roleArn, machineUpdatedAt: m.createdAt, position: { state: "A", stateInput: "{}", phase: "enter", dueAt: due ?? undefined, enteredEventId: 0, enteredAt: startDate },
  lastEventId: 1, version: 0,
});
const started = (t = T0): HistoryEventRecord => ({ id: 1, previousEventId: 0, timestamp: t, type: "ExecutionStarted", detailsKey: "executionStartedEventDetails", details: { input: "{}" } });

export function stepFunctionsStoreContract(name: string, factory: StepFunctionsStoreFactory): void {
  describe(`StepFunctionsStore contract: ${name}`, () => {
    const withStore = (fn: (s: StepFunctionsStore) => Promise<void>) => async () => {
      const s = await factory.open();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    };

    test("createStateMachine returns the existing machine of that ARN; list pages by ARN within an account and region", withStore(async (s) => {
      const a = await s.createStateMachine(machine("b"));
      assert.equal(a.created, true);
      const again = await s.createStateMachine({ ...machine("b"), definition: "{}", createdAt: T0 + 5 });
      assert.equal(again.created, false);
      assert.deepEqual(again.machine, machine("b"));
      await s.createStateMachine(machine("a"));
      await s.createStateMachine(machine("c"));
      await s.createStateMachine(machine("other", "111111111111"));
      await s.createStateMachine(machine("west", "000000000000", "us-west-2"));
      const first = await s.listStateMachines("000000000000", "us-east-1", "", 2);
      assert.deepEqual(first.map((m) => m.name), ["a", "b"]);
      const rest = await s.listStateMachines("000000000000", "us-east-1", first[1].arn, 10);
      assert.deepEqual(rest.map((m) => m.name), ["c"]);
      assert.deepEqual(await s.getStateMachine(machine("a").arn), machine("a"));
      // Binary order whatever the database's collation: upper case before lower case, paging agrees with sorting.
      await s.createStateMachine(machine("B-upper"));
      const names: string[] = [];
      let after = "";
      for (;;) {
        const page = await s.listStateMachines("000000000000", "us-east-1", after, 1);
        if (page.length === 0) break;
        names.push(page[0].name);
        after = page[0].arn;
      }
      assert.deepEqual(names, ["B-upper", "a", "b", "c"]);
      assert.equal(await s.setTags(machine("a").arn, [["z", "1"], ["a", ""], ["1", "x"]]), true);
      assert.deepEqual((await s.getStateMachine(machine("a").arn))!.tags, [["z", "1"], ["a", ""], ["1", "x"]], "tags keep their order");
      assert.equal(await s.setTags(machine("nope").arn, []), false);
      assert.equal(await s.updateStateMachine(machine("a").arn, { definition: "{}", roleArn: "r2", revisionId: "rev-1", updatedAt: T0 + 9 }), true);
      const updated = (await s.getStateMachine(machine("a").arn))!;
      assert.deepEqual([updated.definition, updated.roleArn, updated.revisionId, updated.updatedAt, updated.createdAt], ["{}", "r2", "rev-1", T0 + 9, T0]);
      assert.equal(await s.updateStateMachine(machine("nope").arn, { definition: "{}", roleArn: "r2", revisionId: "rev-1", updatedAt: T0 }), false);
      await s.deleteStateMachine(machine("a").arn);
      assert.equal(await s.getStateMachine(machine("a").arn), undefined);
    }));

    test("startExecution inserts once with its events; the second start of that ARN returns the first", withStore(async (s) => {
      const m = machine("m1");
      const e = execution(m, "e");
      const a = await s.startExecution(e, [started()]);
      assert.equal(a.created, true);
      const b = await s.startExecution({ ...e, input: '{"other":1}' }, [started()]);
      assert.equal(b.created, false);
      assert.deepEqual(b.execution, e);
      assert.deepEqual(await s.history(e.arn), [started()]);
      assert.deepEqual(await s.getExecution(e.arn), e);
    }));

    test("a write's events come back one by one in id order, however many and however large (history rows batched)", withStore(async (s) => {
      const m = machine("m-batch");
      const ev = (id: number, text = ""): HistoryEventRecord => ({ id, previousEventId: id - 1, timestamp: T0 + id, type: "PassStateExited", detailsKey: "stateExitedEventDetails", details: { name: "P", output: JSON.stringify({ text }) } });
      const e = execution(m, "e");
      // A start with its first steps (StartExecution commits side-effect-free steps with the start).
      const first = [started(), ...Array.from({ length: 20 }, (_, i) => ev(i + 2))];
      await s.startExecution({ ...e, lastEventId: 21 }, first);
      assert.deepEqual(await s.history(e.arn), first);
      // A step of many events, three of them large enough that the write is split into several rows.
      const big = "x".repeat(400_000);
      const step = [ev(22), ev(23, big), ev(24, big), ev(25), ev(26, big), ev(27)];
      assert.equal(await s.advance(e.arn, 0, { status: "RUNNING", position: e.position, lastEventId: 27 }, step), true);
      // A lone event, as before.
      assert.equal(await s.advance(e.arn, 1, { status: "SUCCEEDED", output: "{}", stopDate: T0 + 50, position: { ...e.position, dueAt: undefined }, lastEventId: 28 }, [ev(28)]), true);
      const h = await s.history(e.arn);
      assert.deepEqual(h.map((x) => x.id), Array.from({ length: 28 }, (_, i) => i + 1));
      assert.deepEqual(h, [...first, ...step, ev(28)]);
    }));

    test("advance commits a step with its events only at the expected version", withStore(async (s) => {
      const e = execution(machine("m2"), "e");
      await s.startExecution(e, [started()]);
      const ev = (id: number, type: string): HistoryEventRecord => ({ id, previousEventId: id - 1, timestamp: T0 + id, type });
      const pos = { ...e.position, state: "B", dueAt: T0 + 1000 };
      assert.equal(await s.advance(e.arn, 0, { status: "RUNNING", position: pos, lastEventId: 3 }, [ev(2, "PassStateEntered"), ev(3, "PassStateExited")]), true);
      assert.equal(await s.advance(e.arn, 0, { status: "ABORTED", position: pos, lastEventId: 4, stopDate: T0 }, [ev(4, "ExecutionAborted")]), false, "a stale version loses");
      const x = (await s.getExecution(e.arn))!;
      assert.equal(x.version, 1);
      assert.equal(x.lastEventId, 3);
      assert.deepEqual(x.position, pos);
      assert.deepEqual((await s.history(e.arn)).map((h) => h.type), ["ExecutionStarted", "PassStateEntered", "PassStateExited"]);
      assert.equal(await s.advance(e.arn, 1, { status: "SUCCEEDED", output: '{"ok":1}', stopDate: T0 + 2000, position: { ...pos, dueAt: undefined }, lastEventId: 4 }, [ev(4, "ExecutionSucceeded")]), true);
      const done = (await s.getExecution(e.arn))!;
      assert.equal(done.status, "SUCCEEDED");
      assert.equal(done.output, '{"ok":1}');
      assert.equal(done.stopDate, T0 + 2000);
    }));

    test("due executions: only running ones whose next step is due, earliest first; nextDue is the earliest", withStore(async (s) => {
      const m = machine("m3");
      assert.equal(await s.nextDue(), undefined);
      await s.startExecution(execution(m, "late", T0, T0 + 5000), []);
      await s.startExecution(execution(m, "soon", T0, T0 + 1000), []);
      await s.startExecution(execution(m, "idle", T0, null), []);
      assert.equal(await s.nextDue(), T0 + 1000);
      assert.deepEqual(await s.dueExecutions(T0 + 999, 10), []);
      assert.deepEqual((await s.dueExecutions(T0 + 5000, 10)).map((a) => a.split(":").pop()), ["soon", "late"]);
      const soon = execution(m, "soon", T0, T0 + 1000);
      await s.advance(soon.arn, 0, { status: "ABORTED", stopDate: T0, position: soon.position, lastEventId: 1 }, []);
      assert.deepEqual((await s.dueExecutions(T0 + 5000, 10)).map((a) => a.split(":").pop()), ["late"]);
      assert.equal(await s.nextDue(), T0 + 5000);
    }));

    test("listExecutions: newest first, by status, after a cursor", withStore(async (s) => {
      const m = machine("m4");
      for (let i = 0; i < 4; i++) await s.startExecution(execution(m, `e${i}`, T0 + i), []);
      await s.startExecution(execution(machine("m5"), "elsewhere", T0 + 9), []);
      const e1 = execution(m, "e1", T0 + 1);
      await s.advance(e1.arn, 0, { status: "FAILED", stopDate: T0 + 5, error: "E", position: e1.position, lastEventId: 1 }, []);
      const all = await s.listExecutions(m.arn, undefined, undefined, 10);
      assert.deepEqual(all.map((x) => x.name), ["e3", "e2", "e1", "e0"]);
      const page = await s.listExecutions(m.arn, undefined, { startDate: all[1].startDate, arn: all[1].arn }, 10);
      assert.deepEqual(page.map((x) => x.name), ["e1", "e0"]);
      assert.deepEqual((await s.listExecutions(m.arn, "FAILED", undefined, 10)).map((x) => [x.name, x.error]), [["e1", "E"]]);
      assert.deepEqual((await s.listExecutions(m.arn, "RUNNING", undefined, 2)).map((x) => x.name), ["e3", "e2"]);
    }));

    test("task rows: opened with a step, completed once (the execution made due now), heartbeats, timeouts, closed with the execution", withStore(async (s) => {
      const m = machine("t1");
      const e = execution(m, "tasks", T0, T0 + 99_000);
      await s.startExecution(e, [started()]);
      const tok = (k: string) => `MR${k.padEnd(128, "x")}`;
      assert.equal(await s.advance(e.arn, 0, {
        status: "RUNNING", position: { ...e.position, dueAt: T0 + 99_000 }, lastEventId: 1,
        openTasks: [{ token: tok("a"), input: "{}", createdAt: T0 }, { token: tok("b"), input: "{}", createdAt: T0 }, { token: tok("c"), input: "{}", createdAt: T0 }],
      }, []), true);
      assert.deepEqual((await s.openTasks(e.arn)).map((t) => [t.token, t.status]).sort(), [[tok("a"), "scheduled"], [tok("b"), "scheduled"], [tok("c"), "scheduled"]]);
      await s.recordInvocation(tok("a"), { status: "started" }, T0 + 1);
      assert.equal(await s.heartbeatTask(tok("a"), T0 + 2), "ok");
      assert.equal(await s.completeTask(tok("a"), { status: "succeeded", output: '{"r":1}' }, T0 + 3), "ok");
      const a = (await s.openTasks(e.arn)).find((t) => t.token === tok("a"))!;
      assert.deepEqual([a.status, a.output, a.startedAt, a.heartbeatAt], ["succeeded", '{"r":1}', T0 + 1, T0 + 2]);
      assert.equal(await s.completeTask(tok("a"), { status: "failed", error: "E" }, T0 + 4), "missing", "completed once");
      const x = (await s.getExecution(e.arn))!;
      assert.equal(x.position.dueAt, T0 + 3, "a completion makes the execution due now");
      assert.equal(x.version, 2, "and moves its version");
      assert.equal(await s.completeTask(tok("zzz"), { status: "failed" }, T0), "missing");
      assert.equal(await s.heartbeatTask(tok("zzz"), T0), "missing");
      assert.equal(await s.advance(e.arn, 2, { status: "RUNNING", position: e.position, lastEventId: 1, closeTasks: [tok("a")], timedOutTasks: [tok("b")] }, []), true);
      assert.equal(await s.completeTask(tok("b"), { status: "succeeded", output: "1" }, T0), "timed_out");
      assert.equal(await s.heartbeatTask(tok("b"), T0), "timed_out");
      assert.deepEqual((await s.openTasks(e.arn)).map((t) => t.token).sort(), [tok("b"), tok("c")]);
      assert.equal(await s.advance(e.arn, 3, { status: "ABORTED", stopDate: T0, position: e.position, lastEventId: 1 }, []), true);
      assert.equal(await s.completeTask(tok("c"), { status: "succeeded", output: "1" }, T0), "missing", "an ended execution's tasks are gone");
      assert.equal(await s.completeTask(tok("b"), { status: "succeeded", output: "1" }, T0), "timed_out", "a timed-out one stays timed out");
    }));

    test("activities and their tasks: each task goes to one worker, oldest first; the claim makes the execution due", withStore(async (s) => {
      const act = { arn: "arn:aws:states:us-east-1:000000000000:activity:a1", account: "000000000000", region: "us-east-1", name: "a1", createdAt: T0, tags: [] as [string, string][] };
      assert.equal((await s.createActivity(act)).created, true);
      assert.equal((await s.createActivity({ ...act, createdAt: T0 + 1 })).created, false);
      assert.deepEqual(await s.getActivity(act.arn), act);
      assert.ok((await s.listActivities("000000000000", "us-east-1", "", 100)).some((a) => a.arn === act.arn));
      const m = machine("t2");
      const e = execution(m, "acts", T0, null);
      await s.startExecution(e, [started()]);
      const tok = (k: string) => `MR${k.padEnd(128, "y")}`;
      await s.advance(e.arn, 0, {
        status: "RUNNING", position: e.position, lastEventId: 1,
        openTasks: [1, 2, 3].map((i) => ({ token: tok(`t${i}`), activityArn: act.arn, input: `{"i":${i}}`, createdAt: T0 + i })),
      }, []);
      const claims = await Promise.all([s.claimActivityTask(act.arn, "w1", T0 + 10), s.claimActivityTask(act.arn, "w2", T0 + 10)]);
      assert.deepEqual(claims.map((c) => c!.input).sort(), ['{"i":1}', '{"i":2}']);
      assert.equal((await s.claimActivityTask(act.arn, undefined, T0 + 11))!.input, '{"i":3}');
      assert.equal(await s.claimActivityTask(act.arn, undefined, T0 + 12), undefined);
      const t1 = (await s.openTasks(e.arn)).find((t) => t.input === '{"i":1}')!;
      assert.equal(t1.status, "started");
      assert.ok(t1.workerName === "w1" || t1.workerName === "w2");
      assert.equal((await s.getExecution(e.arn))!.position.dueAt, T0 + 11);
      await s.deleteActivity(act.arn);
      assert.equal(await s.getActivity(act.arn), undefined);
    }));

    test("a child execution's last step completes its parent's task in the same transaction", withStore(async (s) => {
      const m = machine("t3");
      const parent = execution(m, "parent", T0, null);
      await s.startExecution(parent, [started()]);
      const token = `MR${"p".repeat(128)}`;
      await s.advance(parent.arn, 0, { status: "RUNNING", position: parent.position, lastEventId: 1, openTasks: [{ token, input: "{}", createdAt: T0 }] }, []);
      const child = { ...execution(m, "child", T0), parentToken: token };
      await s.startExecution(child, [started()]);
      assert.equal((await s.getExecution(child.arn))!.parentToken, token);
      await s.advance(child.arn, 0, {
        status: "SUCCEEDED", output: "{}", stopDate: T0 + 5, position: { ...child.position, dueAt: undefined }, lastEventId: 1,
        completeParent: { token, completion: { status: "succeeded", child: '{"Status":"SUCCEEDED"}' }, now: T0 + 5 },
      }, []);
      const row = (await s.openTasks(parent.arn))[0];
      assert.deepEqual([row.status, row.child], ["succeeded", '{"Status":"SUCCEEDED"}']);
      assert.equal((await s.getExecution(parent.arn))!.position.dueAt, T0 + 5);
    }));

    test("execution leases: one owner at a time on a shared database (PostgreSQL); SQLite, one process per file, always grants", withStore(async (s) => {
      const m = machine("l1");
      const e = execution(m, "leased", T0, T0);
      await s.startExecution(e, [started()]);
      assert.equal(await s.leaseExecution(e.arn, "node-a", T0, T0 + 30_000), true);
      assert.equal(await s.leaseExecution(e.arn, "node-a", T0 + 1, T0 + 30_001), true, "the owner renews");
      if (!name.startsWith("postgres")) return;
      assert.equal(await s.leaseExecution(e.arn, "node-b", T0 + 2, T0 + 30_002), false);
      assert.deepEqual(await s.dueExecutions(T0 + 10, 10), [], "a leased execution is not due for other nodes");
      assert.equal(await s.nextDue(), T0 + 30_001, "it is next due when the lease ends");
      assert.equal(await s.leaseExecution(e.arn, "node-b", T0 + 30_001, T0 + 60_000), true, "a lapsed lease is taken over");
      await s.releaseExecution(e.arn, "node-a");
      assert.equal(await s.leaseExecution(e.arn, "node-a", T0 + 30_002, T0 + 60_000), false, "only the owner releases");
      await s.releaseExecution(e.arn, "node-b");
      assert.deepEqual(await s.dueExecutions(T0 + 30_002, 10), [e.arn]);
    }));

    test("map runs: opened with a step, listed per execution, ended by a later step or with the execution; child counts by status", withStore(async (s) => {
      const m = machine("r1");
      const e = execution(m, "runs", T0, T0);
      await s.startExecution(e, [started()]);
      const run = (id: string) => ({
        arn: `arn:aws:states:us-east-1:000000000000:mapRun:r1/L:${id}`, executionArn: e.arn, childMachineArn: `${m.arn}/${id}`, status: "RUNNING" as const,
        startDate: T0, maxConcurrency: 2, toleratedFailureCount: 1, toleratedFailurePercentage: 50, total: 3,
      });
      await s.advance(e.arn, 0, { status: "RUNNING", position: e.position, lastEventId: 1, openMapRuns: [run("a"), run("b")] }, []);
      assert.deepEqual(await s.getMapRun(run("a").arn), run("a"));
      assert.deepEqual((await s.listMapRuns(e.arn, "", 10)).map((r) => r.arn), [run("a").arn, run("b").arn]);
      assert.deepEqual((await s.listMapRuns(e.arn, run("a").arn, 10)).map((r) => r.arn), [run("b").arn]);
      await s.advance(e.arn, 1, { status: "RUNNING", position: e.position, lastEventId: 1, closeMapRuns: [{ arn: run("a").arn, status: "SUCCEEDED", stopDate: T0 + 5 }] }, []);
      assert.deepEqual([(await s.getMapRun(run("a").arn))!.status, (await s.getMapRun(run("a").arn))!.stopDate], ["SUCCEEDED", T0 + 5]);
      const child = { ...execution({ ...m, arn: run("b").childMachineArn }, "c1", T0), parentToken: undefined };
      await s.startExecution(child, [started()]);
      await s.startExecution(execution({ ...m, arn: run("b").childMachineArn }, "c2", T0), [started()]);
      await s.advance(child.arn, 0, { status: "FAILED", error: "E", stopDate: T0 + 1, position: child.position, lastEventId: 1 }, []);
      assert.deepEqual(await s.statusCounts(run("b").childMachineArn), { FAILED: 1, RUNNING: 1 });
      await s.advance(e.arn, 2, { status: "ABORTED", stopDate: T0 + 9, position: e.position, lastEventId: 1 }, []);
      assert.deepEqual([(await s.getMapRun(run("b").arn))!.status, (await s.getMapRun(run("b").arn))!.stopDate], ["ABORTED", T0 + 9]);
      assert.equal((await s.getMapRun(run("a").arn))!.status, "SUCCEEDED");
    }));
  });
}
