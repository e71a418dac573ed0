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
