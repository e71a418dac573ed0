// PutTargets, RemoveTargets, ListTargetsByRule. Targets of this version: SQS queues (standard, and FIFO with
// SqsParameters.MessageGroupId), SNS topics, event buses (this or another account and region) and API destinations,
// with Input, InputPath or InputTransformer, RetryPolicy and DeadLetterConfig (ADR 0018). Targets of other services
// fail their entry (FailedEntries, the way PutTargets reports targets it did not add); Kinesis and Step Functions
// targets too, until those services expose an api to deliver through. Features this version does not carry out are
// refused outright, never stored and ignored.
import { parseQueueArn } from "../../sqs/index.ts";
import type { RequestContext } from "../../types.ts";
import { checkRuleName, targetKind } from "../domain/names.ts";
import { checkTransformer, parsePath } from "../domain/transform.ts";
import { decodeToken, encodeToken, pageLimit, resolveRule, type EventsEnv } from "../env.ts";
import { constraint, limitExceeded, notSupported, ruleNotFound, validation } from "../errors.ts";
import type { TargetRecord, TargetSettings } from "../store.ts";

type Input = Record<string, unknown>;

/** Targets per rule (EventBridge quotas: "Targets per rule: 5"). */
export const MAX_TARGETS_PER_RULE = 5;
const TARGET_ID = /^[.\-_A-Za-z0-9]+$/;

/** Target members this version does not carry out (refused, never stored and ignored). */
const UNSUPPORTED = [
  "RunCommandParameters", "EcsParameters", "BatchParameters", "RedshiftDataParameters", "SageMakerPipelineParameters",
  "AppSyncParameters",
];

function checkId(id: unknown, path: string): string {
  const s = String(id ?? "");
  // Recorded on AWS (LocalStack snapshot test_put_target_id_validation): pattern first, then length 64.
  if (!TARGET_ID.test(s)) throw constraint(s, path, "satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
  if (s.length > 64) throw constraint(s, path, "have length less than or equal to 64");
  return s;
}

/** RetryPolicy: MaximumRetryAttempts 0-185, MaximumEventAgeInSeconds 60-86,400 (API reference, RetryPolicy). */
function checkRetryPolicy(r: Record<string, unknown>, path: string): TargetSettings["RetryPolicy"] {
  const out: NonNullable<TargetSettings["RetryPolicy"]> = {};
  const range = (key: "MaximumRetryAttempts" | "MaximumEventAgeInSeconds", member: string, min: number, max: number) => {
    const v = r[key];
    if (v === undefined || v === null) return;
    const n = Number(v);
    if (!Number.isInteger(n)) throw validation(`1 validation error detected: Value '${String(v)}' at '${path}.${member}' failed to satisfy constraint: Member must be of type integer`);
    if (n < min) throw constraint(n, `${path}.${member}`, `have value greater than or equal to ${min}`);
    if (n > max) throw constraint(n, `${path}.${member}`, `have value less than or equal to ${max}`);
    out[key] = n;
  };
  range("MaximumRetryAttempts", "maximumRetryAttempts", 0, 185);
  range("MaximumEventAgeInSeconds", "maximumEventAgeInSeconds", 60, 86_400);
  return out;
}

/** HttpParameters (API reference): header and query maps and path values, each entry at most 512 characters. */
function checkHttpParameters(h: Record<string, unknown>, id: string): TargetSettings["HttpParameters"] {
  const out: NonNullable<TargetSettings["HttpParameters"]> = {};
  const str = (v: unknown) => typeof v === "string" && v.length <= 512;
  if (h.HeaderParameters !== undefined) {
    const m = h.HeaderParameters as Record<string, unknown>;
    for (const [k, v] of Object.entries(m)) {
      // HeaderKey: a token; HeaderValue: printable ASCII (HeaderParametersMap in the model).
      if (!/^[!#$%&'*+\-.^_`|~0-9a-zA-Z]{1,512}$/.test(k) || !str(v) || !/^[\x20-\x7e\t]*$/.test(v as string)) {
        throw validation(`HttpParameters.HeaderParameters for target ${id} contains an invalid header ${k}.`);
      }
    }
    out.HeaderParameters = m as Record<string, string>;
  }
  if (h.QueryStringParameters !== undefined) {
    const m = h.QueryStringParameters as Record<string, unknown>;
    for (const [k, v] of Object.entries(m)) if (k.length > 512 || !str(v)) throw validation(`HttpParameters.QueryStringParameters for target ${id} contains an invalid parameter ${k}.`);
    out.QueryStringParameters = m as Record<string, string>;
  }
  if (h.PathParameterValues !== undefined) {
    const l = h.PathParameterValues as unknown[];
    // PathParameter: not blank (pattern ^(?!\s*$).+ in the model).
    if (!Array.isArray(l) || l.some((v) => typeof v !== "string" || v.trim() === "")) throw validation(`HttpParameters.PathParameterValues for target ${id} contains an empty value.`);
    out.PathParameterValues = l as string[];
  }
  return out;
}

/** Checks one target; returns the record to store, or the entry's failure (ErrorCode, ErrorMessage). */
function checkTarget(ctx: RequestContext, t: Record<string, unknown>, i: number): TargetRecord | { failed: Record<string, unknown> } {
  const path = `targets.${i + 1}.member`;
  const id = checkId(t.Id, `${path}.id`);
  for (const k of UNSUPPORTED) if (t[k] !== undefined) throw notSupported(`Target ${k}`);
  const n = [t.Input, t.InputPath, t.InputTransformer].filter((v) => v !== undefined).length;
  // Recorded on AWS (LocalStack snapshot test_put_event_input_path_and_input_transformer).
  if (n > 1) throw validation(`Only one of Input, InputPath, or InputTransformer must be provided for target ${id}.`);
  const arn = String(t.Arn ?? "");
  // Arn: 1-1600 characters (Target Arn in the API reference).
  if (arn.length > 1600) throw constraint(arn, `${path}.arn`, "have length less than or equal to 1600");
  if (t.Input !== undefined) {
    const input = String(t.Input);
    // Input: at most 8192 characters of valid JSON text (PutTargets API reference, Target Input).
    if (input.length > 8192) throw constraint(input, `${path}.input`, "have length less than or equal to 8192");
    try {
      JSON.parse(input);
    } catch {
      throw validation(`Input for target ${id} is not valid JSON text.`);
    }
  }
  if (t.InputPath !== undefined && !parsePath(String(t.InputPath))) {
    // InputPath: at most 256 characters of the JSONPath subset EventBridge reads (user guide, "input transformation":
    // dot notation, array indices, wildcards); filters and recursive descent are not part of it.
    throw validation(`InputPath for target ${id} is not supported: this Mailroom version takes $ followed by .name, ['name'], [index] or * steps.`);
  }
  const settings: TargetSettings = {};
  if (t.InputTransformer !== undefined) {
    const it = t.InputTransformer as { InputPathsMap?: Record<string, string>; InputTemplate: string };
    checkTransformer(it, id, `${path}.inputTransformer`);
    settings.InputTransformer = it.InputPathsMap === undefined ? { InputTemplate: it.InputTemplate } : { InputPathsMap: it.InputPathsMap, InputTemplate: it.InputTemplate };
  }
  if (t.RetryPolicy !== undefined) settings.RetryPolicy = checkRetryPolicy(t.RetryPolicy as Record<string, unknown>, `${path}.retryPolicy`);
  if (t.DeadLetterConfig !== undefined) {
    const dlq = (t.DeadLetterConfig as { Arn?: string }).Arn;
    // DeadLetterConfig.Arn: an SQS queue in the rule's region (user guide, "Using dead-letter queues": "The Amazon SQS
    // queue you use must be in the same Region in which you create the rule").
    if (dlq !== undefined) {
      const q = parseQueueArn(String(dlq));
      if (!q) throw validation(`DeadLetterConfig Arn for target ${id} is not a valid SQS queue ARN.`);
      if (q.region !== ctx.region) throw validation(`DeadLetterConfig Arn for target ${id} must be in the rule's region ${ctx.region}.`);
      // "Only standard queues are supported. You can't use a FIFO queue for a DLQ in EventBridge" (same page).
      if (q.name.endsWith(".fifo")) throw validation(`DeadLetterConfig Arn for target ${id} is a FIFO queue; EventBridge dead-letter queues are standard queues.`);
      settings.DeadLetterConfig = { Arn: String(dlq) };
    } else settings.DeadLetterConfig = {};
  }
  if (t.RoleArn !== undefined) {
    const role = String(t.RoleArn);
    if (role.length < 1 || role.length > 1600) throw constraint(role, `${path}.roleArn`, "have length less than or equal to 1600");
    // Kept and listed; Mailroom has no IAM roles to assume, so it grants nothing beyond the rule owner's own access.
    settings.RoleArn = role;
  }
  const kind = targetKind(arn);
  if (t.HttpParameters !== undefined) {
    // HttpParameters apply to API destinations (and API Gateway, not a Mailroom target) (PutTargets API reference, HttpParameters).
    if (kind.kind !== "api-destination") throw validation(`HttpParameters is only supported for API destination targets (target ${id}).`);
    settings.HttpParameters = checkHttpParameters(t.HttpParameters as Record<string, unknown>, id);
  }
  if (t.KinesisParameters !== undefined) {
    // KinesisParameters apply to Kinesis stream targets (PutTargets API reference, Target KinesisParameters).
    if (kind.kind !== "kinesis") throw validation(`KinesisParameters is only supported for Kinesis stream targets (target ${id}).`);
    const pk = (t.KinesisParameters as { PartitionKeyPath?: unknown }).PartitionKeyPath;
    // PartitionKeyPath: required, at most 256 characters (KinesisParameters API reference); the same JSONPath subset as InputPath.
    if (pk === undefined || pk === null) throw validation(`1 validation error detected: Value null at '${path}.kinesisParameters.partitionKeyPath' failed to satisfy constraint: Member must not be null`);
    if (String(pk).length > 256) throw constraint(String(pk), `${path}.kinesisParameters.partitionKeyPath`, "have length less than or equal to 256");
    if (!parsePath(String(pk))) throw validation(`PartitionKeyPath for target ${id} is not supported: this Mailroom version takes $ followed by .name, ['name'], [index] or * steps.`);
    settings.KinesisParameters = { PartitionKeyPath: String(pk) };
  }
  const sqsp = t.SqsParameters as { MessageGroupId?: string } | undefined;
  if (sqsp !== undefined && kind.kind !== "sqs") throw validation(`SqsParameters is only supported for Amazon SQS queue targets (target ${id}).`);
  const fail = (code: string, message: string) => ({ failed: { TargetId: id, ErrorCode: code, ErrorMessage: message } });
  switch (kind.kind) {
    case "sqs": {
      const queue = parseQueueArn(arn);
      if (!queue) return fail("ValidationException", `Target ${id} has an invalid SQS queue ARN.`);
      // A FIFO queue target without SqsParameters fails the whole request; AWS's wording as quoted in
      // hashicorp/terraform issue 20263 and awslabs/aws-ddk issue 183.
      if (queue.name.endsWith(".fifo") && !sqsp?.MessageGroupId) throw validation(`Parameter(s) SqsParameters must be specified for target: ${id}.`);
      // MessageGroupId: at most 100 characters (SqsParameters API reference); on a standard queue it makes a fair-queue
      // message ("parameters ... for a target that is an Amazon SQS fair or FIFO queue").
      if (sqsp?.MessageGroupId !== undefined && sqsp.MessageGroupId.length > 100) throw constraint(sqsp.MessageGroupId, `${path}.sqsParameters.messageGroupId`, "have length less than or equal to 100");
      break;
    }
    case "sns":
      // FIFO topics keep their sequence numbers and deduplication inside SNS's own Publish (ADR 0018): refused here
      // rather than accepted and failed at every delivery.
      if (arn.endsWith(".fifo")) return fail("UnsupportedTarget", `SNS FIFO topic targets are not supported by this Mailroom version yet (target ${id}).`);
      break;
    case "api-destination":
      break;
    case "bus":
      // An event bus target receives the event itself, as EventBridge forwards it ("Sending and receiving events
      // between event buses"); a transformed input would not be an event.
      if (n > 0) throw validation(`Input, InputPath and InputTransformer are not supported for event bus target ${id}.`);
      break;
    case "kinesis":
      // arn:aws:kinesis:<region>:<account>:stream/<name> (Kinesis API reference, StreamARN pattern).
      if (!/^arn:aws[\w-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[a-zA-Z0-9_.-]{1,128}$/.test(arn)) return fail("ValidationException", `Target ${id} has an invalid Kinesis stream ARN.`);
      break;
    case "states":
      // A state machine (or its version or alias) ARN: arn:aws:states:<region>:<account>:stateMachine:<name>[:<qualifier>].
      if (!/^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:\s]{1,80}(:[^:\s]{1,128})?$/.test(arn)) return fail("ValidationException", `Target ${id} has an invalid Step Functions state machine ARN.`);
      break;
    default:
      return fail("UnsupportedTarget", `Targets of kind '${kind.service || arn}' are not supported by this Mailroom version; SQS queues, SNS topics, event buses, API destinations, Kinesis streams and Step Functions state machines are.`);
  }
  const rec: TargetRecord = { id, arn, input: t.Input as string | undefined, inputPath: t.InputPath as string | undefined, messageGroupId: sqsp?.MessageGroupId };
  if (Object.keys(settings).length > 0) rec.settings = settings;
  return rec;
}

export async function putTargets(env: EventsEnv, ctx: RequestContext, input: Input) {
  const rule = await resolveRule(env, ctx, checkRuleName(input.Rule, "rule"), input.EventBusName);
  const given = (input.Targets as Record<string, unknown>[] | undefined) ?? [];
  // Targets: 1-10 entries (PutTargets API reference, Targets Array Members).
  if (given.length < 1) throw constraint("[]", "targets", "have length greater than or equal to 1");
  if (given.length > 10) throw validation("1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length less than or equal to 10");
  const ok: TargetRecord[] = [];
  const failed: Record<string, unknown>[] = [];
  given.forEach((t, i) => {
    const r = checkTarget(ctx, t, i);
    if ("failed" in r) failed.push(r.failed);
    else ok.push(r);
  });
  const outcome = ok.length > 0 ? await env.store.putTargets(rule.id, ok, MAX_TARGETS_PER_RULE) : "ok";
  // Recorded on AWS: LimitExceededException (LocalStack snapshot test_add_exceed_fife_targets_per_rule).
  if (outcome === "limit") throw limitExceeded();
  if (outcome === "missing") throw ruleNotFound(rule.name, rule.bus);
  return { FailedEntryCount: failed.length, FailedEntries: failed };
}

export async function removeTargets(env: EventsEnv, ctx: RequestContext, input: Input) {
  const rule = await resolveRule(env, ctx, checkRuleName(input.Rule, "rule"), input.EventBusName);
  const ids = ((input.Ids as unknown[] | undefined) ?? []).map((id, i) => checkId(id, `ids.${i + 1}.member`));
  // Ids: 1-100 entries (RemoveTargets API reference).
  if (ids.length < 1) throw constraint("[]", "ids", "have length greater than or equal to 1");
  if (ids.length > 100) throw validation("1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length less than or equal to 100");
  // Force only matters for rules managed by another AWS service (RemoveTargets API reference, Force); no Mailroom
  // service creates managed rules, so every rule here is the caller's own and Force changes nothing.
  // Ids without a target are not failures: removing them again succeeds (the removal is idempotent, as DeleteRule's).
  await env.store.removeTargets(rule.id, ids);
  return { FailedEntryCount: 0, FailedEntries: [] };
}

/** A stored target as ListTargetsByRule shows it (every member as given to PutTargets). */
export function targetView(t: TargetRecord): Record<string, unknown> {
  return {
    Id: t.id, Arn: t.arn, Input: t.input, InputPath: t.inputPath,
    SqsParameters: t.messageGroupId === undefined ? undefined : { MessageGroupId: t.messageGroupId },
    ...(t.settings ?? {}),
  };
}

export async function listTargetsByRule(env: EventsEnv, ctx: RequestContext, input: Input) {
  const rule = await resolveRule(env, ctx, checkRuleName(input.Rule, "rule"), input.EventBusName);
  const limit = pageLimit(input.Limit);
  const rows = await env.store.listTargets(rule.id, decodeToken(input.NextToken), limit + 1);
  const page = rows.slice(0, limit);
  const out: Record<string, unknown> = { Targets: page.map(targetView) };
  if (rows.length > limit) out.NextToken = encodeToken(page[page.length - 1].id);
  return out;
}
