// Queue management: CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, Get/SetQueueAttributes, PurgeQueue,
// ListDeadLetterSourceQueues.
import type { RequestContext } from "../../types.ts";
import { mayAccess } from "../access.ts";
import { invalidParameter, queueDoesNotExist, sqsError } from "../errors.ts";
import { MAX_LIST_QUEUES_RESULTS, PURGE_INTERVAL_MS, RECREATE_AFTER_DELETE_MS } from "../domain/limits.ts";
import {
  COMPUTED_ATTRIBUTES, STORED_ATTRIBUTE_ORDER, applyAttributes, defaultAttributes, isKnownAttributeName,
  normaliseAttributes, parseRedriveAllowPolicy, parseRedrivePolicy, redrivePolicyError,
} from "../domain/queue-attributes.ts";
import { isFifo } from "../domain/fifo.ts";
import { checkQueueName, parseQueueArn, queueArn, queueUrl } from "../domain/queues.ts";
import { arnOf, expiredBefore, intParam, queueByArn, resolveQueue, type SqsEnv } from "../env.ts";
import type { QueueRecord, QueueSettings } from "../store.ts";
import { checkTags } from "./tags.ts";

type Input = Record<string, unknown>;

/**
 * Checks a RedrivePolicy's dead-letter queue and derives what storage indexes on. `source` names the queue
 * when its RedrivePolicy is being set, so the dead-letter queue's RedriveAllowPolicy is consulted.
 */
async function settingsFor(env: SqsEnv, ctx: RequestContext, attributes: Record<string, string>, source?: string): Promise<QueueSettings> {
  let deadLetterArn: string | undefined;
  if (attributes.RedrivePolicy) {
    const policy = parseRedrivePolicy(attributes.RedrivePolicy);
    const target = parseQueueArn(policy.deadLetterTargetArn);
    const dlq = target && target.account === ctx.accountId ? await queueByArn(env, policy.deadLetterTargetArn) : undefined;
    // The dead-letter queue must exist in the same account and region (SQS dead-letter queue docs).
    if (!dlq || dlq.region !== ctx.region) {
      throw redrivePolicyError(attributes.RedrivePolicy, "Dead letter target does not exist.");
    }
    const allow = source !== undefined && dlq.attributes.RedriveAllowPolicy ? parseRedriveAllowPolicy(dlq.attributes.RedriveAllowPolicy) : undefined;
    const sourceArn = source !== undefined ? queueArn(ctx.region, ctx.accountId, source) : "";
    if (allow && (allow.redrivePermission === "denyAll" || (allow.redrivePermission === "byQueue" && !allow.sourceQueueArns?.includes(sourceArn)))) {
      // The dead-letter queue's RedriveAllowPolicy decides which sources may use it (SQS dead-letter queue docs).
      throw redrivePolicyError(attributes.RedrivePolicy, `Queue ${sourceArn} is not allowed to use ${arnOf(dlq)} as its dead-letter queue by its RedriveAllowPolicy.`);
    }
    if ((attributes.FifoQueue === "true") !== isFifo(dlq)) {
      // A FIFO queue's dead-letter queue must be FIFO and a standard's standard (SQS dead-letter queue docs); the
      // reason's wording is from a third-party capture of the AWS error, not confirmed against AWS.
      throw redrivePolicyError(attributes.RedrivePolicy, "Dead-letter queue must be same type of queue as the source.");
    }
    deadLetterArn = policy.deadLetterTargetArn;
  }
  return { attributes, retentionMs: Number(attributes.MessageRetentionPeriod) * 1000, deadLetterArn };
}

function urlOf(ctx: RequestContext, q: QueueRecord): string {
  return queueUrl(ctx.baseUrl, q.account, q.name);
}

export async function createQueue(env: SqsEnv, ctx: RequestContext, input: Input) {
  const name = input.QueueName as string;
  const rawAttributes = (input.Attributes as Record<string, string>) ?? {};
  const fifo = String(rawAttributes.FifoQueue) === "true";
  checkQueueName(name, fifo);
  const given = normaliseAttributes(rawAttributes, fifo);
  const tags = (input.tags as Record<string, string>) ?? {};
  checkTags(tags);
  const key = { account: ctx.accountId, region: ctx.region, name };
  const now = env.clock.now();
  const existing = await env.store.getQueue(key);
  if (existing) return { QueueUrl: checkSameAttributes(ctx, existing, given) };
  const deletedAt = await env.store.lastDeletedAt(key);
  if (deletedAt !== undefined && now - deletedAt < (env.waits?.recreateAfterDeleteMs ?? RECREATE_AFTER_DELETE_MS)) {
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html: wait 60 s before reusing a name.
    // The wire message says "another with" (captured AWS XML error), unlike the model docs' "another queue with".
    throw sqsError("QueueDeletedRecently", "You must wait 60 seconds after deleting a queue before you can create another with the same name.");
  }
  const attributes = applyAttributes(defaultAttributes(fifo), given);
  const settings = await settingsFor(env, ctx, attributes, given.RedrivePolicy ? name : undefined);
  const { queue, created } = await env.store.createQueue(key, settings, tags, now);
  if (!created) return { QueueUrl: checkSameAttributes(ctx, queue, given) };
  return { QueueUrl: urlOf(ctx, queue) };
}

/** CreateQueue of an existing name succeeds only when the given attributes match (CreateQueue API reference). */
function checkSameAttributes(ctx: RequestContext, q: QueueRecord, given: Record<string, string>): string {
  const current = applyAttributes(defaultAttributes(isFifo(q)), {});
  for (const [k, v] of Object.entries(given)) {
    const have = q.attributes[k] ?? current[k] ?? "";
    if (have !== v) throw sqsError("QueueNameExists", `A queue already exists with the same name and a different value for attribute ${k}`);
  }
  return urlOf(ctx, q);
}

export async function getQueueUrl(env: SqsEnv, ctx: RequestContext, input: Input) {
  const owner = (input.QueueOwnerAWSAccountId as string | undefined) ?? ctx.accountId;
  const q = await env.store.getQueue({ account: owner, region: ctx.region, name: input.QueueName as string });
  // Another account's queue is found only when its policy allows GetQueueUrl (unverified against AWS: a refused
  // lookup is answered as a missing queue, which reveals nothing).
  if (!q || !mayAccess(q, ctx, "GetQueueUrl")) throw queueDoesNotExist();
  return { QueueUrl: urlOf(ctx, q) };
}

function pageParams(input: Input): { after: string; limit: number | undefined } {
  const max = intParam("MaxResults", input.MaxResults, 1, MAX_LIST_QUEUES_RESULTS, "MaxResults must be an integer between 1 and 1000.");
  let after = "";
  if (input.NextToken !== undefined) {
    try {
      after = JSON.parse(Buffer.from(input.NextToken as string, "base64url").toString("utf8")).after;
      if (typeof after !== "string") throw new Error();
    } catch {
      throw invalidParameter("Invalid NextToken value.");
    }
  }
  return { after, limit: max };
}

function nextToken(page: QueueRecord[], limit: number): string | undefined {
  if (page.length <= limit) return undefined;
  return Buffer.from(JSON.stringify({ after: page[limit - 1].name })).toString("base64url");
}

export async function listQueues(env: SqsEnv, ctx: RequestContext, input: Input) {
  const { after, limit } = pageParams(input);
  // Without MaxResults, ListQueues returns at most 1000 queues and no token (ListQueues API reference).
  const pageSize = limit ?? MAX_LIST_QUEUES_RESULTS;
  const rows = await env.store.listQueues(ctx.accountId, ctx.region, (input.QueueNamePrefix as string) ?? "", after, pageSize + 1);
  const out: Record<string, unknown> = {};
  const shown = rows.slice(0, pageSize);
  if (shown.length > 0) out.QueueUrls = shown.map((q) => urlOf(ctx, q));
  if (limit !== undefined) {
    const token = nextToken(rows, pageSize);
    if (token) out.NextToken = token;
  }
  return out;
}

export async function listDeadLetterSourceQueues(env: SqsEnv, ctx: RequestContext, input: Input) {
  const dlq = await resolveQueue(env, ctx, input.QueueUrl);
  const { after, limit } = pageParams(input);
  const pageSize = limit ?? MAX_LIST_QUEUES_RESULTS;
  const rows = await env.store.listDeadLetterSources(dlq.account, dlq.region, arnOf(dlq), after, pageSize + 1);
  const out: Record<string, unknown> = { queueUrls: rows.slice(0, pageSize).map((q) => urlOf(ctx, q)) };
  if (limit !== undefined) {
    const token = nextToken(rows, pageSize);
    if (token) out.NextToken = token;
  }
  return out;
}

export async function deleteQueue(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  await env.store.deleteQueue(q.id, env.clock.now());
  return undefined;
}

export async function getQueueAttributes(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  const names = (input.AttributeNames as string[] | undefined) ?? [];
  for (const n of names) if (!isKnownAttributeName(n)) throw sqsError("InvalidAttributeName", `Unknown Attribute ${n}.`);
  const all = names.includes("All");
  const wanted = (n: string) => all || names.includes(n);
  const now = env.clock.now();
  const attrs: Record<string, string> = {};
  if (wanted("QueueArn")) attrs.QueueArn = arnOf(q);
  if (wanted("ApproximateNumberOfMessages") || wanted("ApproximateNumberOfMessagesNotVisible") || wanted("ApproximateNumberOfMessagesDelayed")) {
    const c = await env.store.counts(q.id, now, expiredBefore(q, now));
    if (wanted("ApproximateNumberOfMessages")) attrs.ApproximateNumberOfMessages = String(c.visible);
    if (wanted("ApproximateNumberOfMessagesNotVisible")) attrs.ApproximateNumberOfMessagesNotVisible = String(c.notVisible);
    if (wanted("ApproximateNumberOfMessagesDelayed")) attrs.ApproximateNumberOfMessagesDelayed = String(c.delayed);
  }
  // Timestamps are epoch seconds (GetQueueAttributes API reference).
  if (wanted("CreatedTimestamp")) attrs.CreatedTimestamp = String(Math.floor(q.createdAt / 1000));
  if (wanted("LastModifiedTimestamp")) attrs.LastModifiedTimestamp = String(Math.floor(q.modifiedAt / 1000));
  for (const n of STORED_ATTRIBUTE_ORDER) if (wanted(n) && q.attributes[n] !== undefined) attrs[n] = q.attributes[n];
  return Object.keys(attrs).length > 0 ? { Attributes: attrs } : {};
}

export async function setQueueAttributes(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  const raw = (input.Attributes as Record<string, string> | undefined) ?? {};
  for (const n of Object.keys(raw)) {
    if (COMPUTED_ATTRIBUTES.includes(n)) throw sqsError("InvalidAttributeName", `Unknown Attribute ${n}.`);
  }
  if (raw.FifoQueue !== undefined && isFifo(q)) {
    // The queue type is fixed at creation (LocalStack snapshot test_set_unsupported_attribute_fifo, recorded on AWS).
    throw sqsError("InvalidAttributeValue", "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.");
  }
  const changes = normaliseAttributes(raw, isFifo(q));
  const next = applyAttributes(q.attributes, changes);
  const settings = await settingsFor(env, ctx, next, changes.RedrivePolicy ? q.name : undefined);
  await env.store.setAttributes(q.id, settings, env.clock.now());
  return undefined;
}

export async function purgeQueue(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  const now = env.clock.now();
  if (q.purgedAt > 0 && now - q.purgedAt < (env.waits?.purgeIntervalMs ?? PURGE_INTERVAL_MS)) {
    // One purge per 60 seconds (PurgeQueue API reference).
    throw sqsError("PurgeQueueInProgress", `Only one PurgeQueue operation on ${q.name} is allowed every 60 seconds.`);
  }
  await env.store.purge(q.id, now);
  return undefined;
}
