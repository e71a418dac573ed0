// Starts an in-process Mailroom for a test file (memory storage unless told otherwise) and builds SDK clients for it.
import { SQSClient } from "@aws-sdk/client-sqs";
import { startMailroom, type Mailroom, type MailroomOptions } from "../../src/index.ts";

export const TEST_CREDENTIALS = { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" };

export async function startTestServer(options: MailroomOptions = {}): Promise<Mailroom> {
  return startMailroom({ port: 0, memory: true, logLevel: "silent", ...options });
}

export function sqsClient(endpoint: string, opts: { region?: string; accessKeyId?: string; secretAccessKey?: string } = {}): SQSClient {
  return new SQSClient({
    endpoint,
    region: opts.region ?? "us-east-1",
    credentials: {
      accessKeyId: opts.accessKeyId ?? TEST_CREDENTIALS.accessKeyId,
      secretAccessKey: opts.secretAccessKey ?? TEST_CREDENTIALS.secretAccessKey,
    },
    maxAttempts: 1,
  });
}
