// The resources SNS lets operators declare (ADR 0024): topics with attributes and tags, each with its
// subscriptions (protocol, endpoint, attributes such as FilterPolicy or RawMessageDelivery). A topic is created when
// missing (CreateTopic is idempotent), then its declared attributes are set and tags added; a subscription is made
// by Subscribe, which answers the existing one for the same protocol and endpoint, and its declared attributes are
// set. An SQS endpoint may be a queue name in the declarations' account and region.
import type { DeclarationScope, OperationCall, ResourceKind } from "../module.ts";
import { declarationError, declarationList, isCode, optionalString, requiredString, stringMap } from "../declare.ts";

const SUBSCRIPTION_FIELDS = ["protocol", "endpoint", "attributes"];

function endpointFor(protocol: string, endpoint: string, scope: DeclarationScope): string {
  if (protocol.toLowerCase() !== "sqs" || endpoint.startsWith("arn:")) return endpoint;
  return `arn:aws:sqs:${scope.region}:${scope.account}:${endpoint}`;
}

async function subscribe(call: OperationCall, topicArn: string, decl: Record<string, unknown>, scope: DeclarationScope): Promise<void> {
  for (const k of Object.keys(decl)) {
    if (!SUBSCRIPTION_FIELDS.includes(k)) throw declarationError(`unknown subscription field "${k}" (expected ${SUBSCRIPTION_FIELDS.join(", ")})`);
  }
  const protocol = requiredString(decl, "protocol");
  const endpoint = endpointFor(protocol, requiredString(decl, "endpoint"), scope);
  const attributes = stringMap(decl, "attributes") ?? {};
  const base = { TopicArn: topicArn, Protocol: protocol, Endpoint: endpoint, ReturnSubscriptionArn: true };
  try {
    await call("Subscribe", { ...base, Attributes: attributes });
    return;
  } catch (e) {
    // Subscribed before with other attributes: bring each declared one up to date.
    if (!isCode(e, "InvalidParameter") || !String((e as Error).message).includes("already exists with different attributes")) throw e;
  }
  const arn = (await call("Subscribe", base)).SubscriptionArn as string;
  for (const [AttributeName, AttributeValue] of Object.entries(attributes)) {
    await call("SetSubscriptionAttributes", { SubscriptionArn: arn, AttributeName, AttributeValue });
  }
}

export const topicResources: ResourceKind = {
  key: "topics",
  fields: ["name", "attributes", "tags", "subscriptions"],
  nameOf: (d) => String(d.name),
  async apply(call, decl, scope) {
    const name = requiredString(decl, "name");
    optionalString(decl, "name");
    const { FifoTopic, ...attributes } = stringMap(decl, "attributes") ?? {};
    const tags = stringMap(decl, "tags");
    // A FIFO topic's type is fixed at creation (FifoTopic is a create-only attribute, CreateTopic API reference).
    const fifo = FifoTopic ?? (name.endsWith(".fifo") ? "true" : undefined);
    const topicArn = (await call("CreateTopic", { Name: name, Attributes: fifo ? { FifoTopic: fifo } : undefined })).TopicArn as string;
    for (const [AttributeName, AttributeValue] of Object.entries(attributes)) {
      await call("SetTopicAttributes", { TopicArn: topicArn, AttributeName, AttributeValue });
    }
    if (tags && Object.keys(tags).length > 0) {
      await call("TagResource", { ResourceArn: topicArn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
    }
    for (const sub of declarationList(decl, "subscriptions")) await subscribe(call, topicArn, sub, scope);
  },
};
