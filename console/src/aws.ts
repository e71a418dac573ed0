// The console's AWS clients: the official JS SDK v3 clients, pointed at the server that served the page and signed
// with SigV4 by the credentials of the tab (ADR 0032). Only the clients the panes use are imported.
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EventBridgeClient, ListEventBusesCommand } from "@aws-sdk/client-eventbridge";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { accountOf } from "./lib/arn.ts";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

export interface Clients {
  region: string;
  account: string;
  accessKeyId: string;
  sqs: SQSClient;
  /** SQS pointed at the peek route (/_aws/sqs/messages): ReceiveMessage there lists without consuming. */
  peek: SQSClient;
  sns: SNSClient;
  events: EventBridgeClient;
  kinesis: KinesisClient;
  sfn: SFNClient;
  cloudwatch: CloudWatchClient;
}

const STORAGE_KEY = "mailroom.console.credentials";
/** The message browser lists the oldest this many messages of a queue (the peek route's Limit). */
export const PEEK_LIMIT = 100;
/** Used when the server has no access keys (it then accepts any): the key names the default account. */
export const ANONYMOUS: Credentials = { accessKeyId: "test", secretAccessKey: "test", region: "us-east-1" };

/** Credentials are kept for this tab only (sessionStorage), never in localStorage or a cookie. */
export function storedCredentials(): Credentials | undefined {
  try {
    const v = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null") as Credentials | null;
    return v && typeof v.accessKeyId === "string" && typeof v.secretAccessKey === "string" ? { ...v, region: v.region || "us-east-1" } : undefined;
  } catch {
    return undefined;
  }
}

export function storeCredentials(c: Credentials | undefined): void {
  if (c) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(c));
  else sessionStorage.removeItem(STORAGE_KEY);
}

function build(c: Credentials, account: string): Clients {
  const endpoint = window.location.origin;
  const config = { endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }, maxAttempts: 2 };
  const peek = new SQSClient({ ...config, endpoint: `${endpoint}/_aws/sqs/messages` });
  // The peek route's options are query parameters, added before signing so the signature covers them.
  peek.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { query?: Record<string, string> };
      request.query = { ...(request.query ?? {}), ShowInvisible: "true", ShowDelayed: "true", Limit: String(PEEK_LIMIT) };
      return next(args);
    },
    { step: "build", name: "mailroomPeekOptions" },
  );
  return {
    region: c.region,
    account,
    accessKeyId: c.accessKeyId,
    sqs: new SQSClient(config),
    peek,
    sns: new SNSClient(config),
    events: new EventBridgeClient(config),
    kinesis: new KinesisClient(config),
    sfn: new SFNClient(config),
    cloudwatch: new CloudWatchClient(config),
  };
}

/**
 * Signs in: a signed ListEventBuses proves the credentials (every account has its default bus) and names the
 * account from the default bus's ARN. Throws the SDK's error (e.g. UnrecognizedClientException) when refused.
 */
export async function signIn(c: Credentials): Promise<Clients> {
  const probe = build(c, "");
  const out = await probe.events.send(new ListEventBusesCommand({}));
  const account = accountOf(out.EventBuses?.find((b) => b.Name === "default")?.Arn ?? out.EventBuses?.[0]?.Arn) ?? "unknown";
  return { ...probe, account };
}

/** An SDK error as one line for the UI: "Code: message". */
export function errorText(e: unknown): string {
  const err = e as { name?: string; message?: string; Code?: string };
  // The modelled error's name (QueueDoesNotExist), not SQS's query-compatible code (AWS.SimpleQueueService.…).
  const code = err?.name && err.name !== "Error" ? err.name : err?.Code;
  return code && err?.message ? `${code}: ${err.message}` : String(err?.message ?? e);
}
