// What every service's operation table shares: operations take the service's environment, the request context and
// the decoded input; the model's operations a table does not carry out yet are answered with the service's error for
// them (never accepted and ignored), and listed for docs/operations.md.
import type { ServiceModel } from "../protocol/model.ts";
import type { AwsError } from "../protocol/errors.ts";
import type { Handler, RequestContext } from "./types.ts";

export type Operation<Env> = (env: Env, ctx: RequestContext, input: Record<string, unknown>) => Promise<Record<string, unknown> | undefined>;

/** The model's operations the table does not carry out yet. */
export function pendingOperations(model: ServiceModel, table: Record<string, unknown>): string[] {
  return Object.keys(model.operations).filter((op) => !(op in table));
}

/** The handlers of a table bound to its environment, and for every pending operation one that throws `pending(name)`. */
export function bindOperations<Env>(model: ServiceModel, table: Record<string, Operation<Env>>, env: Env, pending: (name: string) => AwsError): Record<string, Handler> {
  const handlers: Record<string, Handler> = {};
  for (const [name, op] of Object.entries(table)) handlers[name] = (ctx, input) => op(env, ctx, input);
  for (const name of pendingOperations(model, table)) {
    handlers[name] = async () => {
      throw pending(name);
    };
  }
  return handlers;
}
