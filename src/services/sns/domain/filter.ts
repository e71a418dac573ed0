// Whether a subscription's filter policy lets a message through, with compiled policies cached by their text.
import { checkFilterPolicy, matchesAttributes, matchesBody, type FilterScope } from "../../../patterns/filter-policy.ts";
import type { SnsAttribute } from "./messages.ts";

const cache = new Map<string, ReturnType<typeof checkFilterPolicy>>();
const MAX_CACHED = 1000;

export function passesFilter(attributes: Record<string, string>, message: string, messageAttributes: Record<string, SnsAttribute> | undefined): boolean {
  const policy = attributes.FilterPolicy;
  if (!policy) return true;
  const scope: FilterScope = attributes.FilterPolicyScope === "MessageBody" ? "MessageBody" : "MessageAttributes";
  const key = `${scope}\u0000${policy}`;
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = checkFilterPolicy(policy, scope);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, compiled);
  }
  return scope === "MessageBody" ? matchesBody(compiled, message) : matchesAttributes(compiled, messageAttributes);
}
