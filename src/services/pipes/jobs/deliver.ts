// One execution of a pipe: a batch of records through the enrichment (a Step Functions EXPRESS workflow or an API
// destination) and the target, with the input templates and dynamic parameters; per-entry failures of batch APIs
// come back as a PartialFailure naming the positions the target did not accept.
import { parseResource, pipeArn } from "../domain/arns.ts";
import { readable } from "../domain/records.ts";
import { asPayload, dynamicParameter, renderTemplate, type TemplateContext } from "../domain/template.ts";
import type { PipesEnv } from "../env.ts";
import type { PipeRecord } from "../store.ts";
import { call, context, type SourceRecord } from "./shared.ts";

function templateContext(p: PipeRecord, now: number): TemplateContext {
  return { pipeArn: pipeArn(p.region, p.account, p.name), pipeName: p.name, sourceArn: p.config.Source, enrichmentArn: p.config.Enrichment, targetArn: p.config.Target, ingestedAt: now };
}

/** Enriches and delivers one batch; throws when any part of it was not accepted (the batch is then retried whole). */
export async function deliver(env: PipesEnv, p: PipeRecord, records: SourceRecord[]): Promise<void> {
  const m = env.metrics;
  const count = (k: keyof NonNullable<PipesEnv["metrics"]>, n = 1) => m?.[k].add(p.account, p.region, p.name, n);
  count("invocations");
  count("eventCount", records.length);
  try {
    await execute(env, p, records);
  } catch (e) {
    if (e instanceof PartialFailure) {
      count("executionPartiallyFailed");
      count("targetStagePartiallyFailed");
    } else {
      count("executionFailed");
      count(e instanceof EnrichmentFailure ? "enrichmentStageFailed" : "targetStageFailed");
    }
    throw e;
  }
}

/** The enrichment failed (or answered something unusable): the execution failed in its enrichment stage. */
class EnrichmentFailure extends Error {}

async function execute(env: PipesEnv, p: PipeRecord, records: SourceRecord[]): Promise<void> {
  const now = env.clock.now();
  const tc = templateContext(p, now);
  let items: unknown[] = records;
  if (p.config.Enrichment) {
    const template = (p.config.EnrichmentParameters as { InputTemplate?: string } | undefined)?.InputTemplate;
    try {
      const input = template ? records.map((r) => asPayload(renderTemplate(template, readable(r), tc))) : records;
      items = await enrich(env, p, input, records.map(readable));
    } catch (e) {
      throw new EnrichmentFailure((e as Error).message);
    }
  }
  const template = p.config.TargetParameters?.InputTemplate as string | undefined;
  // Templates read an SQS body or Kinesis data as JSON when it is (implicit body parsing); enriched items as they are.
  const view = (item: unknown) => (p.config.Enrichment ? item : readable(item as SourceRecord));
  const payloads = template ? items.map((i) => ({ item: view(i), payload: asPayload(renderTemplate(template, view(i), tc)) })) : items.map((i) => ({ item: view(i), payload: i }));
  if (payloads.length === 0) return;
  try {
    await target(env, p, payloads);
  } catch (e) {
    // After an enrichment the items are not the records (an enrichment may answer more or fewer): the whole batch failed.
    if (e instanceof PartialFailure && p.config.Enrichment) throw new Error(e.message);
    throw e;
  }
}

/**
 * An API destination's HttpParameters with dynamic values ("$." paths) read from the record (user guide, "Amazon
 * EventBridge Pipes targets", dynamic path parameters).
 */
function httpParameters(http: Record<string, unknown> | undefined, record: unknown) {
  if (!http) return undefined;
  const map = (m: unknown) => m && Object.fromEntries(Object.entries(m as Record<string, string>).map(([k, v]) => [k, dynamicParameter(v, record) ?? ""]));
  return {
    PathParameterValues: (http.PathParameterValues as string[] | undefined)?.map((v) => dynamicParameter(v, record) ?? ""),
    HeaderParameters: map(http.HeaderParameters) as Record<string, string> | undefined,
    QueryStringParameters: map(http.QueryStringParameters) as Record<string, string> | undefined,
  };
}

/** One synchronous API destination request; throws unless the endpoint answered 2xx. Its body, as JSON when it is. */
async function invokeApi(env: PipesEnv, p: PipeRecord, arn: string, payload: unknown, http: Record<string, unknown> | undefined, record: unknown): Promise<unknown> {
  if (!env.apiDestination) throw new Error("EventBridge is not running");
  const res = await env.apiDestination(arn, text(payload), httpParameters(http, record), { account: p.account, region: p.region });
  if ("error" in res) throw new Error(`API destination ${res.code}: ${res.error}`);
  if (res.status < 200 || res.status >= 300) throw new Error(`API destination answered HTTP ${res.status}`);
  return res.body === "" ? null : asPayload(res.body);
}

/**
 * The enrichment: a Step Functions EXPRESS workflow called synchronously with the batch as a JSON array, or an API
 * destination called with each event; the output is the new batch.
 */
async function enrich(env: PipesEnv, p: PipeRecord, input: unknown[], records: unknown[]): Promise<unknown[]> {
  const ref = parseResource(p.config.Enrichment!);
  if (ref.kind === "api-destination") {
    const http = (p.config.EnrichmentParameters as { HttpParameters?: Record<string, unknown> } | undefined)?.HttpParameters;
    const out: unknown[] = [];
    for (let i = 0; i < input.length; i++) {
      const r = await invokeApi(env, p, ref.arn, input[i], http, records[i]);
      if (Array.isArray(r)) out.push(...r);
      else out.push(r);
    }
    return out;
  }
  const out = await call(env, "stepfunctions")(context(p, env), "StartSyncExecution", { stateMachineArn: p.config.Enrichment, input: JSON.stringify(input) });
  if (out.status !== "SUCCEEDED") throw new Error(`enrichment ${String(out.status)}: ${String(out.error ?? "")} ${String(out.cause ?? "")}`);
  const result = out.output === undefined ? null : JSON.parse(String(out.output));
  // An array returned by the enrichment is the new batch (batching page: "an array of JSON items"); anything else is one item.
  return Array.isArray(result) ? result : [result];
}

function text(payload: unknown): string {
  return typeof payload === "string" ? payload : JSON.stringify(payload);
}

/**
 * Part of a batch was not accepted (per-entry failures of a batch API, or chunks whose call failed): the positions in
 * the batch that failed. "If the target supports batching and only part of the batch succeeds, EventBridge
 * automatically retries batching the remaining payload" (batching page, partial batch failure).
 */
export class PartialFailure extends Error {
  readonly failed: ReadonlySet<number>;
  constructor(failed: Set<number>, message: string) {
    super(message);
    this.failed = failed;
  }
}

/**
 * Sends the batch in chunks of `size` through `send`, which answers the positions (within its chunk) that failed;
 * a chunk whose call throws failed whole. Throws when anything failed: the first error when everything did, else a
 * PartialFailure naming the failed positions.
 */
async function inChunks<T>(batch: T[], size: number, send: (chunk: T[]) => Promise<{ failed: number[]; message?: string }>): Promise<void> {
  const failed = new Set<number>();
  let message = "";
  for (let i = 0; i < batch.length; i += size) {
    const chunk = batch.slice(i, i + size);
    try {
      const r = await send(chunk);
      for (const j of r.failed) failed.add(i + j);
      if (r.failed.length > 0) message ||= r.message ?? "failed";
    } catch (e) {
      for (let j = 0; j < chunk.length; j++) failed.add(i + j);
      message ||= (e as Error).message;
    }
  }
  if (failed.size === 0) return;
  if (failed.size === batch.length) throw new Error(message);
  throw new PartialFailure(failed, message);
}

async function target(env: PipesEnv, p: PipeRecord, batch: { item: unknown; payload: unknown }[]): Promise<void> {
  const ref = parseResource(p.config.Target);
  const ctx = context(p, env);
  const tp = (p.config.TargetParameters ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const eventSource = (p.config.Source.split(":")[2] ?? "");
  switch (ref.kind) {
    case "sqs": {
      const sp = (tp.SqsQueueParameters ?? {}) as { MessageGroupId?: string; MessageDeduplicationId?: string };
      return inChunks(batch, 10, async (chunk) => {
        const out = await call(env, "sqs")(ctx, "SendMessageBatch", {
          QueueUrl: `${env.baseUrl()}/${ref.account}/${ref.name}`,
          Entries: chunk.map((b, j) => ({
            Id: String(j), MessageBody: text(b.payload),
            ...(sp.MessageGroupId ? { MessageGroupId: dynamicParameter(sp.MessageGroupId, b.item) } : {}),
            ...(sp.MessageDeduplicationId ? { MessageDeduplicationId: dynamicParameter(sp.MessageDeduplicationId, b.item) } : {}),
          })),
        });
        const failed = (out.Failed ?? []) as { Id: string; Message?: string }[];
        return { failed: failed.map((f) => Number(f.Id)), message: `SendMessageBatch: ${failed[0]?.Message ?? "failed"}` };
      });
    }
    case "event-bus": {
      const ep = (tp.EventBridgeEventBusParameters ?? {}) as { DetailType?: string; Source?: string; Resources?: string[]; Time?: string };
      return inChunks(batch, 10, async (chunk) => {
        const entries = chunk.map((b) => {
          const time = dynamicParameter(ep.Time, b.item);
          return {
            EventBusName: ref.arn,
            // A pipe's events are "Pipe <name>" from "Event from aws:sqs" unless set (user guide, "Amazon EventBridge Pipes targets", event bus).
            Source: dynamicParameter(ep.Source, b.item) ?? `Pipe ${p.name}`,
            DetailType: dynamicParameter(ep.DetailType, b.item) ?? `Event from aws:${eventSource}`,
            Detail: text(b.payload),
            ...(ep.Resources ? { Resources: ep.Resources } : {}),
            ...(time !== undefined ? { Time: time } : {}),
          };
        });
        const out = await call(env, "events")(ctx, "PutEvents", { Entries: entries });
        const results = (out.Entries ?? []) as { ErrorCode?: string; ErrorMessage?: string }[];
        const failed = results.flatMap((r, j) => (r.ErrorCode ? [j] : []));
        return { failed, message: `PutEvents: ${results.find((r) => r.ErrorCode)?.ErrorMessage ?? "failed"}` };
      });
    }
    case "kinesis": {
      const kp = (tp.KinesisStreamParameters ?? {}) as { PartitionKey?: string };
      return inChunks(batch, 500, async (chunk) => {
        const out = await call(env, "kinesis")(ctx, "PutRecords", {
          StreamARN: ref.arn,
          Records: chunk.map((b) => ({ Data: Buffer.from(text(b.payload), "utf8"), PartitionKey: dynamicParameter(kp.PartitionKey, b.item) ?? "" })),
        });
        const results = (out.Records ?? []) as { ErrorCode?: string; ErrorMessage?: string }[];
        const failed = results.flatMap((r, j) => (r.ErrorCode ? [j] : []));
        return { failed, message: `PutRecords: ${results.find((r) => r.ErrorCode)?.ErrorMessage ?? "failed"}` };
      });
    }
    case "sns":
      return inChunks(batch, 1, async ([b]) => {
        await call(env, "sns")(ctx, "Publish", { TopicArn: ref.arn, Message: text(b.payload) });
        return { failed: [] };
      });
    case "state-machine": {
      // A state machine target receives the whole batch as one JSON array (batching page), synchronously
      // (REQUEST_RESPONSE, the default: StartSyncExecution, EXPRESS only) or not (FIRE_AND_FORGET: StartExecution).
      const invocation = ((tp.StepFunctionStateMachineParameters ?? {}) as { InvocationType?: string }).InvocationType ?? "REQUEST_RESPONSE";
      const input = JSON.stringify(batch.map((b) => b.payload));
      if (invocation === "FIRE_AND_FORGET") {
        await call(env, "stepfunctions")(ctx, "StartExecution", { stateMachineArn: ref.arn, input });
      } else {
        const out = await call(env, "stepfunctions")(ctx, "StartSyncExecution", { stateMachineArn: ref.arn, input });
        if (out.status !== "SUCCEEDED") throw new Error(`StartSyncExecution ${String(out.status)}`);
      }
      return;
    }
    case "api-destination": {
      const http = tp.HttpParameters as Record<string, unknown> | undefined;
      return inChunks(batch, 1, async ([b]) => {
        await invokeApi(env, p, ref.arn, b.payload, http, b.item);
        return { failed: [] };
      });
    }
    default:
      throw new Error(`unsupported target ${p.config.Target}`);
  }
}
