// The resources EventBridge Pipes lets operators declare (ADR 0024): pipes, created when missing through CreatePipe and
// otherwise brought to the declaration through UpdatePipe (left as they are while a change is under way), with the
// declared tags added. `source` and `target` may be SQS queue names in the declarations' account and Region; the role
// defaults to one of that account (Mailroom does not check roles). Parameters are written as the API's JSON members.
import { declarationError, isCode, optionalString, requiredString, stringMap } from "../declare.ts";
import type { ResourceKind } from "../module.ts";

function objectField(decl: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
  const v = decl[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw declarationError(`"${field}" must be a map`);
  return v as Record<string, unknown>;
}

const TRANSITIONAL = new Set(["CREATING", "UPDATING", "DELETING", "STARTING", "STOPPING"]);

export const pipeResources: ResourceKind = {
  key: "pipes",
  fields: ["name", "source", "target", "roleArn", "description", "desiredState", "sourceParameters", "enrichment", "enrichmentParameters", "targetParameters", "tags"],
  nameOf: (d) => String(d.name),
  async apply(call, decl, scope) {
    const arnOf = (v: string) => (v.startsWith("arn:") ? v : `arn:aws:sqs:${scope.region}:${scope.account}:${v}`);
    const Name = requiredString(decl, "name");
    const Source = arnOf(requiredString(decl, "source"));
    const Target = arnOf(requiredString(decl, "target"));
    const RoleArn = optionalString(decl, "roleArn") ?? `arn:aws:iam::${scope.account}:role/mailroom-pipes`;
    const tags = stringMap(decl, "tags");
    const common = {
      Name, Target, RoleArn, Description: optionalString(decl, "description"), DesiredState: optionalString(decl, "desiredState"),
      Enrichment: optionalString(decl, "enrichment"), EnrichmentParameters: objectField(decl, "enrichmentParameters"),
      TargetParameters: objectField(decl, "targetParameters"),
    };
    const SourceParameters = objectField(decl, "sourceParameters");
    let current: Record<string, unknown> | undefined;
    try {
      current = await call("DescribePipe", { Name });
    } catch (e) {
      if (!isCode(e, "NotFoundException")) throw e;
    }
    if (!current) {
      await call("CreatePipe", { ...common, Source, SourceParameters, Tags: tags });
      return;
    }
    if (current.Source !== Source) throw declarationError(`pipe ${Name} exists with another source (${String(current.Source)}); a pipe's source cannot change`);
    if (!TRANSITIONAL.has(String(current.CurrentState))) {
      const { StartingPosition: _p, StartingPositionTimestamp: _t, ...kinesis } = (SourceParameters?.KinesisStreamParameters ?? {}) as Record<string, unknown>;
      const update = SourceParameters?.KinesisStreamParameters ? { ...SourceParameters, KinesisStreamParameters: kinesis } : SourceParameters;
      await call("UpdatePipe", { ...common, SourceParameters: update });
    }
    if (tags && Object.keys(tags).length > 0) await call("TagResource", { resourceArn: current.Arn, tags });
  },
};
