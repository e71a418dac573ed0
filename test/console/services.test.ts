// The other panes in a real browser: subscribe with a filter policy and read the tester's verdict, publish; test an
// event pattern, archive events and replay them with the progress bar; tail a stream; start executions and watch
// their path on the graph, stop one; and sign-in when the server has access keys.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { KinesisClient, UpdateShardCountCommand } from "@aws-sdk/client-kinesis";
import { sqsClient } from "../helpers/server.ts";
import { eventually, openConsole, SKIP, type ConsoleSession } from "./browser.ts";

describe("console: topics, buses, streams, state machines", { skip: SKIP }, () => {
  let s: ConsoleSession;
  let sqs: SQSClient;
  let kinesis: KinesisClient;
  before(async () => {
    s = await openConsole();
    sqs = sqsClient(s.server.endpoint);
    kinesis = new KinesisClient({ endpoint: s.server.endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
  });
  after(() => s?.close());

  test("topics: subscribe a queue with a filter policy, the tester's verdicts, publish reaches the queue", async () => {
    const { page } = s;
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "orders-in" }))).QueueUrl!;
    await page.goto(`${s.server.endpoint}/_console/#/topics`);
    const create = page.getByTestId("create-topic");
    await create.getByLabel("Name").fill("orders");
    await create.getByRole("button", { name: "Create topic" }).click();
    await page.getByTestId("topic-list").getByRole("link", { name: "orders" }).click();
    const sub = page.getByTestId("subscribe");
    await sub.getByLabel("Endpoint").fill("arn:aws:sqs:us-east-1:000000000000:orders-in");
    await sub.getByLabel("Filter policy (JSON").fill('{"kind": ["order"]}');
    await sub.getByRole("button", { name: "Subscribe" }).click();
    await page.getByTestId("subscriptions").getByRole("link", { name: "orders-in" }).waitFor();
    await page.getByTestId("subscriptions").getByText("confirmed").waitFor();

    const tester = page.getByTestId("filter-tester");
    await tester.getByLabel("Message attributes").fill('{"kind": {"DataType": "String", "StringValue": "order"}}');
    await tester.getByRole("button", { name: "Test" }).click();
    await page.locator('[data-testid="filter-verdicts"] li[data-reaches="true"]').waitFor();
    await tester.getByLabel("Message attributes").fill('{"kind": {"DataType": "String", "StringValue": "refund"}}');
    await tester.getByRole("button", { name: "Test" }).click();
    await page.locator('[data-testid="filter-verdicts"] li[data-reaches="false"]').waitFor();

    const publish = page.getByTestId("publish");
    await publish.getByLabel("Message", { exact: true }).fill("hello");
    await publish.getByLabel("Message attributes").fill('{"kind": {"DataType": "String", "StringValue": "order"}}');
    await publish.getByRole("button", { name: "Publish" }).click();
    await publish.getByRole("status").waitFor();
    const got = await eventually(async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }))).Messages?.[0], "the published message");
    assert.equal(JSON.parse(got.Body!).Message, "hello");

    // Edit the queue subscription's filter policy from the page: the tester follows the stored policy.
    const sqsRow = page.getByTestId("subscriptions").locator("tbody tr").filter({ hasText: "orders-in" });
    await sqsRow.getByRole("button", { name: "Edit" }).click();
    await sqsRow.getByLabel("Filter policy (empty removes it)").fill('{"kind": ["refund"]}');
    await sqsRow.getByRole("button", { name: "Save policy" }).click();
    await sqsRow.getByText('"refund"').waitFor();
    await tester.getByLabel("Message attributes").fill('{"kind": {"DataType": "String", "StringValue": "refund"}}');
    await tester.getByRole("button", { name: "Test" }).click();
    await page.locator('[data-testid="filter-verdicts"] li[data-reaches="true"]', { hasText: "orders-in" }).waitFor();
    // A policy SNS refuses gets SNS's error on the page and leaves the stored one as it was.
    await sqsRow.getByRole("button", { name: "Edit" }).click();
    await sqsRow.getByLabel("Filter policy (empty removes it)").fill('{"a":[1],"b":[1],"c":[1],"d":[1],"e":[1],"f":[1]}');
    await sqsRow.getByRole("button", { name: "Save policy" }).click();
    await sqsRow.getByRole("alert").filter({ hasText: "more than 5 keys" }).waitFor();

    // An email subscription: pending, reached by nothing in the tester; its confirmation request in the email inbox.
    await sub.getByLabel("Protocol").selectOption("email");
    await sub.getByLabel("Endpoint").fill("ops@example.com");
    await sub.getByLabel("Filter policy (JSON").fill("");
    await sub.getByRole("button", { name: "Subscribe" }).click();
    await page.getByTestId("subscriptions").getByText("PendingConfirmation").waitFor();
    await tester.getByRole("button", { name: "Test" }).click();
    await page.locator('[data-testid="filter-verdicts"] li[data-reaches="false"]', { hasText: "pending confirmation" }).waitFor();
    await page.goto(`${s.server.endpoint}/_console/#/topics`);
    await page.getByText("email: 1 message(s)").click();
    await page.getByRole("heading", { name: "ops@example.com" }).waitFor();
    assert.deepEqual(s.errors, []);
    assert.deepEqual(s.external, []);
  });

  test("event buses: the pattern tester's verdict, put events, archive them and replay with a progress bar", async () => {
    const { page } = s;
    await page.goto(`${s.server.endpoint}/_console/#/buses`);
    await page.getByTestId("bus-list").getByRole("link", { name: "default" }).click();
    assert.equal(decodeURIComponent(new URL(page.url()).hash), "#/buses/arn:aws:events:us-east-1:000000000000:event-bus/default");
    const tester = page.getByTestId("pattern-tester");
    await tester.getByRole("button", { name: "Test pattern" }).click();
    assert.match(await page.getByTestId("pattern-verdict").textContent() ?? "", /matches the event/);
    await tester.getByLabel("Event pattern").fill('{"source": ["other.app"]}');
    await tester.getByRole("button", { name: "Test pattern" }).click();
    await page.getByTestId("pattern-verdict").getByText("does not match").waitFor();
    // A pattern that is not valid gets EventBridge's error on the page.
    await tester.getByLabel("Event pattern").fill('{"source": "not-a-list"}');
    await tester.getByRole("button", { name: "Test pattern" }).click();
    await tester.getByRole("alert").filter({ hasText: "InvalidEventPatternException" }).waitFor();

    const archive = page.getByTestId("create-archive");
    await archive.getByLabel("Name").fill("all-events");
    await archive.getByRole("button", { name: "Create archive" }).click();
    await page.getByTestId("archives").getByText("all-events").waitFor();
    const put = page.getByTestId("put-event");
    for (let i = 0; i < 3; i++) {
      await put.getByRole("button", { name: "Put event" }).click();
      await put.getByRole("status").waitFor();
    }
    s.clock.advance(1000);
    const replay = page.getByTestId("start-replay");
    await replay.getByLabel("Replay name").fill("again");
    await replay.getByLabel("To (ISO time").fill(new Date(s.clock.now()).toISOString());
    await replay.getByRole("button", { name: "Start replay" }).click();
    await page.getByTestId("replay").waitFor();
    s.clock.advance(1000);
    await eventually(async () => (await page.locator('[data-testid="replay"][data-state="COMPLETED"]').count()) === 1, "replay completed", 20_000);
    assert.equal(await page.getByTestId("replay").getByRole("progressbar").getAttribute("aria-valuenow"), "100");
    assert.deepEqual(s.errors, []);
    assert.deepEqual(s.external, []);
  });

  test("streams: shards with hash ranges, and a live tail from TRIM_HORIZON that shows new records", async () => {
    const { page } = s;
    await page.goto(`${s.server.endpoint}/_console/#/streams`);
    const create = page.getByTestId("create-stream");
    await create.getByLabel("Name").fill("clicks");
    await create.getByLabel("Shards").fill("2");
    await create.getByRole("button", { name: "Create stream" }).click();
    await page.getByTestId("stream-list").getByRole("link", { name: "clicks" }).click();
    assert.equal(decodeURIComponent(new URL(page.url()).hash), "#/streams/arn:aws:kinesis:us-east-1:000000000000:stream/clicks");
    await eventually(async () => {
      s.clock.advance(1000);
      return (await page.getByTestId("shards").locator("tbody tr").count()) === 2;
    }, "two shards");
    await page.getByTestId("shards").getByText("50.0%").first().waitFor();
    const put = page.getByTestId("put-record");
    await put.getByLabel("Data").fill("first click");
    await put.getByRole("button", { name: "Put record" }).click();
    await put.getByRole("status").waitFor();
    // The record went to one of the two shards: tail each until it shows.
    const tail = page.getByTestId("tail");
    const shards = await tail.getByLabel("Shard").locator("option").allTextContents();
    let shard = "";
    for (const id of shards) {
      await tail.getByLabel("Shard").selectOption(id);
      await tail.getByRole("button", { name: /tail/ }).click();
      try {
        await page.getByTestId("tail-records").getByText("first click").waitFor({ timeout: 4000 });
        shard = id;
        break;
      } catch {
        // not on this shard
      }
    }
    assert.ok(shard, "the record was found on a shard");
    // A record put while tailing appears (same partition key, same shard).
    await put.getByLabel("Data").fill("second click");
    await put.getByRole("button", { name: "Put record" }).click();
    await page.getByTestId("tail-records").getByText("second click").waitFor();
    await page.getByTestId("stop-tail").click();

    // Resharding: the closed parents list their children and the children their parents.
    await kinesis.send(new UpdateShardCountCommand({ StreamName: "clicks", TargetShardCount: 4, ScalingType: "UNIFORM_SCALING" }));
    await eventually(async () => {
      s.clock.advance(1000);
      return (await page.getByTestId("shards").locator("tbody tr").filter({ hasText: "closed" }).count()) === 2;
    }, "two closed parent shards");
    const parent = page.getByTestId("shards").locator("tbody tr").filter({ hasText: "closed" }).first();
    const children = (await parent.locator("td").nth(5).textContent())!.split(", ").filter((c) => c.startsWith("shardId-"));
    assert.ok(children.length >= 1, "a closed shard names its children");
    const parentId = (await parent.locator("td").first().textContent())!;
    const child = page.getByTestId("shards").locator("tbody tr").filter({ has: page.locator("td:first-child", { hasText: children[0] }) });
    assert.match((await child.locator("td").nth(4).textContent())!, new RegExp(parentId));
    assert.deepEqual(s.errors, []);
    assert.deepEqual(s.external, []);
  });

  test("state machines: start an execution and watch its path on the graph; stop a waiting one", async () => {
    const { page } = s;
    await page.goto(`${s.server.endpoint}/_console/#/statemachines`);
    const create = page.getByTestId("create-machine");
    await create.getByLabel("Name").fill("hello");
    await create.getByRole("button", { name: "Create" }).click();
    await page.getByTestId("machine-list").getByRole("link", { name: "hello" }).click();
    await page.locator('[data-testid="graph"] [data-state="Hello"]').waitFor();
    const start = page.getByTestId("start-execution");
    await start.getByLabel("Name").fill("run-1");
    await start.getByRole("button", { name: "Start execution" }).click();
    await page.getByTestId("started-execution").click();
    assert.match(decodeURIComponent(new URL(page.url()).hash), /^#\/statemachines\/arn:aws:states:[^/]+:stateMachine:hello\/arn:aws:states:.*:execution:hello:run-1$/);
    await eventually(async () => (await page.getByTestId("execution-status").textContent()) === "SUCCEEDED", "SUCCEEDED", 20_000);
    await page.locator('[data-testid="graph"] [data-state="Hello"][data-status="succeeded"]').waitFor();
    await page.locator('[data-testid="graph"] [data-state="Done"][data-status="succeeded"]').waitFor();
    await page.getByTestId("timeline").locator("summary b", { hasText: /^Hello$/ }).click();
    await page.getByTestId("timeline").getByText('"hello": "world"').first().waitFor();
    // At phone width every pane fits the screen (wide tables and the graph scroll inside their boxes).
    await page.setViewportSize({ width: 390, height: 844 });
    for (const hash of ["", "#/topics", "#/buses", "#/streams", "#/statemachines", new URL(page.url()).hash]) {
      await page.goto(`${s.server.endpoint}/_console/${hash}`);
      await page.locator("main section").first().waitFor();
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${hash || "queues"} overflows by ${overflow}px at phone width`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    // A machine that waits: running on its Wait state, then stopped from the page.
    await page.goto(`${s.server.endpoint}/_console/#/statemachines`);
    await create.getByLabel("Name").fill("waits");
    await create.getByLabel("Definition").fill(JSON.stringify({ StartAt: "Nap", States: { Nap: { Type: "Wait", Seconds: 3600, Next: "After" }, After: { Type: "Succeed" } } }));
    await create.getByRole("button", { name: "Create" }).click();
    await page.getByTestId("machine-list").getByRole("link", { name: "waits" }).click();
    await start.getByRole("button", { name: "Start execution" }).click();
    await page.getByTestId("started-execution").click();
    await page.locator('[data-testid="graph"] [data-state="Nap"][data-status="running"]').waitFor();
    await page.getByTestId("stop-execution").click();
    await page.getByTestId("stop-execution").click();
    await eventually(async () => (await page.getByTestId("execution-status").textContent()) === "ABORTED", "ABORTED");
    await page.locator('[data-testid="graph"] [data-state="After"][data-status="none"]').waitFor();
    // The executions list filters by status.
    await page.goBack();
    await page.getByTestId("executions").waitFor();
    await page.getByLabel("Status filter").selectOption("ABORTED");
    await eventually(async () => (await page.getByTestId("executions").locator("tbody tr a").count()) === 1, "one ABORTED execution");

    // A failed execution redriven from the page: its failed branch runs again ($$.Execution.RedriveCount) and succeeds.
    const flaky = { StartAt: "Check", States: { Check: { Type: "Choice", Choices: [{ Variable: "$$.Execution.RedriveCount", NumericEquals: 0, Next: "Boom" }], Default: "Ok" }, Boom: { Type: "Fail", Error: "First.Run" }, Ok: { Type: "Pass", End: true } } };
    await page.goto(`${s.server.endpoint}/_console/#/statemachines`);
    await create.getByLabel("Name").fill("flaky");
    await create.getByLabel("Definition").fill(JSON.stringify({ StartAt: "P", States: { P: { Type: "Parallel", Branches: [flaky], Next: "After" }, After: { Type: "Pass", End: true } } }));
    await create.getByRole("button", { name: "Create" }).click();
    await page.getByTestId("machine-list").getByRole("link", { name: "flaky" }).click();
    await start.getByRole("button", { name: "Start execution" }).click();
    await page.getByTestId("started-execution").click();
    await eventually(async () => (await page.getByTestId("execution-status").textContent()) === "FAILED", "FAILED");
    await page.locator('[data-testid="graph"] [data-state="P"][data-status="failed"]').waitFor();
    await page.getByTestId("redrive-execution").click();
    await eventually(async () => (await page.getByTestId("execution-status").textContent()) === "SUCCEEDED", "SUCCEEDED after the redrive");
    await page.locator('[data-testid="graph"] [data-state="After"][data-status="succeeded"]').waitFor();
    await page.locator('[data-testid="graph"] [data-state="P"][data-status="succeeded"]').waitFor();
    assert.deepEqual(s.errors, []);
    assert.deepEqual(s.external, []);
  });
});

describe("console: sign-in with access keys", { skip: SKIP }, () => {
  let s: ConsoleSession;
  before(async () => {
    s = await openConsole({ accessKeys: [{ accessKeyId: "AKIDCONSOLE", secretAccessKey: "console-secret", accountId: "123456789012" }] });
  });
  after(() => s?.close());

  test("asks for a key, refuses a wrong secret with the AWS error, shows the account, keeps keys for the tab only", async () => {
    const { page } = s;
    // Signatures are checked against the server's clock: bring it to the browser's time.
    s.clock.advance(Math.max(0, Date.now() - s.clock.now()));
    await page.goto(`${s.server.endpoint}/_console/`);
    const form = page.getByRole("form", { name: "Sign in" });
    await form.getByLabel("Access key ID").fill("AKIDCONSOLE");
    await form.getByLabel("Secret access key").fill("wrong");
    await form.getByRole("button", { name: "Sign in" }).click();
    await form.getByRole("alert").waitFor();
    assert.match(await form.getByRole("alert").textContent() ?? "", /Signature|Unrecognized|denied/i);
    await form.getByLabel("Secret access key").fill("console-secret");
    await form.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("account").getByText("123456789012").waitFor();
    const stored = await page.evaluate(() => ({ session: sessionStorage.length, local: localStorage.length, cookie: document.cookie }));
    assert.deepEqual(stored, { session: 1, local: 0, cookie: "" });
    // Signed calls everywhere: create a queue, send, and peek (the peek route checks the signature, Limit included).
    const create = page.getByTestId("create-queue");
    await create.getByLabel("Name").fill("signed");
    await create.getByRole("button", { name: "Create queue" }).click();
    await page.locator('tr[data-queue="signed"]').getByRole("link", { name: "signed" }).click();
    assert.equal(decodeURIComponent(new URL(page.url()).hash), "#/queues/arn:aws:sqs:us-east-1:123456789012:signed");
    const send = page.getByTestId("send-message");
    await send.getByLabel("Body").fill("from the console");
    await send.getByRole("button", { name: "Send" }).click();
    await page.getByTestId("messages").getByText("from the console").waitFor();
    // A reload in the same tab stays signed in; a new tab (new context) asks again.
    await page.reload();
    await page.getByTestId("account").getByText("123456789012").waitFor();
    const other = await s.browser.newPage();
    await other.goto(`${s.server.endpoint}/_console/`);
    await other.getByRole("form", { name: "Sign in" }).waitFor();
    await other.close();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("form", { name: "Sign in" }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    assert.deepEqual(s.errors, []);
    assert.deepEqual(s.external, []);
  });
});
