// Step Functions through Debian's boto3 (StartSyncExecution with inject_host_prefix=False and with the "sync-" host
// prefix kept, versions, aliases, a modelled error) and the AWS CLI (Debian's awscli 2.9: create-state-machine,
// start-execution, describe-execution; the pyenv CLI with AWS_DISABLE_HOST_PREFIX_INJECTION: start-sync-execution).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Mailroom } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";

const run = promisify(execFile);
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "py", "sfn_check.py");
const AWS = "/usr/bin/aws";

let server: Mailroom;
before(async () => {
  server = await startTestServer();
});
after(() => server?.close());

function env(): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  return {
    ...clean, AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "test-secret", AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_PAGER: "", AWS_MAX_ATTEMPTS: "1",
  };
}

for (const [python, label] of [["/usr/bin/python3", "debian"], ["python3", "pyenv"]] as const) {
  test(`boto3 (${label}): EXPRESS machine, StartSyncExecution with and without the sync- host prefix; versions and aliases where the model has them`, async () => {
    const { stdout } = await run(python, [SCRIPT, server.endpoint, label], { env: env() });
    const out = JSON.parse(stdout);
    const arn = `arn:aws:states:us-east-1:000000000000:stateMachine:boto-express-${label}`;
    assert.equal(out.type, "EXPRESS");
    assert.deepEqual(out.plain, ["SUCCEEDED", '{"ok":true}']);
    assert.deepEqual(out.prefixed, ["SUCCEEDED", '{"ok":true}', `sync-localhost:${server.port}`]);
    assert.equal(out.typeError, "StateMachineTypeNotSupported");
    if (label === "debian") {
      assert.match(out.boto3, /^1\.26\./);
      return;
    }
    assert.equal(out.versionArn, `${arn}:1`);
    assert.equal(out.aliasArn, `${arn}:live`);
    assert.deepEqual(out.aliases, [`${arn}:live`]);
    assert.deepEqual(out.versions, [`${arn}:1`]);
    assert.equal(out.viaAlias, "SUCCEEDED");
    assert.equal(out.conflict, "ConflictException");
  });
}

async function sfn(...args: string[]): Promise<Record<string, any>> {
  const { stdout } = await run(AWS, ["--endpoint-url", server.endpoint, "--output", "json", "stepfunctions", ...args], { env: env() });
  return stdout.trim() === "" ? {} : JSON.parse(stdout);
}

/**
 * The pyenv AWS CLI (botocore 1.43) with AWS_DISABLE_HOST_PREFIX_INJECTION=true, botocore's setting that keeps the
 * "sync-" prefix off the endpoint (Debian's awscli 2.9 has no such setting: it would connect to sync-127.0.0.1).
 */
async function sfnNoPrefix(...args: string[]): Promise<Record<string, any>> {
  const { stdout } = await run("aws", ["--endpoint-url", server.endpoint, "--output", "json", "stepfunctions", ...args], {
    env: { ...env(), AWS_DISABLE_HOST_PREFIX_INJECTION: "true" },
  });
  return stdout.trim() === "" ? {} : JSON.parse(stdout);
}

test("AWS CLI: create-state-machine, start-sync-execution, start-execution and describe-execution", async () => {
  const simple = JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", Result: "hello", ResultPath: "$.said", End: true } } });
  const role = "arn:aws:iam::000000000000:role/cli";
  const express = await sfn("create-state-machine", "--name", "cli-express", "--type", "EXPRESS", "--role-arn", role, "--definition", simple);
  const r = await sfnNoPrefix("start-sync-execution", "--state-machine-arn", express.stateMachineArn, "--input", '{"who":"cli"}');
  assert.equal(r.status, "SUCCEEDED");
  assert.deepEqual(JSON.parse(r.output), { who: "cli", said: "hello" });
  const standard = await sfn("create-state-machine", "--name", "cli-standard", "--role-arn", role, "--definition", simple);
  const { executionArn } = await sfn("start-execution", "--state-machine-arn", standard.stateMachineArn, "--name", "one");
  let d: Record<string, any> = {};
  for (let i = 0; i < 100 && d.status !== "SUCCEEDED"; i++) d = await sfn("describe-execution", "--execution-arn", executionArn);
  assert.equal(d.status, "SUCCEEDED");
  assert.equal(d.output, '{"said":"hello"}');
});
