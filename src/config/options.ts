// Mailroom's options: defaults, and how each is read from a flag or a MAILROOM_* environment variable. One table
// (OPTIONS) names every option's flag, variable, help text and parser, so the CLI, the environment and the README
// agree, and a bad value is refused with one line naming the flag or variable it came from. The CLI and
// startMailroom() both resolve options through here, so every option has one meaning.
import { parseAccessKeys, type AccessKey } from "../auth/credentials.ts";
import type { LogLevel } from "../util/log.ts";
import type { Declarations } from "./declared.ts";

/** strict: fsync before every response (survives power loss); relaxed: survives a crash of the process only. */
export type Durability = "strict" | "relaxed";

/**
 * Which of AWS's deliberate waits apply. `aws` (the default on disk and PostgreSQL) is faithful: a deleted queue's
 * name is reserved for 60 s, PurgeQueue once per 60 s. `test` (the default with memory) turns those waits off, as
 * test suites want (LocalStack does the same by default).
 */
export type Profile = "aws" | "test";

export interface MailroomOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** postgres://… URL: store everything in PostgreSQL (many nodes may share it); default SQLite. */
  database?: string;
  /** Directory of the SQLite database; ignored with memory. */
  dataDir?: string;
  /** Keep everything in memory (nothing survives a restart). */
  memory?: boolean;
  logLevel?: LogLevel;
  /** Access keys; none means any key is accepted (loopback only, unless allowAnonymous). */
  accessKeys?: AccessKey[];
  allowAnonymous?: boolean;
  /** strict: fsync before every response; relaxed: survives a process crash, not power loss. */
  durability?: Durability;
  /** PEM files of a certificate (chain) and its key for TLS on the port; default a self-signed one per database. */
  tlsCert?: string;
  tlsKey?: string;
  /** A request's head (request line and headers) must arrive within this many ms of its first byte. */
  headersTimeoutMs?: number;
  /** A request's body must arrive within this many ms of the end of its head. */
  bodyTimeoutMs?: number;
  /** A keep-alive connection or HTTP/2 session with no request in flight closes after this many ms. */
  idleTimeoutMs?: number;
  /** A TLS handshake must complete within this many ms of the connection's accept. */
  tlsHandshakeTimeoutMs?: number;
  /** Open connections at most; new ones past it are closed at once. */
  maxConnections?: number;
  /** Request body bytes buffered across all connections at most; a request that would pass it gets 503 ServiceUnavailable. */
  maxBufferedBodyBytes?: number;
  /** Kinesis: ms a stream stays CREATING or UPDATING after a change (AWS takes seconds to minutes); 0 = ACTIVE at once. */
  kinesisStatusDelayMs?: number;
  /** Kinesis: enforce the per-shard write and read limits (ProvisionedThroughputExceededException). */
  kinesisThroughputLimits?: boolean;
  /**
   * Step Functions: local functions for Lambda Task resources, by function name: the URL Mailroom POSTs the payload
   * to (its JSON answer is the function's result). A Lambda function not named here fails the task.
   */
  lambdaFunctions?: Record<string, string>;
  /** Step Functions: a mock-config file (the Step Functions Local format) of mocked task results for tests. */
  sfnMockConfig?: string;
  // Metrics and CloudWatch (docs/metrics.md)
  /** Distinct label sets per metric family at most; past it new resources and operations fold into "other". */
  metricsLabelLimit?: number;
  /** Also serve /metrics on this port of the same host (0: any free one); default only on the main port. */
  metricsPort?: number;
  /** Days the CloudWatch API keeps datapoints (AWS/* namespaces and custom metrics). */
  metricsRetentionDays?: number;
  /** Injected clock (tests). */
  clock?: import("../engine/clock.ts").Clock;

  // --- Operations (issue 16 part A: profiles, declared resources, init scripts, tracing; ADR 0024)
  /** `aws` (faithful waits) or `test` (no re-create and purge waits); default `test` with memory, else `aws`. */
  profile?: Profile;
  /** A YAML or JSON file of resources to create or bring up to date at every start (docs/operations-guide.md). */
  config?: string;
  /** The same declarations as an object (in-process); applied after the file's. */
  resources?: Declarations;
  /** A directory of executable scripts run, in name order, once the server is ready (AWS_ENDPOINT_URL set). */
  initDir?: string;
  /** OTLP/HTTP base URL (e.g. http://collector:4318): one span per request, exported as OTLP JSON. */
  otlpEndpoint?: string;
  /** Fault injection (tests): called with the SQLite connection (storage/sqlite/db.ts SqliteDb) once open; typed
   * opaque so the package's declarations name no native module. */
  sqliteHook?: (db: unknown) => void;
}

type Optional = "clock" | "database" | "tlsCert" | "tlsKey" | "config" | "resources" | "initDir" | "otlpEndpoint" | "metricsPort" | "lambdaFunctions" | "sfnMockConfig" | "sqliteHook";
export type ResolvedOptions = Required<Omit<MailroomOptions, Optional>> & Pick<MailroomOptions, Optional>;

/** The connection limits' defaults (docs/limits.md, "Connections"; ADR 0014). */
export const CONNECTION_DEFAULTS = {
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 60_000,
  idleTimeoutMs: 65_000,
  tlsHandshakeTimeoutMs: 10_000,
  maxConnections: 1024,
  maxBufferedBodyBytes: 256 * 1024 * 1024,
};

/** Metrics defaults: 1,000 label sets per family; 15 days of datapoints (AWS keeps 60-second data 15 days, CloudWatch concepts, "Metrics retention"). */
export const METRICS_DEFAULTS = { metricsLabelLimit: 1000, metricsRetentionDays: 15 };

export const DEFAULTS = {
  host: "127.0.0.1",
  port: 4566,
  dataDir: ".mailroom",
  logLevel: "info" as LogLevel,
  durability: "strict" as Durability,
  ...CONNECTION_DEFAULTS,
  kinesisStatusDelayMs: 0,
  kinesisThroughputLimits: false,
  ...METRICS_DEFAULTS,
};

const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"];
const PROFILES = ["aws", "test"];

/** A value's parser: returns the option's value or throws an Error whose message says what was expected. */
type Parse = (raw: string) => unknown;

export interface OptionSpec {
  key: keyof MailroomOptions;
  /** commander syntax: "--port <port>", or "--memory" for a switch. */
  flag: string;
  env: string;
  help: string;
  /** Absent for a switch (a flag without a value; its variable takes 1/true/0/false). */
  parse?: Parse;
}

const text: Parse = (raw) => raw;
function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): Parse {
  return (raw) => {
    const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}
function oneOf(values: string[]): Parse {
  return (raw) => {
    if (!values.includes(raw)) throw new Error(`expected one of ${values.join(", ")}`);
    return raw;
  };
}
const keys: Parse = (raw) => parseAccessKeys(raw);
const postgresUrl: Parse = (raw) => {
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new Error("expected a postgres://user@host/db URL");
  try {
    new URL(raw);
  } catch {
    throw new Error("expected a postgres://user@host/db URL");
  }
  return raw;
};
const url: Parse = (raw) => {
  try {
    const u = new URL(raw);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
  } catch {
    throw new Error("expected an http:// or https:// URL");
  }
  return raw;
};
/** `name=url,name=url` (Step Functions' local Lambda functions). */
export function parseLambdaFunctions(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(",").map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf("=");
    if (i <= 0) throw new Error("expected NAME=URL,...");
    out[part.slice(0, i)] = url(part.slice(i + 1)) as string;
  }
  return out;
}
/** A switch's variable: 1/true/yes-like words are ambiguous, so only these four are taken. */
function switchValue(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (v === "1" || v === "true") return true;
  if (v === "0" || v === "false") return false;
  throw new Error("expected 1, true, 0 or false");
}

/** Every option that has a flag and a variable, in --help order. */
export const OPTIONS: OptionSpec[] = [
  { key: "host", flag: "--host <host>", env: "MAILROOM_HOST", help: `address to listen on (default ${DEFAULTS.host})`, parse: text },
  { key: "port", flag: "--port <port>", env: "MAILROOM_PORT", help: `port to listen on, 0 for any free one (default ${DEFAULTS.port})`, parse: wholeNumber(0, 65535) },
  { key: "database", flag: "--database <url>", env: "MAILROOM_DATABASE_URL", help: "postgres://user@host/db: keep all data in PostgreSQL, shareable by many nodes", parse: postgresUrl },
  { key: "dataDir", flag: "--data-dir <dir>", env: "MAILROOM_DATA_DIR", help: `directory of the SQLite database (default ${DEFAULTS.dataDir})`, parse: text },
  { key: "memory", flag: "--memory", env: "MAILROOM_MEMORY", help: "keep all data in memory; nothing survives a restart" },
  { key: "logLevel", flag: "--log-level <level>", env: "MAILROOM_LOG_LEVEL", help: `${LOG_LEVELS.join(", ")}; debug logs one line per request (default ${DEFAULTS.logLevel})`, parse: oneOf(LOG_LEVELS) },
  { key: "accessKeys", flag: "--access-keys <list>", env: "MAILROOM_ACCESS_KEYS", help: "AKID:SECRET[:ACCOUNT],... accepted keys; none = any key", parse: keys },
  { key: "allowAnonymous", flag: "--allow-anonymous", env: "MAILROOM_ALLOW_ANONYMOUS", help: "accept any key even when listening beyond loopback" },
  { key: "durability", flag: "--durability <mode>", env: "MAILROOM_DURABILITY", help: `strict (fsync before each response) or relaxed (survives a process crash only) (default ${DEFAULTS.durability})`, parse: oneOf(["strict", "relaxed"]) },
  { key: "tlsCert", flag: "--tls-cert <file>", env: "MAILROOM_TLS_CERT", help: "PEM certificate (chain) for TLS on the port; default a self-signed one per database", parse: text },
  { key: "tlsKey", flag: "--tls-key <file>", env: "MAILROOM_TLS_KEY", help: "PEM private key of --tls-cert", parse: text },
  { key: "headersTimeoutMs", flag: "--headers-timeout <ms>", env: "MAILROOM_HEADERS_TIMEOUT_MS", help: `a request's head must arrive within this of its first byte (default ${DEFAULTS.headersTimeoutMs})`, parse: wholeNumber(1) },
  { key: "bodyTimeoutMs", flag: "--body-timeout <ms>", env: "MAILROOM_BODY_TIMEOUT_MS", help: `a request's body must arrive within this of its head (default ${DEFAULTS.bodyTimeoutMs})`, parse: wholeNumber(1) },
  { key: "idleTimeoutMs", flag: "--idle-timeout <ms>", env: "MAILROOM_IDLE_TIMEOUT_MS", help: `keep-alive connections and HTTP/2 sessions with no request close after this (default ${DEFAULTS.idleTimeoutMs})`, parse: wholeNumber(1) },
  { key: "tlsHandshakeTimeoutMs", flag: "--tls-handshake-timeout <ms>", env: "MAILROOM_TLS_HANDSHAKE_TIMEOUT_MS", help: `a TLS handshake must end within this of the connect (default ${DEFAULTS.tlsHandshakeTimeoutMs})`, parse: wholeNumber(1) },
  { key: "maxConnections", flag: "--max-connections <n>", env: "MAILROOM_MAX_CONNECTIONS", help: `open connections at most; new ones past it are closed (default ${DEFAULTS.maxConnections})`, parse: wholeNumber(1) },
  { key: "maxBufferedBodyBytes", flag: "--max-buffered-body <bytes>", env: "MAILROOM_MAX_BUFFERED_BODY_BYTES", help: `request body bytes buffered across all connections at most (default ${DEFAULTS.maxBufferedBodyBytes})`, parse: wholeNumber(1) },
  { key: "kinesisStatusDelayMs", flag: "--kinesis-status-delay <ms>", env: "MAILROOM_KINESIS_STATUS_DELAY_MS", help: `ms a Kinesis stream stays CREATING/UPDATING after a change (default ${DEFAULTS.kinesisStatusDelayMs}: ACTIVE at once)`, parse: wholeNumber(0) },
  { key: "kinesisThroughputLimits", flag: "--kinesis-throughput-limits", env: "MAILROOM_KINESIS_THROUGHPUT_LIMITS", help: "enforce Kinesis per-shard write and read limits" },
  { key: "lambdaFunctions", flag: "--lambda-functions <list>", env: "MAILROOM_LAMBDA_FUNCTIONS", help: "NAME=URL,... local functions for Step Functions Lambda tasks: the payload is POSTed to URL", parse: parseLambdaFunctions },
  // SFN_MOCK_CONFIG is the variable Step Functions Local reads the same file from.
  { key: "sfnMockConfig", flag: "--sfn-mock-config <file>", env: "SFN_MOCK_CONFIG", help: "Step Functions Local mock-config file of mocked task results (a test case is picked by starting on <state machine ARN>#<TestCase>)", parse: text },
  // --- Operations (issue 16 part A; ADR 0024)
  { key: "profile", flag: "--profile <name>", env: "MAILROOM_PROFILE", help: "aws: AWS's waits (60 s before re-creating a deleted queue, one purge a minute); test: none of them (default test with --memory, else aws)", parse: oneOf(PROFILES) },
  { key: "config", flag: "--config <file>", env: "MAILROOM_CONFIG", help: "YAML or JSON file of queues, topics, subscriptions, buses, rules, streams and state machines, created or updated at every start", parse: text },
  { key: "initDir", flag: "--init-dir <dir>", env: "MAILROOM_INIT_DIR", help: "directory of executable scripts run in name order once the server is ready (AWS_ENDPOINT_URL set)", parse: text },
  // --- Metrics and CloudWatch (issue 16 part B; docs/metrics.md)
  { key: "metricsPort", flag: "--metrics-port <port>", env: "MAILROOM_METRICS_PORT", help: "also serve /metrics on this port (/metrics is always on the main port)", parse: wholeNumber(0, 65535) },
  { key: "metricsLabelLimit", flag: "--metrics-label-limit <n>", env: "MAILROOM_METRICS_LABEL_LIMIT", help: `label sets per metric family before new resources fold into "other" (default ${DEFAULTS.metricsLabelLimit})`, parse: wholeNumber(1) },
  { key: "metricsRetentionDays", flag: "--metrics-retention-days <days>", env: "MAILROOM_METRICS_RETENTION_DAYS", help: `days CloudWatch keeps datapoints and alarm history (default ${DEFAULTS.metricsRetentionDays})`, parse: wholeNumber(1, 455) },
  { key: "otlpEndpoint", flag: "--otlp-endpoint <url>", env: "OTEL_EXPORTER_OTLP_ENDPOINT", help: "OTLP/HTTP collector: one OpenTelemetry span per request, exported as JSON", parse: url },
];

/** A bad option value, worded for the one line the CLI prints. */
export class OptionError extends Error {
  override name = "OptionError";
}

/** Parses one value for a flag or variable; the error names where it came from. */
export function parseOption(spec: OptionSpec, raw: string, from: string): unknown {
  try {
    return spec.parse ? spec.parse(raw) : switchValue(raw);
  } catch (e) {
    throw new OptionError(`invalid ${from} ${JSON.stringify(raw)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Options from the variables in OPTIONS (an empty variable counts as unset); a bad value throws an OptionError naming it. */
export function optionsFromEnv(env: Record<string, string | undefined> = process.env): MailroomOptions {
  const o: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    const raw = env[spec.env];
    if (raw === undefined || raw === "") continue;
    o[spec.key] = parseOption(spec, raw, spec.env);
  }
  return o as MailroomOptions;
}

export function resolveOptions(o: MailroomOptions): ResolvedOptions {
  const memory = o.memory ?? false;
  const r: ResolvedOptions = {
    host: o.host ?? DEFAULTS.host,
    port: o.port ?? DEFAULTS.port,
    database: o.database,
    dataDir: o.dataDir ?? DEFAULTS.dataDir,
    memory,
    logLevel: o.logLevel ?? DEFAULTS.logLevel,
    accessKeys: o.accessKeys ?? [],
    allowAnonymous: o.allowAnonymous ?? false,
    durability: o.durability ?? DEFAULTS.durability,
    tlsCert: o.tlsCert,
    tlsKey: o.tlsKey,
    headersTimeoutMs: o.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
    bodyTimeoutMs: o.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs,
    idleTimeoutMs: o.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
    tlsHandshakeTimeoutMs: o.tlsHandshakeTimeoutMs ?? DEFAULTS.tlsHandshakeTimeoutMs,
    maxConnections: o.maxConnections ?? DEFAULTS.maxConnections,
    maxBufferedBodyBytes: o.maxBufferedBodyBytes ?? DEFAULTS.maxBufferedBodyBytes,
    kinesisStatusDelayMs: o.kinesisStatusDelayMs ?? DEFAULTS.kinesisStatusDelayMs,
    kinesisThroughputLimits: o.kinesisThroughputLimits ?? DEFAULTS.kinesisThroughputLimits,
    metricsLabelLimit: o.metricsLabelLimit ?? DEFAULTS.metricsLabelLimit,
    metricsPort: o.metricsPort,
    metricsRetentionDays: o.metricsRetentionDays ?? DEFAULTS.metricsRetentionDays,
    clock: o.clock,
    sqliteHook: o.sqliteHook,
    profile: o.profile ?? (memory && !o.database ? "test" : "aws"),
    config: o.config,
    resources: o.resources,
    initDir: o.initDir,
    otlpEndpoint: o.otlpEndpoint,
    lambdaFunctions: o.lambdaFunctions,
    sfnMockConfig: o.sfnMockConfig,
  };
  for (const name of Object.keys(CONNECTION_DEFAULTS) as (keyof typeof CONNECTION_DEFAULTS)[]) {
    if (!Number.isSafeInteger(r[name]) || r[name] < 1) throw new OptionError(`invalid ${name}: ${o[name]} (a positive whole number)`);
  }
  if (!Number.isSafeInteger(r.kinesisStatusDelayMs) || r.kinesisStatusDelayMs < 0) throw new OptionError(`invalid kinesisStatusDelayMs: ${o.kinesisStatusDelayMs} (a whole number of ms, 0 or more)`);
  if (!Number.isInteger(r.port) || r.port < 0 || r.port > 65535) throw new OptionError(`invalid port: ${o.port}`);
  if (!LOG_LEVELS.includes(r.logLevel)) throw new OptionError(`invalid log level: ${r.logLevel}`);
  if (!r.tlsCert !== !r.tlsKey) throw new OptionError("give both --tls-cert and --tls-key, or neither");
  if (r.durability !== "strict" && r.durability !== "relaxed") throw new OptionError(`invalid durability: ${r.durability} (strict or relaxed)`);
  if (!PROFILES.includes(r.profile)) throw new OptionError(`invalid profile: ${r.profile} (aws or test)`);
  if (!Number.isSafeInteger(r.metricsLabelLimit) || r.metricsLabelLimit < 1) throw new OptionError(`invalid metricsLabelLimit: ${o.metricsLabelLimit} (a positive whole number)`);
  if (!Number.isSafeInteger(r.metricsRetentionDays) || r.metricsRetentionDays < 1 || r.metricsRetentionDays > 455) throw new OptionError(`invalid metricsRetentionDays: ${o.metricsRetentionDays} (1 to 455 days)`);
  if (r.metricsPort !== undefined && (!Number.isInteger(r.metricsPort) || r.metricsPort < 0 || r.metricsPort > 65535)) throw new OptionError(`invalid metricsPort: ${o.metricsPort}`);
  return r;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}
