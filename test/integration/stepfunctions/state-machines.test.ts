// Step Functions state machines through @aws-sdk/client-sfn: create (validation with AWS's InvalidDefinition
// diagnostics, name and role rules, idempotency), describe, list with paging, delete; refusals of what this
// version does not run; pending operations.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type SFNClient,
  UpdateStateMachineCommand, StopExecutionCommand,
  DescribeStateMachineForExecutionCommand, ListTagsForResourceCommand, StartExecutionCommand, TagResourceCommand, UntagResourceCommand,
  PublishStateMachineVersionCommand, CreateStateMachineCommand, DeleteStateMachineCommand, DescribeStateMachineCommand, ListStateMachinesCommand,
  type CreateStateMachineCommandInput,
} from "@aws-sdk/client-sfn";
import { PENDING_OPERATIONS } from "../../../src/services/stepfunctions/index.ts";
import { useTestServer } from "../../helpers/server.ts";
import { def, ROLE, sfnClient } from "./helpers.ts";

const { server } = useTestServer();
// One client for the file: a client per call would leave a keep-alive connection each, past the server's connection cap.
let client: SFNClient | undefined;
const sfn = () => (client ??= sfnClient(server.endpoint));
let n = 0;
const PASS = def({ A: { Type: "Pass", End: true } });

async function create(input: Partial<CreateStateMachineCommandInput>) {
  return sfn().send(new CreateStateMachineCommand({ name: `sm-${++n}`, roleArn: ROLE, definition: PASS, ...input } as CreateStateMachineCommandInput));
}

async function refused(input: Partial<CreateStateMachineCommandInput>, code: string, message?: RegExp | string) {
  await assert.rejects(create(input), (e: Error) => {
    assert.equal(e.name, code);
    if (typeof message === "string") assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

describe("CreateStateMachine and DescribeStateMachine", () => {
  test("a STANDARD machine is created and described as given", async () => {
    const { stateMachineArn, creationDate } = await create({ name: "orders" });
    assert.equal(stateMachineArn, "arn:aws:states:us-east-1:000000000000:stateMachine:orders");
    assert.ok(creationDate instanceof Date);
    const d = await sfn().send(new DescribeStateMachineCommand({ stateMachineArn }));
    assert.equal(d.name, "orders");
    assert.equal(d.status, "ACTIVE");
    assert.equal(d.type, "STANDARD");
    assert.equal(d.definition, PASS);
    assert.equal(d.roleArn, ROLE);
    assert.deepEqual(d.loggingConfiguration, { level: "OFF", includeExecutionData: false });
  });

  test("creating the same machine again is idempotent; a different definition under the name is StateMachineAlreadyExists", async () => {
    const a = await create({ name: "twice" });
    const b = await create({ name: "twice" });
    assert.equal(b.stateMachineArn, a.stateMachineArn);
    assert.equal(b.creationDate?.getTime(), a.creationDate?.getTime());
    await refused({ name: "twice", definition: def({ B: { Type: "Succeed" } }) }, "StateMachineAlreadyExists", `State Machine Already Exists: '${a.stateMachineArn}'`);
  });

  test("names: 1 to 80 characters without whitespace, brackets, wildcards or special characters", async () => {
    await create({ name: "a".repeat(80) });
    for (const bad of ["a".repeat(81), "with space", "a/b", "a:b", "a*", "{x}", "a$"]) await refused({ name: bad }, "InvalidName", `Invalid Name: '${bad}'`);
  });

  test("roleArn is required and must name an IAM role", async () => {
    await refused({ roleArn: undefined }, "ValidationException", /Value null at 'roleArn' failed to satisfy constraint: Member must not be null/);
    await refused({ roleArn: "not-an-arn" }, "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: not-an-arn'");
  });

  test("structural errors answer InvalidDefinition with AWS's diagnostics", async () => {
    const cases: [string, RegExp][] = [
      ["{not json", /^Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: /],
      // Built as text: the client could not serialize such nesting itself.
      [`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Parameters":${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}}}}`, /nested more than 256 levels/],
      [`{"StartAt":"A","States":{"B":{"Type":"Succeed"},"A":{"Type":"Choice","Default":"B","Choices":[{"Next":"A",${'"Not":{'.repeat(20_000)}"Variable":"$.x","IsNull":true${"}".repeat(20_000)}}]}}}`, /nested more than 256 levels/],
      ["[1]", /^Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object'$/],
      ["{}", /^Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: \[States, StartAt\] at \/'$/],
      [JSON.stringify({ States: { A: { Type: "Succeed" } } }), /SCHEMA_VALIDATION_FAILED: These fields are required: \[StartAt\] at \//],
      [JSON.stringify({ StartAt: "A" }), /SCHEMA_VALIDATION_FAILED: These fields are required: \[States\] at \//],
      [def({ A: { Type: "Pass", Next: "B" } }), /MISSING_TRANSITION_TARGET: Missing 'Next' target: B at \/States\/A\/Next/],
      [def({ A: { Type: "Succeed" } }, "X"), /MISSING_TRANSITION_TARGET: Missing 'Next' target: X at \/StartAt/],
      [def({ A: { Type: "Succeed" }, B: { Type: "Succeed" } }), /MISSING_TRANSITION_TARGET: State "B" is not reachable\. at \/States\/B/],
      [def({ A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", Next: "A" } }), /MISSING_TERMINAL_STATE: Workflow has no terminal state at \//],
      [def({ A: { Type: "Pass" } }), /exactly one of 'Next' or 'End' at \/States\/A/],
      [def({ A: { Type: "Wait", End: true } }), /exactly one of 'Seconds', 'SecondsPath', 'Timestamp', or 'TimestampPath'/],
      [def({ A: { Type: "Choice", Choices: [] } }), /The field 'Choices' should be non-empty/],
      [def({ A: { Type: "Choice", Choices: [{ Variable: "$.x", Bogus: 1, Next: "A" }] } }), /The field 'Bogus' is not supported/],
      [def({ A: { Type: "Nope", End: true } }), /The field 'Type' should have one of these values/],
      [def({ A: { Type: "Pass", End: true, Foo: 1 } }), /Field 'Foo' is not supported for state type 'Pass' at \/States\/A\/Foo/],
      [def({ A: { Type: "Pass", End: true, ResultPath: "$.a[*]" } }), /'ResultPath' must be a valid Reference Path/],
      [JSON.stringify({ StartAt: "A", TimeoutSeconds: 0, States: { A: { Type: "Pass", End: true } } }), /'TimeoutSeconds' must be a positive INTEGER at \/TimeoutSeconds/],
      [JSON.stringify({ StartAt: "A", TimeoutSeconds: 1.5, States: { A: { Type: "Pass", End: true } } }), /'TimeoutSeconds' must be a positive INTEGER/],
      // Wording and cases recorded on AWS (LocalStack snapshot test_wait_timestamp_invalid).
      ...["2016-12-05 21:29:29Z", "2016-12-05T21:29:29", "2016-13-05T21:29:29Z", "2016-12-05T25:29:29Z", "05-12-2016T21:29:29Z", "2016-02-30T00:00:00Z"].map(
        (t): [string, RegExp] => [def({ WaitUntil: { Type: "Wait", Timestamp: t, End: true } }), /^Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: String does not match RFC3339 timestamp at \/States\/WaitUntil\/Timestamp'$/],
      ),
    ];
    for (const [definition, message] of cases) await refused({ definition }, "InvalidDefinition", message);
  });

  test("what this version does not run is refused at creation, never accepted and ignored", async () => {
    const cases: [Partial<CreateStateMachineCommandInput>, string, RegExp][] = [
      [{ definition: def({ A: { Type: "Map", ItemReader: { Resource: "arn:aws:states:::s3:getObject" }, ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "B", States: { B: { Type: "Succeed" } } }, End: true } }) }, "InvalidDefinition", /The field 'ItemReader' \(Amazon S3\) is not supported by this Mailroom version/],
      [{ definition: def({ A: { Type: "Map", ResultWriter: { Resource: "arn:aws:states:::s3:putObject" }, ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "B", States: { B: { Type: "Succeed" } } }, End: true } }) }, "InvalidDefinition", /The field 'ResultWriter' \(Amazon S3\) is not supported/],
      [{ definition: def({ A: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage", Credentials: { RoleArn: "arn:aws:iam::000000000000:role/x" }, End: true } }) }, "InvalidDefinition", /The field 'Credentials' \(cross-account tasks\) is not supported/],
      [{ definition: def({ A: { Type: "Pass", Retry: [], End: true } }) }, "InvalidDefinition", /Field 'Retry' is not supported for state type 'Pass'/],

      [{ type: "BATCH" as never }, "ValidationException", /Member must satisfy enum value set: \[STANDARD, EXPRESS\]/],
      [{ loggingConfiguration: { level: "ALL" } }, "InvalidLoggingConfiguration", /Must specify exactly one Log Destination/],
      [{ versionDescription: "v" }, "ValidationException", /only be set when publish is true/],
      [{ encryptionConfiguration: { type: "AWS_OWNED_KEY" } }, "ValidationException", /encryptionConfiguration/],
    ];
    for (const [input, code, message] of cases) await refused(input, code, message);
  });
});

describe("ListStateMachines and DeleteStateMachine", () => {
  test("pages through every machine once, in ARN order", async () => {
    const client = sfnClient(server.endpoint);
    for (let i = 0; i < 5; i++) await create({ name: `page-${i}` });
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const r = await client.send(new ListStateMachinesCommand({ maxResults: 2, nextToken }));
      assert.ok(r.stateMachines!.length <= 2);
      for (const m of r.stateMachines!) {
        assert.equal(m.type, "STANDARD");
        assert.ok(m.creationDate instanceof Date);
        seen.push(m.name!);
      }
      nextToken = r.nextToken;
    } while (nextToken);
    assert.deepEqual(seen.filter((s) => s.startsWith("page-")), ["page-0", "page-1", "page-2", "page-3", "page-4"]);
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual(seen, [...seen].sort());
    await assert.rejects(client.send(new ListStateMachinesCommand({ nextToken: "garbage!" })), { name: "InvalidToken" });
    await assert.rejects(client.send(new ListStateMachinesCommand({ maxResults: 1001 })), {
      name: "ValidationException", message: "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    });
    await assert.rejects(client.send(new ListStateMachinesCommand({ nextToken: "t".repeat(1025) })), { name: "ValidationException" });
  });

  test("a deleted machine is gone; deleting again succeeds; a malformed ARN is InvalidArn", async () => {
    const { stateMachineArn } = await create({ name: "doomed" });
    await sfn().send(new DeleteStateMachineCommand({ stateMachineArn }));
    await assert.rejects(sfn().send(new DescribeStateMachineCommand({ stateMachineArn })), {
      name: "StateMachineDoesNotExist", message: `State Machine Does Not Exist: '${stateMachineArn}'`,
    });
    await sfn().send(new DeleteStateMachineCommand({ stateMachineArn }));
    await assert.rejects(sfn().send(new DeleteStateMachineCommand({ stateMachineArn: "arn:nope" })), { name: "InvalidArn" });
    await assert.rejects(sfn().send(new DescribeStateMachineCommand({ stateMachineArn: "arn:nope" })), { name: "InvalidArn" });
    // Recorded on AWS (LocalStack snapshot test_describe_invalid_arn_sm).
    await assert.rejects(sfn().send(new DescribeStateMachineCommand({ stateMachineArn: "not_a_valid_arn" })), {
      name: "InvalidArn", message: "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'",
    });
  });

  test("DescribeStateMachineForExecution answers the machine the execution runs on, even after its deletion", async () => {
    const { stateMachineArn, creationDate } = await create({ name: "for-exec" });
    const { executionArn } = await sfn().send(new StartExecutionCommand({ stateMachineArn }));
    await sfn().send(new DeleteStateMachineCommand({ stateMachineArn }));
    const d = await sfn().send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    assert.equal(d.stateMachineArn, stateMachineArn);
    assert.equal(d.name, "for-exec");
    assert.equal(d.definition, PASS);
    assert.equal(d.roleArn, ROLE);
    assert.equal(d.updateDate?.getTime(), creationDate?.getTime());
    assert.deepEqual(d.loggingConfiguration, { level: "OFF", includeExecutionData: false });
    assert.deepEqual(d.tracingConfiguration, { enabled: false });
    await assert.rejects(sfn().send(new DescribeStateMachineForExecutionCommand({ executionArn: `${executionArn}x` })), { name: "ExecutionDoesNotExist" });
    await assert.rejects(sfn().send(new DescribeStateMachineForExecutionCommand({ executionArn: "nope" })), { name: "InvalidArn", message: "Invalid Arn: 'Invalid ARN prefix: nope'" });
  });

  test("tags: set at creation or later, in order, replaced by key, removed; AWS's errors", async () => {
    const { stateMachineArn } = await create({ name: "tagged", tags: [{ key: "key1", value: "value1" }, { key: "key2", value: "value2" }] });
    const list = async () => (await sfn().send(new ListTagsForResourceCommand({ resourceArn: stateMachineArn }))).tags;
    // Recorded on AWS (LocalStack snapshot test_create_state_machine, tagging).
    assert.deepEqual(await list(), [{ key: "key1", value: "value1" }, { key: "key2", value: "value2" }]);
    await sfn().send(new TagResourceCommand({ resourceArn: stateMachineArn, tags: [{ key: "key1", value: "" }, { key: "key3", value: "v3" }, { key: "key3", value: "v3" }] }));
    assert.deepEqual(await list(), [{ key: "key1", value: "" }, { key: "key2", value: "value2" }, { key: "key3", value: "v3" }]);
    await sfn().send(new UntagResourceCommand({ resourceArn: stateMachineArn, tagKeys: ["key1", "key1", "nope"] }));
    assert.deepEqual(await list(), [{ key: "key2", value: "value2" }, { key: "key3", value: "v3" }]);
    await sfn().send(new TagResourceCommand({ resourceArn: stateMachineArn, tags: [] }));
    assert.equal((await list())!.length, 2);
    const many = Array.from({ length: 49 }, (_, i) => ({ key: `k${i}`, value: "v" }));
    await assert.rejects(sfn().send(new TagResourceCommand({ resourceArn: stateMachineArn, tags: many })), { name: "TooManyTags" });
    await assert.rejects(sfn().send(new TagResourceCommand({ resourceArn: stateMachineArn, tags: [{ key: "k".repeat(129), value: "v" }] })), { name: "ValidationException" });
    await assert.rejects(sfn().send(new TagResourceCommand({ resourceArn: stateMachineArn, tags: [{ key: "k", value: "v".repeat(257) }] })), { name: "ValidationException" });
    await assert.rejects(create({ name: "too-many-tags", tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: "v" })) }), { name: "TooManyTags" });
    // A version ARN is not a taggable resource (recorded: test_tag_state_machine_version).
    await assert.rejects(sfn().send(new TagResourceCommand({ resourceArn: `${stateMachineArn}:1`, tags: [{ key: "a", value: "b" }] })), {
      name: "ResourceNotFound", message: `Resource not found: '${stateMachineArn}:1'`,
    });
    await assert.rejects(sfn().send(new ListTagsForResourceCommand({ resourceArn: "nope" })), { name: "InvalidArn" });
    await sfn().send(new DeleteStateMachineCommand({ stateMachineArn }));
    await assert.rejects(sfn().send(new ListTagsForResourceCommand({ resourceArn: stateMachineArn })), { name: "ResourceNotFound" });
  });

  test("UpdateStateMachine: a new revision for a change, the same for none; running executions keep theirs", async () => {
    const WAIT = def({ W: { Type: "Wait", Seconds: 100_000, End: true } });
    const { stateMachineArn, creationDate } = await create({ name: "updated", definition: WAIT });
    const before = await sfn().send(new DescribeStateMachineCommand({ stateMachineArn }));
    assert.equal(before.revisionId, undefined);
    const { executionArn } = await sfn().send(new StartExecutionCommand({ stateMachineArn }));
    const ROLE2 = "arn:aws:iam::000000000000:role/other";
    const u1 = await sfn().send(new UpdateStateMachineCommand({ stateMachineArn, definition: PASS, roleArn: ROLE2 }));
    assert.match(u1.revisionId!, /^[0-9a-f-]{36}$/);
    assert.ok(u1.updateDate instanceof Date);
    const after = await sfn().send(new DescribeStateMachineCommand({ stateMachineArn }));
    assert.deepEqual([after.definition, after.roleArn, after.revisionId, after.creationDate?.getTime()], [PASS, ROLE2, u1.revisionId, creationDate?.getTime()]);
    const same = await sfn().send(new UpdateStateMachineCommand({ stateMachineArn, roleArn: ROLE2 }));
    assert.equal(same.revisionId, u1.revisionId);
    const old = await sfn().send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    assert.deepEqual([old.definition, old.roleArn, old.revisionId, old.updateDate?.getTime()], [WAIT, ROLE, undefined, creationDate?.getTime()]);
    const { executionArn: second } = await sfn().send(new StartExecutionCommand({ stateMachineArn }));
    const now = await sfn().send(new DescribeStateMachineForExecutionCommand({ executionArn: second }));
    assert.deepEqual([now.definition, now.revisionId, now.updateDate?.getTime()], [PASS, u1.revisionId, u1.updateDate?.getTime()]);
    await sfn().send(new StopExecutionCommand({ executionArn }));
    await assert.rejects(sfn().send(new UpdateStateMachineCommand({ stateMachineArn })), {
      name: "MissingRequiredParameter", message: "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified",
    });
    await assert.rejects(sfn().send(new UpdateStateMachineCommand({ stateMachineArn, definition: "{}" })), { name: "InvalidDefinition" });
    await assert.rejects(sfn().send(new UpdateStateMachineCommand({ stateMachineArn, roleArn: "role" })), { name: "InvalidArn" });
    await assert.rejects(sfn().send(new UpdateStateMachineCommand({ stateMachineArn, versionDescription: "v", definition: PASS })), { name: "ValidationException" });
    await assert.rejects(sfn().send(new UpdateStateMachineCommand({ stateMachineArn: `${stateMachineArn}-gone`, definition: PASS })), { name: "StateMachineDoesNotExist" });
  });

  test("every operation of the model is carried out now (none is left to answer UnsupportedOperation)", async () => {
    // Both halves of issue 15 together: the interpreter's operations and part B's versions, aliases, StartSyncExecution.
    assert.deepEqual(PENDING_OPERATIONS, []);
    await assert.rejects(sfn().send(new PublishStateMachineVersionCommand({ stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:m" })), {
      name: "StateMachineDoesNotExist",
    });
  });
});
