// The SNS service definition: its model (query/XML only), how input problems are named, and the operations table.
import { KeyedLock } from "../../engine/keyed-lock.ts";
import { AwsError } from "../../protocol/errors.ts";
import { snsModel } from "../../protocol/models/sns.gen.ts";
import type { ServiceDefinition } from "../types.ts";
import { bindOperations, type Operation, pendingOperations } from "../operations.ts";
import type { SnsEnv } from "./env.ts";
import { parseSubscriptionArn, parseTopicArn } from "./domain/arns.ts";
import { invalidParameter } from "./errors.ts";
import { createSigner, type Signer } from "./signer.ts";
import * as permissions from "./operations/permissions.ts";
import * as platform from "./operations/platform-apps.ts";
import { publish, publishBatch } from "./operations/publish.ts";
import * as subscriptions from "./operations/subscriptions.ts";
import * as tags from "./operations/tags.ts";
import * as topics from "./operations/topics.ts";

type Op = Operation<SnsEnv>;

const OPERATIONS = (signer: Signer): Record<string, Op> => ({
  CreateTopic: topics.createTopic,
  DeleteTopic: topics.deleteTopic,
  ListTopics: topics.listTopics,
  GetTopicAttributes: topics.getTopicAttributes,
  SetTopicAttributes: topics.setTopicAttributes,
  TagResource: tags.tagResource,
  UntagResource: tags.untagResource,
  ListTagsForResource: tags.listTagsForResource,
  AddPermission: permissions.addPermission,
  RemovePermission: permissions.removePermission,
  Subscribe: subscriptions.subscribe,
  ConfirmSubscription: subscriptions.confirmSubscription,
  Unsubscribe: subscriptions.unsubscribe,
  ListSubscriptions: subscriptions.listSubscriptions,
  ListSubscriptionsByTopic: subscriptions.listSubscriptionsByTopic,
  GetSubscriptionAttributes: subscriptions.getSubscriptionAttributes,
  SetSubscriptionAttributes: subscriptions.setSubscriptionAttributes,
  Publish: publish(signer),
  PublishBatch: publishBatch(signer),
  CreatePlatformApplication: platform.createPlatformApplication,
  GetPlatformApplicationAttributes: platform.getPlatformApplicationAttributes,
  SetPlatformApplicationAttributes: platform.setPlatformApplicationAttributes,
  ListPlatformApplications: platform.listPlatformApplications,
  DeletePlatformApplication: platform.deletePlatformApplication,
  CreatePlatformEndpoint: platform.createPlatformEndpoint,
  GetEndpointAttributes: platform.getEndpointAttributes,
  SetEndpointAttributes: platform.setEndpointAttributes,
  ListEndpointsByPlatformApplication: platform.listEndpointsByPlatformApplication,
  DeleteEndpoint: platform.deleteEndpoint,
});

/** Operations in the model that this version does not carry out yet (answered with a clear error). */
export const PENDING_OPERATIONS = pendingOperations(snsModel, OPERATIONS({} as Signer));

/** Shape type of each member name across SNS's input structures (member names keep one type throughout SNS's model). */
const MEMBER_TYPES = new Map<string, string>();
for (const shape of Object.values(snsModel.shapes)) {
  for (const [name, ref] of Object.entries(shape.members ?? {})) MEMBER_TYPES.set(name, snsModel.shapes[ref.shape]?.type ?? "");
}

/**
 * "1 validation error detected: Value null at '<path>' failed to satisfy constraint: Member must not be null" for a
 * missing top-level map or a member missing inside a list or map, the path in AWS's form (lowerCamel members, each
 * list index or map key followed by "member"): recorded on AWS as 'attributes' (CreatePlatformApplication) and
 * 'publishBatchRequestEntries.1.member.messageAttributes.attr1.member.dataType' (LocalStack snapshots
 * test_create_platform_application_invalid_attributes, test_empty_or_wrong_message_attributes). Undefined otherwise.
 */
function snsValidationError(member: string): AwsError | undefined {
  const parts = member.split(".");
  if (parts.length === 1 && MEMBER_TYPES.get(member) !== "map") return undefined;
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i];
    out.push(name.charAt(0).toLowerCase() + name.slice(1));
    const type = MEMBER_TYPES.get(name);
    if ((type === "list" || type === "map") && i + 1 < parts.length) {
      out.push(parts[++i], "member");
    }
  }
  return new AwsError("ValidationError", `1 validation error detected: Value null at '${out.join(".")}' failed to satisfy constraint: Member must not be null`, { status: 400 });
}

export function createSnsService(base: SnsEnv, signer: Signer = createSigner(base.store)): ServiceDefinition {
  const env: SnsEnv = { ...base, signer, publishOrder: base.publishOrder ?? new KeyedLock() };
  const operations = bindOperations(snsModel, OPERATIONS(signer), env, (name) => new AwsError("InvalidAction", `${name} is not supported by this Mailroom version yet.`));
  return {
    signingName: "sns",
    model: snsModel,
    codecs: ["query"],
    jsonNamespace: "com.amazonaws.sns",
    queryCompatible: false,
    inputErrors: {
      // SNS names the member in its InvalidParameter message (SNS errors name the member: "Invalid parameter: <Member>");
      // a missing map, or a member missing inside a list or map, is a ValidationError instead (snsValidationError).
      missing: (member) => snsValidationError(member) ?? invalidParameter(member.split(".").pop() ?? member),
      invalid: (member) => invalidParameter(member.split(".").pop() ?? member),
    },
    operations,
    // The links in SNS messages work unsigned: SubscribeURL confirms, UnsubscribeURL unsubscribes (HTTP/S
    // subscription confirmation and message format docs); they act for the account and region in the ARN.
    // A ConfirmSubscription link whose TopicArn does not parse still gets ConfirmSubscription's own answer,
    // "Invalid parameter: Topic" (LocalStack snapshot test_subscribe_external_http_endpoint, broken-topic-arn-confirm):
    // it acts for no account, and the token is what authorizes a confirmation.
    unsignedCaller: (operation, params) => {
      const arn = operation === "ConfirmSubscription" ? params.get("TopicArn") : operation === "Unsubscribe" ? params.get("SubscriptionArn") : null;
      const p = arn ? (operation === "Unsubscribe" ? parseSubscriptionArn(arn) : parseTopicArn(arn)) : undefined;
      if (!p && operation === "ConfirmSubscription") return { accountId: "000000000000", region: "us-east-1" };
      return p ? { accountId: p.account, region: p.region } : undefined;
    },
  };
}
