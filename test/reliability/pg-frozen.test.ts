// A PostgreSQL that stops answering without closing its connections (issue 20, item 1: "never hang past the
// client's timeout"): every process of a private PostgreSQL server is stopped with SIGSTOP, as a frozen host or a
// network partition looks from Mailroom. A request then answers 503 ServiceUnavailable once its statement passes
// QUERY_TIMEOUT_MS (15 s), instead of waiting forever as it did; the timed-out connections are destroyed, and once
// the server runs again (SIGCONT) requests succeed at once.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { startMailroom, type Mailroom } from "../../src/index.ts";
import { QUERY_TIMEOUT_MS } from "../../src/storage/postgres/db.ts";
import { sqsClient } from "../helpers/server.ts";
import { type PrivatePostgres, privatePostgresUnavailable, startPrivatePostgres } from "./private-postgres.ts";

const unavailable = await privatePostgresUnavailable();
const skip = unavailable ? `private PostgreSQL unavailable: ${unavailable}` : false;
let pgsrv: PrivatePostgres | undefined;
let server: Mailroom | undefined;
after(async () => {
  await pgsrv?.freeze(false).catch(() => {});
  await server?.close();
  await pgsrv?.destroy();
});

test("a frozen PostgreSQL: 503 within the query timeout, then service again when it resumes", { skip, timeout: 120_000 }, async () => {
  pgsrv = await startPrivatePostgres();
  server = await startMailroom({ port: 0, logLevel: "silent", database: pgsrv.url });
  const sqs = sqsClient(server.endpoint);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "q" }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "before" }));
  await pgsrv.freeze(true);
  const started = Date.now();
  const err = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "during" })).then(() => undefined, (e: unknown) => e as { name?: string; $metadata?: { httpStatusCode?: number; requestId?: string } });
  const ms = Date.now() - started;
  await pgsrv.freeze(false);
  assert.ok(err, "the send was refused");
  assert.equal(err.name, "ServiceUnavailable");
  assert.equal(err.$metadata?.httpStatusCode, 503);
  assert.ok(err.$metadata?.requestId);
  assert.ok(ms >= QUERY_TIMEOUT_MS - 1000 && ms < 3 * QUERY_TIMEOUT_MS, `answered after ${ms} ms`);
  const resumed = Date.now();
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "after" }));
  assert.ok(Date.now() - resumed < 5000);
  const bodies: string[] = [];
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
    if (!r.Messages?.length) break;
    bodies.push(...r.Messages.map((m) => m.Body!));
  }
  // "during" was refused; it may still have committed once the server resumed (a 503 does not promise it did not).
  assert.ok(bodies.includes("before") && bodies.includes("after"), bodies.join(","));
});
