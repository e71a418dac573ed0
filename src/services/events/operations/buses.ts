// CreateEventBus, DescribeEventBus, DeleteEventBus, ListEventBuses. The default bus exists in every account and
// region without being created, and cannot be deleted (EventBridge user guide, "Event buses").
import type { RequestContext } from "../../types.ts";
import { busArn, checkBusName, DEFAULT_BUS } from "../domain/names.ts";
import { decodeToken, encodeToken, pageLimit, resolveBus, type EventsEnv } from "../env.ts";
import { busExists, busNotFound, constraint, notSupported, validation } from "../errors.ts";
import type { BusRecord } from "../store.ts";
import { checkTags, tagCreated } from "./tags.ts";

type Input = Record<string, unknown>;

function view(b: BusRecord, policy?: string): Record<string, unknown> {
  return {
    Name: b.name, Arn: busArn(b.region, b.account, b.name), Description: b.description, Policy: policy,
    CreationTime: new Date(b.createdAt), LastModifiedTime: new Date(b.modifiedAt ?? b.createdAt),
  };
}

/** The default bus as Describe/List show it (no stored row: created "at" the epoch). */
const defaultBus = (ctx: RequestContext): BusRecord => ({ account: ctx.accountId, region: ctx.region, name: DEFAULT_BUS, createdAt: 0 });

export async function createEventBus(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkBusName(input.Name);
  if (input.EventSourceName !== undefined) throw notSupported("Partner event buses (EventSourceName)");
  if (input.KmsKeyIdentifier !== undefined) throw notSupported("KmsKeyIdentifier");
  if (input.DeadLetterConfig !== undefined) throw notSupported("DeadLetterConfig");
  if (input.LogConfig !== undefined) throw notSupported("LogConfig");
  const tags = checkTags(input.Tags);
  // Custom bus names cannot contain "/" (CreateEventBus API reference, Name: "You can't use the name default" and
  // "/" only in partner bus names); "default" is the account's own bus.
  if (name.includes("/")) throw constraint(name, "name", "satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
  if (name === DEFAULT_BUS) throw busExists(name);
  const description = input.Description as string | undefined;
  if (description !== undefined && description.length > 512) throw constraint(description, "description", "have length less than or equal to 512");
  const bus = { account: ctx.accountId, region: ctx.region, name, description, createdAt: env.clock.now() };
  // Recorded on AWS: "Event bus <name> already exists." (LocalStack snapshot test_create_multiple_event_buses_same_name).
  if (!(await env.store.createBus(bus))) throw busExists(name);
  await tagCreated(env, ctx, busArn(ctx.region, ctx.accountId, name), tags);
  return { EventBusArn: busArn(ctx.region, ctx.accountId, name), Description: description };
}

export async function describeEventBus(env: EventsEnv, ctx: RequestContext, input: Input) {
  // Name: the bus's name or ARN, the default bus when absent (DescribeEventBus API reference).
  const key = await resolveBus(env, ctx, input.Name, "name");
  // Policy: the bus's resource policy, when it has one (DescribeEventBus API reference, Policy).
  const policy = await env.store.busPolicy(key);
  if (key.name === DEFAULT_BUS) return view(defaultBus(ctx), policy);
  const b = await env.store.getBus(key);
  if (!b) throw busNotFound(key.name);
  return view(b, policy);
}

/** UpdateEventBus: a custom bus's Description (UpdateEventBus API reference); the other members are refused, never ignored. */
export async function updateEventBus(env: EventsEnv, ctx: RequestContext, input: Input) {
  if (input.KmsKeyIdentifier !== undefined) throw notSupported("KmsKeyIdentifier");
  if (input.DeadLetterConfig !== undefined) throw notSupported("DeadLetterConfig");
  if (input.LogConfig !== undefined) throw notSupported("LogConfig");
  const key = await resolveBus(env, ctx, input.Name, "name");
  const description = input.Description as string | undefined;
  // Description: at most 512 characters (EventBusDescription in the model).
  if (description !== undefined && description.length > 512) throw constraint(description, "description", "have length less than or equal to 512");
  if (key.name === DEFAULT_BUS) {
    if (description !== undefined) throw notSupported("A description of the default event bus");
    return { Arn: busArn(key.region, key.account, key.name), Name: key.name };
  }
  const current = await env.store.getBus(key);
  if (!current) throw busNotFound(key.name);
  // Only the members given change.
  const next = description ?? current.description;
  if (!(await env.store.updateBus(key, next, env.clock.now()))) throw busNotFound(key.name);
  return { Arn: busArn(key.region, key.account, key.name), Name: key.name, Description: next };
}

export async function deleteEventBus(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkBusName(input.Name);
  // Recorded on AWS: ValidationException "Cannot delete event bus default." (LocalStack snapshot test_delete_default_event_bus).
  if (name === DEFAULT_BUS) throw validation("Cannot delete event bus default.");
  // The bus's rules (and their targets) go with it (EventBridge user guide, "Deleting an event bus": "Deleting an
  // event bus deletes the rules associated with that event bus").
  // Recorded on AWS: a missing bus is ResourceNotFoundException (LocalStack snapshot test_describe_delete_not_existing_event_bus).
  if (!(await env.store.deleteBus({ account: ctx.accountId, region: ctx.region, name }))) throw busNotFound(name);
  return undefined;
}

export async function listEventBuses(env: EventsEnv, ctx: RequestContext, input: Input) {
  const prefix = (input.NamePrefix as string | undefined) ?? "";
  const limit = pageLimit(input.Limit);
  const after = decodeToken(input.NextToken);
  const rows = await env.store.listBuses(ctx.accountId, ctx.region, prefix, after, limit + 1);
  // The default bus is listed among the stored ones, in name order, when the prefix admits it.
  if (DEFAULT_BUS.startsWith(prefix) && DEFAULT_BUS > after) {
    rows.push(defaultBus(ctx));
    rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  const page = rows.slice(0, limit);
  // Each bus with its resource policy, when it has one (ListEventBuses API reference, EventBus Policy).
  const policies = await Promise.all(page.map((b) => env.store.busPolicy(b)));
  const out: Record<string, unknown> = { EventBuses: page.map((b, i) => view(b, policies[i])) };
  if (rows.length > limit) out.NextToken = encodeToken(page[page.length - 1].name);
  return out;
}
