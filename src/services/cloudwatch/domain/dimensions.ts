// Dimensions in canonical form: sorted by name, stored as one JSON string, so a metric is one key whatever order
// the caller gave its dimensions in (CloudWatch treats each combination of dimensions as a separate metric,
// order aside: CloudWatch concepts, "Dimensions").
import { invalidParameterValue } from "../errors.ts";

export interface Dimension {
  Name: string;
  Value: string;
}

/** At most 30 dimensions per metric (CloudWatch quotas: "Dimensions per metric: 30"). */
export const MAX_DIMENSIONS = 30;

export function canonicalDimensions(dims: Dimension[] | undefined, member = "Dimensions"): string {
  const list = dims ?? [];
  if (list.length > MAX_DIMENSIONS) throw invalidParameterValue(`The collection ${member} must not have a size greater than ${MAX_DIMENSIONS}.`);
  const seen = new Set<string>();
  for (const d of list) {
    // A repeated dimension name (PutMetricData API reference: "Each dimension name must be unique").
    if (seen.has(d.Name)) throw invalidParameterValue(`No metric may have duplicate dimension names. ${member} contains ${d.Name} more than once.`);
    seen.add(d.Name);
  }
  const sorted = [...list].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  return JSON.stringify(sorted.map((d) => [d.Name, d.Value]));
}

export function parseDimensions(dims: string): Dimension[] {
  return (JSON.parse(dims) as [string, string][]).map(([Name, Value]) => ({ Name, Value }));
}
