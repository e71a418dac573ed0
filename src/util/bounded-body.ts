// Reading an HTTP answer from a remote endpoint (API destinations, OAuth token endpoints, the Step Functions HTTP
// Task, local Lambda functions) without letting the endpoint make the node buffer without limit.

export interface BoundedBody {
  /** At most `max` bytes of the body. */
  body: Buffer;
  /** The body was longer than `max`: the rest was not read (the stream is cancelled). */
  truncated: boolean;
  /** The body was cut short by the peer or the network: `body` holds what arrived. */
  error?: unknown;
}

export async function readBounded(res: Response, max: number): Promise<BoundedBody> {
  if (!res.body) return { body: Buffer.alloc(0), truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.length;
      if (n > max) {
        await reader.cancel().catch(() => undefined);
        return { body: Buffer.concat(chunks).subarray(0, max), truncated: true };
      }
    }
  } catch (error) {
    return { body: Buffer.concat(chunks), truncated: false, error };
  }
  return { body: Buffer.concat(chunks), truncated: false };
}
