// Kinesis resharding through @aws-sdk/client-kinesis (HTTP/2, its default): SplitShard, MergeShards, UpdateShardCount
// (UNIFORM_SCALING) and UpdateStreamMode keep AWS's hash key ranges, parent links and sequence number ranges; a
// reader that reads parents to their end and follows ChildShards sees every record once, in order per partition key,
// also when PutRecords race a reshard; ListShards' filter types over open and closed shards; AWS's errors.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateStreamCommand, DeleteStreamCommand, DescribeStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient,
  ListShardsCommand, MergeShardsCommand, PutRecordCommand, PutRecordsCommand, SplitShardCommand, UpdateShardCountCommand,
  UpdateStreamModeCommand, StartStreamEncryptionCommand, StopStreamEncryptionCommand, type Shard,
} from "@aws-sdk/client-kinesis";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const T0 = Date.UTC(2026, 11, 2, 8, 0, 0);
const ACCOUNT = "000000000000";
const MID = (1n << 127n).toString();

describe("Kinesis resharding", () => {
  let server: Mailroom;
  let k: KinesisClient;
  const clock = new ManualClock(T0);
  before(async () => {
    server = await startTestServer({ clock });
    k = new KinesisClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    k.destroy();
    await server.close();
  });

  const listAll = async (StreamName: string) => (await k.send(new ListShardsCommand({ StreamName }))).Shards!;

  /** Reads every shard to its end, parents before children (ChildShards), and returns the data per partition key in reading order. */
  async function readAll(StreamName: string): Promise<Map<string, string[]>> {
    const shards = await listAll(StreamName);
    const byId = new Map(shards.map((s) => [s.ShardId!, s]));
    const done = new Set<string>();
    const out = new Map<string, string[]>();
    const parentsOf = (s: Shard) => [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => p !== undefined && byId.has(p));
    const queue = shards.filter((s) => parentsOf(s).length === 0).map((s) => s.ShardId!);
    const started = new Set(queue);
    while (queue.length > 0) {
      const id = queue.shift()!;
      let it = (await k.send(new GetShardIteratorCommand({ StreamName, ShardId: id, ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
      let children: string[] = [];
      for (let guard = 0; it && guard < 1000; guard++) {
        const g = await k.send(new GetRecordsCommand({ ShardIterator: it, Limit: 7 }));
        for (const r of g.Records!) {
          const list = out.get(r.PartitionKey!) ?? [];
          list.push(Buffer.from(r.Data!).toString());
          out.set(r.PartitionKey!, list);
        }
        if (g.ChildShards) children = g.ChildShards.map((c) => c.ShardId!);
        // An open shard read to its tip: stop (a closed one ends by itself, without a NextShardIterator).
        if (g.Records!.length === 0 && g.NextShardIterator && !byId.get(id)!.SequenceNumberRange!.EndingSequenceNumber) break;
        it = g.NextShardIterator;
      }
      done.add(id);
      for (const c of children) {
        if (started.has(c)) continue;
        if (parentsOf(byId.get(c)!).every((p) => done.has(p))) {
          started.add(c);
          queue.push(c);
        }
      }
    }
    assert.equal(done.size, shards.length, "every shard was reached by following ChildShards");
    return out;
  }

  const KEYS = Array.from({ length: 40 }, (_, i) => `key-${i}`);
  const counts = new Map<string, number>();
  async function putRound(StreamName: string) {
    const Records = KEYS.map((key) => {
      const n = counts.get(key) ?? 0;
      counts.set(key, n + 1);
      return { PartitionKey: key, Data: Buffer.from(`${key}#${n}`) };
    });
    const r = await k.send(new PutRecordsCommand({ StreamName, Records }));
    assert.equal(r.FailedRecordCount, 0);
  }
  function assertComplete(got: Map<string, string[]>) {
    for (const key of KEYS) {
      assert.deepEqual(got.get(key), Array.from({ length: counts.get(key)! }, (_, n) => `${key}#${n}`), key);
    }
  }

  test("split, merge and uniform scaling keep ranges, parents and sequence ranges; a ChildShards reader sees every record once, in order per key", async () => {
    await k.send(new CreateStreamCommand({ StreamName: "rs", ShardCount: 2 }));
    await putRound("rs");
    clock.advance(1000);
    await k.send(new SplitShardCommand({ StreamName: "rs", ShardToSplit: "shardId-000000000000", NewStartingHashKey: (1n << 126n).toString() }));
    const t1 = clock.now();
    await putRound("rs");
    clock.advance(1000);
    await k.send(new MergeShardsCommand({ StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/rs`, ShardToMerge: "shardId-000000000003", AdjacentShardToMerge: "shardId-000000000001" }));
    await putRound("rs");
    clock.advance(1000);
    const u = await k.send(new UpdateShardCountCommand({ StreamName: "rs", TargetShardCount: 3, ScalingType: "UNIFORM_SCALING" }));
    assert.deepEqual([u.CurrentShardCount, u.TargetShardCount, u.StreamName], [2, 3, "rs"]);
    await putRound("rs");

    const d = (await k.send(new DescribeStreamCommand({ StreamName: "rs" }))).StreamDescription!;
    const s = new Map(d.Shards!.map((x) => [x.ShardId!, x]));
    // The split: two children of shard 0 covering [0, 2^126 − 1] and [2^126, 2^127 − 1].
    assert.deepEqual([s.get("shardId-000000000002")!.ParentShardId, s.get("shardId-000000000002")!.HashKeyRange], ["shardId-000000000000", { StartingHashKey: "0", EndingHashKey: ((1n << 126n) - 1n).toString() }]);
    assert.deepEqual(s.get("shardId-000000000003")!.HashKeyRange, { StartingHashKey: (1n << 126n).toString(), EndingHashKey: (BigInt(MID) - 1n).toString() });
    // The merge: shard 4 names ShardToMerge and AdjacentShardToMerge, and covers their union.
    const m = s.get("shardId-000000000004")!;
    assert.deepEqual([m.ParentShardId, m.AdjacentParentShardId, m.HashKeyRange!.StartingHashKey, m.HashKeyRange!.EndingHashKey],
      ["shardId-000000000003", "shardId-000000000001", (1n << 126n).toString(), "340282366920938463463374607431768211455"]);
    // Closed shards have an EndingSequenceNumber, open ones none; children's numbers are above their parents'.
    const closed = d.Shards!.filter((x) => x.SequenceNumberRange!.EndingSequenceNumber);
    const open = d.Shards!.filter((x) => !x.SequenceNumberRange!.EndingSequenceNumber);
    assert.ok(closed.some((x) => x.ShardId === "shardId-000000000000"));
    for (const c of d.Shards!) {
      for (const p of [c.ParentShardId, c.AdjacentParentShardId].filter(Boolean)) {
        const parent = s.get(p!)!;
        assert.ok(BigInt(c.SequenceNumberRange!.StartingSequenceNumber!) > BigInt(parent.SequenceNumberRange!.EndingSequenceNumber!));
      }
    }
    // The uniform result: three open shards with a new stream's even ranges.
    assert.deepEqual(open.map((x) => [x.HashKeyRange!.StartingHashKey, x.HashKeyRange!.EndingHashKey]).sort((a, b) => (BigInt(a[0]!) < BigInt(b[0]!) ? -1 : 1)), [
      ["0", "113427455640312821154458202477256070484"],
      ["113427455640312821154458202477256070485", "226854911280625642308916404954512140969"],
      ["226854911280625642308916404954512140970", "340282366920938463463374607431768211455"],
    ]);
    const sum = (await k.send(new DescribeStreamSummaryCommand({ StreamName: "rs" }))).StreamDescriptionSummary!;
    assert.equal(sum.OpenShardCount, 3);
    assertComplete(await readAll("rs"));

    // ListShards filters over open and closed shards.
    const ids = async (ShardFilter: NonNullable<ConstructorParameters<typeof ListShardsCommand>[0]>["ShardFilter"]) =>
      (await k.send(new ListShardsCommand({ StreamName: "rs", ShardFilter }))).Shards!.map((x) => x.ShardId);
    assert.deepEqual(await ids({ Type: "AT_LATEST" }), open.map((x) => x.ShardId));
    assert.deepEqual(await ids({ Type: "AT_TRIM_HORIZON" }), ["shardId-000000000000", "shardId-000000000001"]);
    assert.deepEqual(await ids({ Type: "FROM_TRIM_HORIZON" }), d.Shards!.map((x) => x.ShardId));
    assert.deepEqual(await ids({ Type: "AT_TIMESTAMP", Timestamp: new Date(t1 + 500) }), ["shardId-000000000001", "shardId-000000000002", "shardId-000000000003"]);
    assert.deepEqual(await ids({ Type: "AT_TIMESTAMP", Timestamp: new Date(T0 - 60_000) }), ["shardId-000000000000", "shardId-000000000001"], "before the stream: corrected to the trim horizon");
    assert.deepEqual((await ids({ Type: "FROM_TIMESTAMP", Timestamp: new Date(t1 + 500) })).includes("shardId-000000000000"), false);
    assert.deepEqual(await ids({ Type: "AFTER_SHARD_ID", ShardId: "shardId-000000000003" }), d.Shards!.map((x) => x.ShardId).filter((x) => x! > "shardId-000000000003"));
    const p1 = await k.send(new ListShardsCommand({ StreamName: "rs", ShardFilter: { Type: "AT_LATEST" }, MaxResults: 1 }));
    const p2 = await k.send(new ListShardsCommand({ NextToken: p1.NextToken, MaxResults: 5 }));
    assert.deepEqual([...p1.Shards!, ...p2.Shards!].map((x) => x.ShardId), open.map((x) => x.ShardId), "NextToken keeps the filter");

    // A closed shard read to its end: no NextShardIterator, its ChildShards; LATEST on it ends at once.
    const latest = (await k.send(new GetShardIteratorCommand({ StreamName: "rs", ShardId: "shardId-000000000000", ShardIteratorType: "LATEST" }))).ShardIterator;
    const end = await k.send(new GetRecordsCommand({ ShardIterator: latest }));
    assert.equal(end.NextShardIterator, undefined);
    assert.deepEqual(end.ChildShards, [
      { ShardId: "shardId-000000000002", ParentShards: ["shardId-000000000000"], HashKeyRange: { StartingHashKey: "0", EndingHashKey: ((1n << 126n) - 1n).toString() } },
      { ShardId: "shardId-000000000003", ParentShards: ["shardId-000000000000"], HashKeyRange: { StartingHashKey: (1n << 126n).toString(), EndingHashKey: (BigInt(MID) - 1n).toString() } },
    ]);
  });

  test("PutRecords racing resharding: nothing lost, nothing twice, order per key kept", async () => {
    await k.send(new CreateStreamCommand({ StreamName: "race", ShardCount: 2 }));
    const puts: Promise<void>[] = [];
    for (let i = 0; i < 6; i++) puts.push(putRound("race"));
    const reshards = (async () => {
      await k.send(new UpdateShardCountCommand({ StreamName: "race", TargetShardCount: 4, ScalingType: "UNIFORM_SCALING" }));
      await k.send(new UpdateShardCountCommand({ StreamName: "race", TargetShardCount: 3, ScalingType: "UNIFORM_SCALING" }));
    })();
    // Order per key needs each key's puts in sequence: rounds are sent in order and each is one PutRecords.
    await Promise.all([...puts, reshards]);
    const got = await readAll("race");
    for (const key of KEYS) assert.equal(new Set(got.get(key)).size, got.get(key)!.length, `${key} read once each`);
    assert.equal([...got.values()].reduce((n, l) => n + l.length, 0), 6 * KEYS.length);
  });

  test("racing reshards of one shard: exactly one wins, the other gets AWS's error; the ranges stay a partition", async () => {
    await k.send(new CreateStreamCommand({ StreamName: "duel", ShardCount: 2 }));
    const tries = await Promise.allSettled([
      k.send(new SplitShardCommand({ StreamName: "duel", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "100" })),
      k.send(new SplitShardCommand({ StreamName: "duel", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "200" })),
      k.send(new MergeShardsCommand({ StreamName: "duel", ShardToMerge: "shardId-000000000000", AdjacentShardToMerge: "shardId-000000000001" })),
    ]);
    assert.equal(tries.filter((t) => t.status === "fulfilled").length, 1);
    for (const t of tries) if (t.status === "rejected") assert.equal((t.reason as Error).name, "InvalidArgumentException");
    // The open shards still cover the hash key space exactly once.
    const open = (await k.send(new ListShardsCommand({ StreamName: "duel", ShardFilter: { Type: "AT_LATEST" } }))).Shards!
      .map((x) => [BigInt(x.HashKeyRange!.StartingHashKey!), BigInt(x.HashKeyRange!.EndingHashKey!)]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    assert.equal(open[0][0], 0n);
    for (let i = 1; i < open.length; i++) assert.equal(open[i][0], open[i - 1][1] + 1n);
    assert.equal(open[open.length - 1][1], (1n << 128n) - 1n);
  });

  test("a large uniform scaling (100 → 200 → 101 shards) makes a partition of even ranges", async () => {
    await k.send(new CreateStreamCommand({ StreamName: "wide", ShardCount: 100 }));
    for (const target of [200, 101]) {
      await k.send(new UpdateShardCountCommand({ StreamName: "wide", TargetShardCount: target, ScalingType: "UNIFORM_SCALING" }));
      const open = (await k.send(new ListShardsCommand({ StreamName: "wide", ShardFilter: { Type: "AT_LATEST" }, MaxResults: 10_000 }))).Shards!;
      assert.equal(open.length, target);
      const starts = open.map((x) => BigInt(x.HashKeyRange!.StartingHashKey!)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      assert.deepEqual(starts, Array.from({ length: target }, (_, i) => (BigInt(i) * (1n << 128n)) / BigInt(target)));
    }
    const all = (await k.send(new ListShardsCommand({ StreamName: "wide", MaxResults: 10_000 }))).Shards!;
    // Every closed shard has children (nothing dead-ends for a reader) and no shard has more than two parents.
    const parents = new Set(all.flatMap((x) => [x.ParentShardId, x.AdjacentParentShardId]).filter(Boolean));
    for (const x of all) if (x.SequenceNumberRange!.EndingSequenceNumber) assert.ok(parents.has(x.ShardId), `${x.ShardId} has children`);
    await k.send(new DeleteStreamCommand({ StreamName: "wide" }));
  });

  test("AWS's errors for resharding limits and wrong shards", async () => {
    await k.send(new CreateStreamCommand({ StreamName: "err", ShardCount: 2 }));
    await k.send(new SplitShardCommand({ StreamName: "err", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000" }));
    await rejectsAws(k.send(new SplitShardCommand({ StreamName: "err", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "10" })), {
      name: "InvalidArgumentException", message: `Shard shardId-000000000000 in stream err under account ${ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.`,
    });
    await rejectsAws(k.send(new SplitShardCommand({ StreamName: "err", ShardToSplit: "shardId-000000000002", NewStartingHashKey: "0" })), { name: "InvalidArgumentException", message: /NewStartingHashKey 0/ });
    await rejectsAws(k.send(new SplitShardCommand({ StreamName: "err", ShardToSplit: "shardId-000000000002", NewStartingHashKey: MID })), { name: "InvalidArgumentException" });
    await rejectsAws(k.send(new SplitShardCommand({ StreamName: "err", ShardToSplit: "shardId-000000000009", NewStartingHashKey: "5" })), {
      name: "ResourceNotFoundException", message: `Could not find shard shardId-000000000009 in stream err under account ${ACCOUNT}.`,
    });
    await rejectsAws(k.send(new SplitShardCommand({ StreamName: "err", ShardToSplit: "shardId-000000000002", NewStartingHashKey: "x1" })), { name: "ValidationException" });
    await rejectsAws(k.send(new MergeShardsCommand({ StreamName: "err", ShardToMerge: "shardId-000000000002", AdjacentShardToMerge: "shardId-000000000001" })), {
      name: "InvalidArgumentException", message: /not an adjacent pair of shards eligible for merging/,
    });
    await rejectsAws(k.send(new MergeShardsCommand({ StreamName: "err", ShardToMerge: "shardId-000000000002", AdjacentShardToMerge: "shardId-000000000002" })), { name: "InvalidArgumentException" });
    // Open: 2, 3 and 1 → 3 open shards. More than double, less than half.
    await rejectsAws(k.send(new UpdateShardCountCommand({ StreamName: "err", TargetShardCount: 7, ScalingType: "UNIFORM_SCALING" })), { name: "LimitExceededException" });
    await rejectsAws(k.send(new UpdateShardCountCommand({ StreamName: "err", TargetShardCount: 1, ScalingType: "UNIFORM_SCALING" })), { name: "LimitExceededException" });
    await rejectsAws(k.send(new UpdateShardCountCommand({ StreamName: "err", TargetShardCount: 2, ScalingType: "OTHER" as "UNIFORM_SCALING" })), { name: "ValidationException" });
    await rejectsAws(k.send(new UpdateShardCountCommand({ StreamName: "err", TargetShardCount: 0, ScalingType: "UNIFORM_SCALING" })), { name: "ValidationException" });
    // Ten scalings per rolling 24 hours.
    for (let i = 0; i < 10; i++) await k.send(new UpdateShardCountCommand({ StreamName: "err", TargetShardCount: i % 2 ? 3 : 4, ScalingType: "UNIFORM_SCALING" }));
    await rejectsAws(k.send(new UpdateShardCountCommand({ StreamName: "err", TargetShardCount: 3, ScalingType: "UNIFORM_SCALING" })), { name: "LimitExceededException", message: /10 times/ });
    clock.advance(24 * 3_600_000 + 1);
    await k.send(new UpdateShardCountCommand({ StreamName: "err", TargetShardCount: 3, ScalingType: "UNIFORM_SCALING" }));
    // The account's shard quota (20,000 in us-east-1) holds for resharding too: with 3 + 19,995 open, 3 more are too many.
    for (const StreamName of ["rs", "race", "duel"]) await k.send(new DeleteStreamCommand({ StreamName }));
    await k.send(new CreateStreamCommand({ StreamName: "big", ShardCount: 19_995 }));
    await rejectsAws(k.send(new UpdateShardCountCommand({ StreamName: "err", TargetShardCount: 6, ScalingType: "UNIFORM_SCALING" })), { name: "LimitExceededException", message: /shard limit/ });

    // Capacity modes: on-demand streams are not resharded by hand; the mode switches at most twice a day.
    const arn = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/err`;
    await rejectsAws(k.send(new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: "PROVISIONED" } })), { name: "InvalidArgumentException" });
    await k.send(new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: "ON_DEMAND" } }));
    const sum = (await k.send(new DescribeStreamSummaryCommand({ StreamARN: arn }))).StreamDescriptionSummary!;
    assert.deepEqual([sum.StreamModeDetails?.StreamMode, sum.OpenShardCount], ["ON_DEMAND", 3]);
    await rejectsAws(k.send(new SplitShardCommand({ StreamARN: arn, ShardToSplit: "shardId-000000000001", NewStartingHashKey: "5" })), { name: "InvalidArgumentException", message: /ON_DEMAND/ });
    await rejectsAws(k.send(new UpdateShardCountCommand({ StreamARN: arn, TargetShardCount: 4, ScalingType: "UNIFORM_SCALING" })), { name: "InvalidArgumentException", message: /ON_DEMAND/ });
    await k.send(new PutRecordCommand({ StreamARN: arn, PartitionKey: "p", Data: Buffer.from("on-demand") }));
    await k.send(new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: "PROVISIONED" } }));
    await rejectsAws(k.send(new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: "ON_DEMAND" } })), { name: "LimitExceededException" });
    await rejectsAws(k.send(new SplitShardCommand({ StreamName: "nope", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "5" })), { name: "ResourceNotFoundException" });
  });

  test("encryption changes: 25 starts and 25 stops per rolling 24 hours", async () => {
    await k.send(new CreateStreamCommand({ StreamName: "enc", ShardCount: 1 }));
    for (let i = 0; i < 25; i++) await k.send(new StartStreamEncryptionCommand({ StreamName: "enc", EncryptionType: "KMS", KeyId: `key-${i}` }));
    await rejectsAws(k.send(new StartStreamEncryptionCommand({ StreamName: "enc", EncryptionType: "KMS", KeyId: "key-26" })), { name: "LimitExceededException", message: /25 times/ });
    await k.send(new StopStreamEncryptionCommand({ StreamName: "enc", EncryptionType: "KMS", KeyId: "key-24" }));
    clock.advance(24 * 3_600_000 + 1);
    await k.send(new StartStreamEncryptionCommand({ StreamName: "enc", EncryptionType: "KMS", KeyId: "key-26" }));
  });
});
