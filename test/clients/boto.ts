// Drives boto3 from node:test through test/clients/py/driver.py: one long-lived Python process per test file,
// one JSON command per line in, one JSON result per line out. The interpreter picks the wire protocol: Debian's
// /usr/bin/python3 (boto3 1.26) speaks the SQS query protocol, the pyenv python3 (boto3 1.43) AWS JSON.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const DRIVER = join(dirname(fileURLToPath(import.meta.url)), "py", "driver.py");

/** Debian's python3 with boto3 1.26 / botocore 1.29: SQS over the query protocol. */
export const QUERY_PYTHON = "/usr/bin/python3";
/** The python3 on PATH (pyenv, boto3 1.43): SQS over AWS JSON 1.0. */
export const JSON_PYTHON = "python3";

export interface BotoErrorInfo {
  Code: string;
  Message: string;
  Type?: string;
  QueryErrorCode?: string;
  HTTPStatusCode: number;
}

export type BotoReply =
  | { result: Record<string, any>; status: number }
  | { error: BotoErrorInfo }
  | { exception: { type: string; message: string } };

export class BotoCallError extends Error {
  readonly reply: BotoReply;
  constructor(op: string, reply: BotoReply) {
    super(`${op} failed: ${JSON.stringify(reply)}`);
    this.reply = reply;
  }
}

export interface Boto {
  /** What the driver reported at start: the protocol botocore uses and the versions. */
  info: { protocol: string; boto3: string; botocore: string };
  /** The full reply line. */
  raw(op: string, args?: Record<string, unknown>): Promise<BotoReply>;
  /** The boto3 response (without ResponseMetadata); rejects on any error. */
  call(op: string, args?: Record<string, unknown>): Promise<Record<string, any>>;
  /** The ClientError details; rejects when the call succeeds or fails otherwise. */
  fail(op: string, args?: Record<string, unknown>): Promise<BotoErrorInfo>;
  close(): void;
}

export interface BotoOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
  python?: string;
  /** Protocol the driver must find in botocore's SQS model ("query" for QUERY_PYTHON, "json" for JSON_PYTHON). */
  protocol?: "query" | "json" | "smithy-rpc-v2-cbor" | "rest-json";
  /** The boto3 client's service (default sqs). */
  service?: "sqs" | "sns" | "kinesis" | "cloudwatch" | "events" | "scheduler";
}

/** A value passed to boto3 as bytes (e.g. BinaryValue). */
export function bytes(b: Buffer | string): { $b64: string } {
  return { $b64: (typeof b === "string" ? Buffer.from(b, "utf8") : b).toString("base64") };
}

function withoutAws(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith("AWS_")));
}

export async function startBoto(endpoint: string, opts: BotoOptions = {}): Promise<Boto> {
  const python = opts.python ?? QUERY_PYTHON;
  const child: ChildProcessWithoutNullStreams = spawn(python, [DRIVER], {
    env: {
      ...withoutAws(process.env),
      MAILROOM_ENDPOINT: endpoint,
      MAILROOM_SERVICE: opts.service ?? "sqs",
      MAILROOM_EXPECT_PROTOCOL: opts.protocol ?? (python === QUERY_PYTHON ? "query" : "json"),
      AWS_ACCESS_KEY_ID: opts.accessKeyId ?? "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: opts.secretAccessKey ?? "test-secret",
      AWS_DEFAULT_REGION: opts.region ?? "us-east-1",
      // Keep the user's ~/.aws config out of it.
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      PYTHONDONTWRITEBYTECODE: "1",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const lines = createInterface({ input: child.stdout });
  const waiting: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  let ended: Error | undefined;
  lines.on("line", (line) => waiting.shift()?.resolve(line));
  child.on("close", (code) => {
    ended = new Error(`boto driver (${python}) exited with ${code}: ${stderr}`);
    for (const w of waiting.splice(0)) w.reject(ended);
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      if (ended) reject(ended);
      else waiting.push({ resolve, reject });
    });

  const info = JSON.parse(await next()) as Boto["info"] & { ready: boolean };
  // Commands run one at a time, in order (the driver is single-threaded).
  let queue: Promise<unknown> = Promise.resolve();
  const raw = (op: string, args: Record<string, unknown> = {}): Promise<BotoReply> => {
    const run = queue.then(async () => {
      const reply = next();
      child.stdin.write(`${JSON.stringify({ op, args })}\n`);
      return JSON.parse(await reply) as BotoReply;
    });
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    info,
    raw,
    async call(op, args) {
      const r = await raw(op, args);
      if ("result" in r) return r.result;
      throw new BotoCallError(op, r);
    },
    async fail(op, args) {
      const r = await raw(op, args);
      if ("error" in r) return r.error;
      throw new BotoCallError(`${op} (expected a ClientError)`, r);
    },
    close() {
      child.stdin.end();
    },
  };
}
