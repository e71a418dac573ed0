import assert from "node:assert/strict";
import { test } from "node:test";
import { thrownCode } from "../../../../test/helpers/aws-error.ts";
import { applyAttributes, defaultAttributes, normaliseAttributes, parseRedrivePolicy } from "./queue-attributes.ts";

const code = thrownCode;

test("defaults as AWS reports them for a new standard queue", () => {
  assert.deepEqual(defaultAttributes(), {
    DelaySeconds: "0", MaximumMessageSize: "1048576", MessageRetentionPeriod: "345600",
    ReceiveMessageWaitTimeSeconds: "0", VisibilityTimeout: "30", SqsManagedSseEnabled: "true",
  });
});

test("ranges are enforced and numbers normalised", () => {
  assert.deepEqual(normaliseAttributes({ VisibilityTimeout: "0045" }), { VisibilityTimeout: "45" });
  assert.equal(code(() => normaliseAttributes({ MessageRetentionPeriod: "30" })), "InvalidAttributeValue");
  assert.equal(code(() => normaliseAttributes({ MaximumMessageSize: "1048577" })), "InvalidAttributeValue");
  assert.equal(code(() => normaliseAttributes({ DelaySeconds: "abc" })), "InvalidAttributeValue");
  assert.equal(code(() => normaliseAttributes({ Nope: "1" })), "InvalidAttributeName");
  assert.equal(code(() => normaliseAttributes({ FifoQueue: "false" })), "InvalidAttributeName");
  assert.equal(code(() => normaliseAttributes({ Policy: "not json" })), "InvalidAttributeValue");
});

test("redrive policy: numbers or decimal strings, 1..1000", () => {
  assert.deepEqual(parseRedrivePolicy('{"deadLetterTargetArn":"arn:x","maxReceiveCount":"5"}'), { deadLetterTargetArn: "arn:x", maxReceiveCount: 5 });
  assert.equal(code(() => parseRedrivePolicy('{"deadLetterTargetArn":"arn:x","maxReceiveCount":0}')), "InvalidParameterValue");
  assert.equal(code(() => parseRedrivePolicy('{"maxReceiveCount":3}')), "InvalidParameterValue");
  assert.equal(code(() => parseRedrivePolicy("{")), "InvalidParameterValue");
  assert.equal(normaliseAttributes({ RedrivePolicy: '{"maxReceiveCount":"3","deadLetterTargetArn":"arn:x"}' }).RedrivePolicy, '{"deadLetterTargetArn":"arn:x","maxReceiveCount":3}');
});

test("an empty value clears an optional attribute", () => {
  const next = applyAttributes({ VisibilityTimeout: "30", Policy: "{}" }, { Policy: "" });
  assert.deepEqual(next, { VisibilityTimeout: "30" });
});
