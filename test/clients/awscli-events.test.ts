// awscli 2.9 (Debian /usr/bin/aws) driving EventBridge end to end against an in-process server, as the README's
// "EventBridge with the CLI" section shows: create-event-bus, put-rule, put-targets, put-events, list-rules,
// create-archive, describe-archive, a scheduled rule, tag-resource, and an error exit.
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
  server = await startTestServer({ accessKeys: [{ accessKeyId: "AKIDCLI", secretAccessKey: "cli-secret", accountId: "000000000000" }] });
});
after(() => server?.close());

function env(): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  return {
    ...clean, AWS_ACCESS_KEY_ID: "AKIDCLI", AWS_SECRET_ACCESS_KEY: "cli-secret", AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_PAGER: "", AWS_MAX_ATTEMPTS: "1",
  };
}

async function aws(service: string, ...args: string[]): Promise<Record<string, any>> {
  const { stdout } = await run(AWS, ["--endpoint-url", server.endpoint, "--output", "json", service, ...args], { env: env() });
  return stdout.trim() === "" ? {} : JSON.parse(stdout);
}

test("the README's EventBridge walk-through", async () => {
  const { QueueUrl } = await aws("sqs", "create-queue", "--queue-name", "orders");
  const bus = await aws("events", "create-event-bus", "--name", "shop", "--tags", "Key=team,Value=cli");
  assert.equal(bus.EventBusArn, "arn:aws:events:us-east-1:000000000000:event-bus/shop");
  const rule = await aws("events", "put-rule", "--name", "big-orders", "--event-bus-name", "shop",
    "--event-pattern", JSON.stringify({ source: ["shop"], detail: { total: [{ numeric: [">", 100] }] } }));
  assert.equal(rule.RuleArn, "arn:aws:events:us-east-1:000000000000:rule/shop/big-orders");
  const t = await aws("events", "put-targets", "--rule", "big-orders", "--event-bus-name", "shop", "--targets", "Id=q,Arn=arn:aws:sqs:us-east-1:000000000000:orders");
  assert.equal(t.FailedEntryCount, 0);
  await aws("events", "create-archive", "--archive-name", "shop-archive", "--event-source-arn", bus.EventBusArn, "--retention-days", "7");
  const put = await aws("events", "put-events", "--entries", JSON.stringify([
    { Source: "shop", DetailType: "Order", Detail: JSON.stringify({ total: 250 }), EventBusName: "shop" },
    { Source: "shop", DetailType: "Order", Detail: JSON.stringify({ total: 20 }), EventBusName: "shop" },
  ]));
  assert.equal(put.FailedEntryCount, 0);
  const got = await aws("sqs", "receive-message", "--queue-url", QueueUrl, "--max-number-of-messages", "10");
  assert.deepEqual(got.Messages.map((m: { Body: string }) => JSON.parse(m.Body).detail.total), [250]);
  const archive = await aws("events", "describe-archive", "--archive-name", "shop-archive");
  assert.equal(archive.EventCount, 2);
  const rules = await aws("events", "list-rules", "--event-bus-name", "shop");
  assert.deepEqual(rules.Rules.map((r: { Name: string }) => r.Name), ["big-orders"]);
  await aws("events", "put-rule", "--name", "every-5-minutes", "--schedule-expression", "rate(5 minutes)");
  assert.equal((await aws("events", "describe-rule", "--name", "every-5-minutes")).ScheduleExpression, "rate(5 minutes)");
  await aws("events", "tag-resource", "--resource-arn", rule.RuleArn, "--tags", "Key=env,Value=dev");
  assert.deepEqual((await aws("events", "list-tags-for-resource", "--resource-arn", rule.RuleArn)).Tags, [{ Key: "env", Value: "dev" }]);
});

test("an error exits non-zero with AWS's code and message", async () => {
  await assert.rejects(aws("events", "put-rule", "--name", "bad", "--schedule-expression", "cron(0 10 * * * *)"), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 254);
    assert.match(e.stderr, /ValidationException/);
    assert.match(e.stderr, /Parameter ScheduleExpression is not valid\./);
    return true;
  });
});
