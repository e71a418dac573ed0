// The schedules operators may declare (ADR 0024): created, or brought up to date with UpdateSchedule, at every start;
// their group is created when missing. A target's `arn` may be an SQS queue name in the declarations' account and
// region; the role ARN (which Mailroom does not assume) defaults to a placeholder in that account.
import { attributeString, declarationError, isCode, optionalString, requiredString } from "../declare.ts";
import type { ResourceKind } from "../module.ts";

const TARGET_FIELDS = ["arn", "input", "messageGroupId", "roleArn"];

/** Whether the stored schedule already is what is declared (the members a declaration sets). */
function same(current: Record<string, unknown>, input: Record<string, unknown>): boolean {
  const pick = (x: Record<string, unknown>) => {
    const t = (x.Target ?? {}) as Record<string, unknown>;
    const w = (x.FlexibleTimeWindow ?? {}) as { Mode?: string; MaximumWindowInMinutes?: number };
    return JSON.stringify([
      x.ScheduleExpression, x.ScheduleExpressionTimezone ?? null, x.State ?? "ENABLED", x.Description ?? null, w.Mode, w.MaximumWindowInMinutes ?? null,
      t.Arn, t.RoleArn, t.Input ?? null, (t.SqsParameters as { MessageGroupId?: string } | undefined)?.MessageGroupId ?? null,
    ]);
  };
  return pick(current) === pick(input);
}

export const scheduleResources: ResourceKind = {
  key: "schedules",
  fields: ["name", "group", "scheduleExpression", "timezone", "state", "description", "flexibleWindowMinutes", "target"],
  nameOf: (d) => String(d.name),
  async apply(call, decl, scope) {
    const name = requiredString(decl, "name");
    const group = optionalString(decl, "group") ?? "default";
    const t = decl.target;
    if (t === null || typeof t !== "object" || Array.isArray(t)) throw declarationError('"target" must be a map');
    const target = t as Record<string, unknown>;
    for (const k of Object.keys(target)) if (!TARGET_FIELDS.includes(k)) throw declarationError(`unknown target field "${k}" (expected ${TARGET_FIELDS.join(", ")})`);
    const arn = requiredString(target, "arn");
    const groupId = optionalString(target, "messageGroupId");
    const minutes = decl.flexibleWindowMinutes;
    if (minutes !== undefined && typeof minutes !== "number") throw declarationError('"flexibleWindowMinutes" must be a number');
    if (group !== "default") {
      try {
        await call("GetScheduleGroup", { Name: group });
      } catch (e) {
        if (!isCode(e, "ResourceNotFoundException")) throw e;
        await call("CreateScheduleGroup", { Name: group });
      }
    }
    const input = {
      Name: name, GroupName: group, ScheduleExpression: requiredString(decl, "scheduleExpression"), ScheduleExpressionTimezone: optionalString(decl, "timezone"),
      State: optionalString(decl, "state"), Description: optionalString(decl, "description"),
      FlexibleTimeWindow: minutes === undefined ? { Mode: "OFF" } : { Mode: "FLEXIBLE", MaximumWindowInMinutes: minutes },
      Target: {
        Arn: arn.startsWith("arn:") ? arn : `arn:aws:sqs:${scope.region}:${scope.account}:${arn}`,
        RoleArn: optionalString(target, "roleArn") ?? `arn:aws:iam::${scope.account}:role/mailroom-scheduler`,
        Input: target.input === undefined ? undefined : attributeString(target.input),
        SqsParameters: groupId ? { MessageGroupId: groupId } : undefined,
      },
    };
    let current: Record<string, unknown>;
    try {
      current = await call("GetSchedule", { Name: name, GroupName: group });
    } catch (e) {
      if (!isCode(e, "ResourceNotFoundException")) throw e;
      await call("CreateSchedule", input);
      return;
    }
    // Unchanged: leave it (an UpdateSchedule would restart a rate's period at every start).
    if (same(current, input)) return;
    await call("UpdateSchedule", input);
  },
};
