// Rows of the pipes tables as both adapters read them (PostgreSQL BIGINTs arrive as strings).
import type { DesiredState, PipeFilter, PipeRecord, PipeState } from "../services/pipes/store.ts";

export interface PipeRow {
  account: string;
  region: string;
  name: string;
  source: string;
  target: string;
  desired_state: string;
  current_state: string;
  config: string;
  created_at: number | string;
  modified_at: number | string;
  version: number | string;
}

export function toPipe(r: PipeRow): PipeRecord {
  return {
    account: r.account, region: r.region, name: r.name, desiredState: r.desired_state as DesiredState, currentState: r.current_state as PipeState,
    config: JSON.parse(r.config), createdAt: Number(r.created_at), modifiedAt: Number(r.modified_at), version: Number(r.version),
  };
}

/** The filter's values in the order the list statements bind them (NULL: no condition). */
export function filterValues(f: PipeFilter): (string | null)[] {
  return [f.namePrefix ?? null, f.desiredState ?? null, f.currentState ?? null, f.sourcePrefix ?? null, f.targetPrefix ?? null];
}

/** The list statement's conditions over bind positions p(first)…p(first+4) (prefixes compared with substr: no LIKE escapes). */
export function filterSql(p: (n: number) => string, first: number): string {
  const [a, b, c, d, e] = [0, 1, 2, 3, 4].map((i) => p(first + i));
  return `(${a} IS NULL OR substr(name, 1, length(${a})) = ${a}) AND (${b} IS NULL OR desired_state = ${b})
    AND (${c} IS NULL OR current_state = ${c}) AND (${d} IS NULL OR substr(source, 1, length(${d})) = ${d})
    AND (${e} IS NULL OR substr(target, 1, length(${e})) = ${e})`;
}
