// AddPermission and RemovePermission: edit the statements of the queue's Policy attribute, which access.ts
// evaluates for requests from other accounts.
import { accountRoot, hasStatement, oneOrMany, readPolicy, type PolicyDocument } from "../../../auth/policy.ts";
import { sqsModel } from "../../../protocol/models/sqs.gen.ts";
import type { RequestContext } from "../../types.ts";
import { invalidParameter, sqsError } from "../errors.ts";
import { MAX_PERMISSION_ACTIONS, MAX_PERMISSION_LABEL_LENGTH } from "../domain/limits.ts";
import { parseRedrivePolicy } from "../domain/queue-attributes.ts";
import { arnOf, resolveQueue, type SqsEnv } from "../env.ts";
import type { QueueRecord } from "../store.ts";

type Input = Record<string, unknown>;

const labelError = (label: string, reason: string) => invalidParameter(`Value ${label} for parameter Label is invalid. Reason: ${reason}`);

async function save(env: SqsEnv, q: QueueRecord, policy: PolicyDocument | undefined): Promise<void> {
  const attributes = { ...q.attributes };
  if (policy) attributes.Policy = JSON.stringify(policy);
  else delete attributes.Policy;
  await env.store.setAttributes(q.id, { attributes, retentionMs: Number(attributes.MessageRetentionPeriod) * 1000, deadLetterArn: attributes.RedrivePolicy ? parseRedrivePolicy(attributes.RedrivePolicy).deadLetterTargetArn : undefined }, env.clock.now());
}

export async function addPermission(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  const label = input.Label as string;
  const accounts = (input.AWSAccountIds as string[] | undefined) ?? [];
  const actions = (input.Actions as string[] | undefined) ?? [];
  // Labels: at most 80 characters, alphanumerics, hyphens and underscores (AddPermission API reference); the
  // reason's wording is ours.
  if (label.length > MAX_PERMISSION_LABEL_LENGTH || !/^[A-Za-z0-9_-]+$/.test(label)) {
    throw labelError(label, "Must be 1 to 80 alphanumeric characters, hyphens or underscores.");
  }
  for (const a of accounts) {
    // AddPermission does not support adding a non-account principal (AddPermission API reference); wording is ours.
    if (!/^\d{12}$/.test(a)) throw invalidParameter(`Value ${a} for parameter AWSAccountId is invalid. Reason: Must be a 12-digit AWS account id.`);
  }
  for (const a of actions) {
    // Valid values: the name of any action or * (AddPermission API reference); the wording is LocalStack's, not AWS-verified.
    if (a !== "*" && !(a in sqsModel.operations)) {
      throw invalidParameter(`Value SQS:${a} for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of valid actions.`);
    }
  }
  if (actions.length > MAX_PERMISSION_ACTIONS) {
    // At most seven actions per statement (AddPermission API reference); the wording is moto's, not AWS-verified.
    throw sqsError("OverLimit", `${actions.length} Actions were found, maximum allowed is ${MAX_PERMISSION_ACTIONS}.`);
  }
  const arn = arnOf(q);
  // Without a Policy, AddPermission starts one with Version 2008-10-17 and Id "<queue arn>/SQSDefaultPolicy"
  // (LocalStack snapshot test_sqs_permission_lifecycle, AWS-recorded).
  const policy = q.attributes.Policy ? readPolicy(q.attributes.Policy) : { Version: "2008-10-17", Id: `${arn}/SQSDefaultPolicy`, Statement: [] };
  // A label already used is refused (LocalStack snapshot test_sqs_permission_lifecycle, AWS-recorded).
  if (hasStatement(policy, label)) throw labelError(label, "Already exists.");
  // One account or action is written as a string, several as a list (same snapshot).
  policy.Statement.push({
    Sid: label, Effect: "Allow",
    Principal: { AWS: oneOrMany(accounts.map(accountRoot)) },
    Action: oneOrMany(actions.map((a) => `SQS:${a}`)),
    Resource: arn,
  });
  await save(env, q, policy);
  return undefined;
}

export async function removePermission(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  const label = input.Label as string;
  const policy = readPolicy(q.attributes.Policy);
  // An unknown label is an error (LocalStack snapshot test_sqs_permission_lifecycle, AWS-recorded).
  if (!q.attributes.Policy || !hasStatement(policy, label)) throw labelError(label, "can't find label.");
  const kept = policy.Statement.filter((s) => s.Sid !== label);
  // Removing the last statement removes the Policy attribute (same snapshot: no Policy returned afterwards).
  await save(env, q, kept.length > 0 ? { ...policy, Statement: kept } : undefined);
  return undefined;
}
