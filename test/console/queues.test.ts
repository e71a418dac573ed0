// The queues pane in a real browser: create queues (one with a dead-letter queue), send, peek without consuming,
// redrive the dead-letter queue while the progress bar moves (the mover ticks on the manual clock), cancel a
// redrive, purge, edit an attribute, delete; at 1280×800 and at phone width.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { sqsClient } from "../helpers/server.ts";
import { eventually, openConsole, SKIP, type ConsoleSession } from "./browser.ts";

const ARN = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

describe("console: queues", { skip: SKIP }, () => {
  let s: ConsoleSession;
  let sqs: SQSClient;
  before(async () => {
    s = await openConsole();
    sqs = sqsClient(s.server.endpoint);
  });
  after(() => s?.close());

  const counts = async (name: string) => {
    const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${s.server.endpoint}/000000000000/${name}`, AttributeNames: ["All"] }));
    return { visible: Number(a.Attributes?.ApproximateNumberOfMessages), inflight: Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible) };
  };

  test("create a queue with a dead-letter queue, send, peek without consuming, purge", async () => {
    const { page } = s;
    await page.goto(`${s.server.endpoint}/_console/`);
    await page.getByTestId("account").getByText("000000000000").waitFor();
    const create = page.getByTestId("create-queue");
    await create.getByLabel("Name").fill("orders-dlq");
    await create.getByRole("button", { name: "Create queue" }).click();
    await page.locator('tr[data-queue="orders-dlq"]').waitFor();
    await create.getByLabel("Name").fill("orders");
    await create.getByLabel("Attributes").fill(JSON.stringify({ VisibilityTimeout: "0", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: ARN("orders-dlq"), maxReceiveCount: 1 }) }));
    await create.getByRole("button", { name: "Create queue" }).click();
    const row = page.locator('tr[data-queue="orders"]');
    await row.waitFor();
    // The list links the dead-letter queue by its ARN and marks it.
    assert.equal(await row.getByRole("link", { name: "orders-dlq" }).getAttribute("href"), `#/queues/${encodeURIComponent(ARN("orders-dlq"))}`);
    await page.locator('tr[data-queue="orders-dlq"] .tag', { hasText: "DLQ" }).waitFor();

    // Bad input gets SQS's error on the page; a .fifo name makes a FIFO queue.
    await create.getByLabel("Name").fill("bad name!");
    await create.getByLabel("Attributes").fill("");
    await create.getByRole("button", { name: "Create queue" }).click();
    await create.getByRole("alert").filter({ hasText: "InvalidParameterValue" }).waitFor();
    await create.getByLabel("Name").fill("jobs.fifo");
    await create.getByLabel("Attributes").fill("[1]");
    await create.getByRole("button", { name: "Create queue" }).click();
    await create.getByRole("alert").filter({ hasText: "must be a JSON object" }).waitFor();
    await create.getByLabel("Attributes").fill("");
    await create.getByRole("button", { name: "Create queue" }).click();
    await page.locator('tr[data-queue="jobs.fifo"] .tag', { hasText: "FIFO" }).waitFor();

    // The queue's page, by its bookmarkable URL.
    await row.getByRole("link", { name: "orders", exact: true }).click();
    assert.equal(new URL(page.url()).hash, `#/queues/${encodeURIComponent(ARN("orders"))}`);
    const send = page.getByTestId("send-message");
    await send.getByLabel("Body").fill('{"order":42,"items":["a","b"]}');
    await send.getByLabel("Message attributes").fill('{"kind":{"DataType":"String","StringValue":"order"}}');
    await send.getByRole("button", { name: "Send" }).click();
    await send.getByRole("status").waitFor();
    await eventually(async () => (await page.getByTestId("count-visible").textContent()) === "1", "visible count 1");

    // Peek: listed with its attributes, body pretty-printed; nothing is consumed.
    const msg = page.getByTestId("messages").locator("tr[data-message]");
    await msg.first().waitFor();
    await msg.first().click();
    const body = await page.getByTestId("message-body").textContent();
    assert.equal(body, JSON.stringify({ order: 42, items: ["a", "b"] }, null, 2));
    await page.getByText("order (String)").waitFor();
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.waitForTimeout(300);
    assert.deepEqual(await counts("orders"), { visible: 1, inflight: 0 });
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${s.server.endpoint}/000000000000/orders`, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    assert.equal(r.Messages?.[0]?.Attributes?.ApproximateReceiveCount, "1", "peeking did not count as a receive");

    // Purge (two clicks: the second confirms).
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: `${s.server.endpoint}/000000000000/orders`, Entries: [{ Id: "a", MessageBody: "x" }, { Id: "b", MessageBody: "y" }] }));
    await page.getByTestId("purge").click();
    await page.getByTestId("purge").click();
    await eventually(async () => (await counts("orders")).visible === 0 && (await page.getByTestId("count-visible").textContent()) === "0", "purged");
    assert.deepEqual(s.errors, []);
    assert.deepEqual(s.external, []);
  });

  test("redrive a dead-letter queue: the progress bar moves as the task runs, to completion; a second one is cancelled", async () => {
    const { page } = s;
    const src = `${s.server.endpoint}/000000000000/orders`;
    // 12 messages dead-lettered: received once each (maxReceiveCount 1), the next receive moves them.
    for (let i = 0; i < 12; i += 6) {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: src, Entries: Array.from({ length: 6 }, (_, k) => ({ Id: `m${k}`, MessageBody: `m-${i + k}` })) }));
    }
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 3; k++) await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 }));
    }
    await eventually(async () => (await counts("orders-dlq")).visible === 12 || undefined, "12 dead-lettered");

    await page.goto(`${s.server.endpoint}/_console/#/queues/${encodeURIComponent(ARN("orders-dlq"))}`);
    const start = page.getByTestId("start-redrive");
    await start.getByLabel("Max messages per second").fill("3");
    await start.getByRole("button", { name: "Start redrive" }).click();
    const bar = page.getByTestId("move-progress");
    await bar.waitFor();
    const seen = new Set<number>();
    const value = async () => Number(await bar.getAttribute("aria-valuenow"));
    seen.add(await value());
    // Each mover tick (one second of the manual clock) moves 3: the bar shows 25%, 50%, 75%, 100%.
    for (let tick = 0; tick < 4; tick++) {
      s.clock.advance(1000);
      const want = Math.min(100, (tick + 1) * 25);
      await eventually(async () => (await value()) === want, `progress ${want}%`);
      seen.add(await value());
    }
    await page.locator('[data-testid="move-task"][data-status="COMPLETED"]').waitFor();
    // The bar is drawn (its width is a style property, which the page's Content-Security-Policy allows).
    assert.equal(await bar.locator(".progress-bar").evaluate((e) => (e as HTMLElement).style.width), "100%");
    assert.ok([...seen].some((v) => v > 0 && v < 100), `an intermediate value was shown: ${[...seen]}`);
    assert.equal((await counts("orders")).visible, 12);
    assert.equal((await counts("orders-dlq")).visible, 0);

    // Dead-letter again and cancel a slow redrive part-way.
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 3; k++) await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 }));
    }
    await eventually(async () => (await counts("orders-dlq")).visible === 12 || undefined, "12 dead-lettered again");
    await start.getByLabel("Max messages per second").fill("1");
    await start.getByRole("button", { name: "Start redrive" }).click();
    await page.locator('[data-testid="move-task"][data-status="RUNNING"]').waitFor();
    s.clock.advance(1000);
    await eventually(async () => (await value()) > 0, "progress after one tick");
    await page.getByTestId("cancel-move").click();
    await page.locator('[data-testid="move-task"][data-status="CANCELLED"], [data-testid="move-task"][data-status="CANCELLING"]').first().waitFor();
    s.clock.advance(1000);
    await page.locator('[data-testid="move-task"][data-status="CANCELLED"]').waitFor();
    const left = (await counts("orders-dlq")).visible;
    assert.ok(left > 0 && left < 12, `cancelled part-way: ${left} left`);
    assert.deepEqual(s.errors, []);
    assert.deepEqual(s.external, []);
  });

  test("probe: hostile message bodies, attributes and queue names are shown as text, run nothing, load nothing", async () => {
    const { page } = s;
    const hostile = '<img src="http://198.51.100.1/x.png" onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: "hostile" }))).QueueUrl!;
    await sqs.send(new SendMessageCommand({
      QueueUrl: url, MessageBody: hostile,
      MessageAttributes: { x: { DataType: "String", StringValue: '"><svg onload="window.__pwned=3">' } },
    }));
    await page.goto(`${s.server.endpoint}/_console/#/queues/${encodeURIComponent(ARN("hostile"))}`);
    await page.getByTestId("messages").locator("tr[data-message]").first().click();
    assert.equal(await page.getByTestId("message-body").textContent(), hostile);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    // A route naming no queue answers the AWS error on the page, not a blank screen.
    await page.goto(`${s.server.endpoint}/_console/#/queues/${encodeURIComponent(ARN("no-such-queue"))}`);
    await page.getByRole("alert").filter({ hasText: "QueueDoesNotExist" }).waitFor();
    await page.goto(`${s.server.endpoint}/_console/#/queues/%E0%A4%A`);
    await page.getByTestId("queue-list").waitFor();
    assert.deepEqual(s.errors, []);
    assert.deepEqual(s.external, []);
  });

  test("a long list reads the first 200 queues and narrows by prefix; charts of a queue's metrics", async () => {
    const { page } = s;
    for (let i = 0; i < 205; i += 25) {
      await Promise.all(Array.from({ length: Math.min(25, 205 - i) }, (_, k) => sqs.send(new CreateQueueCommand({ QueueName: `bulk-${String(i + k).padStart(3, "0")}` }))));
    }
    await page.goto(`${s.server.endpoint}/_console/#/queues`);
    await page.getByText("Showing the first 200 queues").waitFor();
    await page.getByLabel("Filter queues").fill("bulk-20");
    await eventually(async () => (await page.locator("tr[data-queue]").count()) === 5, "5 queues named bulk-20*");
    assert.equal(await page.getByText("Showing the first 200 queues").count(), 0);
    await page.goto(`${s.server.endpoint}/_console/#/queues/${encodeURIComponent(ARN("orders"))}`);
    for (const label of ["Depth", "Oldest (s)", "Sent", "Received"]) await page.getByRole("img", { name: label, exact: true }).waitFor();
    assert.deepEqual(s.errors, []);
  });

  test("edit an attribute and delete a queue; the list at phone width", async () => {
    const { page } = s;
    await page.goto(`${s.server.endpoint}/_console/#/queues/${encodeURIComponent(ARN("orders"))}`);
    const form = page.getByTestId("edit-attributes");
    await form.getByLabel("VisibilityTimeout").fill("45");
    await form.getByRole("button", { name: "Save attributes" }).click();
    await eventually(async () => {
      const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${s.server.endpoint}/000000000000/orders`, AttributeNames: ["VisibilityTimeout"] }));
      return a.Attributes?.VisibilityTimeout === "45";
    }, "VisibilityTimeout 45");
    // The form re-creates its fields when the reloaded attributes differ: wait for that before typing again, or the
    // reload can land after the fill and put 45 back (seen under CI's parallel load: no change to save, no alert).
    await eventually(async () => (await form.getByLabel("VisibilityTimeout").inputValue()) === "45", "the form showing 45");
    // A bad value gets the AWS error on the page, not a crash.
    await form.getByLabel("VisibilityTimeout").fill("99999");
    await form.getByRole("button", { name: "Save attributes" }).click();
    await form.getByRole("alert").filter({ hasText: "InvalidAttributeValue" }).waitFor();

    await page.getByTestId("delete-queue").click();
    await page.getByTestId("delete-queue").click();
    await page.getByText("Deleted.").waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${s.server.endpoint}/_console/#/queues`);
    await page.getByLabel("Filter queues").fill("orders");
    await page.locator('tr[data-queue="orders-dlq"]').waitFor();
    assert.equal(await page.locator('tr[data-queue="orders"]').count(), 0);
    // Nothing wider than the screen but the table's own scroller.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page overflows by ${overflow}px at phone width`);
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.deepEqual(s.errors, []);
  });

  test("keyboard: digits open the panes, / focuses the first field", async () => {
    const { page } = s;
    await page.goto(`${s.server.endpoint}/_console/#/queues`);
    await page.getByTestId("queue-list").waitFor();
    await page.getByLabel("Filter queues").focus();
    await page.keyboard.press("Escape");
    await page.keyboard.press("2");
    await page.getByTestId("topic-list").waitFor();
    assert.equal(new URL(page.url()).hash, "#/topics");
    await page.keyboard.press("5");
    await page.getByTestId("machine-list").waitFor();
    await page.keyboard.press("1");
    await page.getByTestId("queue-list").waitFor();
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Filter queues");
  });
});
