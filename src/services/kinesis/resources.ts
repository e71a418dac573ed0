// The resources Kinesis lets operators declare (ADR 0024): data streams with a shard count (or on-demand mode). A
// stream is created when missing; an existing one with another open shard count is reported, since resharding
// (UpdateShardCount) is not carried out by this version.
import type { ResourceKind } from "../module.ts";
import { declarationError, isCode, optionalString, requiredString } from "../declare.ts";

export const streamResources: ResourceKind = {
  key: "streams",
  fields: ["name", "shardCount", "mode"],
  nameOf: (d) => String(d.name),
  async apply(call, decl) {
    const name = requiredString(decl, "name");
    const mode = optionalString(decl, "mode");
    const shardCount = decl.shardCount;
    if (shardCount !== undefined && (typeof shardCount !== "number" || !Number.isInteger(shardCount))) {
      throw declarationError('"shardCount" must be a whole number');
    }
    let open: number | undefined;
    try {
      const s = (await call("DescribeStreamSummary", { StreamName: name })).StreamDescriptionSummary as { OpenShardCount?: number };
      open = s.OpenShardCount;
    } catch (e) {
      if (!isCode(e, "ResourceNotFoundException")) throw e;
    }
    if (open === undefined) {
      await call("CreateStream", {
        StreamName: name,
        ShardCount: mode === "ON_DEMAND" ? undefined : (shardCount ?? 1),
        StreamModeDetails: mode ? { StreamMode: mode } : undefined,
      });
      return;
    }
    if (shardCount !== undefined && open !== shardCount) {
      throw declarationError(`the stream exists with ${open} open shards, not the ${shardCount} declared (resharding is not supported by this Mailroom version yet)`);
    }
  },
};
