// Row shapes of EventBridge's tables and their mapping to records, shared by the SQLite and PostgreSQL adapters.
import type { BusRecord, RuleRecord, TargetRecord, TargetSettings } from "../services/events/store.ts";

export interface BusRow { account: string; region: string; name: string; description: string | null; created_at: number; modified_at: number | null }
export interface RuleRow {
  id: number; account: string; region: string; bus: string; name: string; event_pattern: string; state: string;
  description: string | null; role_arn: string | null; created_at: number;
}
export interface TargetRow {
  rule_id: number; target_id: string; arn: string; input: string | null; input_path: string | null; message_group_id: string | null; settings: string | null;
}

export const toBus = (r: BusRow): BusRecord => ({
  account: r.account, region: r.region, name: r.name, description: r.description ?? undefined, createdAt: Number(r.created_at),
  ...(r.modified_at === null || r.modified_at === undefined ? {} : { modifiedAt: Number(r.modified_at) }),
});
export const toRule = (r: RuleRow): RuleRecord => ({
  id: Number(r.id), account: r.account, region: r.region, bus: r.bus, name: r.name, eventPattern: r.event_pattern,
  state: r.state as RuleRecord["state"], description: r.description ?? undefined, roleArn: r.role_arn ?? undefined, createdAt: Number(r.created_at),
});
export const toTarget = (r: TargetRow): TargetRecord => ({
  id: r.target_id, arn: r.arn, input: r.input ?? undefined, inputPath: r.input_path ?? undefined, messageGroupId: r.message_group_id ?? undefined,
  ...(r.settings ? { settings: JSON.parse(r.settings) as TargetSettings } : {}),
});

/** A target's insert values after rule_id and target_id: arn, input, input_path, message_group_id, settings. */
export const targetValues = (t: TargetRecord): unknown[] => [
  t.arn, t.input ?? null, t.inputPath ?? null, t.messageGroupId ?? null, t.settings && Object.keys(t.settings).length > 0 ? JSON.stringify(t.settings) : null,
];

/** LIKE pattern for a literal prefix (escape character '\'). */
export const likePrefix = (p: string) => `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
