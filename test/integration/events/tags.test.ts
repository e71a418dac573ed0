// Tags on event buses and rules with the JS SDK: at creation (CreateEventBus, PutRule) and through TagResource,
// UntagResource, ListTagsForResource; AWS's limits (50 per resource, key and value lengths, aws: reserved); tags go
// with their resource. Both backends.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CreateEventBusCommand, DeleteEventBusCommand, DeleteRuleCommand, EventBridgeClient, ListTagsForResourceCommand, PutRuleCommand, TagResourceCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-eventbridge";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";

const { server } = useTestServer();
let client: EventBridgeClient | undefined;
const eb = () => (client ??= new EventBridgeClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 }));
const BUS = (n: string) => `arn:aws:events:us-east-1:000000000000:event-bus/${n}`;
const RULE = (n: string) => `arn:aws:events:us-east-1:000000000000:rule/${n}`;
const tagsOf = async (arn: string) => (await eb().send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags;

test("tags at creation and by TagResource, replaced by key, in order; UntagResource removes keys", async () => {
  await eb().send(new CreateEventBusCommand({ Name: "tb", Tags: [{ Key: "team", Value: "a" }, { Key: "env", Value: "dev" }] }));
  assert.deepEqual(await tagsOf(BUS("tb")), [{ Key: "team", Value: "a" }, { Key: "env", Value: "dev" }]);
  await eb().send(new TagResourceCommand({ ResourceARN: BUS("tb"), Tags: [{ Key: "env", Value: "prod" }, { Key: "cost", Value: "" }] }));
  assert.deepEqual(await tagsOf(BUS("tb")), [{ Key: "team", Value: "a" }, { Key: "env", Value: "prod" }, { Key: "cost", Value: "" }]);
  await eb().send(new UntagResourceCommand({ ResourceARN: BUS("tb"), TagKeys: ["team", "absent"] }));
  assert.deepEqual(await tagsOf(BUS("tb")), [{ Key: "env", Value: "prod" }, { Key: "cost", Value: "" }]);

  const r = await eb().send(new PutRuleCommand({ Name: "tr", EventPattern: JSON.stringify({ source: ["a"] }), Tags: [{ Key: "k", Value: "v" }] }));
  assert.deepEqual(await tagsOf(r.RuleArn!), [{ Key: "k", Value: "v" }]);
  await eb().send(new PutRuleCommand({ Name: "tr", EventBusName: "tb", EventPattern: JSON.stringify({ source: ["a"] }), Tags: [{ Key: "on", Value: "custom" }] }));
  assert.deepEqual(await tagsOf(`${RULE("tb")}/tr`), [{ Key: "on", Value: "custom" }]);
  // The default bus can be tagged too.
  await eb().send(new TagResourceCommand({ ResourceARN: BUS("default"), Tags: [{ Key: "d", Value: "1" }] }));
  assert.deepEqual(await tagsOf(BUS("default")), [{ Key: "d", Value: "1" }]);
});

test("tags go with their resource: a re-created rule or bus starts without them", async () => {
  await eb().send(new PutRuleCommand({ Name: "gone", EventPattern: JSON.stringify({ source: ["a"] }), Tags: [{ Key: "k", Value: "v" }] }));
  await eb().send(new DeleteRuleCommand({ Name: "gone" }));
  await eb().send(new PutRuleCommand({ Name: "gone", EventPattern: JSON.stringify({ source: ["a"] }) }));
  assert.deepEqual(await tagsOf(RULE("gone")), []);
  await eb().send(new CreateEventBusCommand({ Name: "gb", Tags: [{ Key: "k", Value: "v" }] }));
  await eb().send(new DeleteEventBusCommand({ Name: "gb" }));
  await eb().send(new CreateEventBusCommand({ Name: "gb" }));
  assert.deepEqual(await tagsOf(BUS("gb")), []);
});

test("limits and errors", async () => {
  await eb().send(new PutRuleCommand({ Name: "lim", EventPattern: JSON.stringify({ source: ["a"] }) }));
  const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
  await eb().send(new TagResourceCommand({ ResourceARN: RULE("lim"), Tags: fifty }));
  await rejectsAws(eb().send(new TagResourceCommand({ ResourceARN: RULE("lim"), Tags: [{ Key: "k50", Value: "v" }] })), { name: "ValidationException", message: /at most 50 tags/ });
  // Replacing an existing key stays within the limit.
  await eb().send(new TagResourceCommand({ ResourceARN: RULE("lim"), Tags: [{ Key: "k0", Value: "w" }] }));
  assert.equal((await tagsOf(RULE("lim")))!.length, 50);
  await rejectsAws(eb().send(new PutRuleCommand({ Name: "lim2", EventPattern: "{\"source\":[\"a\"]}", Tags: [...fifty, { Key: "x", Value: "y" }] })), { name: "ValidationException", message: /at most 50 tags/ });
  await rejectsAws(eb().send(new TagResourceCommand({ ResourceARN: RULE("lim"), Tags: [{ Key: "k".repeat(129), Value: "v" }] })), { name: "ValidationException", message: /length less than or equal to 128/ });
  await rejectsAws(eb().send(new TagResourceCommand({ ResourceARN: RULE("lim"), Tags: [{ Key: "k", Value: "v".repeat(257) }] })), { name: "ValidationException", message: /length less than or equal to 256/ });
  await rejectsAws(eb().send(new TagResourceCommand({ ResourceARN: RULE("lim"), Tags: [{ Key: "", Value: "v" }] })), { name: "ValidationException", message: /greater than or equal to 1/ });
  await rejectsAws(eb().send(new TagResourceCommand({ ResourceARN: RULE("lim"), Tags: [{ Key: "aws:x", Value: "v" }] })), { name: "ValidationException", message: /reserved/ });
  await rejectsAws(eb().send(new TagResourceCommand({ ResourceARN: RULE("lim"), Tags: [{ Key: "a*b", Value: "v" }] })), { name: "ValidationException", message: /not allowed/ });
  await rejectsAws(eb().send(new TagResourceCommand({ ResourceARN: RULE("nope"), Tags: [{ Key: "a", Value: "v" }] })), { name: "ResourceNotFoundException", message: "Rule nope does not exist on EventBus default." });
  await rejectsAws(eb().send(new ListTagsForResourceCommand({ ResourceARN: BUS("nope") })), { name: "ResourceNotFoundException", message: "Event bus nope does not exist." });
  await rejectsAws(eb().send(new ListTagsForResourceCommand({ ResourceARN: "arn:aws:sqs:us-east-1:000000000000:q" })), { name: "ValidationException" });
  // A failed tag at creation is checked before anything is created.
  await rejectsAws(eb().send(new CreateEventBusCommand({ Name: "never", Tags: [{ Key: "aws:x", Value: "v" }] })), { name: "ValidationException" });
  await rejectsAws(eb().send(new ListTagsForResourceCommand({ ResourceARN: BUS("never") })), { name: "ResourceNotFoundException" });
});
