// CreatePipe, DescribePipe, UpdatePipe, DeletePipe, ListPipes, StartPipe and StopPipe (EventBridge Pipes API
// reference). A change puts the pipe in a transitional state (CREATING, UPDATING, STARTING, STOPPING, DELETING) with
// its DesiredState; the runner (jobs/runner.ts) completes the transition in its next round. Changes are
// compare-and-set on the pipe's version, so a change never overwrites one made meanwhile by the runner or another node.
import { compileEventPattern, PatternError } from "../../../patterns/event-pattern.ts";
import { pipesModel } from "../../../protocol/models/pipes.gen.ts";
import type { RequestContext } from "../../types.ts";
import { parsePipeArn, parseResource, pipeArn } from "../domain/arns.ts";
import { checkConstraints } from "../../../protocol/constraints.ts";
import { checkTemplate } from "../domain/template.ts";
import { MAX_PIPES, type PipesEnv } from "../env.ts";
import { conflict, notFound, notSupported, quotaExceeded, validation } from "../errors.ts";
import type { DesiredState, PipeConfig, PipeKey, PipeRecord, PipeState } from "../store.ts";

type Input = Record<string, unknown>;

/** States in which a pipe is being changed: another change is a ConflictException until it settles. */
export const TRANSITIONAL: ReadonlySet<PipeState> = new Set(["CREATING", "UPDATING", "DELETING", "STARTING", "STOPPING"]);

/** The largest batch each target takes (user guide, "Amazon EventBridge Pipes batching and concurrency", batchable targets). */
const TARGET_BATCH: Record<string, number> = { sqs: 10, "event-bus": 10, sns: 10, kinesis: 500 };

const SOURCE_PARAMETERS_SUPPORTED = new Set(["FilterCriteria", "SqsQueueParameters", "KinesisStreamParameters"]);
const TARGET_PARAMETERS_SUPPORTED = new Set(["InputTemplate", "SqsQueueParameters", "EventBridgeEventBusParameters", "KinesisStreamParameters", "StepFunctionStateMachineParameters", "HttpParameters"]);

function check(operation: string, input: Input): void {
  const shape = pipesModel.operations[operation].input!;
  checkConstraints(pipesModel, shape, input, "", validation);
}

function keyOf(ctx: RequestContext, name: unknown): PipeKey {
  return { account: ctx.accountId, region: ctx.region, name: String(name) };
}

async function load(env: PipesEnv, key: PipeKey): Promise<PipeRecord> {
  const p = await env.store.get(key);
  if (!p) throw notFound(key.name);
  return p;
}

function stamp(ms: number): Date {
  return new Date(ms);
}

/** The answer of Create/Start/Stop/Delete/UpdatePipe. */
function summary(p: PipeRecord): Record<string, unknown> {
  return {
    Arn: pipeArn(p.region, p.account, p.name), Name: p.name, DesiredState: p.desiredState, CurrentState: p.currentState,
    CreationTime: stamp(p.createdAt), LastModifiedTime: stamp(p.modifiedAt),
  };
}

/** Checks what a pipe is made of (after a create, or an update merged into the stored pipe). */
function checkConfig(c: PipeConfig, ctx: RequestContext): void {
  const source = parseResource(c.Source);
  if (source.kind !== "sqs" && source.kind !== "kinesis") {
    throw notSupported(`Source ${c.Source}: Mailroom's pipes read from SQS queues and Kinesis streams only; this source`);
  }
  if (source.account !== ctx.accountId || source.region !== ctx.region) throw notSupported("A source of another account or Region");
  const sp = c.SourceParameters ?? {};
  for (const k of Object.keys(sp)) if (!SOURCE_PARAMETERS_SUPPORTED.has(k)) throw notSupported(`SourceParameters.${k}`);
  if (source.kind === "sqs" && sp.KinesisStreamParameters !== undefined) throw validation("KinesisStreamParameters are only valid for a Kinesis stream source.");
  if (source.kind === "kinesis" && sp.SqsQueueParameters !== undefined) throw validation("SqsQueueParameters are only valid for an SQS queue source.");
  if (source.kind === "kinesis" && sp.KinesisStreamParameters === undefined) {
    // PipeSourceKinesisStreamParameters.StartingPosition is required (API reference): a Kinesis source needs it.
    throw validation("1 validation error detected: Value null at 'sourceParameters.kinesisStreamParameters.startingPosition' failed to satisfy constraint: Member must not be null");
  }
  const filters = ((sp.FilterCriteria as { Filters?: { Pattern?: string }[] } | undefined)?.Filters) ?? [];
  for (const f of filters) {
    if (f.Pattern === undefined) continue;
    try {
      compileEventPattern(f.Pattern);
    } catch (e) {
      if (e instanceof PatternError) throw validation(`Invalid FilterCriteria pattern: ${e.message}`);
      throw e;
    }
  }
  const sqsParams = sp.SqsQueueParameters as { BatchSize?: number; MaximumBatchingWindowInSeconds?: number } | undefined;
  const kinParams = sp.KinesisStreamParameters as Record<string, unknown> | undefined;
  if (kinParams) {
    if (kinParams.StartingPosition === "AT_TIMESTAMP" && kinParams.StartingPositionTimestamp === undefined) {
      throw validation("StartingPositionTimestamp must be set when StartingPosition is AT_TIMESTAMP.");
    }
    const dlq = (kinParams.DeadLetterConfig as { Arn?: string } | undefined)?.Arn;
    if (dlq !== undefined && parseResource(dlq).kind !== "sqs") throw notSupported("A DeadLetterConfig that is not an SQS queue");
  }
  const given = (sqsParams ?? kinParams)?.BatchSize as number | undefined;
  const batch = Number(given ?? 10);
  const window = Number((sqsParams ?? kinParams)?.MaximumBatchingWindowInSeconds ?? 0);
  if (source.kind === "sqs") {
    // Lambda's SQS event source rules, which Pipes shares: a FIFO queue takes batches of at most 10, and a batch
    // over 10 needs a batching window of at least 1 second (Lambda developer guide, "BatchSize").
    if (source.name.endsWith(".fifo") && batch > 10) throw validation("BatchSize cannot be greater than 10 for a FIFO queue source.");
    if (batch > 10 && window < 1) throw validation("MaximumBatchingWindowInSeconds must be at least 1 when BatchSize is greater than 10.");
  }
  if (c.Enrichment) {
    const e = parseResource(c.Enrichment);
    if (e.kind !== "state-machine" && e.kind !== "api-destination") {
      throw notSupported(`Enrichment ${c.Enrichment}: Mailroom enriches through Step Functions EXPRESS state machines and API destinations only; this enrichment`);
    }
    if (e.account !== ctx.accountId || e.region !== ctx.region) throw notSupported("An enrichment of another account or Region");
    const t = (c.EnrichmentParameters as { InputTemplate?: string } | undefined)?.InputTemplate;
    if (t) checkTemplate(t, "EnrichmentParameters.InputTemplate");
    if ((c.EnrichmentParameters as Record<string, unknown> | undefined)?.HttpParameters !== undefined && e.kind !== "api-destination") {
      throw validation("EnrichmentParameters.HttpParameters are only valid for an API destination or API Gateway enrichment.");
    }
  } else if (c.EnrichmentParameters && Object.keys(c.EnrichmentParameters).length > 0) {
    throw validation("EnrichmentParameters can only be set with an Enrichment.");
  }
  const target = parseResource(c.Target);
  if (!["sqs", "event-bus", "kinesis", "state-machine", "sns", "api-destination"].includes(target.kind)) {
    throw notSupported(`Target ${c.Target}: Mailroom's pipes deliver to SQS queues, SNS topics, event buses, Kinesis streams, Step Functions state machines and API destinations; this target`);
  }
  if (target.kind !== "other" && (target.account !== ctx.accountId || target.region !== ctx.region) && target.kind !== "sqs") {
    throw notSupported("A target of another account or Region");
  }
  const tp = c.TargetParameters ?? {};
  for (const k of Object.keys(tp)) if (!TARGET_PARAMETERS_SUPPORTED.has(k)) throw notSupported(`TargetParameters.${k}`);
  const expected: Record<string, string> = {
    SqsQueueParameters: "sqs", EventBridgeEventBusParameters: "event-bus", KinesisStreamParameters: "kinesis", StepFunctionStateMachineParameters: "state-machine",
    HttpParameters: "api-destination",
  };
  for (const [k, kind] of Object.entries(expected)) {
    if (tp[k] !== undefined && target.kind !== kind) throw validation(`TargetParameters.${k} is not valid for the target ${c.Target}.`);
  }
  if (target.kind === "kinesis" && tp.KinesisStreamParameters === undefined) {
    // PipeTargetKinesisStreamParameters.PartitionKey is required (API reference).
    throw validation("1 validation error detected: Value null at 'targetParameters.kinesisStreamParameters.partitionKey' failed to satisfy constraint: Member must not be null");
  }
  if (typeof tp.InputTemplate === "string") checkTemplate(tp.InputTemplate, "TargetParameters.InputTemplate");
  // Global endpoints are not carried out: an EndpointId would be ignored.
  if ((tp.EventBridgeEventBusParameters as { EndpointId?: string } | undefined)?.EndpointId !== undefined) throw notSupported("EventBridgeEventBusParameters.EndpointId");
  const max = TARGET_BATCH[target.kind];
  // "you can't configure a pipe with a larger batch size than the target supports" (batching page).
  if (max !== undefined && given !== undefined && batch > max) throw validation(`BatchSize ${batch} is greater than ${max}, the largest batch the target ${c.Target} takes.`);
  // "If you configure a pipe with an enrichment or target that doesn't support batching, you won't be able to activate
  // batching on the source" (batching page): API destinations take one event per request.
  const unbatched = target.kind === "api-destination" || (c.Enrichment !== undefined && parseResource(c.Enrichment).kind === "api-destination");
  if (unbatched && given !== undefined && given > 1) throw validation("BatchSize must be 1 for a pipe whose enrichment or target is an API destination.");
  if (c.LogConfiguration !== undefined) throw notSupported("LogConfiguration");
}

/**
 * The state machines a pipe calls synchronously must be EXPRESS: an enrichment ("Step Functions EXPRESS workflow",
 * user guide, "Amazon EventBridge Pipes enrichment") and a REQUEST_RESPONSE target ("REQUEST_RESPONSE is not supported
 * for STANDARD state machine workflows", PipeTargetStateMachineParameters). A machine that does not exist (yet) is
 * not checked here: the pipe's deliveries fail until it does.
 */
async function checkStateMachines(env: PipesEnv, ctx: RequestContext, c: PipeConfig): Promise<void> {
  const sync: [string, string][] = [];
  if (c.Enrichment && parseResource(c.Enrichment).kind === "state-machine") sync.push([c.Enrichment, "The enrichment"]);
  const invocation = (c.TargetParameters?.StepFunctionStateMachineParameters as { InvocationType?: string } | undefined)?.InvocationType ?? "REQUEST_RESPONSE";
  if (parseResource(c.Target).kind === "state-machine" && invocation === "REQUEST_RESPONSE") sync.push([c.Target, "A REQUEST_RESPONSE target"]);
  const sfn = env.service("stepfunctions");
  if (!sfn) return;
  for (const [arn, what] of sync) {
    let type: unknown;
    try {
      type = (await sfn(ctx, "DescribeStateMachine", { stateMachineArn: arn })).type;
    } catch {
      continue;
    }
    if (type === "STANDARD") throw validation(`${what} ${arn} is a STANDARD state machine; it must be an EXPRESS state machine.`);
  }
}

function configOf(input: Input): PipeConfig {
  const c: PipeConfig = { Source: String(input.Source), Target: String(input.Target), RoleArn: String(input.RoleArn) };
  for (const k of ["Description", "SourceParameters", "Enrichment", "EnrichmentParameters", "TargetParameters", "LogConfiguration", "KmsKeyIdentifier", "Tags"] as const) {
    if (input[k] !== undefined) (c as unknown as Record<string, unknown>)[k] = input[k];
  }
  if (c.Enrichment === "") delete c.Enrichment;
  return c;
}

export async function createPipe(env: PipesEnv, ctx: RequestContext, input: Input) {
  check("CreatePipe", input);
  const config = configOf(input);
  checkConfig(config, ctx);
  await checkStateMachines(env, ctx, config);
  const now = env.clock.now();
  const desired = (input.DesiredState as "RUNNING" | "STOPPED" | undefined) ?? "RUNNING";
  const pipe: Omit<PipeRecord, "version"> = { ...keyOf(ctx, input.Name), desiredState: desired, currentState: "CREATING", config, createdAt: now, modifiedAt: now };
  const r = await env.store.create(pipe, MAX_PIPES);
  if (r === "exists") throw conflict(`Pipe ${pipe.name} already exists.`);
  if (r === "limit") throw quotaExceeded(`Maximum number of pipes (${MAX_PIPES}) in this account and Region reached.`);
  env.changed?.();
  return summary({ ...pipe, version: 1 });
}

export async function describePipe(env: PipesEnv, ctx: RequestContext, input: Input) {
  check("DescribePipe", input);
  const p = await load(env, keyOf(ctx, input.Name));
  const c = p.config;
  return {
    Arn: pipeArn(p.region, p.account, p.name), Name: p.name, Description: c.Description, DesiredState: p.desiredState, CurrentState: p.currentState,
    StateReason: c.StateReason, Source: c.Source, SourceParameters: c.SourceParameters, Enrichment: c.Enrichment, EnrichmentParameters: c.EnrichmentParameters,
    Target: c.Target, TargetParameters: c.TargetParameters, RoleArn: c.RoleArn, Tags: c.Tags ?? {}, CreationTime: stamp(p.createdAt),
    LastModifiedTime: stamp(p.modifiedAt), KmsKeyIdentifier: c.KmsKeyIdentifier,
  };
}

/**
 * Applies `change` to the stored pipe and saves it, again on a fresh read when another change came first. `change`
 * may throw (the pipe's state forbids it).
 */
async function changePipe(env: PipesEnv, key: PipeKey, change: (p: PipeRecord) => PipeRecord | Promise<PipeRecord>): Promise<PipeRecord> {
  for (let attempt = 0; ; attempt++) {
    const p = await load(env, key);
    const next = await change(p);
    if (await env.store.save(next, p.version)) {
      env.changed?.();
      return { ...next, version: p.version + 1 };
    }
    if (attempt >= 10) throw conflict(`Pipe ${key.name} is being changed; try again.`);
  }
}

function inTransition(p: PipeRecord): never {
  throw conflict(`Pipe ${p.name} cannot be changed while it is ${p.currentState}.`);
}

/** Merges an UpdatePipe's parameter objects: each service-specific member given replaces the stored one whole (UpdatePipe API reference). */
function mergeParameters(stored: Record<string, unknown> | undefined, given: unknown): Record<string, unknown> | undefined {
  if (given === undefined) return stored;
  return { ...(stored ?? {}), ...(given as Record<string, unknown>) };
}

export async function updatePipe(env: PipesEnv, ctx: RequestContext, input: Input) {
  check("UpdatePipe", input);
  const key = keyOf(ctx, input.Name);
  const updated = await changePipe(env, key, async (p) => {
    if (TRANSITIONAL.has(p.currentState)) inTransition(p);
    const c: PipeConfig = { ...p.config, RoleArn: String(input.RoleArn) };
    if (input.Description !== undefined) c.Description = String(input.Description);
    if (input.Target !== undefined) c.Target = String(input.Target);
    if (input.Enrichment !== undefined) {
      if (input.Enrichment === "") {
        delete c.Enrichment;
        delete c.EnrichmentParameters;
      } else c.Enrichment = String(input.Enrichment);
    }
    c.SourceParameters = mergeParameters(c.SourceParameters, input.SourceParameters);
    if (input.SourceParameters !== undefined && c.SourceParameters?.KinesisStreamParameters) {
      // StartingPosition cannot be changed (UpdatePipeSourceKinesisStreamParameters has none): keep the stored one.
      const stored = p.config.SourceParameters?.KinesisStreamParameters as Record<string, unknown> | undefined;
      c.SourceParameters.KinesisStreamParameters = { ...(c.SourceParameters.KinesisStreamParameters as object), StartingPosition: stored?.StartingPosition, StartingPositionTimestamp: stored?.StartingPositionTimestamp };
    }
    c.EnrichmentParameters = mergeParameters(c.EnrichmentParameters, input.EnrichmentParameters);
    c.TargetParameters = mergeParameters(input.Target !== undefined && input.Target !== p.config.Target ? undefined : c.TargetParameters, input.TargetParameters);
    if (input.LogConfiguration !== undefined) c.LogConfiguration = input.LogConfiguration as Record<string, unknown>;
    if (input.KmsKeyIdentifier !== undefined) c.KmsKeyIdentifier = input.KmsKeyIdentifier === "" ? undefined : String(input.KmsKeyIdentifier);
    delete c.StateReason;
    checkConfig(c, ctx);
    await checkStateMachines(env, ctx, c);
    const desired = (input.DesiredState as "RUNNING" | "STOPPED" | undefined) ?? (p.desiredState === "DELETED" ? "STOPPED" : p.desiredState);
    return { ...p, config: c, desiredState: desired, currentState: "UPDATING", modifiedAt: env.clock.now() };
  });
  return summary(updated);
}

export async function deletePipe(env: PipesEnv, ctx: RequestContext, input: Input) {
  check("DeletePipe", input);
  const updated = await changePipe(env, keyOf(ctx, input.Name), (p) => {
    if (p.currentState === "DELETING") inTransition(p);
    return { ...p, desiredState: "DELETED" as DesiredState, currentState: "DELETING", modifiedAt: env.clock.now() };
  });
  return summary(updated);
}

export async function startPipe(env: PipesEnv, ctx: RequestContext, input: Input) {
  check("StartPipe", input);
  const updated = await changePipe(env, keyOf(ctx, input.Name), (p) => {
    if (TRANSITIONAL.has(p.currentState)) inTransition(p);
    if (p.currentState === "CREATE_FAILED") throw conflict(`Pipe ${p.name} failed to be created; update or delete it.`);
    const next: PipeState = p.currentState === "RUNNING" ? "RUNNING" : "STARTING";
    return { ...p, desiredState: "RUNNING" as DesiredState, currentState: next, modifiedAt: env.clock.now() };
  });
  return summary(updated);
}

export async function stopPipe(env: PipesEnv, ctx: RequestContext, input: Input) {
  check("StopPipe", input);
  const updated = await changePipe(env, keyOf(ctx, input.Name), (p) => {
    if (TRANSITIONAL.has(p.currentState)) inTransition(p);
    if (p.currentState === "CREATE_FAILED") throw conflict(`Pipe ${p.name} failed to be created; update or delete it.`);
    const next: PipeState = p.currentState === "STOPPED" ? "STOPPED" : "STOPPING";
    return { ...p, desiredState: "STOPPED" as DesiredState, currentState: next, modifiedAt: env.clock.now() };
  });
  return summary(updated);
}

function encodeToken(name: string): string {
  return Buffer.from(`p1:${name}`, "utf8").toString("base64url");
}

function decodeToken(token: unknown): string {
  if (token === undefined || token === null) return "";
  const s = Buffer.from(String(token), "base64url").toString("utf8");
  if (!s.startsWith("p1:") || encodeToken(s.slice(3)) !== token) throw validation("The NextToken provided is invalid.");
  return s.slice(3);
}

export async function listPipes(env: PipesEnv, ctx: RequestContext, input: Input) {
  check("ListPipes", input);
  // Limit: 1-100 (LimitMax100); AWS's default page is 100.
  const limit = input.Limit === undefined ? 100 : Number(input.Limit);
  const after = decodeToken(input.NextToken);
  const rows = await env.store.list(ctx.accountId, ctx.region, {
    namePrefix: input.NamePrefix as string | undefined, desiredState: input.DesiredState as string | undefined, currentState: input.CurrentState as string | undefined,
    sourcePrefix: input.SourcePrefix as string | undefined, targetPrefix: input.TargetPrefix as string | undefined,
  }, after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    Pipes: page.map((p) => ({
      Name: p.name, Arn: pipeArn(p.region, p.account, p.name), DesiredState: p.desiredState, CurrentState: p.currentState, StateReason: p.config.StateReason,
      CreationTime: stamp(p.createdAt), LastModifiedTime: stamp(p.modifiedAt), Source: p.config.Source, Target: p.config.Target, Enrichment: p.config.Enrichment,
    })),
    NextToken: rows.length > limit ? encodeToken(page[page.length - 1].name) : undefined,
  };
}

/** The pipe a tagging operation's resourceArn names, in the caller's account and Region. */
function pipeOfArn(ctx: RequestContext, arn: unknown): PipeKey {
  const p = parsePipeArn(String(arn));
  if (!p || p.account !== ctx.accountId || p.region !== ctx.region) throw validation(`Invalid resource ARN: ${String(arn)}`);
  return { account: p.account, region: p.region, name: p.name };
}

/** Tags per pipe: at most 50 (TagMap, API reference). */
const MAX_TAGS = 50;

export async function tagResource(env: PipesEnv, ctx: RequestContext, input: Input) {
  check("TagResource", input);
  const key = pipeOfArn(ctx, input.resourceArn);
  const tags = input.tags as Record<string, string>;
  await changePipe(env, key, (p) => {
    const merged = { ...(p.config.Tags ?? {}), ...tags };
    if (Object.keys(merged).length > MAX_TAGS) throw validation(`A pipe can have at most ${MAX_TAGS} tags.`);
    return { ...p, config: { ...p.config, Tags: merged } };
  });
  return {};
}

export async function untagResource(env: PipesEnv, ctx: RequestContext, input: Input) {
  check("UntagResource", input);
  const key = pipeOfArn(ctx, input.resourceArn);
  const keys = (input.tagKeys as string[] | undefined) ?? [];
  await changePipe(env, key, (p) => {
    const left = { ...(p.config.Tags ?? {}) };
    for (const k of keys) delete left[k];
    return { ...p, config: { ...p.config, Tags: left } };
  });
  return {};
}

export async function listTagsForResource(env: PipesEnv, ctx: RequestContext, input: Input) {
  check("ListTagsForResource", input);
  const p = await load(env, pipeOfArn(ctx, input.resourceArn));
  return { tags: p.config.Tags ?? {} };
}
