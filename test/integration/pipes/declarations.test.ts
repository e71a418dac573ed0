// Pipes declared at start (startMailroom({ resources }), ADR 0024): created with queue names as source and target,
// and on a second start with a changed declaration brought up to date through UpdatePipe, tags added.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DescribePipeCommand, ListTagsForResourceCommand, PipesClient } from "@aws-sdk/client-pipes";
import { ManualClock } from "../../../src/index.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 5, 4));

test("declared pipes are created, then updated on the next start", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "mailroom-pipes-decl-"));
  const declare = (description: string, tags: Record<string, string>) => ({
    sqs: { queues: [{ name: "decl-src" }, { name: "decl-out" }] },
    pipes: { pipes: [{ name: "declared", source: "decl-src", target: "decl-out", description, tags, sourceParameters: { SqsQueueParameters: { BatchSize: 5 } } }] },
  });
  let server = await startTestServer({ dataDir, clock, resources: declare("first", { a: "1" }) });
  let pipes = new PipesClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  try {
    const d = await pipes.send(new DescribePipeCommand({ Name: "declared" }));
    assert.equal(d.Description, "first");
    assert.equal(d.Source, "arn:aws:sqs:us-east-1:000000000000:decl-src");
    assert.equal(d.SourceParameters?.SqsQueueParameters?.BatchSize, 5);
    for (let i = 0; i < 200 && (await pipes.send(new DescribePipeCommand({ Name: "declared" }))).CurrentState !== "RUNNING"; i++) {
      clock.advance(1000);
      await new Promise((r) => setTimeout(r, 15));
    }
    await server.close();
    pipes.destroy();
    server = await startTestServer({ dataDir, clock, resources: declare("second", { b: "2" }) });
    pipes = new PipesClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    const again = await pipes.send(new DescribePipeCommand({ Name: "declared" }));
    assert.equal(again.Description, "second");
    assert.equal(again.CurrentState, "UPDATING");
    assert.deepEqual((await pipes.send(new ListTagsForResourceCommand({ resourceArn: again.Arn }))).tags, { a: "1", b: "2" });
  } finally {
    pipes.destroy();
    await server.close();
  }
});
