// Whether a subscription's filter policy lets a message through, with compiled policies cached by their text.
// Compiling and matching cost time linear in the policy and the message (src/patterns, ADR 0013).
import { compileStoredFilterPolicy, matchesAttributes, matchesBody, type FilterScope } from "../../../patterns/filter-policy.ts";
import type { SnsAttribute } from "./messages.ts";

const cache = new Map<string, ReturnType<typeof compileStoredFilterPolicy>>();
const MAX_CACHED = 1000;

export function passesFilter(attributes: Record<string, string>, message: string, messageAttributes: Record<string, SnsAttribute> | undefined): boolean {
  const policy = attributes.FilterPolicy;
  if (!policy) return true;
  const scope: FilterScope = attributes.FilterPolicyScope === "MessageBody" ? "MessageBody" : "MessageAttributes";
  const key = `${scope}\u0000${policy}`;
  let compiled = cache.get(key);
  if (!cache.has(key)) {
    // A stored policy was accepted when it was set; one that no longer compiles (stored by an older version)
    // lets nothing through rather than failing the Publish.
    compiled = compileStoredFilterPolicy(policy, scope);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, compiled);
  }
  if (!compiled) return false;
  return scope === "MessageBody" ? matchesBody(compiled, message) : matchesAttributes(compiled, messageAttributes);
}
