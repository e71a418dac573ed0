// Debian's boto3 (1.26, /usr/bin/python3; Kinesis over AWS JSON 1.1) and awscli 2.9 (/usr/bin/aws) against Kinesis:
// streams, PutRecords, ListShards, SplitShard and reading a closed shard to its ChildShards, tags, retention, and the
// error codes botocore surfaces.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import type { Mailroom } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";
import { type Boto, bytes, QUERY_PYTHON, startBoto } from "./boto.ts";

const run = promisify(execFile);

describe("Kinesis with boto3 and the AWS CLI", () => {
  let server: Mailroom;
  let boto: Boto;
  before(async () => {
    server = await startTestServer();
    boto = await startBoto(server.endpoint, { python: QUERY_PYTHON, service: "kinesis", protocol: "json" });
  });
  after(async () => {
    boto?.close();
    await server?.close();
  });

  test("boto3: create, put, split, read parents to their end and follow ChildShards; tags and retention", async () => {
    await boto.call("create_stream", { StreamName: "py", ShardCount: 1 });
    const sum = await boto.call("describe_stream_summary", { StreamName: "py" });
    assert.equal(sum.StreamDescriptionSummary.StreamStatus, "ACTIVE");
    const put = await boto.call("put_records", { StreamName: "py", Records: [0, 1, 2].map((i) => ({ PartitionKey: `k${i}`, Data: bytes(`before-${i}`) })) });
    assert.equal(put.FailedRecordCount, 0);
    await boto.call("split_shard", { StreamName: "py", ShardToSplit: "shardId-000000000000", NewStartingHashKey: (1n << 127n).toString() });
    await boto.call("put_record", { StreamName: "py", PartitionKey: "k0", Data: bytes("after-0") });
    const shards = (await boto.call("list_shards", { StreamName: "py" })).Shards;
    assert.deepEqual(shards.map((s: { ShardId: string; ParentShardId?: string }) => [s.ShardId, s.ParentShardId ?? null]), [
      ["shardId-000000000000", null], ["shardId-000000000001", "shardId-000000000000"], ["shardId-000000000002", "shardId-000000000000"],
    ]);
    assert.ok(shards[0].SequenceNumberRange.EndingSequenceNumber);
    const it = (await boto.call("get_shard_iterator", { StreamName: "py", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" })).ShardIterator;
    const parent = await boto.call("get_records", { ShardIterator: it });
    assert.deepEqual(parent.Records.map((r: { Data: string }) => Buffer.from(r.Data, "base64").toString()), ["before-0", "before-1", "before-2"]);
    assert.equal(parent.NextShardIterator, undefined);
    assert.deepEqual(parent.ChildShards.map((c: { ShardId: string }) => c.ShardId), ["shardId-000000000001", "shardId-000000000002"]);
    let after0: string[] = [];
    for (const c of parent.ChildShards as { ShardId: string }[]) {
      const ci = (await boto.call("get_shard_iterator", { StreamName: "py", ShardId: c.ShardId, ShardIteratorType: "TRIM_HORIZON" })).ShardIterator;
      after0 = after0.concat((await boto.call("get_records", { ShardIterator: ci })).Records.map((r: { Data: string }) => Buffer.from(r.Data, "base64").toString()));
    }
    assert.deepEqual(after0, ["after-0"]);

    await boto.call("add_tags_to_stream", { StreamName: "py", Tags: { owner: "python" } });
    assert.deepEqual((await boto.call("list_tags_for_stream", { StreamName: "py" })).Tags, [{ Key: "owner", Value: "python" }]);
    await boto.call("increase_stream_retention_period", { StreamName: "py", RetentionPeriodHours: 168 });
    assert.equal((await boto.call("describe_stream", { StreamName: "py" })).StreamDescription.RetentionPeriodHours, 168);
    const err = await boto.fail("describe_stream", { StreamName: "absent" });
    assert.deepEqual([err.Code, err.HTTPStatusCode], ["ResourceNotFoundException", 400]);
    const bad = await boto.fail("merge_shards", { StreamName: "py", ShardToMerge: "shardId-000000000000", AdjacentShardToMerge: "shardId-000000000001" });
    assert.equal(bad.Code, "InvalidArgumentException");
  });

  test("awscli: create-stream, put-record, update-shard-count, list-shards, and an error exit", async () => {
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_"))),
      AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "test-secret", AWS_DEFAULT_REGION: "us-east-1",
      AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_PAGER: "", AWS_MAX_ATTEMPTS: "1",
    };
    const aws = async (...args: string[]) => {
      const { stdout } = await run("/usr/bin/aws", ["--endpoint-url", server.endpoint, "--output", "json", "kinesis", ...args], { env });
      return stdout.trim() === "" ? {} : JSON.parse(stdout);
    };
    await aws("create-stream", "--stream-name", "cli", "--shard-count", "2");
    const put = await aws("put-record", "--stream-name", "cli", "--partition-key", "p", "--data", "aGVsbG8=");
    assert.match(put.SequenceNumber, /^49\d+$/);
    const u = await aws("update-shard-count", "--stream-name", "cli", "--target-shard-count", "4", "--scaling-type", "UNIFORM_SCALING");
    assert.deepEqual([u.CurrentShardCount, u.TargetShardCount], [2, 4]);
    const open = await aws("list-shards", "--stream-name", "cli", "--shard-filter", "Type=AT_LATEST");
    assert.equal(open.Shards.length, 4);
    await aws("add-tags-to-stream", "--stream-name", "cli", "--tags", "team=cli");
    assert.deepEqual((await aws("list-tags-for-stream", "--stream-name", "cli")).Tags, [{ Key: "team", Value: "cli" }]);
    await assert.rejects(aws("delete-stream", "--stream-name", "absent"), (e: { code?: number; stderr?: string }) => {
      assert.equal(e.code, 254);
      assert.match(e.stderr ?? "", /ResourceNotFoundException/);
      return true;
    });
  });
});
