// The resources Kinesis lets operators declare (ADR 0024): data streams with a shard count (or on-demand mode), a
// retention period and tags. A stream is created when missing; an existing one is brought to the declared open shard
// count (UpdateShardCount, uniform scaling, within AWS's limits for one call) and retention period, and gets the
// declared tags added.
import type { ResourceKind } from "../module.ts";
import { declarationError, isCode, optionalString, requiredString, stringMap } from "../declare.ts";

function wholeNumber(decl: Record<string, unknown>, field: string): number | undefined {
  const v = decl[field];
  if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v))) throw declarationError(`"${field}" must be a whole number`);
  return v as number | undefined;
}

export const streamResources: ResourceKind = {
  key: "streams",
  fields: ["name", "shardCount", "mode", "retentionHours", "tags"],
  nameOf: (d) => String(d.name),
  async apply(call, decl) {
    const StreamName = requiredString(decl, "name");
    const mode = optionalString(decl, "mode");
    const shardCount = wholeNumber(decl, "shardCount");
    const retention = wholeNumber(decl, "retentionHours");
    const tags = stringMap(decl, "tags");
    let summary: { OpenShardCount?: number; RetentionPeriodHours?: number } | undefined;
    try {
      summary = (await call("DescribeStreamSummary", { StreamName })).StreamDescriptionSummary as typeof summary;
    } catch (e) {
      if (!isCode(e, "ResourceNotFoundException")) throw e;
    }
    if (!summary) {
      await call("CreateStream", {
        StreamName,
        ShardCount: mode === "ON_DEMAND" ? undefined : (shardCount ?? 1),
        StreamModeDetails: mode ? { StreamMode: mode } : undefined,
        Tags: tags,
      });
    } else {
      if (shardCount !== undefined && summary.OpenShardCount !== shardCount) {
        await call("UpdateShardCount", { StreamName, TargetShardCount: shardCount, ScalingType: "UNIFORM_SCALING" });
      }
      if (tags && Object.keys(tags).length > 0) await call("AddTagsToStream", { StreamName, Tags: tags });
    }
    const current = summary?.RetentionPeriodHours ?? 24;
    if (retention !== undefined && retention > current) await call("IncreaseStreamRetentionPeriod", { StreamName, RetentionPeriodHours: retention });
    if (retention !== undefined && retention < current) await call("DecreaseStreamRetentionPeriod", { StreamName, RetentionPeriodHours: retention });
  },
};
