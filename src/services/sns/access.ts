// Cross-account access to a topic: a caller from another account may call an operation on a topic only when
// the topic's Policy attribute allows it (src/auth/policy.ts evaluates it); the topic's own account is always
// allowed (there is no IAM here to deny it). A topic without a stored Policy has AWS's default one, whose only
// statement is conditioned on AWS:SourceOwner = the owner, a key direct calls do not carry: it grants other
// accounts nothing.
import { accountRoot, policyDecision, readPolicy } from "../../auth/policy.ts";
import type { RequestContext } from "../types.ts";
import type { AwsError } from "../../protocol/errors.ts";
import { authorizationError } from "./errors.ts";
import { defaultPolicy } from "./domain/topic-attributes.ts";

// The actions a topic policy can grant ("Amazon SNS API permissions: Actions and resources reference", Valid
// Amazon SNS policy actions); sns:Publish covers Publish and PublishBatch (same page). Other operations on a
// topic (TagResource, UntagResource) stay with the owner.
const POLICY_ACTION: Record<string, string> = {
  AddPermission: "AddPermission", DeleteTopic: "DeleteTopic", GetDataProtectionPolicy: "GetDataProtectionPolicy",
  GetTopicAttributes: "GetTopicAttributes", ListSubscriptionsByTopic: "ListSubscriptionsByTopic",
  ListTagsForResource: "ListTagsForResource", Publish: "Publish", PublishBatch: "Publish",
  PutDataProtectionPolicy: "PutDataProtectionPolicy", RemovePermission: "RemovePermission",
  SetTopicAttributes: "SetTopicAttributes", Subscribe: "Subscribe",
};

/** The AuthorizationError AWS answers, in IAM's access-denied wording ("Troubleshoot access denied error messages", IAM user guide). */
export function notAuthorized(ctx: Pick<RequestContext, "accountId">, action: string, resource: string, explicit = false): AwsError {
  const why = explicit ? "with an explicit deny in a resource-based policy" : `because no resource-based policy allows the ${action} action`;
  return authorizationError(`User: ${accountRoot(ctx.accountId)} is not authorized to perform: ${action} on resource: ${resource} ${why}`);
}

/** The policy action an operation on a topic needs, e.g. "SNS:Publish" (AWS names SNS actions so in its messages). */
export function topicAction(operation: string): string {
  return `SNS:${POLICY_ACTION[operation] ?? operation}`;
}

/**
 * Throws AuthorizationError unless ctx's account may call `operation` on the topic (owner `account`, stored
 * Policy `stored`). `keys` are the request's service-specific condition keys: Subscribe has sns:Protocol and
 * sns:Endpoint ("Amazon SNS API permissions", Service-specific keys).
 */
export function checkTopicAccess(
  ctx: Pick<RequestContext, "accountId" | "baseUrl">, operation: string, arn: string, account: string,
  stored: string | undefined, keys?: Record<string, string>,
): void {
  if (account === ctx.accountId) return;
  const action = topicAction(operation);
  if (!(operation in POLICY_ACTION)) throw notAuthorized(ctx, action, arn);
  const decision = policyDecision(readPolicy(stored, () => defaultPolicy(arn, account)), {
    account: ctx.accountId, action, resource: arn, secure: ctx.baseUrl.startsWith("https:"), keys,
  });
  if (decision !== "allow") throw notAuthorized(ctx, action, arn, decision === "deny");
}
