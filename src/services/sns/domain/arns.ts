// SNS identity: topic names, topic and subscription ARNs (`arn:aws:sns:<region>:<account>:<topic>[:<id>]`).
import { invalidParameter } from "../errors.ts";

const NAME = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * Topic names: 1-256 letters, digits, hyphens, underscores; FIFO names end in .fifo (CreateTopic API reference,
 * Name). Every violation, including a FIFO topic whose name lacks .fifo, answers "Invalid parameter: Topic Name"
 * (recorded AWS responses: LocalStack snapshots test_create_topic_name_constraints, test_create_topic_different_attrs).
 */
export function checkTopicName(name: string, fifo: boolean): void {
  const ok = fifo ? name.endsWith(".fifo") && name.length <= 256 && NAME.test(name.slice(0, -5)) : NAME.test(name);
  if (!ok) throw invalidParameter("Topic Name");
}

/**
 * A topic ARN of another region than the request's: "Invalid parameter: TopicArn", whether or not the topic exists
 * there (recorded AWS responses: LocalStack snapshots test_cross_region_access, test_topic_publish_another_region).
 */
export function checkTopicRegion(arnRegion: string, requestRegion: string, member = "TopicArn"): void {
  if (arnRegion !== requestRegion) throw invalidParameter(member);
}

export function topicArn(region: string, account: string, name: string): string {
  return `arn:aws:sns:${region}:${account}:${name}`;
}

export interface ParsedTopicArn {
  region: string;
  account: string;
  name: string;
}

export function parseTopicArn(arn: string): ParsedTopicArn | undefined {
  const m = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)$/.exec(arn);
  return m ? { region: m[1], account: m[2], name: m[3] } : undefined;
}

/** Topic part of a subscription ARN (`<topic arn>:<uuid>`). */
export function parseSubscriptionArn(arn: string): (ParsedTopicArn & { id: string }) | undefined {
  const m = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+):([0-9a-f-]{36})$/.exec(arn);
  return m ? { region: m[1], account: m[2], name: m[3], id: m[4] } : undefined;
}

export function platformApplicationArn(region: string, account: string, platform: string, name: string): string {
  return `arn:aws:sns:${region}:${account}:app/${platform}/${name}`;
}

export function parsePlatformArn(arn: string): { region: string; account: string; kind: "app" | "endpoint"; platform: string; name: string; id?: string } | undefined {
  const m = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):(app|endpoint)\/([A-Za-z_]+)\/([^/]+)(?:\/([0-9a-f-]{36}))?$/.exec(arn);
  return m ? { region: m[1], account: m[2], kind: m[3] as "app" | "endpoint", platform: m[4], name: m[5], id: m[6] } : undefined;
}

/**
 * InvalidParameter for an ARN that does not parse: "<member> Reason: An ARN must have at least 6 elements, not <n>"
 * when it has fewer than six ':'-separated parts, else plain "<member>" (AWS wording recorded in LocalStack's
 * test_publish_wrong_arn_format and test_unsubscribe_wrong_arn_format snapshots).
 */
export function malformedArn(member: string, arn: string): ReturnType<typeof invalidParameter> {
  const n = arn.split(":").length;
  return invalidParameter(n < 6 ? `${member} Reason: An ARN must have at least 6 elements, not ${n}` : member);
}
