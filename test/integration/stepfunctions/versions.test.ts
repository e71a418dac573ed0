// Versions and aliases with the official client: publishing (PublishStateMachineVersion, `publish` on Create/Update),
// idempotence and conflicts, listing newest first, describing a version, deleting one (not while an alias routes to
// it), aliases with one or two weighted routes, their validation and limits, and executions started on a version or
// an alias ARN (DescribeExecution names them).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CreateStateMachineAliasCommand, CreateStateMachineCommand, DeleteStateMachineAliasCommand, DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand, DescribeExecutionCommand, DescribeStateMachineAliasCommand, DescribeStateMachineCommand,
  ListStateMachineAliasesCommand, ListStateMachineVersionsCommand, PublishStateMachineVersionCommand, SFNClient,
  StartExecutionCommand, StartSyncExecutionCommand, UpdateStateMachineAliasCommand, UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import type { Mailroom } from "../../../src/index.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";
import { def, ROLE, waitFor } from "./helpers.ts";

let server: Mailroom;
let sfn: SFNClient;
before(async () => {
  server = await startTestServer();
  sfn = new SFNClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1, disableHostPrefix: true });
});
after(async () => {
  await server?.close();
});

const pass = (result: string) => def({ P: { Type: "Pass", Result: result, End: true } });

test("versions: published from the current revision, idempotent, numbered without reuse, listed newest first", async () => {
  const created = await sfn.send(new CreateStateMachineCommand({ name: "v", roleArn: ROLE, definition: pass("one"), publish: true, versionDescription: "first" }));
  const arn = created.stateMachineArn!;
  assert.equal(created.stateMachineVersionArn, `${arn}:1`);
  // The same revision again answers version 1; with another description that is a conflict.
  assert.equal((await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn, description: "first" }))).stateMachineVersionArn, `${arn}:1`);
  await assert.rejects(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn, description: "other" })), { name: "ConflictException" });
  const u = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: pass("two"), publish: true, versionDescription: "second" }));
  assert.equal(u.stateMachineVersionArn, `${arn}:2`);
  // revisionId must be the current one.
  await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: pass("three") }));
  await assert.rejects(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn, revisionId: u.revisionId })), { name: "ConflictException" });
  const current = (await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).revisionId;
  assert.equal((await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn, revisionId: current }))).stateMachineVersionArn, `${arn}:3`);

  const v1 = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:1` }));
  assert.equal(v1.definition, pass("one"));
  assert.equal(v1.description, "first");
  assert.equal(v1.stateMachineArn, `${arn}:1`);
  const page1 = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn, maxResults: 2 }));
  assert.deepEqual(page1.stateMachineVersions!.map((v) => v.stateMachineVersionArn), [`${arn}:3`, `${arn}:2`]);
  const page2 = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn, maxResults: 2, nextToken: page1.nextToken }));
  assert.deepEqual(page2.stateMachineVersions!.map((v) => v.stateMachineVersionArn), [`${arn}:1`]);
  assert.equal(page2.nextToken, undefined);

  await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:3` }));
  await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:3` }));
  await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: pass("four") }));
  // Numbers are not reused after a delete.
  assert.equal((await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn }))).stateMachineVersionArn, `${arn}:4`);
  await assert.rejects(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:3` })), { name: "StateMachineDoesNotExist" });
  await assert.rejects(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: `${arn}-gone` })), { name: "StateMachineDoesNotExist" });
  await assert.rejects(sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: "arn:nope" })), { name: "InvalidArn" });
  await assert.rejects(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn, description: "d".repeat(257) })), { name: "ValidationException" });
});

test("aliases: routes to one or two versions by weight; validation, conflicts and deletion rules", async () => {
  const { stateMachineArn: arn } = await sfn.send(new CreateStateMachineCommand({ name: "a", roleArn: ROLE, definition: pass("v1"), publish: true }));
  await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: pass("v2"), publish: true }));
  const routing = [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }];
  const c = await sfn.send(new CreateStateMachineAliasCommand({ name: "prod", description: "live", routingConfiguration: routing }));
  assert.equal(c.stateMachineAliasArn, `${arn}:prod`);
  // The same alias again is idempotent; different settings conflict.
  assert.equal((await sfn.send(new CreateStateMachineAliasCommand({ name: "prod", description: "live", routingConfiguration: routing }))).stateMachineAliasArn, `${arn}:prod`);
  await assert.rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "prod", routingConfiguration: [{ stateMachineVersionArn: `${arn}:2`, weight: 100 }] })), { name: "ConflictException" });
  const d = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: c.stateMachineAliasArn }));
  assert.equal(d.name, "prod");
  assert.equal(d.description, "live");
  assert.deepEqual(d.routingConfiguration, routing);

  for (const [rc, name] of [
    [[{ stateMachineVersionArn: `${arn}:1`, weight: 60 }, { stateMachineVersionArn: `${arn}:2`, weight: 30 }], "ValidationException"],
    [[{ stateMachineVersionArn: `${arn}:1`, weight: 50 }, { stateMachineVersionArn: `${arn}:1`, weight: 50 }], "ValidationException"],
    [[{ stateMachineVersionArn: `${arn}:1`, weight: 101 }], "ValidationException"],
    [[], "ValidationException"],
    [[{ stateMachineVersionArn: `${arn}:9`, weight: 100 }], "ResourceNotFound"],
    [[{ stateMachineVersionArn: "arn:bad", weight: 100 }], "InvalidArn"],
  ] as const) {
    await assert.rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "x", routingConfiguration: rc as never })), { name }, JSON.stringify(rc));
  }
  await assert.rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "123", routingConfiguration: routing })), { name: "InvalidName" });

  // An alias routing to a version keeps it from being deleted.
  await assert.rejects(sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:1` })), { name: "ConflictException", message: new RegExp(`${arn}:prod`) });
  const split = [{ stateMachineVersionArn: `${arn}:1`, weight: 0 }, { stateMachineVersionArn: `${arn}:2`, weight: 100 }];
  await sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: c.stateMachineAliasArn, routingConfiguration: split }));
  assert.deepEqual((await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: c.stateMachineAliasArn }))).routingConfiguration, split);
  await assert.rejects(sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: c.stateMachineAliasArn })), { name: "ValidationException" });

  // Executions on the alias run the version it routes to (weight 0 never gets one), and name both.
  for (let i = 0; i < 5; i++) {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: c.stateMachineAliasArn }));
    const x = await waitFor(sfn, executionArn!);
    assert.equal(x.output, '"v2"');
    assert.equal(x.stateMachineAliasArn, c.stateMachineAliasArn);
    assert.equal(x.stateMachineVersionArn, `${arn}:2`);
  }
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}:1` }));
  const x = await waitFor(sfn, executionArn!);
  assert.equal(x.output, '"v1"');
  assert.equal(x.stateMachineVersionArn, `${arn}:1`);
  assert.equal((await sfn.send(new DescribeExecutionCommand({ executionArn }))).stateMachineAliasArn, undefined);

  const list = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: arn }));
  assert.deepEqual(list.stateMachineAliases!.map((a) => a.stateMachineAliasArn), [`${arn}:prod`]);
  await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: c.stateMachineAliasArn }));
  await assert.rejects(sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: c.stateMachineAliasArn })), { name: "ResourceNotFound" });
  await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:1` }));
});

test("at most 100 aliases per machine; deleting the machine deletes its versions and aliases", async () => {
  const { stateMachineArn: arn, stateMachineVersionArn } = await sfn.send(new CreateStateMachineCommand({ name: "many", roleArn: ROLE, definition: pass("m"), publish: true }));
  const routing = [{ stateMachineVersionArn, weight: 100 }];
  for (let i = 0; i < 100; i++) await sfn.send(new CreateStateMachineAliasCommand({ name: `a${i}`, routingConfiguration: routing }));
  await assert.rejects(sfn.send(new CreateStateMachineAliasCommand({ name: "one-too-many", routingConfiguration: routing })), { name: "ServiceQuotaExceededException" });
  await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
  await assert.rejects(sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: `${arn}:a0` })), { name: "ResourceNotFound" });
  const again = await sfn.send(new CreateStateMachineCommand({ name: "many", roleArn: ROLE, definition: pass("m"), publish: true }));
  // A new machine of the same name starts its versions at 1 again.
  assert.equal(again.stateMachineVersionArn, `${arn}:1`);
});

test("EXPRESS versions and aliases run through StartSyncExecution", async () => {
  const { stateMachineVersionArn } = await sfn.send(new CreateStateMachineCommand({ name: "ev", roleArn: ROLE, type: "EXPRESS", definition: pass("e1"), publish: true }));
  const { stateMachineAliasArn } = await sfn.send(new CreateStateMachineAliasCommand({ name: "live", routingConfiguration: [{ stateMachineVersionArn, weight: 100 }] }));
  const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: stateMachineAliasArn }));
  assert.equal(r.status, "SUCCEEDED");
  assert.equal(r.output, '"e1"');
});
