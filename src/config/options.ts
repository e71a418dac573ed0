// Mailroom's options: defaults, and how each is read from MAILROOM_* environment variables. The CLI and
// startMailroom() both resolve options through here, so every option has one meaning.
import { parseAccessKeys, type AccessKey } from "../auth/credentials.ts";
import type { Durability } from "../storage/sqlite/db.ts";
import type { LogLevel } from "../util/log.ts";

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
  /** Injected clock (tests). */
  clock?: import("../engine/clock.ts").Clock;
  /** Fault injection (tests): called with the SQLite connection once open (storage/open.ts). */
  sqliteHook?: (db: import("../storage/sqlite/db.ts").SqliteDb) => void;
}

type Optional = "clock" | "database" | "tlsCert" | "tlsKey" | "sqliteHook";
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

export const DEFAULTS = {
  host: "127.0.0.1",
  port: 4566,
  dataDir: ".mailroom",
  logLevel: "info" as LogLevel,
  durability: "strict" as Durability,
  ...CONNECTION_DEFAULTS,
  kinesisStatusDelayMs: 0,
  kinesisThroughputLimits: false,
};

/** The connection limits: option name → MAILROOM_* variable. */
const CONNECTION_ENV: [keyof typeof CONNECTION_DEFAULTS, string][] = [
  ["headersTimeoutMs", "MAILROOM_HEADERS_TIMEOUT_MS"],
  ["bodyTimeoutMs", "MAILROOM_BODY_TIMEOUT_MS"],
  ["idleTimeoutMs", "MAILROOM_IDLE_TIMEOUT_MS"],
  ["tlsHandshakeTimeoutMs", "MAILROOM_TLS_HANDSHAKE_TIMEOUT_MS"],
  ["maxConnections", "MAILROOM_MAX_CONNECTIONS"],
  ["maxBufferedBodyBytes", "MAILROOM_MAX_BUFFERED_BODY_BYTES"],
];

/** Options from MAILROOM_* variables (HOST, PORT, DATABASE_URL, DATA_DIR, MEMORY, LOG_LEVEL, ACCESS_KEYS, ALLOW_ANONYMOUS, DURABILITY, TLS_CERT, TLS_KEY, the connection limits above, KINESIS_STATUS_DELAY_MS, KINESIS_THROUGHPUT_LIMITS). */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): MailroomOptions {
  const o: MailroomOptions = {};
  if (env.MAILROOM_HOST) o.host = env.MAILROOM_HOST;
  if (env.MAILROOM_PORT) o.port = Number(env.MAILROOM_PORT);
  if (env.MAILROOM_DATABASE_URL) o.database = env.MAILROOM_DATABASE_URL;
  if (env.MAILROOM_DATA_DIR) o.dataDir = env.MAILROOM_DATA_DIR;
  if (env.MAILROOM_MEMORY) o.memory = env.MAILROOM_MEMORY === "1" || env.MAILROOM_MEMORY === "true";
  if (env.MAILROOM_LOG_LEVEL) o.logLevel = env.MAILROOM_LOG_LEVEL as LogLevel;
  if (env.MAILROOM_ACCESS_KEYS) o.accessKeys = parseAccessKeys(env.MAILROOM_ACCESS_KEYS);
  if (env.MAILROOM_ALLOW_ANONYMOUS) o.allowAnonymous = env.MAILROOM_ALLOW_ANONYMOUS === "1" || env.MAILROOM_ALLOW_ANONYMOUS === "true";
  if (env.MAILROOM_DURABILITY) o.durability = env.MAILROOM_DURABILITY as Durability;
  if (env.MAILROOM_TLS_CERT) o.tlsCert = env.MAILROOM_TLS_CERT;
  if (env.MAILROOM_TLS_KEY) o.tlsKey = env.MAILROOM_TLS_KEY;
  for (const [name, variable] of CONNECTION_ENV) if (env[variable]) o[name] = Number(env[variable]);
  if (env.MAILROOM_KINESIS_STATUS_DELAY_MS) o.kinesisStatusDelayMs = Number(env.MAILROOM_KINESIS_STATUS_DELAY_MS);
  if (env.MAILROOM_KINESIS_THROUGHPUT_LIMITS) o.kinesisThroughputLimits = env.MAILROOM_KINESIS_THROUGHPUT_LIMITS === "1" || env.MAILROOM_KINESIS_THROUGHPUT_LIMITS === "true";
  return o;
}

export function resolveOptions(o: MailroomOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    host: o.host ?? DEFAULTS.host,
    port: o.port ?? DEFAULTS.port,
    database: o.database,
    dataDir: o.dataDir ?? DEFAULTS.dataDir,
    memory: o.memory ?? false,
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
    clock: o.clock,
    sqliteHook: o.sqliteHook,
  };
  for (const [name] of CONNECTION_ENV) {
    if (!Number.isSafeInteger(r[name]) || r[name] < 1) throw new Error(`invalid ${name}: ${o[name]} (a positive whole number)`);
  }
  if (!Number.isSafeInteger(r.kinesisStatusDelayMs) || r.kinesisStatusDelayMs < 0) throw new Error(`invalid kinesisStatusDelayMs: ${o.kinesisStatusDelayMs} (a whole number of ms, 0 or more)`);
  if (!Number.isInteger(r.port) || r.port < 0 || r.port > 65535) throw new Error(`invalid port: ${o.port}`);
  if (!["debug", "info", "warn", "error", "silent"].includes(r.logLevel)) throw new Error(`invalid log level: ${r.logLevel}`);
  if (!r.tlsCert !== !r.tlsKey) throw new Error("give both --tls-cert and --tls-key, or neither");
  if (r.durability !== "strict" && r.durability !== "relaxed") throw new Error(`invalid durability: ${r.durability} (strict or relaxed)`);
  return r;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}
