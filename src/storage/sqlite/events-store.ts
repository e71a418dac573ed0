// SQLite adapter of the EventBridge storage port. Writes go through SqliteDb.write (group commit); PutEvents'
// deliveries go through the SQS store's one enqueue inside that write, so a 200 means every matching queue has them.
import type Database from "better-sqlite3";
import type { BusKey, BusRecord, EventsStore, NewRule, RuleKey, RuleWithTargets, TargetRecord } from "../../services/events/store.ts";
import type { QueueWrite } from "../../services/sqs/store.ts";
import { type BusRow, likePrefix, type RuleRow, type TargetRow, toBus, toRule, toTarget } from "../events-rows.ts";
import type { DeliveryExtras } from "../../services/events/archive-store.ts";
import { GuardFailed } from "../events-archive-rows.ts";
import type { SqliteDb } from "./db.ts";
import { SqliteEventsArchiveStore } from "./events-archive-store.ts";
import type { SqliteSqsStore } from "./sqs-store.ts";

export class SqliteEventsStore implements EventsStore {
  private readonly sql: SqliteDb;
  private readonly sqs: SqliteSqsStore;
  private readonly s: ReturnType<typeof prepare>;
  readonly archives: SqliteEventsArchiveStore;

  constructor(sql: SqliteDb, sqs: SqliteSqsStore) {
    this.sql = sql;
    this.sqs = sqs;
    this.s = prepare(sql.db);
    this.archives = new SqliteEventsArchiveStore(sql);
  }

  async createBus(b: BusRecord) {
    return this.sql.write(() => this.s.insertBus.run(b.account, b.region, b.name, b.description ?? null, b.createdAt).changes > 0);
  }

  async getBus(k: BusKey) {
    const r = this.s.busByKey.get(k.account, k.region, k.name) as BusRow | undefined;
    return r && toBus(r);
  }

  async listBuses(account: string, region: string, prefix: string, after: string, limit: number) {
    return (this.s.listBuses.all(account, region, likePrefix(prefix), after, limit) as BusRow[]).map(toBus);
  }

  async deleteBus(k: BusKey) {
    return this.sql.write(() => {
      const gone = this.s.deleteBus.run(k.account, k.region, k.name).changes > 0;
      if (gone) {
        this.s.deleteBusRules.run(k.account, k.region, k.name);
        this.s.bump.run(k.account, k.region, k.name);
      }
      return gone;
    });
  }

  async putRule(k: RuleKey, r: NewRule, now: number) {
    return this.sql.write(() => {
      this.s.bump.run(k.account, k.region, k.name);
      return toRule(this.s.upsertRule.get(k.account, k.region, k.name, k.rule, r.eventPattern, r.state, r.description ?? null, r.roleArn ?? null, now) as RuleRow);
    });
  }

  async getRule(k: RuleKey) {
    const r = this.s.ruleByKey.get(k.account, k.region, k.name, k.rule) as RuleRow | undefined;
    return r && toRule(r);
  }

  async listRules(b: BusKey, prefix: string, after: string, limit: number) {
    return (this.s.listRules.all(b.account, b.region, b.name, likePrefix(prefix), after, limit) as RuleRow[]).map(toRule);
  }

  async setRuleState(k: RuleKey, state: "ENABLED" | "DISABLED") {
    return this.sql.write(() => {
      const changed = this.s.setState.run(state, k.account, k.region, k.name, k.rule).changes > 0;
      if (changed) this.s.bump.run(k.account, k.region, k.name);
      return changed;
    });
  }

  async deleteRule(k: RuleKey) {
    return this.sql.write((): "deleted" | "missing" | "has-targets" => {
      const r = this.s.ruleByKey.get(k.account, k.region, k.name, k.rule) as RuleRow | undefined;
      if (!r) return "missing";
      if (this.s.anyTarget.get(r.id)) return "has-targets";
      this.s.deleteRule.run(r.id);
      this.s.bump.run(k.account, k.region, k.name);
      return "deleted";
    });
  }

  async ruleNamesByTarget(b: BusKey, arn: string, after: string, limit: number) {
    return this.s.namesByTarget.pluck().all(arn, b.account, b.region, b.name, after, limit) as string[];
  }

  async putTargets(ruleId: number, targets: TargetRecord[], maxPerRule: number) {
    return this.sql.write((): "ok" | "limit" | "missing" => {
      if (!this.s.ruleById.get(ruleId)) return "missing";
      const existing = new Set(this.s.targetIds.pluck().all(ruleId) as string[]);
      for (const t of targets) existing.add(t.id);
      if (existing.size > maxPerRule) return "limit";
      for (const t of targets) this.s.upsertTarget.run(ruleId, t.id, t.arn, t.input ?? null, t.inputPath ?? null, t.messageGroupId ?? null);
      this.s.bumpOfRule.run(ruleId);
      return "ok";
    });
  }

  async removeTargets(ruleId: number, ids: string[]) {
    return this.sql.write(() => {
      const gone = ids.filter((id) => this.s.deleteTarget.run(ruleId, id).changes > 0);
      if (gone.length > 0) this.s.bumpOfRule.run(ruleId);
      return gone;
    });
  }

  async listTargets(ruleId: number, after: string, limit: number) {
    return (this.s.listTargets.all(ruleId, after, limit) as TargetRow[]).map(toTarget);
  }

  async busVersion(b: BusKey) {
    return Number((this.s.version.pluck().get(b.account, b.region, b.name) as number | undefined) ?? 0);
  }

  async enabledRules(b: BusKey) {
    const rules = (this.s.enabledRules.all(b.account, b.region, b.name) as RuleRow[]).map((r): RuleWithTargets => ({ ...toRule(r), targets: [] }));
    if (rules.length === 0) return rules;
    const byId = new Map(rules.map((r) => [r.id, r]));
    for (const t of this.s.enabledTargets.all(b.account, b.region, b.name) as TargetRow[]) byId.get(Number(t.rule_id))?.targets.push(toTarget(t));
    return rules;
  }

  async deliver(queues: QueueWrite[], now: number, extras?: DeliveryExtras) {
    if (queues.length === 0 && !extras) return true;
    try {
      await this.sql.write(() => {
        this.archives.applyInTransaction(extras, now);
        if (queues.length > 0) this.sqs.enqueueInTransaction(queues, now);
      });
    } catch (e) {
      if (e instanceof GuardFailed) return false;
      throw e;
    }
    return true;
  }

  async close() {
    await this.sql.close();
  }
}

function prepare(db: Database.Database) {
  return {
    insertBus: db.prepare("INSERT INTO events_buses (account, region, name, description, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"),
    busByKey: db.prepare("SELECT * FROM events_buses WHERE account = ? AND region = ? AND name = ?"),
    listBuses: db.prepare("SELECT * FROM events_buses WHERE account = ? AND region = ? AND name LIKE ? ESCAPE '\\' AND name > ? ORDER BY name LIMIT ?"),
    deleteBus: db.prepare("DELETE FROM events_buses WHERE account = ? AND region = ? AND name = ?"),
    deleteBusRules: db.prepare("DELETE FROM events_rules WHERE account = ? AND region = ? AND bus = ?"),
    upsertRule: db.prepare(
      `INSERT INTO events_rules (account, region, bus, name, event_pattern, state, description, role_arn, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account, region, bus, name) DO UPDATE SET event_pattern = excluded.event_pattern, state = excluded.state,
       description = excluded.description, role_arn = excluded.role_arn RETURNING *`,
    ),
    ruleByKey: db.prepare("SELECT * FROM events_rules WHERE account = ? AND region = ? AND bus = ? AND name = ?"),
    listRules: db.prepare("SELECT * FROM events_rules WHERE account = ? AND region = ? AND bus = ? AND name LIKE ? ESCAPE '\\' AND name > ? ORDER BY name LIMIT ?"),
    setState: db.prepare("UPDATE events_rules SET state = ? WHERE account = ? AND region = ? AND bus = ? AND name = ?"),
    anyTarget: db.prepare("SELECT 1 FROM events_targets WHERE rule_id = ? LIMIT 1"),
    deleteRule: db.prepare("DELETE FROM events_rules WHERE id = ?"),
    namesByTarget: db.prepare(
      `SELECT DISTINCT r.name FROM events_targets t JOIN events_rules r ON r.id = t.rule_id
       WHERE t.arn = ? AND r.account = ? AND r.region = ? AND r.bus = ? AND r.name > ? ORDER BY r.name LIMIT ?`,
    ),
    ruleById: db.prepare("SELECT 1 FROM events_rules WHERE id = ?"),
    targetIds: db.prepare("SELECT target_id FROM events_targets WHERE rule_id = ?"),
    upsertTarget: db.prepare(
      `INSERT INTO events_targets (rule_id, target_id, arn, input, input_path, message_group_id) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (rule_id, target_id) DO UPDATE SET arn = excluded.arn, input = excluded.input, input_path = excluded.input_path,
       message_group_id = excluded.message_group_id`,
    ),
    deleteTarget: db.prepare("DELETE FROM events_targets WHERE rule_id = ? AND target_id = ?"),
    listTargets: db.prepare("SELECT * FROM events_targets WHERE rule_id = ? AND target_id > ? ORDER BY target_id LIMIT ?"),
    bump: db.prepare(
      `INSERT INTO events_bus_versions (account, region, bus, version) VALUES (?, ?, ?, 1)
       ON CONFLICT (account, region, bus) DO UPDATE SET version = version + 1`,
    ),
    bumpOfRule: db.prepare(
      `INSERT INTO events_bus_versions (account, region, bus, version) SELECT account, region, bus, 1 FROM events_rules WHERE id = ? AND true
       ON CONFLICT (account, region, bus) DO UPDATE SET version = version + 1`,
    ),
    version: db.prepare("SELECT version FROM events_bus_versions WHERE account = ? AND region = ? AND bus = ?"),
    enabledRules: db.prepare("SELECT * FROM events_rules WHERE account = ? AND region = ? AND bus = ? AND state = 'ENABLED' ORDER BY id"),
    enabledTargets: db.prepare(
      `SELECT t.* FROM events_targets t JOIN events_rules r ON r.id = t.rule_id
       WHERE r.account = ? AND r.region = ? AND r.bus = ? AND r.state = 'ENABLED' ORDER BY t.rule_id, t.target_id`,
    ),
  };
}
