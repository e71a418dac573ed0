// The resources EventBridge lets operators declare (ADR 0024): event buses (created when missing; the default bus
// always exists) and rules with their event pattern or schedule, and targets. PutRule and PutTargets replace what they name, so
// applying the same declaration again changes nothing. A target's `arn` may be an SQS queue name in the
// declarations' account and region.
import type { ResourceKind } from "../module.ts";
import { attributeString, declarationError, declarationList, isCode, optionalString, requiredString } from "../declare.ts";

const TARGET_FIELDS = ["id", "arn", "input", "inputPath", "messageGroupId"];

export const busResources: ResourceKind = {
  key: "buses",
  fields: ["name", "description"],
  nameOf: (d) => String(d.name),
  async apply(call, decl) {
    const name = requiredString(decl, "name");
    if (name === "default") return;
    try {
      await call("DescribeEventBus", { Name: name });
      return;
    } catch (e) {
      if (!isCode(e, "ResourceNotFoundException")) throw e;
    }
    await call("CreateEventBus", { Name: name, Description: optionalString(decl, "description") });
  },
};

export const ruleResources: ResourceKind = {
  key: "rules",
  fields: ["name", "bus", "eventPattern", "scheduleExpression", "description", "state", "targets"],
  nameOf: (d) => String(d.name),
  async apply(call, decl, scope) {
    const name = requiredString(decl, "name");
    const bus = optionalString(decl, "bus") ?? "default";
    const pattern = decl.eventPattern === undefined ? undefined : attributeString(decl.eventPattern);
    await call("PutRule", {
      Name: name, EventBusName: bus, EventPattern: pattern, ScheduleExpression: optionalString(decl, "scheduleExpression"),
      Description: optionalString(decl, "description"), State: optionalString(decl, "state"),
    });
    const targets = declarationList(decl, "targets").map((t) => {
      for (const k of Object.keys(t)) {
        if (!TARGET_FIELDS.includes(k)) throw declarationError(`unknown target field "${k}" (expected ${TARGET_FIELDS.join(", ")})`);
      }
      const arn = requiredString(t, "arn");
      const groupId = optionalString(t, "messageGroupId");
      return {
        Id: requiredString(t, "id"),
        Arn: arn.startsWith("arn:") ? arn : `arn:aws:sqs:${scope.region}:${scope.account}:${arn}`,
        Input: t.input === undefined ? undefined : attributeString(t.input),
        InputPath: optionalString(t, "inputPath"),
        SqsParameters: groupId ? { MessageGroupId: groupId } : undefined,
      };
    });
    if (targets.length === 0) return;
    const out = await call("PutTargets", { Rule: name, EventBusName: bus, Targets: targets });
    const failed = (out.FailedEntries as { TargetId?: string; ErrorCode?: string; ErrorMessage?: string }[] | undefined) ?? [];
    if (failed.length > 0) throw declarationError(`target ${failed[0].TargetId}: ${failed[0].ErrorCode}: ${failed[0].ErrorMessage}`);
  },
};
