// PublishStateMachineVersion, ListStateMachineVersions, DeleteStateMachineVersion, and publishing at
// CreateStateMachine/UpdateStateMachine (`publish`, `versionDescription`). A version is an immutable copy of a
// machine's revision, numbered 1, 2, … per machine and never reused (API reference, PublishStateMachineVersion).
import type { RequestContext } from "../../types.ts";
import { decodeToken, encodeToken, type SfnEnv } from "../env.ts";
import { invalidArn, invalidToken, sfnError } from "../errors.ts";
import { checkDescription, parseVersionArn, publish } from "./publish.ts";
import { pageSize, resolveMachine } from "./state-machines.ts";

export { checkDescription, parseVersionArn, resolveVersion } from "./publish.ts";

type In = Record<string, unknown>;

export async function publishStateMachineVersion(env: SfnEnv, ctx: RequestContext, input: In) {
  const m = await resolveMachine(env, ctx, input.stateMachineArn);
  const description = checkDescription(input.description);
  const v = await publish(env, m, description, input.revisionId === undefined ? undefined : String(input.revisionId));
  return { creationDate: new Date(v.createdAt), stateMachineVersionArn: v.arn };
}

export async function listStateMachineVersions(env: SfnEnv, ctx: RequestContext, input: In) {
  const m = await resolveMachine(env, ctx, input.stateMachineArn);
  const limit = pageSize(input.maxResults);
  const token = decodeToken(input.nextToken);
  const below = token === undefined ? Number.MAX_SAFE_INTEGER : Number(token);
  if (input.nextToken !== undefined && (token === undefined || !Number.isInteger(below))) throw invalidToken(String(input.nextToken));
  const rows = await env.store.listVersions(m.arn, below, limit + 1);
  const page = rows.slice(0, limit);
  return {
    stateMachineVersions: page.map((v) => ({ stateMachineVersionArn: v.arn, creationDate: new Date(v.createdAt) })),
    nextToken: rows.length > limit ? encodeToken(String(page[page.length - 1].version)) : undefined,
  };
}

/**
 * Deletes a version; one an alias routes to cannot be (ConflictException, DeleteStateMachineVersion API reference:
 * "must not be referenced by an alias"). Deleting a version that does not exist succeeds.
 */
export async function deleteStateMachineVersion(env: SfnEnv, ctx: RequestContext, input: In) {
  const arn = String(input.stateMachineVersionArn);
  const p = parseVersionArn(arn);
  if (!p) throw invalidArn(arn);
  const [, , , region, account] = arn.split(":");
  if (region !== ctx.region || account !== ctx.accountId) return {};
  if ((await env.store.deleteVersion(arn)) === "referenced") {
    const aliases = (await env.store.listAliases(p.machineArn, "", 1000)).filter((a) => a.routing.some((r) => r.stateMachineVersionArn === arn)).map((a) => a.arn);
    throw sfnError("ConflictException", `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${aliases.join(", ")}]`);
  }
  return {};
}

