// Names and ARNs of event buses and rules (EventBridge API reference: EventBus, Rule, PutRule and CreateEventBus
// Name constraints; ARN formats from the EventBridge user guide, "Resource-based policies" resource types).
import { constraint } from "../errors.ts";

export const DEFAULT_BUS = "default";
const RULE_NAME = /^[.\-_A-Za-z0-9]+$/;
const BUS_NAME = /^[/.\-_A-Za-z0-9]+$/;
const BUS_NAME_OR_ARN = /^(arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:event-bus\/)?[/.\-_A-Za-z0-9]+$/;

export function busArn(region: string, account: string, name: string): string {
  return `arn:aws:events:${region}:${account}:event-bus/${name}`;
}

/** Rules of the default bus have no bus in their ARN; others do (PutRule API reference, RuleArn). */
export function ruleArn(region: string, account: string, bus: string, name: string): string {
  return bus === DEFAULT_BUS ? `arn:aws:events:${region}:${account}:rule/${name}` : `arn:aws:events:${region}:${account}:rule/${bus}/${name}`;
}

/** Rule names: 1-64 of [.-_A-Za-z0-9] (PutRule API reference, Name). */
export function checkRuleName(name: unknown, path = "name"): string {
  const s = String(name ?? "");
  if (s.length > 64) throw constraint(s, path, "have length less than or equal to 64");
  if (!RULE_NAME.test(s)) throw constraint(s, path, "satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
  return s;
}

/** Custom bus names: 1-256 of [/.-_A-Za-z0-9] (CreateEventBus API reference, Name). */
export function checkBusName(name: unknown, path = "name"): string {
  const s = String(name ?? "");
  if (s.length > 256) throw constraint(s, path, "have length less than or equal to 256");
  if (!BUS_NAME.test(s)) throw constraint(s, path, "satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+");
  return s;
}

/**
 * An EventBusName that may be a name or an ARN (PutRule, PutEvents, ListRules... EventBusName: "name or ARN",
 * 1-1600 characters): the bus's account, region and name; the default bus when absent.
 */
export function parseBusRef(ref: unknown, account: string, region: string, path = "eventBusName"): { account: string; region: string; name: string } {
  if (ref === undefined || ref === null) return { account, region, name: DEFAULT_BUS };
  const s = String(ref);
  if (s.length > 1600) throw constraint(s, path, "have length less than or equal to 1600");
  if (!BUS_NAME_OR_ARN.test(s)) throw constraint(s, path, "satisfy regular expression pattern: (arn:aws[\\w-]*:events:[a-z]{2}-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+");
  if (!s.startsWith("arn:")) return { account, region, name: s };
  const parts = s.split(":");
  return { account: parts[4], region: parts[3], name: parts.slice(5).join(":").slice("event-bus/".length) };
}

export function connectionArn(region: string, account: string, name: string, uuid: string): string {
  return `arn:aws:events:${region}:${account}:connection/${name}/${uuid}`;
}

export function apiDestinationArn(region: string, account: string, name: string, uuid: string): string {
  return `arn:aws:events:${region}:${account}:api-destination/${name}/${uuid}`;
}

/** What a target ARN names (PutTargets API reference, Target Arn; ARN formats of each service). */
export type TargetKind =
  | { kind: "sqs" }
  | { kind: "sns" }
  | { kind: "bus"; account: string; region: string; name: string }
  | { kind: "api-destination"; account: string; region: string; name: string; uuid: string }
  | { kind: "kinesis" }
  | { kind: "states" }
  | { kind: "other"; service: string };

export function targetKind(arn: string): TargetKind {
  const p = arn.split(":");
  if (p.length < 6 || p[0] !== "arn") return { kind: "other", service: "" };
  const [, , service, region, account] = p;
  const resource = p.slice(5).join(":");
  if (service === "sqs") return { kind: "sqs" };
  if (service === "sns") return { kind: "sns" };
  if (service === "kinesis") return { kind: "kinesis" };
  if (service === "states") return { kind: "states" };
  if (service === "events" && /^\d{12}$/.test(account)) {
    if (resource.startsWith("event-bus/") && resource.length > "event-bus/".length) return { kind: "bus", account, region, name: resource.slice("event-bus/".length) };
    const m = /^api-destination\/([.\-_A-Za-z0-9]+)\/([-A-Za-z0-9]+)$/.exec(resource);
    if (m) return { kind: "api-destination", account, region, name: m[1], uuid: m[2] };
  }
  return { kind: "other", service };
}

/** The account, region, name and id of a connection or API destination ARN (…:connection/<name>/<uuid>). */
export function parseResourceArn(arn: string, type: "connection" | "api-destination"): { account: string; region: string; name: string; uuid: string } | undefined {
  const p = arn.split(":");
  if (p.length !== 6 || p[0] !== "arn" || p[2] !== "events" || !/^\d{12}$/.test(p[4])) return undefined;
  const m = new RegExp(`^${type}/([.\\-_A-Za-z0-9]{1,64})/([-A-Za-z0-9]+)$`).exec(p[5]);
  return m ? { account: p[4], region: p[3], name: m[1], uuid: m[2] } : undefined;
}
