// EXPRESS state machines with the official client: CreateStateMachine type EXPRESS, StartSyncExecution with and
// without the "sync-" host prefix, StartExecution of an EXPRESS machine (asynchronous, not kept), what AWS refuses for
// EXPRESS (ListExecutions) and for STANDARD (StartSyncExecution), Waits on the ManualClock, the 5-minute bound, and
// LoggingConfiguration/TracingConfiguration stored and returned.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import {
  CreateStateMachineCommand, DescribeStateMachineCommand, ListExecutionsCommand, ListStateMachinesCommand, SFNClient,
  StartExecutionCommand, StartSyncExecutionCommand, UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";
import { def, ROLE } from "./helpers.ts";

const clock = new ManualClock(Date.UTC(2026, 0, 1));
let server: Mailroom;
let sfn: SFNClient;
let prefixed: SFNClient;

// Ten Pass/Choice states: a loop of Choice and Pass states that counts to 3, then a Pass chain to the end.
export const TEN_STATES = def({
  Init: { Type: "Pass", Result: 0, ResultPath: "$.i", Next: "Check" },
  Check: { Type: "Choice", Choices: [{ Variable: "$.i", NumericGreaterThanEquals: 3, Next: "A" }], Default: "Inc" },
  Inc: { Type: "Pass", Parameters: { "i.$": "$.i", "done.$": "$.i" }, ResultPath: "$.last", Next: "Bump" },
  Bump: { Type: "Choice", Choices: [{ Variable: "$.i", NumericEquals: 0, Next: "One" }, { Variable: "$.i", NumericEquals: 1, Next: "Two" }], Default: "Three" },
  One: { Type: "Pass", Result: 1, ResultPath: "$.i", Next: "Check" },
  Two: { Type: "Pass", Result: 2, ResultPath: "$.i", Next: "Check" },
  Three: { Type: "Pass", Result: 3, ResultPath: "$.i", Next: "Check" },
  A: { Type: "Pass", Result: "a", ResultPath: "$.a", Next: "B" },
  B: { Type: "Pass", Result: "b", ResultPath: "$.b", Next: "Done" },
  Done: { Type: "Succeed" },
});

// A local function that never answers (a Task bounded by the execution's deadline).
const hanging = createServer(() => undefined);

before(async () => {
  await new Promise<void>((r) => hanging.listen(0, "127.0.0.1", r));
  server = await startTestServer({ clock, lambdaFunctions: { hang: `http://127.0.0.1:${(hanging.address() as { port: number }).port}/` } });
  const config = { endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  sfn = new SFNClient({ ...config, disableHostPrefix: true });
  // A client that keeps the modelled "sync-" host prefix: its requests reach the same port with Host: sync-localhost:<port>.
  const inner = new NodeHttpHandler();
  prefixed = new SFNClient({
    ...config, endpoint: server.endpoint.replace("127.0.0.1", "localhost"),
    requestHandler: {
      handle: (req: { hostname: string; headers: Record<string, string> }, opts?: unknown) => {
        assert.match(req.hostname, /^sync-localhost$|^localhost$/);
        req.hostname = "127.0.0.1";
        return inner.handle(req as never, opts as never);
      },
    } as never,
  });
});
after(async () => {
  hanging.closeAllConnections();
  hanging.close();
  await server?.close();
});

/**
 * Drives the ManualClock until the request answers: each round moves time exactly to the earliest armed timer (the
 * scheduler's one timer: a parked Wait, or another registration's poll), so a Wait ends exactly at its due time.
 */
async function drive<T>(p: Promise<T>): Promise<T> {
  let done = false;
  void p.finally(() => (done = true)).catch(() => undefined);
  for (let i = 0; i < 20_000 && !done; i++) {
    await new Promise((r) => setTimeout(r, 1));
    const next = clock.pending()[0];
    if (next !== undefined && !done) clock.advance(Math.max(0, next - clock.now()));
  }
  return p;
}

test("EXPRESS machines: type in Describe and List; StartSyncExecution answers the outcome", async () => {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: "ten", roleArn: ROLE, type: "EXPRESS", definition: TEN_STATES }));
  assert.equal((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).type, "EXPRESS");
  assert.equal((await sfn.send(new ListStateMachinesCommand({}))).stateMachines!.find((m) => m.name === "ten")!.type, "EXPRESS");
  const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, name: "run-1", input: '{"x":1}' }));
  assert.equal(r.status, "SUCCEEDED");
  assert.deepEqual(JSON.parse(r.output!), { x: 1, i: 3, last: { i: 2, done: 2 }, a: "a", b: "b" });
  assert.match(r.executionArn!, /^arn:aws:states:us-east-1:000000000000:express:ten:run-1:[0-9a-f-]{36}$/);
  assert.equal(r.stateMachineArn, stateMachineArn);
  assert.equal(r.input, '{"x":1}');
  assert.deepEqual(r.inputDetails, { included: true });
  assert.ok(r.billingDetails!.billedDurationInMilliseconds! >= 100);
  const failed = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: (await sfn.send(new CreateStateMachineCommand({
    name: "fails", roleArn: ROLE, type: "EXPRESS", definition: def({ F: { Type: "Fail", Error: "E", Cause: "C" } }),
  }))).stateMachineArn }));
  // A failed execution is still a 200 (StartSyncExecution API reference).
  assert.equal(failed.status, "FAILED");
  assert.equal(failed.error, "E");
  assert.equal(failed.cause, "C");
});

test("StartSyncExecution is accepted with the sync- host prefix too", async () => {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: "pfx", roleArn: ROLE, type: "EXPRESS", definition: def({ P: { Type: "Pass", End: true } }) }));
  const r = await prefixed.send(new StartSyncExecutionCommand({ stateMachineArn, input: '{"p":1}' }));
  assert.equal(r.status, "SUCCEEDED");
  assert.equal(r.output, '{"p":1}');
});

test("what AWS refuses: StartSyncExecution of STANDARD, ListExecutions of EXPRESS; bad input and names", async () => {
  const { stateMachineArn: standard } = await sfn.send(new CreateStateMachineCommand({ name: "std", roleArn: ROLE, definition: def({ P: { Type: "Pass", End: true } }) }));
  await assert.rejects(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: standard })), { name: "StateMachineTypeNotSupported" });
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: "exp", roleArn: ROLE, type: "EXPRESS", definition: def({ P: { Type: "Pass", End: true } }) }));
  await assert.rejects(sfn.send(new ListExecutionsCommand({ stateMachineArn })), { name: "StateMachineTypeNotSupported" });
  await assert.rejects(sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input: "{nope" })), { name: "InvalidExecutionInput" });
  await assert.rejects(sfn.send(new StartSyncExecutionCommand({ stateMachineArn, name: "bad name" })), { name: "InvalidName" });
  await assert.rejects(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: `${stateMachineArn}-gone` })), { name: "StateMachineDoesNotExist" });
  await assert.rejects(sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input: "x".repeat(262_145) })), { name: "ValidationException" });
});

test("EXPRESS definitions refuse .sync, .waitForTaskToken and activities (request-response only)", async () => {
  for (const resource of ["arn:aws:states:::sqs:sendMessage.waitForTaskToken", "arn:aws:states:::states:startExecution.sync:2", "arn:aws:states:us-east-1:000000000000:activity:a"]) {
    await assert.rejects(sfn.send(new CreateStateMachineCommand({
      name: "no-callbacks", roleArn: ROLE, type: "EXPRESS", definition: def({ T: { Type: "Task", Resource: resource, End: true } }),
    })), { name: "InvalidDefinition", message: /Express state machine does not support .* at \/States\/T\/Resource/ }, resource);
  }
});

test("StartExecution of an EXPRESS machine answers an express ARN at once and runs it in memory", async () => {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: "async-exp", roleArn: ROLE, type: "EXPRESS", definition: TEN_STATES }));
  const r = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: "a1" }));
  assert.match(r.executionArn!, /:express:async-exp:a1:/);
  // The same name again starts another one (EXPRESS executions are not kept, so names are not unique).
  const again = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: "a1" }));
  assert.notEqual(again.executionArn, r.executionArn);
});

test("a Wait in an EXPRESS execution waits on the clock; past 5 minutes (or TimeoutSeconds) it is TIMED_OUT", async () => {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "waits", roleArn: ROLE, type: "EXPRESS", definition: def({ W: { Type: "Wait", Seconds: 10, Next: "P" }, P: { Type: "Pass", Result: "after", End: true } }),
  }));
  const r = await drive(sfn.send(new StartSyncExecutionCommand({ stateMachineArn })));
  assert.equal(r.status, "SUCCEEDED");
  assert.equal(r.output, '"after"');
  assert.equal(r.stopDate!.getTime() - r.startDate!.getTime(), 10_000);

  const { stateMachineArn: long } = await sfn.send(new CreateStateMachineCommand({
    name: "too-long", roleArn: ROLE, type: "EXPRESS", definition: def({ W: { Type: "Wait", Seconds: 3600, End: true } }),
  }));
  const t = await drive(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: long })));
  assert.equal(t.status, "TIMED_OUT");
  assert.equal(t.error, "States.Timeout");
  assert.equal(t.stopDate!.getTime() - t.startDate!.getTime(), 300_000);
});

test("a runaway Choice loop does not hold the server: other requests are answered meanwhile", async () => {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "spin", roleArn: ROLE, type: "EXPRESS", definition: def({ L: { Type: "Choice", Choices: [{ Variable: "$.stop", IsPresent: true, Next: "E" }], Default: "L" }, E: { Type: "Succeed" } }),
  }));
  const spinning = sfn.send(new StartSyncExecutionCommand({ stateMachineArn }));
  // The loop yields to the event loop; a describe is answered while it spins, then the clock ends it at 5 minutes.
  assert.equal((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).name, "spin");
  clock.advance(300_000);
  assert.equal((await spinning).status, "TIMED_OUT");
});

test("LoggingConfiguration and TracingConfiguration are stored and returned", async () => {
  const logging = {
    level: "ERROR" as const, includeExecutionData: true,
    destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: "arn:aws:logs:us-east-1:000000000000:log-group:sfn:*" } }],
  };
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "logged", roleArn: ROLE, type: "EXPRESS", definition: def({ P: { Type: "Pass", End: true } }), loggingConfiguration: logging, tracingConfiguration: { enabled: true },
  }));
  let d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
  assert.deepEqual(d.loggingConfiguration, logging);
  assert.deepEqual(d.tracingConfiguration, { enabled: true });
  await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, tracingConfiguration: { enabled: false } }));
  d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
  assert.deepEqual(d.tracingConfiguration, { enabled: false });
  assert.deepEqual(d.loggingConfiguration, logging);
  await assert.rejects(sfn.send(new CreateStateMachineCommand({
    name: "badlog", roleArn: ROLE, definition: def({ P: { Type: "Pass", End: true } }),
    loggingConfiguration: { level: "ALL", destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: "nope" } }] },
  })), { name: "InvalidLoggingConfiguration" });
});

test("an EXPRESS execution that starts itself synchronously nests only up to the running bound, then unwinds", async () => {
  const arn = "arn:aws:states:us-east-1:000000000000:stateMachine:self";
  await sfn.send(new CreateStateMachineCommand({
    name: "self", roleArn: ROLE, type: "EXPRESS",
    definition: def({ Again: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:sfn:startSyncExecution", Parameters: { StateMachineArn: arn }, End: true } }),
  }));
  const t0 = Date.now();
  const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: arn }));
  // The outermost succeeds with its child's outcome; down the chain a start was throttled (or an output grew past
  // 256 KiB, as each level quotes the one below), and the chain unwound.
  assert.equal(r.status, "SUCCEEDED");
  let out = JSON.parse(r.output!);
  while (out.Output !== undefined) out = JSON.parse(out.Output);
  assert.equal(out.Status, "FAILED");
  assert.ok(Date.now() - t0 < 60_000);
  // The server still answers afterwards.
  assert.equal((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).name, "self");
});

test("a Task that never answers ends the EXPRESS execution at its deadline (TIMED_OUT)", async () => {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "hangs", roleArn: ROLE, type: "EXPRESS", definition: JSON.stringify({
      TimeoutSeconds: 30, StartAt: "L", States: { L: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:hang", End: true } },
    }),
  }));
  const r = await drive(sfn.send(new StartSyncExecutionCommand({ stateMachineArn })));
  assert.equal(r.status, "TIMED_OUT");
  assert.equal(r.error, "States.Timeout");
  assert.equal(r.stopDate!.getTime() - r.startDate!.getTime(), 30_000);
});

test("a deeply nested input (100,000 levels) gets an answer, never a 500 or a hang", async () => {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "deep", roleArn: ROLE, type: "EXPRESS", definition: def({ P: { Type: "Pass", ResultPath: "$", End: true } }),
  }));
  const input = "[".repeat(100_000) + "]".repeat(100_000);
  const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input }));
  assert.ok(["SUCCEEDED", "FAILED"].includes(r.status!), r.status);
  assert.equal((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).name, "deep");
});

test("a Task given 100,000-level parameters fails cleanly", async () => {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "deep-task", roleArn: ROLE, type: "EXPRESS",
    definition: def({ T: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:sqs:listQueues", Parameters: { "QueueNamePrefix.$": "$" }, End: true } }),
  }));
  const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input: "[".repeat(100_000) + "]".repeat(100_000) }));
  assert.equal(r.status, "FAILED");
});
