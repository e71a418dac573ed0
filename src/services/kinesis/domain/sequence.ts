// Sequence numbers: 56-digit decimal strings, as AWS's are ("49" and digits), increasing per shard. Ours are
// "49" + the stream's creation time (17 digits, epoch ms) + the shard index (12 digits) + the shard's record counter
// (25 digits), so a number names its shard and compares by value within it; counter 0 is the shard's
// StartingSequenceNumber and the first record gets 1.
const WIDTH = 56;

export function sequenceNumber(streamCreatedMs: number, shardIndex: number, counter: number): string {
  return `49${String(streamCreatedMs).padStart(17, "0")}${String(shardIndex).padStart(12, "0")}${String(counter).padStart(25, "0")}`;
}

/** The shard index and counter of a sequence number of this stream, or undefined when it is not one of its numbers. */
export function parseSequenceNumber(s: string, streamCreatedMs: number): { shardIndex: number; counter: number } | undefined {
  if (s.length !== WIDTH || !/^\d+$/.test(s)) return undefined;
  if (s.slice(0, 2) !== "49" || Number(s.slice(2, 19)) !== streamCreatedMs) return undefined;
  const counter = Number(s.slice(31));
  if (!Number.isSafeInteger(counter)) return undefined;
  return { shardIndex: Number(s.slice(19, 31)), counter };
}

/** Whether a string is a sequence number at all (decimal digits; SequenceNumber's model pattern is 0|([1-9]\d{0,128})). */
export function isSequenceNumberText(s: string): boolean {
  return /^(0|[1-9]\d{0,128})$/.test(s);
}

export function shardId(index: number): string {
  return `shardId-${String(index).padStart(12, "0")}`;
}

export function parseShardId(s: string): number | undefined {
  const m = /^shardId-(\d{12})$/.exec(s);
  return m ? Number(m[1]) : undefined;
}
