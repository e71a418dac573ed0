// Cross-account access to a queue: with access keys mapped to several accounts, a request naming another
// account's queue is allowed only by that queue's Policy attribute (src/auth/policy.ts evaluates it).
// Requests from the queue's own account are always allowed: there is no IAM here to deny them.
import { policyAllows, readPolicy } from "../../auth/policy.ts";
import type { RequestContext } from "../types.ts";
import { queueArn } from "./domain/queues.ts";
import type { QueueRecord } from "./store.ts";

// Batch actions are authorized as their single-message action (AddPermission API reference: "Specifying
// SendMessage, DeleteMessage, or ChangeMessageVisibility ... also grants permissions for the batch versions").
const POLICY_ACTION: Record<string, string> = {
  SendMessageBatch: "SendMessage",
  DeleteMessageBatch: "DeleteMessage",
  ChangeMessageVisibilityBatch: "ChangeMessageVisibility",
};

// Cross-account permissions don't apply to these actions (SQS developer guide, "Limitations of Amazon SQS custom
// policies"): another account is refused whatever the queue policy says.
const OWNER_ONLY = new Set([
  "AddPermission", "CancelMessageMoveTask", "CreateQueue", "DeleteQueue", "ListMessageMoveTasks", "ListQueues",
  "ListQueueTags", "RemovePermission", "SetQueueAttributes", "StartMessageMoveTask", "TagQueue", "UntagQueue",
]);

/** The policy action a request to this SQS operation needs, e.g. "sqs:SendMessage". */
export function policyAction(operation: string): string {
  return `sqs:${POLICY_ACTION[operation] ?? operation}`;
}

/** Whether the caller (of any account) may call ctx.operation on q. */
export function mayAccess(q: QueueRecord, ctx: Pick<RequestContext, "accountId" | "operation" | "baseUrl">, operation = ctx.operation): boolean {
  if (q.account === ctx.accountId) return true;
  if (!operation || OWNER_ONLY.has(operation) || !q.attributes.Policy) return false;
  return policyAllows(readPolicy(q.attributes.Policy), {
    account: ctx.accountId, action: policyAction(operation), resource: queueArn(q.region, q.account, q.name), secure: ctx.baseUrl.startsWith("https:"),
  });
}
