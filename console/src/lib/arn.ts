// ARNs and queue URLs, as the console links resources by their ARN. Pure: no DOM.

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string): Arn | undefined {
  const m = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(arn);
  if (!m) return undefined;
  return { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] };
}

/** The name at the end of an ARN's resource: a queue or topic name, the last part of a path-like resource. */
export function arnName(arn: string): string {
  const a = parseArn(arn);
  if (!a) return arn;
  // states: stateMachine:<name>, execution:<machine>:<name>; others: <name> or <kind>/<name>.
  if (a.service === "states") return a.resource.slice(a.resource.lastIndexOf(":") + 1);
  // sns: <topic> or <topic>:<subscription id>.
  if (a.service === "sns") return a.resource.split(":")[0];
  return a.resource.slice(a.resource.lastIndexOf("/") + 1);
}

/** A queue's ARN from its URL (http://host/<account>/<name>) and the region the console works in. */
export function queueArnFromUrl(url: string, region: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const parts = path.split("/").filter((p) => p !== "");
  if (parts.length < 2) return undefined;
  const [account, name] = parts.slice(-2);
  if (!/^\d{12}$/.test(account)) return undefined;
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

/** The account an event bus ARN names (the console's "who am I": every account has the default bus). */
export function accountOf(arn: string | undefined): string | undefined {
  return arn ? parseArn(arn)?.account : undefined;
}
