// Publishing a machine's revision as a version, and reading versions: shared by CreateStateMachine/UpdateStateMachine
// (`publish`) and the version operations (operations/versions.ts), apart from both so neither imports the other.
import type { RequestContext } from "../../types.ts";
import type { SfnEnv } from "../env.ts";
import { invalidArn, machineNotFound, sfnError, validation } from "../errors.ts";
import type { StateMachineRecord, VersionRecord } from "../store.ts";

/** Versions per state machine (Step Functions quotas, "Maximum number of published state machine versions": 1000). */
export const MAX_VERSIONS = 1000;
/** A version's description is at most 256 characters (PublishStateMachineVersion API reference, `description`). */
const MAX_DESCRIPTION = 256;

/** arn:…:stateMachine:<name>:<version number> → the machine ARN and the number, or undefined. */
export function parseVersionArn(arn: string): { machineArn: string; version: number } | undefined {
  const m = /^(arn:[\w-]+:states:[^:]+:\d{12}:stateMachine:[^:]+):([1-9]\d{0,9})$/.exec(arn);
  return m ? { machineArn: m[1], version: Number(m[2]) } : undefined;
}

export function checkDescription(v: unknown, member = "description"): string | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (s.length > MAX_DESCRIPTION) {
    throw validation(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_DESCRIPTION}`);
  }
  return s;
}

export async function resolveVersion(env: SfnEnv, ctx: RequestContext, arn: string): Promise<VersionRecord> {
  const p = parseVersionArn(arn);
  if (!p) throw invalidArn(arn);
  const [, , , region, account] = arn.split(":");
  const v = region === ctx.region && account === ctx.accountId ? await env.store.getVersion(arn) : undefined;
  // A version that does not exist answers ResourceNotFound (as for aliases: "Resource not found").
  if (!v) throw sfnError("ResourceNotFound", `Resource not found: '${arn}'`);
  return v;
}

/**
 * Publishes the machine's current revision. The same revision published again answers the existing version
 * (the operation is idempotent); with another description that is a ConflictException, as is a `revisionId` that is
 * not the current revision (PublishStateMachineVersion API reference, "revisionId" and "Errors").
 */
export async function publish(env: SfnEnv, m: StateMachineRecord, description: string | undefined, revisionId?: string): Promise<VersionRecord> {
  if (revisionId !== undefined && revisionId !== (m.revisionId ?? "")) {
    throw sfnError("ConflictException", `Failed to publish the State Machine version for revision ${revisionId}. The current State Machine revision is ${m.revisionId ?? "INITIAL"}.`);
  }
  const settings = await env.store.getMachineSettings(m.arn);
  const r = await env.store.publishVersion({
    machineArn: m.arn, definition: m.definition, roleArn: m.roleArn, type: m.type, description,
    revisionKey: m.revisionId ?? `initial:${m.createdAt}`, revisionId: m.revisionId, createdAt: env.clock.now(),
    logging: settings?.logging, tracing: settings?.tracing,
  }, MAX_VERSIONS);
  if (r === "limit") throw sfnError("ServiceQuotaExceededException", `The maximum number of versions (${MAX_VERSIONS}) for state machine '${m.arn}' has been reached.`);
  if (!r.created && (r.version.description ?? undefined) !== description) {
    throw sfnError("ConflictException", `Failed to publish the State Machine version: the current revision is already published as version ${r.version.arn} with a different description.`);
  }
  return r.version;
}

/** DescribeStateMachine of a version ARN: the version's definition, role, description and revision. */
export async function describeVersion(env: SfnEnv, ctx: RequestContext, arn: string) {
  const v = await resolveVersion(env, ctx, arn).catch((e) => {
    if (e?.code === "ResourceNotFound") throw machineNotFound(arn);
    throw e;
  });
  return {
    stateMachineArn: v.arn, name: v.machineArn.split(":")[6], status: "ACTIVE", definition: v.definition, roleArn: v.roleArn, type: v.type,
    creationDate: new Date(v.createdAt), loggingConfiguration: v.logging ? JSON.parse(v.logging) : { level: "OFF", includeExecutionData: false },
    tracingConfiguration: v.tracing ? JSON.parse(v.tracing) : { enabled: false }, revisionId: v.revisionId, description: v.description,
  };
}
