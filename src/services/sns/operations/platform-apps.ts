// Platform applications and endpoints (mobile push) CRUD. No push provider is reachable, so credentials are
// stored unchecked and deliveries land in the local "application" sink; endpoints keep Enabled/Token/
// CustomUserData as AWS does (CreatePlatformApplication / CreatePlatformEndpoint API references).
import { randomUUID } from "node:crypto";
import type { RequestContext } from "../../types.ts";
import { malformedArn, parsePlatformArn, platformApplicationArn } from "../domain/arns.ts";
import { checkApplicationAttributes, checkApplicationName, checkEndpointAttributes, checkPlatform } from "../domain/platform.ts";
import type { SnsEnv } from "../env.ts";
import { notAuthorized } from "../access.ts";
import { invalidParameter, snsError } from "../errors.ts";
import type { PlatformApplication, PlatformEndpoint } from "../store.ts";

type Input = Record<string, unknown>;
// Credentials are write-only: GetPlatformApplicationAttributes does not return them (API reference).
const SECRET = new Set(["PlatformCredential", "PlatformPrincipal"]);

async function application(env: SnsEnv, ctx: RequestContext, arn: unknown): Promise<PlatformApplication> {
  const p = typeof arn === "string" ? parsePlatformArn(arn) : undefined;
  // Fewer than six ':'-parts is named so (LocalStack snapshot test_get_platform_application_attributes_invalid_arn).
  if (typeof arn === "string" && arn.split(":").length < 6) throw malformedArn("PlatformApplicationArn", arn);
  if (!p || p.kind !== "app") throw invalidParameter("PlatformApplicationArn Reason: Wrong number of slashes in relative portion of the ARN.");
  if (p.account !== ctx.accountId) throw notAuthorized(ctx, `SNS:${ctx.operation ?? ""}`, String(arn));
  const app = await env.store.getPlatformApplication(arn as string);
  if (!app) throw snsError("NotFound", "PlatformApplication does not exist");
  return app;
}

async function endpoint(env: SnsEnv, ctx: RequestContext, arn: unknown): Promise<PlatformEndpoint> {
  const p = typeof arn === "string" ? parsePlatformArn(arn) : undefined;
  if (!p || p.kind !== "endpoint") throw invalidParameter("EndpointArn");
  if (p.account !== ctx.accountId) throw notAuthorized(ctx, `SNS:${ctx.operation ?? ""}`, String(arn));
  const ep = await env.store.getPlatformEndpoint(arn as string);
  if (!ep) throw snsError("NotFound", "Endpoint does not exist");
  return ep;
}

export async function createPlatformApplication(env: SnsEnv, ctx: RequestContext, input: Input) {
  const name = input.Name as string;
  const platform = input.Platform as string;
  checkApplicationName(name ?? "");
  checkPlatform(platform);
  const given = (input.Attributes as Record<string, string> | undefined) ?? {};
  checkApplicationAttributes(platform, given);
  const arn = platformApplicationArn(ctx.region, ctx.accountId, platform, name);
  const attributes = { Enabled: "true", ...given };
  await env.store.putPlatformApplication({ arn, account: ctx.accountId, region: ctx.region, name, platform, attributes });
  return { PlatformApplicationArn: arn };
}

export async function getPlatformApplicationAttributes(env: SnsEnv, ctx: RequestContext, input: Input) {
  const app = await application(env, ctx, input.PlatformApplicationArn);
  return { Attributes: Object.fromEntries(Object.entries(app.attributes).filter(([k]) => !SECRET.has(k))) };
}

export async function setPlatformApplicationAttributes(env: SnsEnv, ctx: RequestContext, input: Input) {
  const app = await application(env, ctx, input.PlatformApplicationArn);
  await env.store.putPlatformApplication({ ...app, attributes: { ...app.attributes, ...((input.Attributes as Record<string, string>) ?? {}) } });
  return undefined;
}

export async function listPlatformApplications(env: SnsEnv, ctx: RequestContext) {
  const apps = await env.store.listPlatformApplications(ctx.accountId, ctx.region);
  return {
    PlatformApplications: apps.map((a) => ({
      PlatformApplicationArn: a.arn, Attributes: Object.fromEntries(Object.entries(a.attributes).filter(([k]) => !SECRET.has(k))),
    })),
  };
}

export async function deletePlatformApplication(env: SnsEnv, ctx: RequestContext, input: Input) {
  const p = typeof input.PlatformApplicationArn === "string" ? parsePlatformArn(input.PlatformApplicationArn) : undefined;
  if (!p || p.kind !== "app") throw invalidParameter("PlatformApplicationArn");
  // Deleting a missing application succeeds, like DeleteTopic.
  await env.store.deletePlatformApplication(input.PlatformApplicationArn as string);
  return undefined;
}

export async function createPlatformEndpoint(env: SnsEnv, ctx: RequestContext, input: Input) {
  const app = await application(env, ctx, input.PlatformApplicationArn);
  const token = input.Token as string;
  if (!token) throw invalidParameter("Token");
  const given = (input.Attributes as Record<string, string> | undefined) ?? {};
  checkEndpointAttributes(given);
  const attributes: Record<string, string> = { Enabled: "true", Token: token, ...given };
  if (input.CustomUserData !== undefined) attributes.CustomUserData = input.CustomUserData as string;
  const existing = await env.store.endpointByToken(app.arn, token);
  if (existing) {
    // Same token: the existing endpoint, unless the attributes differ (CreatePlatformEndpoint API reference: idempotent).
    const same = Object.entries(attributes).every(([k, v]) => existing.attributes[k] === v);
    if (!same) throw invalidParameter(`Token Reason: Endpoint ${existing.arn} already exists with the same Token, but different attributes.`);
    return { EndpointArn: existing.arn };
  }
  const arn = `${app.arn.replace(":app/", ":endpoint/")}/${randomUUID()}`;
  await env.store.putPlatformEndpoint({ arn, applicationArn: app.arn, token, attributes });
  return { EndpointArn: arn };
}

export async function getEndpointAttributes(env: SnsEnv, ctx: RequestContext, input: Input) {
  return { Attributes: (await endpoint(env, ctx, input.EndpointArn)).attributes };
}

export async function setEndpointAttributes(env: SnsEnv, ctx: RequestContext, input: Input) {
  const ep = await endpoint(env, ctx, input.EndpointArn);
  const given = (input.Attributes as Record<string, string>) ?? {};
  checkEndpointAttributes(given);
  const attributes = { ...ep.attributes, ...given };
  await env.store.putPlatformEndpoint({ ...ep, token: attributes.Token ?? ep.token, attributes });
  return undefined;
}

export async function listEndpointsByPlatformApplication(env: SnsEnv, ctx: RequestContext, input: Input) {
  const app = await application(env, ctx, input.PlatformApplicationArn);
  const eps = await env.store.listPlatformEndpoints(app.arn);
  return { Endpoints: eps.map((e) => ({ EndpointArn: e.arn, Attributes: e.attributes })) };
}

export async function deleteEndpoint(env: SnsEnv, ctx: RequestContext, input: Input) {
  const p = typeof input.EndpointArn === "string" ? parsePlatformArn(input.EndpointArn) : undefined;
  if (!p || p.kind !== "endpoint") throw invalidParameter("EndpointArn");
  await env.store.deletePlatformEndpoint(input.EndpointArn as string);
  return undefined;
}
