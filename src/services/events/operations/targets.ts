// PutTargets, RemoveTargets, ListTargetsByRule. Targets of this version: SQS queues (standard, and FIFO with
// SqsParameters.MessageGroupId), with Input or InputPath. Other target kinds fail their entry (FailedEntries, the way
// PutTargets reports targets it did not add); features this version does not carry out are refused outright.
import { parseQueueArn } from "../../sqs/index.ts";
import type { RequestContext } from "../../types.ts";
import { parseInputPath } from "../domain/event.ts";
import { checkRuleName } from "../domain/names.ts";
import { decodeToken, encodeToken, pageLimit, resolveRule, type EventsEnv } from "../env.ts";
import { constraint, limitExceeded, notSupported, ruleNotFound, validation } from "../errors.ts";
import type { TargetRecord } from "../store.ts";

type Input = Record<string, unknown>;

/** Targets per rule (EventBridge quotas: "Targets per rule: 5"). */
export const MAX_TARGETS_PER_RULE = 5;
const TARGET_ID = /^[.\-_A-Za-z0-9]+$/;

/** Target members this version does not carry out (refused, never stored and ignored). */
const UNSUPPORTED = [
  "InputTransformer", "RetryPolicy", "DeadLetterConfig", "RoleArn", "KinesisParameters", "RunCommandParameters", "EcsParameters",
  "BatchParameters", "HttpParameters", "RedshiftDataParameters", "SageMakerPipelineParameters", "AppSyncParameters",
];

function checkId(id: unknown, path: string): string {
  const s = String(id ?? "");
  // Recorded on AWS (LocalStack snapshot test_put_target_id_validation): pattern first, then length 64.
  if (!TARGET_ID.test(s)) throw constraint(s, path, "satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
  if (s.length > 64) throw constraint(s, path, "have length less than or equal to 64");
  return s;
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
    const id = checkId(t.Id, `targets.${i + 1}.member.id`);
    for (const k of UNSUPPORTED) if (t[k] !== undefined) throw notSupported(`Target ${k}`);
    const n = [t.Input, t.InputPath].filter((v) => v !== undefined).length;
    // Recorded on AWS (LocalStack snapshot test_put_event_input_path_and_input_transformer).
    if (n > 1) throw validation(`Only one of Input, InputPath, or InputTransformer must be provided for target ${id}.`);
    const arn = String(t.Arn ?? "");
    if (t.Input !== undefined) {
      // Input must be valid JSON text (PutTargets API reference, Target Input).
      try {
        JSON.parse(String(t.Input));
      } catch {
        throw validation(`Input for target ${id} is not valid JSON text.`);
      }
    }
    if (t.InputPath !== undefined && !parseInputPath(String(t.InputPath))) {
      throw validation(`InputPath for target ${id} is not supported: this Mailroom version takes $ followed by .name, ['name'] or [index] steps.`);
    }
    const queue = parseQueueArn(arn);
    if (!queue) {
      const kind = arn.split(":")[2] ?? "";
      failed.push({ TargetId: id, ErrorCode: "UnsupportedTarget", ErrorMessage: `Targets of kind '${kind || arn}' are not supported by this Mailroom version yet; SQS queue ARNs are.` });
      return;
    }
    const sqsp = t.SqsParameters as { MessageGroupId?: string } | undefined;
    // SqsParameters.MessageGroupId: the group of messages sent to a FIFO queue target (PutTargets API reference, SqsParameters).
    // A FIFO queue target without SqsParameters fails the whole request; AWS's wording as quoted in
    // hashicorp/terraform issue 20263 and awslabs/aws-ddk issue 183.
    if (queue.name.endsWith(".fifo") && !sqsp?.MessageGroupId) throw validation(`Parameter(s) SqsParameters must be specified for target: ${id}.`);
    // MessageGroupId: at most 100 characters (SqsParameters API reference); on a standard queue it makes a fair-queue
    // message ("parameters ... for a target that is an Amazon SQS fair or FIFO queue").
    if (sqsp?.MessageGroupId !== undefined && sqsp.MessageGroupId.length > 100) throw constraint(sqsp.MessageGroupId, `targets.${i + 1}.member.sqsParameters.messageGroupId`, "have length less than or equal to 100");
    ok.push({ id, arn, input: t.Input as string | undefined, inputPath: t.InputPath as string | undefined, messageGroupId: sqsp?.MessageGroupId });
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
  await env.store.removeTargets(rule.id, ids);
  return { FailedEntryCount: 0, FailedEntries: [] };
}

export async function listTargetsByRule(env: EventsEnv, ctx: RequestContext, input: Input) {
  const rule = await resolveRule(env, ctx, checkRuleName(input.Rule, "rule"), input.EventBusName);
  const limit = pageLimit(input.Limit);
  const rows = await env.store.listTargets(rule.id, decodeToken(input.NextToken), limit + 1);
  const page = rows.slice(0, limit);
  const out: Record<string, unknown> = {
    Targets: page.map((t) => ({
      Id: t.id, Arn: t.arn, Input: t.input, InputPath: t.inputPath,
      SqsParameters: t.messageGroupId === undefined ? undefined : { MessageGroupId: t.messageGroupId },
    })),
  };
  if (rows.length > limit) out.NextToken = encodeToken(page[page.length - 1].id);
  return out;
}
