// What every service's operation table shares: operations take the service's environment, the request context and
// the decoded input; the model's operations a table does not carry out yet are answered with the service's error for
// them (never accepted and ignored), and listed for docs/operations.md.
import { plainOutput } from "../protocol/codec.ts";
import type { ServiceModel } from "../protocol/model.ts";
import { AwsError as AwsErrorClass, type AwsError } from "../protocol/errors.ts";
import { readShape } from "../protocol/shapes.ts";
import type { Handler, RequestContext, ServiceDefinition } from "./types.ts";

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

/**
 * One operation of a started service called in-process, as its wire handler would be after decoding: the input is
 * checked against the operation's input shape (the same readShape the codecs use, so another service gets the same
 * validation errors as an SDK) and the handler's output is returned as it is. Step Functions' Task states call the
 * other services through this (services/<svc>/index.ts exposes it in the module's api), and declared resources are
 * applied through it (config/declarations.ts).
 */
export type ServiceCall = (ctx: RequestContext, operation: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

export function serviceCall(definition: ServiceDefinition): ServiceCall {
  return async (ctx, operation, input) => {
    const op = definition.model.operations[operation];
    const handler = definition.operations[operation];
    if (!op || !handler) throw new AwsErrorClass("UnsupportedOperation", `${operation} is not available`);
    const checked = op.input ? (readShape(definition.model, op.input, input, definition.inputErrors, "", false) as Record<string, unknown>) : {};
    // A pre-encoded output (ADR 0033) is read in-process in its plain form. The signal by name: a wire request's
    // context has it as a getter on its class (server/handler.ts), which a spread does not copy.
    return plainOutput(await handler({ ...ctx, operation, signal: ctx.signal }, checked ?? {})) ?? {};
  };
}
