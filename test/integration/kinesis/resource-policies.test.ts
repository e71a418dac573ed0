// Kinesis resource policies through @aws-sdk/client-kinesis (HTTP/2) for the owner, and signed AWS JSON 1.1 requests
// of a second account (its own access key): Put/Get/DeleteResourcePolicy keep a policy per ARN, and the other account
// reaches the stream by StreamARN only for the actions the policy allows (AccessDeniedException otherwise).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateStreamCommand, DeleteResourcePolicyCommand, GetResourcePolicyCommand, KinesisClient, PutRecordsCommand, PutResourcePolicyCommand,
} from "@aws-sdk/client-kinesis";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { Sha256 } from "../../helpers/sha256.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const ACCOUNT = "000000000000";
const OTHER = { accessKeyId: "AKIDOTHER", secretAccessKey: "other-secret", accountId: "111111111111" };

describe("Kinesis resource policies", () => {
  let server: Mailroom;
  let k: KinesisClient;
  before(async () => {
    server = await startTestServer({ accessKeys: [{ ...TEST_CREDENTIALS, accountId: ACCOUNT }, OTHER] });
    k = new KinesisClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    await k.send(new CreateStreamCommand({ StreamName: "s", ShardCount: 1 }));
  });
  after(async () => {
    k.destroy();
    await server.close();
  });

  test("resource policies: kept per ARN; another account reaches the stream only for what they allow", async () => {
    const arn = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`;
    assert.equal((await k.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy, "{}");
    await rejectsAws(k.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: "not json" })), { name: "InvalidArgumentException" });
    const signer = new SignatureV4({ credentials: OTHER, region: "us-east-1", service: "kinesis", sha256: Sha256 });
    const asOther = async (operation: string, body: unknown) => {
      const url = new URL(server.endpoint);
      const payload = JSON.stringify(body);
      const req = await signer.sign({
        method: "POST", protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: "/", query: {}, body: payload,
        headers: { host: url.host, "content-type": "application/x-amz-json-1.1", "x-amz-target": `Kinesis_20131202.${operation}` },
      });
      const res = await fetch(`${server.endpoint}/`, { method: "POST", headers: req.headers as Record<string, string>, body: payload });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const denied = await asOther("PutRecord", { StreamARN: arn, PartitionKey: "p", Data: Buffer.from("x").toString("base64") });
    assert.deepEqual([denied.status, denied.body.__type], [400, "AccessDeniedException"]);
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER.accountId}:root` }, Action: ["kinesis:PutRecord", "kinesis:DescribeStreamSummary"], Resource: arn }],
    });
    await k.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: policy }));
    assert.equal((await k.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy, policy);
    const put = await asOther("PutRecord", { StreamARN: arn, PartitionKey: "p", Data: Buffer.from("from 1111").toString("base64") });
    assert.equal(put.status, 200);
    assert.match(put.body.SequenceNumber as string, /^49\d+$/);
    assert.equal((await asOther("DescribeStreamSummary", { StreamARN: arn })).status, 200);
    const notAllowed = await asOther("DeleteStream", { StreamARN: arn });
    assert.deepEqual([notAllowed.status, notAllowed.body.__type], [400, "AccessDeniedException"]);
    // A forged ListShards NextToken naming the stream reaches it only for an allowed ListShards.
    const forged = Buffer.from(JSON.stringify(["sh", OTHER.accountId, "us-east-1", 1, -1, Date.now(), "FROM_TRIM_HORIZON"])).toString("base64");
    const listed = await asOther("ListShards", { NextToken: forged });
    assert.deepEqual([listed.status, listed.body.__type], [400, "AccessDeniedException"]);
    // Probes: a policy over 20 KiB is refused; a Resource of many wildcards is matched in linear time (no RegExp).
    await rejectsAws(k.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: JSON.stringify({ Statement: [{ Effect: "Allow", Sid: "x".repeat(21 * 1024) }] }) })), {
      name: "InvalidArgumentException", message: /20 KB/,
    });
    await rejectsAws(k.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: `${"[".repeat(10_000)}${"]".repeat(10_000)}` })), { name: "InvalidArgumentException" });
    const wild = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "kinesis:*", Resource: `arn:aws:kinesis:*:*:stream/${"*s".repeat(40)}x` }] });
    await k.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: wild }));
    const t = Date.now();
    assert.equal((await asOther("DescribeStreamSummary", { StreamARN: arn })).body.__type, "AccessDeniedException");
    assert.ok(Date.now() - t < 1000, "a wildcard-heavy Resource is matched at once");
    await k.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: policy }));
    await k.send(new DeleteResourcePolicyCommand({ ResourceARN: arn }));
    await rejectsAws(k.send(new DeleteResourcePolicyCommand({ ResourceARN: arn })), { name: "ResourceNotFoundException" });
    assert.equal((await asOther("PutRecord", { StreamARN: arn, PartitionKey: "p", Data: "eA==" })).body.__type, "AccessDeniedException");
    // PutRecords of another account's stream by name only is that account's own (absent) stream.
    await rejectsAws(k.send(new PutRecordsCommand({ StreamName: "absent", Records: [{ PartitionKey: "p", Data: Buffer.from("x") }] })), { name: "ResourceNotFoundException" });
  });
});
