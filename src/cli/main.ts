// The `mailroom` command: starts the server with options from flags, then MAILROOM_* variables, then defaults
// (one table, config/options.ts). A bad value gets one line naming the flag or variable, never a stack trace;
// SIGINT and SIGTERM close the server cleanly (a second one exits at once).
import { Command, InvalidArgumentError, Option } from "commander";
import { OPTIONS, OptionError, optionsFromEnv, type MailroomOptions } from "../config/options.ts";
import { startMailroom, type Mailroom } from "../index.ts";
import { VERSION } from "../version.ts";
import { backupCommands } from "./backup.ts";

const DESCRIPTION = "Self-hosted AWS messaging APIs on one port, durable on SQLite or PostgreSQL.";
const MORE = `
Services (one port; any AWS SDK or the AWS CLI with --endpoint-url):
  SQS             standard and FIFO queues (AWS JSON 1.0, query)
  SNS             topics, FIFO topics; SQS, HTTP/S, email, SMS, push (query)
  EventBridge     event buses, rules, SQS targets, PutEvents (AWS JSON 1.1)
  Kinesis         data streams, shards, resharding, records (JSON 1.1, CBOR)
  Step Functions  STANDARD state machines, durable executions (AWS JSON 1.0)

Every option may also be set by the variable in brackets; a flag wins.
Health: GET /_mailroom/health (503 when storage is down), /_localstack/health.
Web console: /_console/ on the same port (ADR 0032).
Guide: docs/operations-guide.md in the package.`;

function fail(message: string): never {
  process.stderr.write(`mailroom: ${message}\n`);
  process.exit(1);
}

const program = new Command()
  .name("mailroom")
  .description(DESCRIPTION)
  .version(VERSION, "-v, --version", "print the version and exit")
  .addHelpText("after", MORE)
  // Commander's own errors (unknown flag, bad value) as one "mailroom: ..." line, like ours.
  .configureOutput({ outputError: (s, write) => write(`mailroom: ${s.replace(/^error: /, "").trimEnd()}\n`) });
for (const spec of OPTIONS) {
  const option = new Option(spec.flag, `${spec.help} [${spec.env}]`);
  if (spec.parse) {
    const parse = spec.parse;
    option.argParser((raw: string) => {
      try {
        return parse(raw);
      } catch (e) {
        throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
      }
    });
  }
  program.addOption(option);
}

program.action(async (flags: Record<string, unknown>) => {
  let fromEnv: MailroomOptions;
  try {
    fromEnv = optionsFromEnv();
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  const fromFlags: Record<string, unknown> = {};
  for (const spec of OPTIONS) if (flags[spec.key] !== undefined) fromFlags[spec.key] = flags[spec.key];
  let mailroom: Mailroom;
  try {
    mailroom = await startMailroom({ ...fromEnv, ...fromFlags });
  } catch (e) {
    // Option and declaration errors are worded for this line; anything else is shown by its message only.
    fail(e instanceof OptionError || e instanceof Error ? e.message : String(e));
  }
  process.stdout.write(`Mailroom ${VERSION} ready at ${mailroom.endpoint} (${mailroom.describe})\n`);
  process.stdout.write(`Web console: ${mailroom.endpoint}/_console/\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`mailroom: ${signal} again, exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`Mailroom stopping (${signal})\n`);
    mailroom.close().then(
      () => process.exit(0),
      (e: unknown) => fail(`stopping failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  // Under npm (`npx mailroom`, `npm exec`, scripts), a shell stands between npm and node and does not pass on the
  // SIGTERM npm forwards to it; it exits instead. When the parent goes, stop as on SIGTERM rather than live on orphaned.
  if (process.env.npm_command !== undefined || process.env.npm_lifecycle_event !== undefined) {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(watch);
      stop("parent process exited");
    }, 250);
    watch.unref();
  }
});

// Subcommands own the options after their name (restore's --data-dir is not the server's).
program.enablePositionalOptions();
for (const c of backupCommands()) program.addCommand(c);

await program.parseAsync(process.argv);
