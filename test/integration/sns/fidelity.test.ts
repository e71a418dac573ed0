// SNS fidelity details checked against the API references and AWS's recorded responses (LocalStack's
// AWS-validated snapshots): AuthenticateOnUnsubscribe, ConfirmSubscription's errors, and the validation
// messages of CreateTopic, topic ARNs, subscription attributes, PublishBatch entries and tags.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  AddPermissionCommand, ConfirmSubscriptionCommand, CreatePlatformApplicationCommand, CreatePlatformEndpointCommand, CreateTopicCommand, DeleteTopicCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand,
  GetPlatformApplicationAttributesCommand, ListSubscriptionsByTopicCommand, PublishBatchCommand, SetEndpointAttributesCommand,
  SetPlatformApplicationAttributesCommand, PublishCommand, SetSubscriptionAttributesCommand, SetTopicAttributesCommand,
  type SNSClient, SubscribeCommand, TagResourceCommand, UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import type { Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { snsClient, startTestServer } from "../../helpers/server.ts";

const OWNER = { accessKeyId: "AKIDFID", secretAccessKey: "fid-secret", accountId: "123456789012" };
let server: Mailroom;
let sns: SNSClient;
before(async () => {
  server = await startTestServer({ accessKeys: [OWNER] });
  sns = snsClient(server.endpoint, OWNER);
});
after(() => server.close());

type Mail = Record<string, string>;
async function mails(address: string): Promise<Mail[]> {
  const all = (await (await fetch(`${server.endpoint}/_aws/sns/email-messages`)).json()) as { email_messages: Record<string, Mail[]> };
  return all.email_messages[address] ?? [];
}

let n = 0;
/** A topic with a pending email-json subscription; returns its confirmation (Token, SubscribeURL). */
async function pending() {
  const address = `fid-${++n}@example.com`;
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `fid-${n}` }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "email-json", Endpoint: address }));
  const [conf] = await mails(address);
  assert.ok(conf?.Token, "no SubscriptionConfirmation in the email sink");
  return { TopicArn: TopicArn!, address, token: conf.Token, subscribeUrl: conf.SubscribeURL };
}

/** Publishes and returns the UnsubscribeURL of the notification the address got. */
async function unsubscribeUrl(TopicArn: string, address: string): Promise<string> {
  await sns.send(new PublishCommand({ TopicArn, Message: "hello" }));
  const note = (await mails(address)).at(-1)!;
  return (JSON.parse(note.Message) as { UnsubscribeURL: string }).UnsubscribeURL;
}

const subAttrs = async (SubscriptionArn: string) => (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;

describe("AuthenticateOnUnsubscribe", () => {
  test("confirmed signed with AuthenticateOnUnsubscribe=true: the unsigned UnsubscribeURL is refused, the owner's signed Unsubscribe works", async () => {
    const { TopicArn, address, token } = await pending();
    const { SubscriptionArn } = await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: token, AuthenticateOnUnsubscribe: "true" }));
    assert.ok(SubscriptionArn);
    const attrs = await subAttrs(SubscriptionArn);
    assert.equal(attrs.PendingConfirmation, "false");
    assert.equal(attrs.ConfirmationWasAuthenticated, "true");
    assert.equal(attrs.AuthenticateOnUnsubscribe, undefined, "not a subscription attribute AWS shows");

    const res = await fetch(await unsubscribeUrl(TopicArn, address));
    const text = await res.text();
    assert.equal(res.status, 403, text);
    assert.match(text, /<Code>MissingAuthenticationToken<\/Code>/);
    assert.equal((await subAttrs(SubscriptionArn)).PendingConfirmation, "false", "still subscribed");

    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    await rejectsAws(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), { name: "NotFoundException", message: "Subscription does not exist" });
  });

  test("the flag counts only on a signed ConfirmSubscription: through the unsigned SubscribeURL the link still unsubscribes", async () => {
    const { TopicArn, address, subscribeUrl } = await pending();
    const res = await fetch(`${subscribeUrl}&AuthenticateOnUnsubscribe=true`);
    assert.equal(res.status, 200);
    const SubscriptionArn = /<SubscriptionArn>([^<]+)</.exec(await res.text())![1];
    assert.equal((await subAttrs(SubscriptionArn)).ConfirmationWasAuthenticated, "false");
    assert.equal((await fetch(await unsubscribeUrl(TopicArn, address))).status, 200);
    await rejectsAws(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), { name: "NotFoundException" });
  });

  test("confirmed signed without the flag: the link unsubscribes", async () => {
    const { TopicArn, address, token } = await pending();
    const { SubscriptionArn } = await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: token }));
    assert.equal((await subAttrs(SubscriptionArn!)).ConfirmationWasAuthenticated, "true");
    assert.equal((await fetch(await unsubscribeUrl(TopicArn, address))).status, 200);
    await rejectsAws(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), { name: "NotFoundException" });
  });
});

describe("AuthenticateOnUnsubscribe without configured access keys (anonymous mode)", () => {
  let open: Mailroom;
  before(async () => {
    open = await startTestServer();
  });
  after(() => open.close());

  test("an unsigned Unsubscribe is still refused, a signed one works", async () => {
    const client = snsClient(open.endpoint);
    const { TopicArn } = await client.send(new CreateTopicCommand({ Name: "anon-auth" }));
    await client.send(new SubscribeCommand({ TopicArn, Protocol: "email-json", Endpoint: "anon@example.com" }));
    const sink = (await (await fetch(`${open.endpoint}/_aws/sns/email-messages`)).json()) as { email_messages: Record<string, Mail[]> };
    const { SubscriptionArn } = await client.send(new ConfirmSubscriptionCommand({ TopicArn, Token: sink.email_messages["anon@example.com"][0].Token, AuthenticateOnUnsubscribe: "true" }));
    const res = await fetch(`${open.endpoint}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(SubscriptionArn!)}`);
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>MissingAuthenticationToken<\/Code>/);
    await client.send(new UnsubscribeCommand({ SubscriptionArn }));
    await rejectsAws(client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), { name: "NotFoundException" });
  });
});

describe("ConfirmSubscription errors (LocalStack snapshots test_sns_confirm_subscription_wrong_token, test_subscribe_external_http_endpoint)", () => {
  const invalid = (message: string) => ({ name: "InvalidParameterException", status: 400, message });

  test("malformed TopicArn, a topic in another region, a token that is not hex, an unknown token", async () => {
    const { TopicArn, token } = await pending();
    await rejectsAws(sns.send(new ConfirmSubscriptionCommand({ TopicArn: "not-an-arn", Token: token })), invalid("Invalid parameter: Topic"));
    await rejectsAws(sns.send(new ConfirmSubscriptionCommand({ TopicArn: TopicArn.replace("us-east-1", "eu-central-1"), Token: token })), invalid("Invalid parameter: Topic"));
    await rejectsAws(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: "randomtoken" })), invalid("Invalid token"));
    await rejectsAws(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: "abc123" })), invalid("Invalid parameter: Token"));
    await rejectsAws(sns.send(new ConfirmSubscriptionCommand({ TopicArn: `${TopicArn.slice(0, -1)}x`, Token: "ab".repeat(144) })), invalid("Invalid parameter: Token"));
    // The token decides: a TopicArn of its region naming no topic still confirms (recorded: nonexistent-token-confirm).
    const { SubscriptionArn } = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: `${TopicArn}-nonexistent`, Token: token }));
    assert.ok(SubscriptionArn?.startsWith(`${TopicArn}:`));
    assert.equal((await subAttrs(SubscriptionArn!)).PendingConfirmation, "false");
  });

  test("over the unsigned SubscribeURL too", async () => {
    const { subscribeUrl } = await pending();
    const broken = subscribeUrl.replace(/TopicArn=[^&]+/, "TopicArn=not-an-arn");
    const res = await fetch(broken);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>InvalidParameter<\/Code>\s*<Message>Invalid parameter: Topic<\/Message>/);
  });
});

const invalidParameter = (message: string | RegExp) => ({ name: "InvalidParameterException", status: 400, message });

describe("topic names (LocalStack snapshots test_create_topic_name_constraints, test_create_topic_different_attrs)", () => {
  test("every bad name is 'Invalid parameter: Topic Name'", async () => {
    const bad = ["", "a".repeat(257), "test.fifo", ...[":", ";", "!", "@", "|", "^", "%", " "].map((c) => `bad${c}name`)];
    for (const Name of bad) await rejectsAws(sns.send(new CreateTopicCommand({ Name })), invalidParameter("Invalid parameter: Topic Name"));
    await rejectsAws(sns.send(new CreateTopicCommand({ Name: "test", Attributes: { FifoTopic: "true" } })), invalidParameter("Invalid parameter: Topic Name"));
    assert.ok((await sns.send(new CreateTopicCommand({ Name: "a".repeat(256) }))).TopicArn);
    assert.ok((await sns.send(new CreateTopicCommand({ Name: `${"a".repeat(251)}.fifo`, Attributes: { FifoTopic: "true" } }))).TopicArn);
  });

  test("an existing standard topic's name with FifoTopic=true is a bad name; FifoTopic=false is no change", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "names-existing", Attributes: { DisplayName: "v1" } }));
    assert.equal((await sns.send(new CreateTopicCommand({ Name: "names-existing", Attributes: { FifoTopic: "false" } }))).TopicArn, TopicArn);
    await rejectsAws(sns.send(new CreateTopicCommand({ Name: "names-existing", Attributes: { FifoTopic: "true" } })), invalidParameter("Invalid parameter: Topic Name"));
    await rejectsAws(sns.send(new CreateTopicCommand({ Name: "names-existing", Attributes: { SignatureVersion: "2", DisplayName: "v1" } })),
      invalidParameter("Invalid parameter: Attributes Reason: Topic already exists with different attributes"));
  });
});

describe("topic ARNs (LocalStack snapshots test_publish_wrong_arn_format, test_subscribe_with_invalid_topic, test_cross_region_access)", () => {
  test("malformed ARNs name how many elements they have", async () => {
    await rejectsAws(sns.send(new GetTopicAttributesCommand({ TopicArn: "randomstring" })), invalidParameter("Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1"));
    await rejectsAws(sns.send(new PublishCommand({ TopicArn: "randomstring:1", Message: "m" })), invalidParameter("Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 2"));
    await rejectsAws(sns.send(new PublishCommand({ TopicArn: "", Message: "m" })), invalidParameter("Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1"));
    await rejectsAws(sns.send(new SubscribeCommand({ TopicArn: "arn:aws:sns:us-east-1:random", Protocol: "email", Endpoint: "a@example.com" })),
      invalidParameter("Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 5"));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "arns-exists" }));
    await rejectsAws(sns.send(new SubscribeCommand({ TopicArn: `${TopicArn}aaa`, Protocol: "email", Endpoint: "a@example.com" })), { name: "NotFoundException", status: 404, message: "Topic does not exist" });
  });

  test("a topic of another region: 'Invalid parameter: TopicArn' for every topic operation", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "arns-region" }));
    const other = snsClient(server.endpoint, { ...OWNER, region: "eu-west-1" });
    const refused = invalidParameter("Invalid parameter: TopicArn");
    await rejectsAws(other.send(new GetTopicAttributesCommand({ TopicArn })), refused);
    await rejectsAws(other.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "DisplayName", AttributeValue: "x" })), refused);
    await rejectsAws(other.send(new PublishCommand({ TopicArn, Message: "m" })), refused);
    await rejectsAws(other.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: "1", Message: "m" }] })), refused);
    await rejectsAws(other.send(new SubscribeCommand({ TopicArn, Protocol: "email", Endpoint: "a@example.com" })), refused);
    await rejectsAws(other.send(new ListSubscriptionsByTopicCommand({ TopicArn })), refused);
    await rejectsAws(other.send(new DeleteTopicCommand({ TopicArn })), refused);
    assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.TopicArn, TopicArn, "still there");
  });
});

describe("subscription attributes (LocalStack snapshots test_validate_set_sub_attributes, test_create_subscriptions_with_attributes, test_subscribe_invalid_filter_policy, test_validations_for_fifo)", () => {
  const queueArn = (name: string) => `arn:aws:sqs:us-east-1:${OWNER.accountId}:${name}`;
  const JACKSON = " at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: ";

  test("SetSubscriptionAttributes words problems without the Attributes prefix", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "sattr-set" }));
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queueArn("sattr-q") }));
    const set = (AttributeName: string, AttributeValue: string) => sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName, AttributeValue }));
    await rejectsAws(set("FakeAttribute", "test-value"), invalidParameter("Invalid parameter: AttributeName"));
    await rejectsAws(set("RawMessageDelivery", "test-ValUe"), invalidParameter("Invalid parameter: RawMessageDelivery: Invalid value [test-ValUe]. Must be true or false."));
    await rejectsAws(set("RawMessageDelivery", ""), invalidParameter("Invalid parameter: RawMessageDelivery: Invalid value []. Must be true or false."));
    await rejectsAws(set("RedrivePolicy", JSON.stringify({ deadLetterTargetArn: "fake-arn" })), invalidParameter("Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn"));
    await rejectsAws(set("RedrivePolicy", "{invalidjson}"), invalidParameter(
      `Invalid parameter: RedrivePolicy: failed to parse JSON. Unexpected character ('i' (code 105)): was expecting double-quote to start field name\n${JACKSON}2]`));
    await rejectsAws(set("FilterPolicy", "{invalidjson}"), invalidParameter(
      `Invalid parameter: FilterPolicy: failed to parse JSON. Unexpected character ('i' (code 105)): was expecting double-quote to start field name\n${JACKSON}2]`));
  });

  test("Subscribe words them with 'Attributes Reason: '", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "sattr-sub" }));
    await rejectsAws(sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queueArn("sattr-q2"), Attributes: { RawMessageDelivery: "wrongvalue" } })),
      invalidParameter("Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [wrongvalue]. Must be true or false."));
    await rejectsAws(sns.send(new SubscribeCommand({ TopicArn, Protocol: "email", Endpoint: "t@example.com", Attributes: { FilterPolicy: "invalid-json" } })), invalidParameter(
      `Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON. Unrecognized token 'invalid': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n${JACKSON}8]`));
  });

  test("a FIFO queue's subscription needs a FIFO dead-letter queue; a standard queue's may keep a standard one", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "sattr.fifo", Attributes: { FifoTopic: "true" } }));
    const std = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queueArn("sattr-std") }));
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: std.SubscriptionArn, AttributeName: "RedrivePolicy", AttributeValue: JSON.stringify({ deadLetterTargetArn: queueArn("dlq") }) }));
    const fifo = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queueArn("sattr-f.fifo") }));
    await rejectsAws(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: fifo.SubscriptionArn, AttributeName: "RedrivePolicy", AttributeValue: JSON.stringify({ deadLetterTargetArn: queueArn("dlq") }) })),
      invalidParameter("Invalid parameter: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic."));
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: fifo.SubscriptionArn, AttributeName: "RedrivePolicy", AttributeValue: JSON.stringify({ deadLetterTargetArn: queueArn("dlq.fifo") }) }));
  });

  test("SMS endpoints that are not E.164 (LocalStack snapshots test_subscribe_invalid_sms, test_publish_wrong_phone_format)", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "sattr-sms" }));
    for (const Endpoint of ["+15--551234567", "NAA+15551234567", "+15551234567.", "/+15551234567", "invalid-number"]) {
      await rejectsAws(sns.send(new SubscribeCommand({ TopicArn, Protocol: "sms", Endpoint })), invalidParameter(`Invalid SMS endpoint: ${Endpoint}`));
    }
    assert.ok((await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sms", Endpoint: "+123123123" }))).SubscriptionArn);
    await rejectsAws(sns.send(new PublishCommand({ PhoneNumber: "+1a234", Message: "m" })), invalidParameter("Invalid parameter: PhoneNumber Reason: +1a234 is not valid to publish to"));
  });
});

describe("PublishBatch (LocalStack snapshots test_publish_batch_invalid_entry_id, test_publish_batch_exceptions)", () => {
  test("entry ids, duplicates, empty and oversized batches", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "batch-ids" }));
    const batch = (PublishBatchRequestEntries: { Id: string; Message: string }[]) => sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries }));
    const idError = (message: string) => ({ name: "InvalidBatchEntryIdException", status: 400, message });
    await rejectsAws(batch([{ Id: "message.id", Message: "m" }]), idError("The Id of a batch entry in the batch request contains an impermissible character: message.id"));
    await rejectsAws(batch([{ Id: "msg@123#test", Message: "m" }]), idError("The Id of a batch entry in the batch request contains an impermissible character: msg@123#test"));
    await rejectsAws(batch([{ Id: "a".repeat(81), Message: "m" }]), idError(`The Id of a batch entry in the batch request is too long: ${"a".repeat(81)}`));
    assert.equal((await batch([{ Id: "a".repeat(80), Message: "m" }])).Successful?.length, 1);
    assert.equal((await batch([{ Id: "valid-message_123", Message: "m" }])).Successful?.length, 1);
    await rejectsAws(batch([{ Id: "1", Message: "a" }, { Id: "1", Message: "b" }]), { name: "BatchEntryIdsNotDistinctException", status: 400, message: "Two or more batch entries in the request have the same Id." });
    await rejectsAws(batch(Array.from({ length: 11 }, (_, i) => ({ Id: `Id_${i}`, Message: "m" }))), { name: "TooManyEntriesInBatchRequestException", status: 400, message: "The batch request contains more entries than permissible." });
    await rejectsAws(batch([]), { name: "EmptyBatchRequestException", status: 400 });
  });

  test("an invalid entry fails the whole request with Publish's error", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "batch-exc.fifo", Attributes: { FifoTopic: "true" } }));
    const batch = (PublishBatchRequestEntries: Record<string, unknown>[]) => sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: PublishBatchRequestEntries as never }));
    await rejectsAws(batch([{ Id: "1", Message: "no group" }]), invalidParameter("Invalid parameter: The MessageGroupId parameter is required for FIFO topics"));
    await rejectsAws(batch([{ Id: "1", Message: "no dedup", MessageGroupId: "g" }]),
      invalidParameter("Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"));
    await rejectsAws(batch([{ Id: "1", Message: JSON.stringify({ sqs: "x" }), MessageStructure: "json" }]), invalidParameter("Invalid parameter: Message Structure - No default entry in JSON message body"));
    const std = (await sns.send(new CreateTopicCommand({ Name: "batch-exc-std" }))).TopicArn;
    await rejectsAws(sns.send(new PublishBatchCommand({
      TopicArn: std,
      PublishBatchRequestEntries: [{ Id: "1", Message: "test-batch", MessageAttributes: { attr1: { DataType: "String", StringValue: "" } } }, { Id: "3", Message: "valid-batch" }],
    })), { name: "InvalidParameterValueException", code: "ParameterValueInvalid", status: 400, message: "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type 'String'." });
  });
});

describe("message attributes (LocalStack snapshot test_empty_or_wrong_message_attributes)", () => {
  test("each problem's ParameterValueInvalid wording", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "msg-attrs" }));
    const cases: [Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }>, string][] = [
      [{ attr1: { DataType: "String", StringValue: "" } }, "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type 'String'."],
      [{ attr1: { DataType: "String" } }, "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type 'String'."],
      [{ attr1: { DataType: "String", BinaryValue: Buffer.from("123") } }, "The message attribute 'attr1' with type 'String' must use field 'String'."],
      [{ attr1: { DataType: "Number", BinaryValue: Buffer.from("123") } }, "The message attribute 'attr1' with type 'Number' must use field 'String'."],
      [{ attr1: { DataType: "Binary", StringValue: "123" } }, "The message attribute 'attr1' with type 'Binary' must use field 'Binary'."],
      [{ attr1: { DataType: "InvalidType", StringValue: "123" } }, "The message attribute 'attr1' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."],
      [{ ["a".repeat(257)]: { DataType: "String", StringValue: "123" } }, "Length of message attribute name must be less than 256 bytes."],
      [{ "a^*?": { DataType: "String", StringValue: "123" } }, "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots."],
      [{ ".abc": { DataType: "String", StringValue: "123" } }, "Invalid message attribute name starting with character '.' was found."],
      [{ "abc.": { DataType: "String", StringValue: "123" } }, "Invalid message attribute name ending with character '.' was found."],
      [{ "a..bc": { DataType: "String", StringValue: "123" } }, "Message attribute name can not have successive '.' character."],
    ];
    for (const [MessageAttributes, message] of cases) {
      await rejectsAws(sns.send(new PublishCommand({ TopicArn, Message: "test message", MessageAttributes })), { name: "InvalidParameterValueException", code: "ParameterValueInvalid", status: 400, message });
    }
  });
});

describe("tags (LocalStack snapshot test_tags)", () => {
  test("a key given twice: 'Invalid parameter: Duplicated keys are not allowed.'", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "tags-dup" }));
    const Tags = [{ Key: "k1", Value: "v1" }, { Key: "k2", Value: "v2" }, { Key: "k2", Value: "v2" }];
    await rejectsAws(sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags })), invalidParameter("Invalid parameter: Duplicated keys are not allowed."));
    await rejectsAws(sns.send(new CreateTopicCommand({ Name: "tags-dup-create", Tags })), invalidParameter("Invalid parameter: Duplicated keys are not allowed."));
  });
});

describe("missing members inside lists and maps, and missing maps: ValidationError with AWS's path", () => {
  const nullAt = (path: string) => ({ name: "ValidationError", status: 400, message: `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null` });

  test("a message attribute without DataType, in Publish and in PublishBatch (LocalStack snapshot test_empty_or_wrong_message_attributes)", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "val-datatype" }));
    const MessageAttributes = { attr1: { StringValue: "value" } } as never;
    await rejectsAws(sns.send(new PublishCommand({ TopicArn, Message: "m", MessageAttributes })), nullAt("messageAttributes.attr1.member.dataType"));
    await rejectsAws(sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: "1", Message: "m", MessageAttributes }] })),
      nullAt("publishBatchRequestEntries.1.member.messageAttributes.attr1.member.dataType"));
  });

  test("CreatePlatformApplication without Attributes (LocalStack snapshot test_create_platform_application_invalid_attributes)", async () => {
    await rejectsAws(sns.send(new CreatePlatformApplicationCommand({ Name: "val-app", Platform: "ADM" } as never)), nullAt("attributes"));
  });
});

describe("mobile push validation (LocalStack snapshots test_create_platform_application_*, test_*platform_endpoint*, test_publish_non_existent_target)", () => {
  test("application names, platforms, credentials, ARNs", async () => {
    const Attributes = { PlatformPrincipal: "dummy", PlatformCredential: "dummy" };
    const create = (Name: string, Platform = "ADM", attrs: Record<string, string> = Attributes) => sns.send(new CreatePlatformApplicationCommand({ Name, Platform, Attributes: attrs }));
    await rejectsAws(create("a".repeat(257)), invalidParameter(`Invalid parameter: ${"a".repeat(257)} Reason: must be at most 256 characters long`));
    await rejectsAws(create(""), invalidParameter("Invalid parameter:  Reason: cannot be empty"));
    await rejectsAws(create("@name"), invalidParameter("Invalid parameter: @name Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'"));
    await rejectsAws(create("app", "AAA"), invalidParameter("Invalid parameter: Platform Reason: AAA is not supported"));
    await rejectsAws(create("app", "ADM", { PlatformPrincipal: "p" }), invalidParameter("Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential"));
    await rejectsAws(create("app", "ADM", { PlatformCredential: "c" }), invalidParameter("Invalid parameter: Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal"));
    await rejectsAws(sns.send(new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn: "invalid-arn" })),
      invalidParameter("Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 elements, not 1"));
    await rejectsAws(sns.send(new SetPlatformApplicationAttributesCommand({ PlatformApplicationArn: "invalid-arn", Attributes: { Enabled: "true" } })),
      invalidParameter("Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 elements, not 1"));
  });

  test("endpoint attributes, and publishing to a missing endpoint", async () => {
    const { PlatformApplicationArn } = await sns.send(new CreatePlatformApplicationCommand({ Name: "val-push", Platform: "ADM", Attributes: { PlatformPrincipal: "p", PlatformCredential: "c" } }));
    const cases: [Record<string, string>, string][] = [
      [{ PlatformPrincipal: "Principal" }, "Invalid parameter: Attributes Reason: Invalid attribute name: PlatformPrincipal"],
      [{ PlatformCredential: "Credential" }, "Invalid parameter: Attributes Reason: Invalid attribute name: PlatformCredential"],
      [{ InvalidKey: "Value" }, "Invalid parameter: Attributes Reason: Invalid attribute name: InvalidKey"],
      [{ CustomUserData: "A".repeat(2050) }, "Invalid parameter: Attributes Reason: Invalid value for attribute: CustomUserData: must be at most 2048 bytes long in UTF-8 encoding"],
    ];
    for (const [Attributes, message] of cases) {
      await rejectsAws(sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: "token_1", Attributes })), invalidParameter(message));
    }
    const { EndpointArn } = await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: "token_1" }));
    for (const [Attributes, message] of cases) await rejectsAws(sns.send(new SetEndpointAttributesCommand({ EndpointArn, Attributes })), invalidParameter(message));
    const missing = `arn:aws:sns:us-east-1:${OWNER.accountId}:endpoint/APNS/abcdef/0f7d5971-aa8b-4bd5-b585-0826e9f93a66`;
    await rejectsAws(sns.send(new PublishCommand({ TargetArn: missing, Message: "push" })), invalidParameter("Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified"));
  });
});

describe("AddPermission (LocalStack snapshot test_add_permission_errors)", () => {
  test("a duplicate label, an action outside SNS", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "perm-errors" }));
    await sns.send(new AddPermissionCommand({ TopicArn, Label: "test", AWSAccountId: [OWNER.accountId], ActionName: ["Publish"] }));
    await rejectsAws(sns.send(new AddPermissionCommand({ TopicArn, Label: "test", AWSAccountId: [OWNER.accountId], ActionName: ["AddPermission"] })), invalidParameter("Invalid parameter: Statement already exists"));
    await rejectsAws(sns.send(new AddPermissionCommand({ TopicArn, Label: "test-2", AWSAccountId: [OWNER.accountId], ActionName: ["InvalidAction"] })),
      invalidParameter("Invalid parameter: Policy statement action out of service scope!"));
  });
});
