import assert from "node:assert/strict";
import { test } from "node:test";
import { globMatch, policyAllows, policyDecision, readPolicy } from "./policy.ts";

const ARN = "arn:aws:sqs:us-east-1:111111111111:q";
const req = (action: string, account = "222222222222") => ({ account, action, resource: ARN });
const allows = (statement: unknown, action = "sqs:SendMessage", account?: string) =>
  policyAllows(readPolicy(JSON.stringify({ Statement: statement })), req(action, account));

test("globs: * and ? wildcards, regex characters literal", () => {
  assert.ok(globMatch("arn:aws:sqs:*:111111111111:q", ARN));
  assert.ok(globMatch("sqs:Send?essage", "sqs:SendMessage"));
  assert.ok(!globMatch("a.c", "abc"));
  assert.ok(globMatch("SQS:SEND*", "sqs:SendMessage", true));
});

test("principal forms, a single statement object, case-insensitive actions", () => {
  const base = { Effect: "Allow", Action: "SQS:SENDMESSAGE", Resource: ARN };
  assert.ok(allows({ ...base, Principal: "*" }));
  assert.ok(allows({ ...base, Principal: { AWS: "*" } }));
  assert.ok(allows({ ...base, Principal: { AWS: "222222222222" } }));
  assert.ok(allows({ ...base, Principal: { AWS: ["arn:aws:iam::222222222222:root"] } }));
  assert.ok(!allows({ ...base, Principal: { AWS: "arn:aws:iam::222222222222:user/bob" } }));
  assert.ok(!allows({ ...base, Principal: { Service: "sns.amazonaws.com" } }));
  assert.ok(!allows({ ...base, Principal: "*" }, "sqs:ReceiveMessage"));
});

test("Deny wins, NotAction and NotResource, missing Resource means the queue", () => {
  const allow = { Effect: "Allow", Principal: "*", Action: "sqs:*" };
  assert.ok(allows([allow]));
  assert.ok(!allows([allow, { Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Resource: ARN }]));
  assert.ok(!allows([{ ...allow, NotAction: "sqs:Send*", Action: undefined }]));
  assert.ok(!allows([{ ...allow, NotResource: ARN }]));
  assert.ok(!allows([{ ...allow, Effect: "allow" }])); // Effect is case-sensitive
});

test("conditions: known keys evaluate, absent keys fail positive and pass negated operators, unknown ones never match", () => {
  const s = (Condition: unknown) => ({ Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: ARN, Condition });
  assert.ok(allows(s({ StringEquals: { "aws:PrincipalAccount": "222222222222" } })));
  assert.ok(!allows(s({ StringEquals: { "aws:PrincipalAccount": "333333333333" } })));
  assert.ok(!allows(s({ ArnLike: { "aws:SourceArn": "arn:aws:sns:*" } })));
  assert.ok(allows(s({ ArnNotLike: { "aws:SourceArn": "arn:aws:sns:*" } })));
  assert.ok(allows(s({ ArnLikeIfExists: { "aws:SourceArn": "arn:aws:sns:*" } })));
  assert.ok(allows(s({ Null: { "aws:SourceAccount": "true" } })));
  assert.ok(allows(s({ Bool: { "aws:SecureTransport": "false" } })));
  assert.ok(!allows(s({ IpAddress: { "aws:SourceIp": "10.0.0.0/8" } })));
  assert.ok(!allows(s({ StringEquals: { "sqs:Whatever": "x" } })));
});

test("service-specific keys from the request, and explicit versus implicit refusals", () => {
  const s = { Effect: "Allow", Principal: "*", Action: "sns:Subscribe", Resource: ARN, Condition: { StringEquals: { "sns:Protocol": "sqs" } } };
  const policy = readPolicy(JSON.stringify({ Statement: [s, { Effect: "Deny", Principal: { AWS: "333333333333" }, Action: "*" }] }));
  const r = (account: string, protocol?: string) => ({ ...req("sns:Subscribe", account), keys: protocol ? { "sns:protocol": protocol } : undefined });
  assert.equal(policyDecision(policy, r("222222222222", "sqs")), "allow");
  assert.equal(policyDecision(policy, r("222222222222", "http")), "implicit");
  assert.equal(policyDecision(policy, r("222222222222")), "implicit");
  assert.equal(policyDecision(policy, r("333333333333", "sqs")), "deny");
});
