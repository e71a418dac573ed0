// Enhanced fan-out consumers: RegisterStreamConsumer, DescribeStreamConsumer, ListStreamConsumers,
// DeregisterStreamConsumer. A consumer is addressed by its ConsumerARN, or by StreamARN and ConsumerName ("You can
// specify either the ConsumerARN or both StreamARN and ConsumerName", DescribeStreamConsumer and
// DeregisterStreamConsumer API references).
import type { RequestContext } from "../../types.ts";
import {
  checkConsumerName, consumerDescription, consumerView, LIST_CONSUMERS_PAGE, MAX_CONSUMERS_PER_STREAM, parseConsumerArn, shardWakeKey,
} from "../domain/consumers.ts";
import { checkRange, decodeToken, encodeToken, NEXT_TOKEN_TTL_MS, parseStreamArn } from "../domain/streams.ts";
import type { KinesisEnv } from "../env.ts";
import { accessDenied, expiredNextToken, invalidArgument, limitExceeded, resourceInUse, resourceNotFound, streamNotFound, validation } from "../errors.ts";
import type { ConsumerRecord, StreamRecord } from "../store.ts";

type Input = Record<string, unknown>;

/** How long a consumer stays CREATING after RegisterStreamConsumer, and DELETING after DeregisterStreamConsumer. AWS
 *  takes seconds for each; here both are immediate (as streams are ACTIVE at once, ADR 0016), so 0. */
const CONSUMER_TRANSITION_MS = 0;

const CONSUMER_ARN_PATTERN = "^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+";

function refuseStreamId(input: Input): void {
  if (input.StreamId !== undefined) throw invalidArgument("StreamId is not supported by this Mailroom version yet; address the stream by StreamARN.");
}

/** The stream a StreamARN names, in the caller's account and region. */
async function streamOfArn(env: KinesisEnv, ctx: RequestContext, arn: string, member = "streamARN"): Promise<StreamRecord> {
  const parts = parseStreamArn(arn);
  if (!parts) throw validation(arn, member, "Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+");
  // Another account's stream needs a resource policy (PutResourcePolicy), which is not carried out here yet.
  if (parts.account !== ctx.accountId) throw accessDenied(`User is not authorized to access stream ${arn}.`);
  if (parts.region !== ctx.region) throw invalidArgument(`StreamARN ${arn} is not in region ${ctx.region}.`);
  const stream = await env.store.getStream(parts.account, parts.region, parts.name);
  if (!stream) throw streamNotFound(parts.name, parts.account);
  return stream;
}

function consumerNotFound(name: string, stream: StreamRecord): Error {
  return resourceNotFound(`Consumer ${name}, account ${stream.account} not found for stream ${stream.name}.`);
}

/** The consumer an operation addresses (ConsumerARN, or StreamARN and ConsumerName), and its stream. */
export async function findConsumer(env: KinesisEnv, ctx: RequestContext, input: Input): Promise<{ stream: StreamRecord; consumer: ConsumerRecord }> {
  refuseStreamId(input);
  const arn = input.ConsumerARN as string | undefined;
  const streamArnText = input.StreamARN as string | undefined;
  const name = input.ConsumerName as string | undefined;
  const now = env.clock.now();
  if (arn !== undefined) {
    const parts = parseConsumerArn(arn);
    if (!parts) throw validation(arn, "consumerARN", `Member must satisfy regular expression pattern: ${CONSUMER_ARN_PATTERN}`);
    if (name !== undefined && name !== parts.name) throw invalidArgument("ConsumerName and ConsumerARN name different consumers.");
    const stream = await streamOfArn(env, ctx, `arn:aws:kinesis:${parts.region}:${parts.account}:stream/${parts.stream}`, "consumerARN");
    if (streamArnText !== undefined && parseStreamArn(streamArnText)?.name !== parts.stream) {
      throw invalidArgument("StreamARN and ConsumerARN name different streams.");
    }
    const consumer = await env.store.getConsumer(stream.id, parts.name, now);
    // An ARN of an earlier consumer of the same name (its registration time differs) names no consumer.
    if (!consumer || Math.floor(consumer.createdAt / 1000) !== parts.createdSeconds) throw consumerNotFound(parts.name, stream);
    return { stream, consumer };
  }
  if (streamArnText === undefined || name === undefined) {
    throw invalidArgument("Either ConsumerARN or both StreamARN and ConsumerName must be provided.");
  }
  checkConsumerName(name);
  const stream = await streamOfArn(env, ctx, streamArnText);
  const consumer = await env.store.getConsumer(stream.id, name, now);
  if (!consumer) throw consumerNotFound(name, stream);
  return { stream, consumer };
}

export async function registerStreamConsumer(env: KinesisEnv, ctx: RequestContext, input: Input) {
  refuseStreamId(input);
  const name = input.ConsumerName as string;
  checkConsumerName(name);
  if (input.Tags !== undefined) throw invalidArgument("Tags on RegisterStreamConsumer are not supported by this Mailroom version yet.");
  const stream = await streamOfArn(env, ctx, input.StreamARN as string);
  const now = env.clock.now();
  const made = await env.store.registerConsumer(stream.id, name, now, now + CONSUMER_TRANSITION_MS, MAX_CONSUMERS_PER_STREAM);
  if (made === "gone") throw streamNotFound(stream.name, stream.account);
  if (made === "exists") throw resourceInUse(`Consumer ${name} under stream ${stream.name} already exists for account ${stream.account}.`);
  if (made === "limit") {
    // "You can register up to 20 consumers per stream" (RegisterStreamConsumer API reference): LimitExceededException.
    throw limitExceeded(`Stream ${stream.name} under account ${stream.account} already has ${MAX_CONSUMERS_PER_STREAM} registered consumers, the most a stream can have.`);
  }
  // AWS answers a registration with the consumer CREATING (RegisterStreamConsumer example output); it is ACTIVE once
  // DescribeStreamConsumer shows it so.
  return { Consumer: { ...consumerView(stream, made, now), ConsumerStatus: "CREATING" } };
}

export async function describeStreamConsumer(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const { stream, consumer } = await findConsumer(env, ctx, input);
  return { ConsumerDescription: consumerDescription(stream, consumer, env.clock.now()) };
}

export async function listStreamConsumers(env: KinesisEnv, ctx: RequestContext, input: Input) {
  refuseStreamId(input);
  const max = (input.MaxResults as number | undefined) ?? LIST_CONSUMERS_PAGE;
  checkRange(max, "maxResults", 1, 10_000);
  const stream = await streamOfArn(env, ctx, input.StreamARN as string);
  const created = input.StreamCreationTimestamp as Date | undefined;
  // StreamCreationTimestamp tells apart streams that had the same name (ListStreamConsumers API reference).
  if (created !== undefined && Math.floor(created.getTime() / 1000) !== Math.floor(stream.createdAt / 1000)) {
    throw streamNotFound(stream.name, stream.account);
  }
  const now = env.clock.now();
  let after = "";
  const token = input.NextToken as string | undefined;
  if (token !== undefined) {
    const [kind, streamId, last, issuedAt] = decodeToken(token);
    if (kind !== "lc" || streamId !== stream.id || typeof last !== "string" || typeof issuedAt !== "number") throw invalidArgument("Invalid NextToken.");
    if (now - issuedAt > NEXT_TOKEN_TTL_MS) throw expiredNextToken("The NextToken has expired.");
    after = last;
  }
  // "If you specify a value greater than 100, at most 100 results are returned" (MaxResults).
  const limit = Math.min(max, LIST_CONSUMERS_PAGE);
  const rows = await env.store.listConsumers(stream.id, now, after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    Consumers: page.map((c) => consumerView(stream, c, now)),
    NextToken: rows.length > limit ? encodeToken(["lc", stream.id, page[page.length - 1].name, now]) : undefined,
  };
}

export async function deregisterStreamConsumer(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const { stream, consumer } = await findConsumer(env, ctx, input);
  const now = env.clock.now();
  if (!(await env.store.deregisterConsumer(consumer.id, now, now + CONSUMER_TRANSITION_MS))) throw consumerNotFound(consumer.name, stream);
  // Its subscriptions end: they wait on their shards' keys and find their hold gone when woken.
  if (env.notifier) for (const s of await env.store.shards(stream.id)) env.notifier.notify(shardWakeKey(stream.id, s.index));
  return {};
}
