// AddPermission and RemovePermission edit the statements of the topic's Policy attribute (AddPermission API
// reference). The policy is evaluated for callers from other accounts (src/services/sns/access.ts).
import { type PolicyDocument, accountRoot, hasStatement, readPolicy } from "../../../auth/policy.ts";
import { snsModel } from "../../../protocol/models/sns.gen.ts";
import type { RequestContext } from "../../types.ts";
import { defaultPolicy } from "../domain/topic-attributes.ts";
import { arnOfTopic, resolveTopic, type SnsEnv } from "../env.ts";
import { invalidParameter } from "../errors.ts";

type Input = Record<string, unknown>;

/** The stored policy (or AWS's default); a stored value without a Statement list counts as an empty one. */
function policyOf(stored: string | undefined, arn: string, account: string): PolicyDocument {
  return readPolicy(stored, () => defaultPolicy(arn, account));
}

export async function addPermission(env: SnsEnv, ctx: RequestContext, input: Input) {
  const t = await resolveTopic(env, ctx, input.TopicArn);
  const arn = arnOfTopic(t);
  const policy = policyOf(t.attributes.Policy, arn, t.account);
  const label = input.Label as string;
  if (hasStatement(policy, label)) throw invalidParameter("Statement already exists");
  const accounts = (input.AWSAccountId as string[] | undefined) ?? [];
  const actions = (input.ActionName as string[] | undefined) ?? [];
  if (accounts.length === 0) throw invalidParameter("AWSAccountId");
  if (actions.length === 0) throw invalidParameter("ActionName");
  // Actions are SNS API action names (AddPermission API reference, ActionName; wording as recorded on AWS,
  // LocalStack snapshot test_add_permission_errors).
  if (actions.some((a) => a !== "*" && !(a in snsModel.operations))) throw invalidParameter("Policy statement action out of service scope!");
  policy.Statement.push({
    Sid: label, Effect: "Allow",
    Principal: { AWS: accounts.map(accountRoot) },
    Action: actions.map((a) => `SNS:${a}`), Resource: arn,
  });
  await env.store.setTopicAttributes(t.id, { ...t.attributes, Policy: JSON.stringify(policy) });
  return undefined;
}

export async function removePermission(env: SnsEnv, ctx: RequestContext, input: Input) {
  const t = await resolveTopic(env, ctx, input.TopicArn);
  const policy = policyOf(t.attributes.Policy, arnOfTopic(t), t.account);
  const kept = policy.Statement.filter((s) => s.Sid !== input.Label);
  // Removing a label that is not there is not an error (AWS answers 200).
  if (kept.length !== policy.Statement.length) {
    await env.store.setTopicAttributes(t.id, { ...t.attributes, Policy: JSON.stringify({ ...policy, Statement: kept }) });
  }
  return undefined;
}
