// Probes of archives, replays, schedules and tags as an attacker would send them, each kept as a test: the largest
// schedule expression, one that never fires again, malformed replay input, the concurrent-replay limit, a full
// 256 KiB PutEvents into archives, a replay of an empty window, and the largest tags. None may crash, hang or 500.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CreateArchiveCommand, DescribeArchiveCommand, DescribeReplayCommand, DescribeRuleCommand, EventBridgeClient, ListTagsForResourceCommand,
  PutEventsCommand, PutRuleCommand, StartReplayCommand, TagResourceCommand,
} from "@aws-sdk/client-eventbridge";
import { ManualClock } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 2, 1, 0, 0, 0));
const { server } = useTestServer({ clock });
let client: EventBridgeClient | undefined;
const eb = () => (client ??= new EventBridgeClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 }));
const ARCHIVE = (n: string) => `arn:aws:events:us-east-1:000000000000:archive/${n}`;
const DEFAULT = "arn:aws:events:us-east-1:000000000000:event-bus/default";

test("the largest schedule expression (256 characters of list items) is parsed at once; 257 is refused", async () => {
  const minutes = Array.from({ length: 60 }, (_, i) => i).join(",");
  let years = "2026";
  for (let y = 2027; `cron(${minutes} * * * ? ${years},${y})`.length <= 256; y++) years += `,${y}`;
  const big = `cron(${minutes} * * * ? ${years})`;
  assert.ok(big.length > 250 && big.length <= 256, String(big.length));
  const t0 = performance.now();
  await eb().send(new PutRuleCommand({ Name: "big-cron", ScheduleExpression: big }));
  assert.ok(performance.now() - t0 < 2000);
  await rejectsAws(eb().send(new PutRuleCommand({ Name: "too-big", ScheduleExpression: `cron(${"0,".repeat(126)}0 * * * ? *)` })), { name: "ValidationException" });
  await rejectsAws(eb().send(new PutRuleCommand({ Name: "huge", ScheduleExpression: "x".repeat(100_000) })), { name: "ValidationException" });
});

test("a schedule that never fires again (30 February, a past year) is kept and arms nothing", async () => {
  await eb().send(new PutRuleCommand({ Name: "never", ScheduleExpression: "cron(0 0 30 2 ? *)" }));
  await eb().send(new PutRuleCommand({ Name: "past", ScheduleExpression: "cron(0 0 1 1 ? 2001)" }));
  assert.equal((await eb().send(new DescribeRuleCommand({ Name: "never" }))).ScheduleExpression, "cron(0 0 30 2 ? *)");
  await new Promise((r) => setTimeout(r, 50));
  // No timer is armed at or before the year 2199 for them (big-cron's own next minute may be).
  assert.ok(clock.pending().every((t) => t < Date.UTC(2026, 2, 2)));
});

test("malformed replays are refused; the concurrent-replay limit holds", async () => {
  await eb().send(new CreateArchiveCommand({ ArchiveName: "probe-arch", EventSourceArn: DEFAULT }));
  const start = new Date(clock.now() - 60_000);
  const end = new Date(clock.now());
  await rejectsAws(eb().send(new StartReplayCommand({ ReplayName: "p", EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:q", EventStartTime: start, EventEndTime: end, Destination: { Arn: DEFAULT } })), { name: "ValidationException" });
  await rejectsAws(eb().send(new StartReplayCommand({ ReplayName: "p", EventSourceArn: ARCHIVE("probe-arch"), EventStartTime: end, EventEndTime: end, Destination: { Arn: DEFAULT } })),
    { name: "ValidationException", message: "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime." });
  await rejectsAws(eb().send(new StartReplayCommand({ ReplayName: "p".repeat(65), EventSourceArn: ARCHIVE("probe-arch"), EventStartTime: start, EventEndTime: end, Destination: { Arn: DEFAULT } })), { name: "ValidationException" });
  await rejectsAws(eb().send(new StartReplayCommand({ ReplayName: "p", EventSourceArn: ARCHIVE("probe-arch"), EventStartTime: start, EventEndTime: end, Destination: { Arn: "not an arn at all" } })), { name: "ValidationException" });
  for (let i = 0; i < 10; i++) {
    await eb().send(new StartReplayCommand({ ReplayName: `many-${i}`, EventSourceArn: ARCHIVE("probe-arch"), EventStartTime: start, EventEndTime: end, Destination: { Arn: DEFAULT } }));
  }
  await rejectsAws(eb().send(new StartReplayCommand({ ReplayName: "eleventh", EventSourceArn: ARCHIVE("probe-arch"), EventStartTime: start, EventEndTime: end, Destination: { Arn: DEFAULT } })), { name: "LimitExceededException" });
  // An empty window completes.
  for (let i = 0; i < 20 && (await eb().send(new DescribeReplayCommand({ ReplayName: "many-9" }))).State !== "COMPLETED"; i++) {
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal((await eb().send(new DescribeReplayCommand({ ReplayName: "many-9" }))).State, "COMPLETED");
});

test("a full 256 KiB PutEvents into two archives is archived whole", async () => {
  await eb().send(new CreateArchiveCommand({ ArchiveName: "probe-big", EventSourceArn: DEFAULT, EventPattern: JSON.stringify({ source: ["big"] }) }));
  const detail = JSON.stringify({ d: "x".repeat(256 * 1024 / 10 - 40) });
  const r = await eb().send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, () => ({ Source: "big", DetailType: "t", Detail: detail })) }));
  assert.equal(r.FailedEntryCount, 0);
  const a = await eb().send(new DescribeArchiveCommand({ ArchiveName: "probe-big" }));
  assert.equal(a.EventCount, 10);
  assert.equal(a.SizeBytes, 10 * ("big".length + 1 + detail.length));
  assert.equal((await eb().send(new DescribeArchiveCommand({ ArchiveName: "probe-arch" }))).EventCount, 10);
});

test("the largest tags: 50 keys of 128 and values of 256 characters", async () => {
  await eb().send(new PutRuleCommand({ Name: "tagged", EventPattern: JSON.stringify({ source: ["t"] }) }));
  const arn = "arn:aws:events:us-east-1:000000000000:rule/tagged";
  const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `${String(i).padStart(2, "0")}${"k".repeat(126)}`, Value: "v".repeat(256) }));
  await eb().send(new TagResourceCommand({ ResourceARN: arn, Tags: tags }));
  assert.deepEqual((await eb().send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags, tags);
});
