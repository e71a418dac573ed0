// Starts an in-process Mailroom for a test file and builds SDK clients for it. The backend is SQLite in
// memory unless MAILROOM_TEST_BACKEND=postgres, which gives each server a fresh PostgreSQL database (the
// same one again for the same dataDir, so restart tests work on both backends). useTestServer() does the
// before/after of a whole suite in one line.
import { after, before } from "node:test";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { startMailroom, type Mailroom, type MailroomOptions } from "../../src/index.ts";
import { freshDatabase } from "./postgres.ts";

export const TEST_CREDENTIALS = { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" };
export const TEST_BACKEND = process.env.MAILROOM_TEST_BACKEND === "postgres" ? "postgres" : "sqlite";

const databases = new Map<string, Promise<{ url: string; drop(): Promise<void> }>>();
let dropping = false;
process.on("beforeExit", () => {
  if (dropping || databases.size === 0) return;
  dropping = true;
  void Promise.allSettled([...databases.values()].map(async (d) => (await d).drop()));
});

async function databaseFor(key: string | undefined): Promise<string> {
  const k = key ?? `anon-${databases.size}`;
  let d = databases.get(k);
  if (!d) {
    d = freshDatabase("it");
    databases.set(k, d);
  }
  return (await d).url;
}

export async function startTestServer(options: MailroomOptions = {}): Promise<Mailroom> {
  // In-process tests run under the test profile (no AWS waits) on both backends; a test asserting those waits
  // (QueueDeletedRecently, PurgeQueueInProgress) passes profile: "aws".
  const base: MailroomOptions = { port: 0, logLevel: "silent", profile: "test", ...options };
  if (TEST_BACKEND === "postgres" && !options.database) {
    return startMailroom({ ...base, database: await databaseFor(options.dataDir) });
  }
  return startMailroom({ memory: options.dataDir === undefined, ...base });
}

type ClientOptions = { region?: string; accessKeyId?: string; secretAccessKey?: string };

/** What both SDK clients are built with: the endpoint, a region, the test credentials (or others), no retries. */
function clientConfig(endpoint: string, opts: ClientOptions) {
  return {
    endpoint,
    region: opts.region ?? "us-east-1",
    credentials: {
      accessKeyId: opts.accessKeyId ?? TEST_CREDENTIALS.accessKeyId,
      secretAccessKey: opts.secretAccessKey ?? TEST_CREDENTIALS.secretAccessKey,
    },
    maxAttempts: 1,
  };
}

export function sqsClient(endpoint: string, opts: ClientOptions = {}): SQSClient {
  return new SQSClient(clientConfig(endpoint, opts));
}

export function snsClient(endpoint: string, opts: ClientOptions = {}): SNSClient {
  return new SNSClient(clientConfig(endpoint, opts));
}

interface Served {
  server: Mailroom;
  sqs: SQSClient;
  sns: SNSClient;
}

/**
 * Starts a server before the enclosing suite's tests (a file, or the describe it is called in) and closes it after
 * them. The returned server and clients forward to the ones made in `before`, so a suite can name them at its top.
 */
export function useTestServer(options: MailroomOptions = {}): Served {
  let live: Served | undefined;
  before(async () => {
    const server = await startTestServer(options);
    live = { server, sqs: sqsClient(server.endpoint), sns: snsClient(server.endpoint) };
  });
  after(() => live?.server.close());
  const forward = <K extends keyof Served>(key: K): Served[K] =>
    new Proxy({}, {
      get(_, prop) {
        if (!live) throw new Error("the test server starts in before(); use it inside tests and hooks");
        const target = live[key] as object;
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as Served[K];
  return { server: forward("server"), sqs: forward("sqs"), sns: forward("sns") };
}
