// Shard iterators: opaque strings (at most 512 characters, the model's ShardIterator length) naming the stream row,
// the shard, the counter after which reading continues, and when the iterator was made. An iterator expires 5 minutes
// after it is returned ("A shard iterator expires 5 minutes after it is returned to the requester", GetShardIterator
// API reference).
export const ITERATOR_TTL_MS = 5 * 60_000;

export interface IteratorState {
  streamId: number;
  shardIndex: number;
  /** Reading returns records with a counter above this. */
  after: number;
  issuedAt: number;
}

export function encodeIterator(s: IteratorState): string {
  return Buffer.from(`mr1|${s.streamId}|${s.shardIndex}|${s.after}|${s.issuedAt}`, "utf8").toString("base64");
}

export function decodeIterator(text: string): IteratorState | undefined {
  if (text.length > 512 || !/^[A-Za-z0-9+/=]+$/.test(text)) return undefined;
  const parts = Buffer.from(text, "base64").toString("utf8").split("|");
  if (parts.length !== 5 || parts[0] !== "mr1") return undefined;
  const [streamId, shardIndex, after, issuedAt] = parts.slice(1).map((p) => (/^\d{1,16}$/.test(p) ? Number(p) : NaN));
  if ([streamId, shardIndex, after, issuedAt].some((n) => !Number.isSafeInteger(n))) return undefined;
  return { streamId, shardIndex, after, issuedAt };
}
