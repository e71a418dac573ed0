// The resources SQS lets operators declare (ADR 0024): queues with attributes, a redrive policy and tags. A queue is
// created when missing, else its declared attributes are set and its declared tags added (others are left as they
// are); the RedrivePolicy is set in the second pass, once every declared queue exists, and may name its dead-letter
// queue by name instead of ARN.
import type { ResourceKind } from "../module.ts";
import { declarationError, isCode, requiredString, stringMap } from "../declare.ts";
import { queueArn } from "./domain/queues.ts";

function arnFor(nameOrArn: string, scope: { account: string; region: string }): string {
  return nameOrArn.startsWith("arn:") ? nameOrArn : queueArn(scope.region, scope.account, nameOrArn);
}

/** The declared RedrivePolicy in AWS's string form, with a dead-letter queue given by name turned into its ARN. */
function redrivePolicy(raw: unknown, scope: { account: string; region: string }): string {
  let policy: unknown = raw;
  if (typeof raw === "string") {
    try {
      policy = JSON.parse(raw);
    } catch {
      return raw; // SetQueueAttributes words the error
    }
  }
  if (typeof policy !== "object" || policy === null) throw declarationError("RedrivePolicy must be a map or a JSON string");
  const p = { ...(policy as Record<string, unknown>) };
  if (typeof p.deadLetterTargetArn === "string") p.deadLetterTargetArn = arnFor(p.deadLetterTargetArn, scope);
  return JSON.stringify(p);
}

export const queueResources: ResourceKind = {
  key: "queues",
  fields: ["name", "attributes", "tags"],
  nameOf: (d) => String(d.name),
  async apply(call, decl) {
    const name = requiredString(decl, "name");
    const { RedrivePolicy: _linked, ...attributes } = stringMap(decl, "attributes") ?? {};
    const tags = stringMap(decl, "tags");
    let url: string | undefined;
    try {
      url = (await call("GetQueueUrl", { QueueName: name })).QueueUrl as string;
    } catch (e) {
      if (!isCode(e, "QueueDoesNotExist")) throw e;
    }
    if (url === undefined) {
      // A .fifo name needs FifoQueue=true at creation (CreateQueue API reference).
      if (name.endsWith(".fifo") && attributes.FifoQueue === undefined) attributes.FifoQueue = "true";
      await call("CreateQueue", { QueueName: name, Attributes: attributes, tags });
      return;
    }
    // The queue type cannot change (SetQueueAttributes refuses FifoQueue); a different declared type is refused there.
    const { FifoQueue, ...settable } = attributes;
    if (FifoQueue !== undefined && (FifoQueue === "true") !== name.endsWith(".fifo")) {
      await call("SetQueueAttributes", { QueueUrl: url, Attributes: { FifoQueue } });
    }
    if (Object.keys(settable).length > 0) await call("SetQueueAttributes", { QueueUrl: url, Attributes: settable });
    if (tags && Object.keys(tags).length > 0) await call("TagQueue", { QueueUrl: url, Tags: tags });
  },
  async link(call, decl, scope) {
    const raw = (decl.attributes as Record<string, unknown> | undefined)?.RedrivePolicy;
    if (raw === undefined) return;
    const url = (await call("GetQueueUrl", { QueueName: requiredString(decl, "name") })).QueueUrl as string;
    await call("SetQueueAttributes", { QueueUrl: url, Attributes: { RedrivePolicy: redrivePolicy(raw, scope) } });
  },
};
