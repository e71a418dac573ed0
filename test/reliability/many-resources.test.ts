// Paging over many resources (issue 20, item 5, the correctness half; bench/many-resources.ts measures 100,000
// queues): 2,000 queues, 250 topics and 1,000 subscriptions in one account; ListQueues (1,000 per page at most,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueues.html), ListTopics and
// ListSubscriptions (100 per page, https://docs.aws.amazon.com/sns/latest/api/API_ListTopics.html) list each
// exactly once, pages end, and prefixes narrow the listing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ListQueuesCommand } from "@aws-sdk/client-sqs";
import { checkExactlyOnce, listQueues, listSubscriptions, listSubscriptionsByTopic, listTopics, populate } from "../../bench/many-resources-lib.ts";
import { useTestServer } from "../helpers/server.ts";

const { sqs, sns } = useTestServer();
const C = { queues: 2000, topics: 250, subscriptions: 1000 };

test("List* over 2,000 queues, 250 topics and 1,000 subscriptions: every resource exactly once", { timeout: 300_000 }, async () => {
  const arns = await populate(sqs, sns, C, 16);
  const q = await listQueues(sqs, 1000);
  checkExactlyOnce("ListQueues", q.items, C.queues);
  assert.equal(q.pages, 2);
  const small = await listQueues(sqs, 7);
  checkExactlyOnce("ListQueues by 7", small.items, C.queues);
  assert.equal(small.pages, Math.ceil(C.queues / 7));
  // Without MaxResults: at most 1,000 and no NextToken (ListQueues API reference).
  const plain = await sqs.send(new ListQueuesCommand({}));
  assert.equal(plain.QueueUrls?.length, 1000);
  assert.equal(plain.NextToken, undefined);
  const prefixed = await listQueues(sqs, 1000, "q-0001");
  checkExactlyOnce("ListQueues q-0001*", prefixed.items, 100);
  const t = await listTopics(sns);
  checkExactlyOnce("ListTopics", t.items, C.topics);
  assert.equal(t.pages, Math.ceil(C.topics / 100));
  const s = await listSubscriptions(sns);
  checkExactlyOnce("ListSubscriptions", s.items, C.subscriptions);
  assert.equal(s.pages, C.subscriptions / 100);
  const byTopic = await listSubscriptionsByTopic(sns, arns[0]);
  checkExactlyOnce("ListSubscriptionsByTopic", byTopic.items, C.subscriptions / C.topics);
});
