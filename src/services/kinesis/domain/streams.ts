// Stream names, ARNs and the limits of the stream operations (Kinesis API reference: CreateStream, DescribeStream,
// ListStreams, ListShards; Kinesis quotas page).
import { invalidArgument, validation } from "../errors.ts";

/** StreamName: 1–128 characters of [a-zA-Z0-9_.-] (model constraint). */
export function checkStreamName(name: string, member = "streamName"): void {
  if (name.length < 1 || name.length > 128) throw validation(name, member, "Member must have length less than or equal to 128");
  if (!/^[a-zA-Z0-9_.-]+$/.test(name)) throw validation(name, member, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
}

export function streamArn(region: string, account: string, name: string): string {
  return `arn:aws:kinesis:${region}:${account}:stream/${name}`;
}

/** A stream ARN's parts (arn:aws:kinesis:<region>:<account>:stream/<name>, the model's StreamARN pattern). */
export function parseStreamArn(arn: string): { region: string; account: string; name: string } | undefined {
  const m = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/([a-zA-Z0-9_.-]{1,128})$/.exec(arn);
  return m ? { region: m[1], account: m[2], name: m[3] } : undefined;
}

/** A ShardId member: 1–128 characters of [a-zA-Z0-9_.-] (model constraint). */
export function checkShardIdText(id: string, member: string): void {
  if (id.length < 1 || id.length > 128 || !/^[a-zA-Z0-9_.-]+$/.test(id)) {
    throw validation(id, member, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  }
}

/** An integer member within [min, max] (model range constraints, coral wording). */
export function checkRange(value: number | undefined, member: string, min: number, max: number): void {
  if (value === undefined) return;
  if (value < min) throw validation(String(value), member, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw validation(String(value), member, `Member must have value less than or equal to ${max}`);
}

/** An enum member (readShape checks types only). */
export function checkEnum(value: string | undefined, member: string, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw validation(value, member, `Member must satisfy enum value set: [${allowed.join(", ")}]`);
  }
}

/**
 * Open shards per account and region: 20,000 in us-east-1, us-west-2 and eu-west-1, "1,000 or 6,000" elsewhere
 * (Kinesis developer guide, "Quotas and limits", Number of shards); the page does not say which regions get which,
 * so other regions get 6,000 rather than refuse what AWS may allow. An on-demand stream starts with 4 shards (Kinesis developer guide, "On-demand mode": a new
 * on-demand stream has a write capacity of 4 MiB/s and 4,000 records/s, i.e. 4 shards).
 */
export function shardQuota(region: string): number {
  return ["us-east-1", "us-west-2", "eu-west-1"].includes(region) ? 20_000 : 6_000;
}
export const ON_DEMAND_INITIAL_SHARDS = 4;
/** "By default, you can create up to 50 data streams with the on-demand capacity mode" (Kinesis quotas and limits page). */
export const ON_DEMAND_STREAM_QUOTA = 50;

/** Opaque paging tokens (ListStreams, ListShards), valid 300 seconds (ListShards API reference: NextToken "Tokens expire after 300 seconds", ExpiredNextTokenException); ListStreams' tokens are given the same life. */
export const NEXT_TOKEN_TTL_MS = 300_000;

export function encodeToken(fields: (string | number)[]): string {
  return Buffer.from(JSON.stringify(fields), "utf8").toString("base64");
}

export function decodeToken(token: string): (string | number)[] {
  try {
    const v = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")) return v;
  } catch {
    // falls through
  }
  throw invalidArgument("Invalid NextToken.");
}
