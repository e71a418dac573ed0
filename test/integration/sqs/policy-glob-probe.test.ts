// Issue 12's policy-glob probe through the real SDK: a queue policy whose Resource is `*?` ×12 + `!` used to
// become a backtracking RegExp that froze the server for 72 s on one cross-account SendMessage; the glob is now
// matched by two pointers (src/patterns/wildcard.ts, ADR 0013) and the request is answered at once.
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { after, before, test } from "node:test";
import { CreateQueueCommand, ListQueuesCommand, SendMessageCommand, SetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { sqsClient, startTestServer } from "../../helpers/server.ts";

const ALICE = { accessKeyId: "AKIDALICE", secretAccessKey: "alice-secret", accountId: "111111111111" };
const BOB = { accessKeyId: "AKIDBOB", secretAccessKey: "bob-secret", accountId: "222222222222" };

let server: Mailroom;
let alice: SQSClient;
let bob: SQSClient;
before(async () => {
  server = await startTestServer({ accessKeys: [ALICE, BOB] });
  alice = sqsClient(server.endpoint, ALICE);
  bob = sqsClient(server.endpoint, BOB);
});
after(() => server.close());

test("a cross-account SendMessage against a Resource of `*?`×12 + `!` answers within 50 ms", async () => {
  const QueueUrl = (await alice.send(new CreateQueueCommand({ QueueName: "glob-probe" }))).QueueUrl!;
  const statement = (Resource: string) => ({ Effect: "Allow", Principal: { AWS: BOB.accountId }, Action: "sqs:SendMessage", Resource });
  const setPolicy = (Resource: string) =>
    alice.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement(Resource)] }) } }));
  await setPolicy("*?".repeat(12) + "!");
  await bob.send(new ListQueuesCommand({}));
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    // The glob needs a trailing "!", which the queue ARN has not: the statement does not apply.
    await rejectsAws(bob.send(new SendMessageCommand({ QueueUrl, MessageBody: "x" })), { name: "AccessDenied", status: 403 });
    times.push(performance.now() - t0);
  }
  assert.ok(Math.min(...times) < 50, `answered after ${times.map((t) => t.toFixed(1)).join(", ")} ms`);
  // The same shape of glob without the "!" matches any ARN of at least 12 characters, and the send is allowed.
  await setPolicy("*?".repeat(12));
  const t0 = performance.now();
  await bob.send(new SendMessageCommand({ QueueUrl, MessageBody: "x" }));
  assert.ok(performance.now() - t0 < 50);
});
