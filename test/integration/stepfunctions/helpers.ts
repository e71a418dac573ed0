// Step Functions test helpers: an SFN client for a test server, and waiting for the runner (the scheduler runs due
// steps on the next turns after a start or a clock advance; no test sleeps on the clock).
import { DescribeExecutionCommand, SFNClient, type DescribeExecutionCommandOutput } from "@aws-sdk/client-sfn";
import { TEST_CREDENTIALS } from "../../helpers/server.ts";

export const ROLE = "arn:aws:iam::000000000000:role/sfn-role";

export function sfnClient(endpoint: string): SFNClient {
  // TestState and StartSyncExecution are modelled with a "sync-" host prefix, which a loopback endpoint cannot take.
  return new SFNClient({ endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1, disableHostPrefix: true });
}

/** Polls DescribeExecution until `done` holds (the runner works on the event loop; real time, a few ms at most). */
export async function waitFor(
  sfn: SFNClient, executionArn: string, done: (d: DescribeExecutionCommandOutput) => boolean = (d) => d.status !== "RUNNING",
): Promise<DescribeExecutionCommandOutput> {
  for (let i = 0; i < 400; i++) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (done(d)) return d;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`execution ${executionArn} did not reach the expected state`);
}

export const def = (states: Record<string, unknown>, startAt = Object.keys(states)[0]) => JSON.stringify({ StartAt: startAt, States: states });
