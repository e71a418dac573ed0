// The `mailroom` command: starts the server with options from flags, then MAILROOM_* variables, then defaults.
import { Command, Option } from "commander";
import { parseAccessKeys } from "../auth/credentials.ts";
import { DEFAULTS, optionsFromEnv, type MailroomOptions } from "../config/options.ts";
import { startMailroom } from "../index.ts";
import { backupCommands } from "./backup.ts";

const program = new Command()
  .name("mailroom")
  .description("Self-hosted AWS messaging APIs (SQS today) on one port, durable on SQLite or PostgreSQL.")
  .addOption(new Option("--host <host>", `address to listen on (env MAILROOM_HOST, default ${DEFAULTS.host})`))
  .addOption(new Option("--port <port>", `port to listen on, 0 for any free one (env MAILROOM_PORT, default ${DEFAULTS.port})`).argParser(Number))
  .addOption(new Option("--database <url>", "postgres://user@host/db: keep all data in PostgreSQL, shareable by many nodes (env MAILROOM_DATABASE_URL)"))
  .addOption(new Option("--data-dir <dir>", `directory of the SQLite database (env MAILROOM_DATA_DIR, default ${DEFAULTS.dataDir})`))
  .addOption(new Option("--memory", "keep all data in memory; nothing survives a restart (env MAILROOM_MEMORY=1)"))
  .addOption(new Option("--log-level <level>", `debug, info, warn, error or silent (env MAILROOM_LOG_LEVEL, default ${DEFAULTS.logLevel})`))
  .addOption(new Option("--access-keys <list>", "AKID:SECRET[:ACCOUNT],... accepted keys; none = any key (env MAILROOM_ACCESS_KEYS)"))
  .addOption(new Option("--allow-anonymous", "accept any key even when listening beyond loopback (env MAILROOM_ALLOW_ANONYMOUS=1)"))
  .addOption(new Option("--durability <mode>", `strict (fsync before each response) or relaxed (survives a process crash only) (env MAILROOM_DURABILITY, default ${DEFAULTS.durability})`))
  .addOption(new Option("--tls-cert <file>", "PEM certificate (chain) for TLS on the port; default a self-signed one per database (env MAILROOM_TLS_CERT)"))
  .addOption(new Option("--tls-key <file>", "PEM private key of --tls-cert (env MAILROOM_TLS_KEY)"))
  .addOption(new Option("--headers-timeout <ms>", `a request's head must arrive within this of its first byte (env MAILROOM_HEADERS_TIMEOUT_MS, default ${DEFAULTS.headersTimeoutMs})`).argParser(Number))
  .addOption(new Option("--body-timeout <ms>", `a request's body must arrive within this of its head (env MAILROOM_BODY_TIMEOUT_MS, default ${DEFAULTS.bodyTimeoutMs})`).argParser(Number))
  .addOption(new Option("--idle-timeout <ms>", `keep-alive connections and HTTP/2 sessions with no request close after this (env MAILROOM_IDLE_TIMEOUT_MS, default ${DEFAULTS.idleTimeoutMs})`).argParser(Number))
  .addOption(new Option("--tls-handshake-timeout <ms>", `a TLS handshake must end within this of the connect (env MAILROOM_TLS_HANDSHAKE_TIMEOUT_MS, default ${DEFAULTS.tlsHandshakeTimeoutMs})`).argParser(Number))
  .addOption(new Option("--max-connections <n>", `open connections at most; new ones past it are closed (env MAILROOM_MAX_CONNECTIONS, default ${DEFAULTS.maxConnections})`).argParser(Number))
  .addOption(new Option("--max-buffered-body <bytes>", `request body bytes buffered across all connections at most (env MAILROOM_MAX_BUFFERED_BODY_BYTES, default ${DEFAULTS.maxBufferedBodyBytes})`).argParser(Number))
  .addOption(new Option("--kinesis-status-delay <ms>", `ms a Kinesis stream stays CREATING/UPDATING after a change (env MAILROOM_KINESIS_STATUS_DELAY_MS, default ${DEFAULTS.kinesisStatusDelayMs})`).argParser(Number))
  .addOption(new Option("--kinesis-throughput-limits", "enforce Kinesis per-shard write and read limits (env MAILROOM_KINESIS_THROUGHPUT_LIMITS=1)"))
  .action(async (flags: Record<string, unknown>) => {
    const fromFlags: MailroomOptions = {};
    if (flags.host !== undefined) fromFlags.host = flags.host as string;
    if (flags.port !== undefined) fromFlags.port = flags.port as number;
    if (flags.database !== undefined) fromFlags.database = flags.database as string;
    if (flags.dataDir !== undefined) fromFlags.dataDir = flags.dataDir as string;
    if (flags.memory) fromFlags.memory = true;
    if (flags.logLevel !== undefined) fromFlags.logLevel = flags.logLevel as MailroomOptions["logLevel"];
    if (flags.accessKeys !== undefined) fromFlags.accessKeys = parseAccessKeys(flags.accessKeys as string);
    if (flags.allowAnonymous) fromFlags.allowAnonymous = true;
    if (flags.durability !== undefined) fromFlags.durability = flags.durability as MailroomOptions["durability"];
    if (flags.tlsCert !== undefined) fromFlags.tlsCert = flags.tlsCert as string;
    if (flags.tlsKey !== undefined) fromFlags.tlsKey = flags.tlsKey as string;
    if (flags.headersTimeout !== undefined) fromFlags.headersTimeoutMs = flags.headersTimeout as number;
    if (flags.bodyTimeout !== undefined) fromFlags.bodyTimeoutMs = flags.bodyTimeout as number;
    if (flags.idleTimeout !== undefined) fromFlags.idleTimeoutMs = flags.idleTimeout as number;
    if (flags.tlsHandshakeTimeout !== undefined) fromFlags.tlsHandshakeTimeoutMs = flags.tlsHandshakeTimeout as number;
    if (flags.maxConnections !== undefined) fromFlags.maxConnections = flags.maxConnections as number;
    if (flags.maxBufferedBody !== undefined) fromFlags.maxBufferedBodyBytes = flags.maxBufferedBody as number;
    if (flags.kinesisStatusDelay !== undefined) fromFlags.kinesisStatusDelayMs = flags.kinesisStatusDelay as number;
    if (flags.kinesisThroughputLimits) fromFlags.kinesisThroughputLimits = true;
    let mailroom: Awaited<ReturnType<typeof startMailroom>>;
    try {
      mailroom = await startMailroom({ ...optionsFromEnv(), ...fromFlags });
    } catch (e) {
      process.stderr.write(`mailroom: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    }
    process.stdout.write(`Mailroom ready at ${mailroom.endpoint}\n`);
    const stop = async () => {
      await mailroom.close();
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });

// Subcommands own the options after their name (restore's --data-dir is not the server's).
program.enablePositionalOptions();
for (const c of backupCommands()) program.addCommand(c);

await program.parseAsync(process.argv);
