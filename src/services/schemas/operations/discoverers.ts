// Discoverers: CreateDiscoverer, DescribeDiscoverer, UpdateDiscoverer, DeleteDiscoverer, ListDiscoverers,
// StartDiscoverer, StopDiscoverer. A discoverer watches one event bus of the caller's (SourceArn) and, while started,
// infers the schemas of the events put on it into the discovered-schemas registry (jobs/discovery.ts).
import type { RequestContext } from "../../types.ts";
import { checkDescription, checkTags } from "../domain/checks.ts";
import { discovererArn, discovererId, parseBusArn } from "../domain/names.ts";
import { decodeToken, encodeToken, limitOf, scopeOf, type SchemasEnv } from "../env.ts";
import { badRequest, conflict, notFound } from "../errors.ts";
import type { DiscovererRecord } from "../store.ts";

type Input = Record<string, unknown>;

const out = (d: DiscovererRecord) => ({
  Description: d.description, DiscovererArn: discovererArn(d, d.id), DiscovererId: d.id, SourceArn: d.sourceArn, State: d.state,
  CrossAccount: d.crossAccount, Tags: d.tags,
});

const discovererNotFound = (id: string) => notFound(`Discoverer with id '${id}' does not exist.`);

export async function createDiscoverer(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const sourceArn = String(input.SourceArn ?? "");
  // SourceArn: 20-1600 characters (CreateDiscovererRequest), an event bus of the caller's account and region.
  if (sourceArn.length < 20 || sourceArn.length > 1600) throw badRequest("SourceArn must be 20 to 1600 characters long.");
  checkDescription(input.Description);
  const tags = checkTags(input.Tags);
  const bus = parseBusArn(sourceArn);
  const scope = scopeOf(ctx);
  if (!bus) throw badRequest(`SourceArn '${sourceArn.slice(0, 200)}' is not an event bus ARN.`);
  if (bus.account !== scope.account || bus.region !== scope.region) throw badRequest("SourceArn must name an event bus of the caller's account and region.");
  if (env.busExists && !(await env.busExists(bus.account, bus.region, bus.name))) throw badRequest(`Event bus '${bus.name}' does not exist.`);
  // CrossAccount defaults to true: discoverers infer cross-account events unless told not to (user guide, "Inferring schemas").
  const d: DiscovererRecord = {
    ...scope, id: discovererId(bus.name), sourceArn, description: input.Description as string | undefined, state: "STARTED",
    crossAccount: input.CrossAccount === undefined ? true : input.CrossAccount === true, tags,
  };
  if (!(await env.store.createDiscoverer(d))) throw conflict(`A discoverer for event bus '${bus.name}' already exists.`);
  env.discoverersChanged?.();
  return out(d);
}

async function find(env: SchemasEnv, ctx: RequestContext, input: Input): Promise<DiscovererRecord> {
  const id = String(input.DiscovererId);
  const d = await env.store.getDiscoverer(scopeOf(ctx), id);
  if (!d) throw discovererNotFound(id);
  return d;
}

export async function describeDiscoverer(env: SchemasEnv, ctx: RequestContext, input: Input) {
  return out(await find(env, ctx, input));
}

export async function updateDiscoverer(env: SchemasEnv, ctx: RequestContext, input: Input) {
  checkDescription(input.Description);
  if (input.CrossAccount !== undefined && typeof input.CrossAccount !== "boolean") throw badRequest("CrossAccount must be a boolean.");
  const id = String(input.DiscovererId);
  const d = await env.store.updateDiscoverer(scopeOf(ctx), id, { description: input.Description as string | undefined, crossAccount: input.CrossAccount as boolean | undefined });
  if (!d) throw discovererNotFound(id);
  env.discoverersChanged?.();
  return out(d);
}

export async function deleteDiscoverer(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const id = String(input.DiscovererId);
  if (!(await env.store.deleteDiscoverer(scopeOf(ctx), id))) throw discovererNotFound(id);
  env.discoverersChanged?.();
  return {};
}

async function setState(env: SchemasEnv, ctx: RequestContext, input: Input, state: "STARTED" | "STOPPED") {
  const id = String(input.DiscovererId);
  const d = await env.store.updateDiscoverer(scopeOf(ctx), id, { state });
  if (!d) throw discovererNotFound(id);
  env.discoverersChanged?.();
  return { DiscovererId: d.id, State: d.state };
}

export const startDiscoverer = (env: SchemasEnv, ctx: RequestContext, input: Input) => setState(env, ctx, input, "STARTED");
export const stopDiscoverer = (env: SchemasEnv, ctx: RequestContext, input: Input) => setState(env, ctx, input, "STOPPED");

export async function listDiscoverers(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const limit = limitOf(input.Limit);
  const page = await env.store.listDiscoverers(
    scopeOf(ctx), (input.DiscovererIdPrefix as string | undefined) ?? "", (input.SourceArnPrefix as string | undefined) ?? "", decodeToken(input.NextToken), limit,
  );
  return {
    Discoverers: page.items.map((d) => ({ DiscovererArn: discovererArn(d, d.id), DiscovererId: d.id, SourceArn: d.sourceArn, State: d.state, CrossAccount: d.crossAccount, Tags: d.tags })),
    NextToken: encodeToken(page.next),
  };
}
