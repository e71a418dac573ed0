// What Schema Registry operations and jobs share: the store, the clock, the event bus lookups (discoverers' source
// buses), the discovery job (told when discoverers change) and the code-binding generator, plus paging tokens.
import type { Clock } from "../../engine/clock.ts";
import { badRequest } from "./errors.ts";
import type { RequestContext } from "../types.ts";
import type { SchemasStore, Scope } from "./store.ts";

export interface SchemasEnv {
  store: SchemasStore;
  clock: Clock;
  /** Whether an event bus exists (DescribeEventBus through EventBridge's api); absent: every bus is taken as existing. */
  busExists?: (account: string, region: string, name: string) => Promise<boolean>;
  /** Discoverers were created, started, stopped, updated or deleted: the discovery job looks at them again. */
  discoverersChanged?: () => void;
  /** Schemas of discovered-schemas were deleted: the discovery job forgets the shapes it has seen. */
  discoveredDeleted?: () => void;
  /** Generates a code binding put with status CREATE_IN_PROGRESS (jobs/code-bindings.ts). */
  generateBinding?: (key: BindingJob) => void;
}

export interface BindingJob {
  account: string;
  region: string;
  registry: string;
  name: string;
  version: number;
  language: string;
}

export const scopeOf = (ctx: RequestContext): Scope => ({ account: ctx.accountId, region: ctx.region });

/** Limit: 1-100 (the model's Limit shape); AWS lists 100 by default. */
export function limitOf(v: unknown): number {
  if (v === undefined) return 100;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw badRequest("Limit must be an integer between 1 and 100.");
  return n;
}

/** Opaque paging tokens: base64url of the last key listed. */
export function encodeToken(after: string | undefined): string | undefined {
  return after === undefined ? undefined : Buffer.from(JSON.stringify({ a: after })).toString("base64url");
}

export function decodeToken(token: unknown): string {
  if (token === undefined || token === "") return "";
  try {
    const v = JSON.parse(Buffer.from(String(token), "base64url").toString("utf8")) as { a?: unknown };
    if (typeof v.a === "string") return v.a;
  } catch {
    // fall through
  }
  throw badRequest("Invalid NextToken.");
}
