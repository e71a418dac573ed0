// Many resources in one account (issue 20, item 5): populate queues, topics and subscriptions through the SDKs, and
// page through every List* call checking that each resource appears exactly once. Used by the benchmark script
// (bench/many-resources.ts) and by the paging test (test/reliability/many-resources.test.ts).
import { CreateQueueCommand, ListQueuesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, ListSubscriptionsCommand, ListTopicsCommand, SubscribeCommand, type SNSClient } from "@aws-sdk/client-sns";

export interface Counts {
  queues: number;
  topics: number;
  subscriptions: number;
}

/** Runs fn(i) for i in [0, n) with at most `width` in flight. */
export async function pool(n: number, width: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) await fn(next++);
  }));
}

export const queueName = (i: number) => `q-${String(i).padStart(6, "0")}`;
export const topicName = (i: number) => `t-${String(i).padStart(5, "0")}`;

/** Creates the queues, then the topics, then subscriptions spread over the topics (SQS endpoints, round robin). */
export async function populate(sqs: SQSClient, sns: SNSClient, c: Counts, width = 32, progress?: (what: string, done: number) => void): Promise<string[]> {
  await pool(c.queues, width, async (i) => {
    await sqs.send(new CreateQueueCommand({ QueueName: queueName(i) }));
    if ((i + 1) % 10_000 === 0) progress?.("queues", i + 1);
  });
  const arns: string[] = new Array(c.topics);
  await pool(c.topics, width, async (i) => {
    arns[i] = (await sns.send(new CreateTopicCommand({ Name: topicName(i) }))).TopicArn!;
  });
  await pool(c.subscriptions, width, async (i) => {
    const q = queueName(i % Math.max(1, c.queues));
    await sns.send(new SubscribeCommand({ TopicArn: arns[i % c.topics], Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:000000000000:${q}` }));
    if ((i + 1) % 10_000 === 0) progress?.("subscriptions", i + 1);
  });
  return arns;
}

export interface Paged {
  items: string[];
  pages: number;
  ms: number;
}

async function pageAll(fetch: (token: string | undefined) => Promise<{ items: string[]; next?: string }>): Promise<Paged> {
  const items: string[] = [];
  let pages = 0;
  let token: string | undefined;
  const start = performance.now();
  do {
    const r = await fetch(token);
    items.push(...r.items);
    pages++;
    token = r.next;
    if (pages > 1_000_000) throw new Error("paging does not end");
  } while (token);
  return { items, pages, ms: performance.now() - start };
}

export const listQueues = (sqs: SQSClient, max = 1000, prefix?: string) =>
  pageAll(async (t) => {
    const r = await sqs.send(new ListQueuesCommand({ MaxResults: max, NextToken: t, QueueNamePrefix: prefix }));
    return { items: r.QueueUrls ?? [], next: r.NextToken };
  });
export const listTopics = (sns: SNSClient) =>
  pageAll(async (t) => {
    const r = await sns.send(new ListTopicsCommand({ NextToken: t }));
    return { items: (r.Topics ?? []).map((x) => x.TopicArn!), next: r.NextToken };
  });
export const listSubscriptions = (sns: SNSClient) =>
  pageAll(async (t) => {
    const r = await sns.send(new ListSubscriptionsCommand({ NextToken: t }));
    return { items: (r.Subscriptions ?? []).map((x) => x.SubscriptionArn!), next: r.NextToken };
  });
export const listSubscriptionsByTopic = (sns: SNSClient, TopicArn: string) =>
  pageAll(async (t) => {
    const r = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn, NextToken: t }));
    return { items: (r.Subscriptions ?? []).map((x) => x.SubscriptionArn!), next: r.NextToken };
  });

/** Fails unless `items` holds exactly `expected` distinct entries. */
export function checkExactlyOnce(what: string, items: string[], expected: number): void {
  const distinct = new Set(items);
  if (distinct.size !== items.length) throw new Error(`${what}: ${items.length - distinct.size} entries listed twice`);
  if (items.length !== expected) throw new Error(`${what}: listed ${items.length}, expected ${expected}`);
}
