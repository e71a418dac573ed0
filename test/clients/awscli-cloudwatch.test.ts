// Debian's awscli 2.9 (query protocol) against CloudWatch: put-metric-data with dimensions, get-metric-statistics,
// put-metric-alarm, describe-alarms, and an AWS error as the CLI prints it.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import type { Mailroom } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";

const run = promisify(execFile);
const AWS = "/usr/bin/aws";

let server: Mailroom;
before(async () => {
  server = await startTestServer();
});
after(() => server?.close());

function env(): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  return {
    ...clean, AWS_ACCESS_KEY_ID: "AKIDCLI", AWS_SECRET_ACCESS_KEY: "cli-secret", AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_PAGER: "", AWS_MAX_ATTEMPTS: "1",
  };
}

async function cw(...args: string[]): Promise<Record<string, any>> {
  const { stdout } = await run(AWS, ["--endpoint-url", server.endpoint, "--output", "json", "cloudwatch", ...args], { env: env() });
  return stdout.trim() === "" ? {} : JSON.parse(stdout);
}

test("put-metric-data, get-metric-statistics, alarms", async () => {
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  await cw("put-metric-data", "--namespace", "Cli", "--metric-name", "Jobs", "--dimensions", "Env=prod", "--value", "5", "--timestamp", now.toISOString(), "--unit", "Count");
  await cw("put-metric-data", "--namespace", "Cli", "--metric-name", "Jobs", "--dimensions", "Env=prod", "--value", "7", "--timestamp", now.toISOString(), "--unit", "Count");
  const stats = await cw("get-metric-statistics", "--namespace", "Cli", "--metric-name", "Jobs", "--dimensions", "Name=Env,Value=prod",
    "--start-time", new Date(now.getTime() - 60_000).toISOString(), "--end-time", new Date(now.getTime() + 60_000).toISOString(),
    "--period", "60", "--statistics", "Sum", "Maximum", "SampleCount");
  assert.deepEqual(stats.Datapoints.map((d: any) => [d.Sum, d.Maximum, d.SampleCount, d.Unit]), [[12, 7, 2, "Count"]]);
  await cw("put-metric-alarm", "--alarm-name", "cli-alarm", "--namespace", "Cli", "--metric-name", "Jobs", "--dimensions", "Name=Env,Value=prod",
    "--statistic", "Sum", "--period", "60", "--evaluation-periods", "1", "--threshold", "10", "--comparison-operator", "GreaterThanThreshold");
  const alarms = await cw("describe-alarms", "--alarm-names", "cli-alarm");
  assert.equal(alarms.MetricAlarms[0].StateValue, "INSUFFICIENT_DATA");
  assert.deepEqual(alarms.MetricAlarms[0].Dimensions, [{ Name: "Env", Value: "prod" }]);
  await assert.rejects(cw("set-alarm-state", "--alarm-name", "none", "--state-value", "OK", "--state-reason", "x"), (e: { stderr: string }) => {
    assert.match(e.stderr, /ResourceNotFound/);
    return true;
  });
});
