// Queue identity: name rules, queue URLs (`<base>/<account>/<name>`) and ARNs (`arn:aws:sqs:<region>:<account>:<name>`).
import { invalidParameter } from "../errors.ts";
import { MAX_QUEUE_NAME_LENGTH } from "./limits.ts";

const NAME = /^[A-Za-z0-9_-]+$/;

/** Queue names: 1-80 alphanumerics, hyphens, underscores (CreateQueue API reference, QueueName). */
export function checkQueueName(name: string, fifo: boolean): void {
  // A FIFO queue's name ends in .fifo, which counts toward the 80; a standard queue's may not.
  const base = fifo && name.endsWith(".fifo") ? name.slice(0, -5) : name;
  if ((fifo && !name.endsWith(".fifo")) || name.length === 0 || name.length > MAX_QUEUE_NAME_LENGTH || !NAME.test(base)) {
    throw invalidParameter("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
  }
}

export function queueUrl(baseUrl: string, account: string, name: string): string {
  return `${baseUrl}/${account}/${name}`;
}

export function queueArn(region: string, account: string, name: string): string {
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

type ParsedUrl = { account: string; name: string; region?: string } | undefined;
const parsedUrls = new Map<string, ParsedUrl>();

/** Account, name and (for AWS-style hosts) region of a queue URL; undefined when it is not one. Memoised: every request parses one. */
export function parseQueueUrl(url: string): ParsedUrl {
  let p = parsedUrls.get(url);
  if (p === undefined && !parsedUrls.has(url)) {
    if (parsedUrls.size >= 10_000) parsedUrls.clear();
    p = parseUrl(url);
    parsedUrls.set(url, p);
  }
  return p;
}

function parseUrl(url: string): ParsedUrl {
  let path = url;
  let host = "";
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)(.*)$/.exec(url);
  if (m) {
    host = m[1];
    path = m[2];
  }
  const parts = path.split(/[?#]/)[0].split("/").filter((p) => p !== "");
  if (parts.length !== 2) return undefined;
  const [account, name] = parts;
  if (!/^\d{12}$/.test(account)) return undefined;
  const region = /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(host)?.[1];
  let decoded: string;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    return undefined; // a malformed %-escape is not a queue URL (answered InvalidAddress, as any unreadable queue URL)
  }
  return { account, name: decoded, region };
}

export function parseQueueArn(arn: string): { region: string; account: string; name: string } | undefined {
  const m = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)$/.exec(arn);
  return m ? { region: m[1], account: m[2], name: m[3] } : undefined;
}
