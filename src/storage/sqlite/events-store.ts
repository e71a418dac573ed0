// SQLite adapter of the EventBridge storage port. Writes go through SqliteDb.write (group commit); PutEvents'
// deliveries go inside that one write: SQS messages through the SQS store's one enqueue, SNS publishes through the SNS
// store, outbox rows through the outbox adapter, so a 200 means every matching in-process target has them.
import type Database from "better-sqlite3";
import type {
  BusKey, BusRecord, DeliveryWrite, DocumentKind, EventsStore, NewRule, RuleKey, RuleWithTargets, TargetRecord,
} from "../../services/events/store.ts";
import { type BusRow, likePrefix, type RuleRow, type TargetRow, targetValues, toBus, toRule, toTarget } from "../events-rows.ts";
import type { SqliteDb } from "./db.ts";
import { SqliteOutbox } from "./outbox.ts";
import type { SqliteSnsStore } from "./sns-store.ts";
import type { DeliveryExtras } from "../../services/events/archive-store.ts";
import { GuardFailed } from "../events-archive-rows.ts";
import { bumping, SqliteEventsArchiveStore } from "./events-archive-store.ts";
import type { SqliteSqsStore } from "./sqs-store.ts";

/** Bus rows kept in SqliteEventsStore's cache at most (cleared when full). */
const BUS_CACHE = 10_000;
const busCacheKey = (k: BusKey) => `${k.account}\n${k.region}\n${k.name}`;

export class SqliteEventsStore implements EventsStore {
  private readonly sql: SqliteDb;
  private readonly sqs: SqliteSqsStore;
  private readonly sns: SqliteSnsStore | undefined;
  private readonly outbox: SqliteOutbox;
  private readonly s: ReturnType<typeof prepare>;
  readonly archives: SqliteEventsArchiveStore;

  constructor(sql: SqliteDb, sqs: SqliteSqsStore, sns?: SqliteSnsStore) {
    this.sql = sql;
    this.sqs = sqs;
    this.sns = sns;
    this.outbox = new SqliteOutbox(sql, sqs);
    const bumped = () => this.versions.clear();
    this.s = prepare(sql.db, bumped);
    this.archives = new SqliteEventsArchiveStore(sql, bumped);
  }

  /**
   * Each bus's change counter (events_bus_versions) as last read, so PutEvents does not query it per request. Like
   * the bus rows below, this process is the database's only user; every statement that bumps a counter (here and in
   * the archive store) clears the map in its write's transaction (`bumping`), and the batch's statements run
   * synchronously, so no read between a bump and its commit or rollback can cache a counter that then changes.
   */
  private readonly versions = new Map<string, number>();

  /**
   * Bus rows by key (null: no such bus), read once: this process is its database's only user (locking_mode =
   * EXCLUSIVE, db.ts) and every change to events_buses goes through createBus, deleteBus and updateBus, which drop
   * the entry when their transaction runs and again once it is done. PutEvents checks its bus on every request.
   */
  private readonly buses = new Map<string, BusRecord | null>();

  /** Runs a write that changes the bus's row, keeping the cache from holding the row as it was before. */
  private async busWrite<T>(k: BusKey, fn: () => T): Promise<T> {
    const key = busCacheKey(k);
    try {
      return await this.sql.write(() => {
        this.buses.delete(key);
        return fn();
      });
    } finally {
      this.buses.delete(key);
    }
  }

  async createBus(b: BusRecord) {
    return this.busWrite(b, () => this.s.insertBus.run(b.account, b.region, b.name, b.description ?? null, b.createdAt).changes > 0);
  }

  async getBus(k: BusKey) {
    const key = busCacheKey(k);
    let r = this.buses.get(key);
    if (r === undefined) {
      const row = this.s.busByKey.get(k.account, k.region, k.name) as BusRow | undefined;
      r = row ? toBus(row) : null;
      if (this.buses.size >= BUS_CACHE) this.buses.clear();
      this.buses.set(key, r);
    }
    // A copy: callers may change what they get.
    return r === null ? undefined : { ...r };
  }

  async listBuses(account: string, region: string, prefix: string, after: string, limit: number) {
    return (this.s.listBuses.all(account, region, likePrefix(prefix), after, limit) as BusRow[]).map(toBus);
  }

  async deleteBus(k: BusKey) {
    return this.busWrite(k, () => {
      const gone = this.s.deleteBus.run(k.account, k.region, k.name).changes > 0;
      if (gone) {
        this.s.deleteBusRules.run(k.account, k.region, k.name);
        this.s.deletePolicy.run(k.account, k.region, k.name);
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
      for (const t of targets) this.s.upsertTarget.run(ruleId, t.id, ...targetValues(t));
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
    const key = busCacheKey(b);
    let v = this.versions.get(key);
    if (v === undefined) {
      v = Number((this.s.version.pluck().get(b.account, b.region, b.name) as number | undefined) ?? 0);
      if (this.versions.size >= BUS_CACHE) this.versions.clear();
      this.versions.set(key, v);
    }
    return v;
  }

  async enabledRules(b: BusKey) {
    const rules = (this.s.enabledRules.all(b.account, b.region, b.name) as RuleRow[]).map((r): RuleWithTargets => ({ ...toRule(r), targets: [] }));
    if (rules.length === 0) return rules;
    const byId = new Map(rules.map((r) => [r.id, r]));
    for (const t of this.s.enabledTargets.all(b.account, b.region, b.name) as TargetRow[]) byId.get(Number(t.rule_id))?.targets.push(toTarget(t));
    return rules;
  }

  async deliver(w: DeliveryWrite, now: number, extras?: DeliveryExtras) {
    if (w.queues.length === 0 && w.topics.length === 0 && w.outbox.length === 0 && !extras) return true;
    if (w.topics.length > 0 && !this.sns) throw new Error("events store: SNS deliveries need the SNS store");
    try {
      await this.sql.write(() => {
        // Archive copies, a replay's position or a schedule's advance first: a failed guard throws GuardFailed and
        // the whole write rolls back (ADR 0019).
        this.archives.applyInTransaction(extras, now);
        this.sqs.enqueueInTransaction(w.queues, now);
        for (const t of w.topics) this.sns?.publishInTransaction(t, now);
        this.outbox.addInTransaction(w.outbox, now);
      });
    } catch (e) {
      if (e instanceof GuardFailed) return false;
      throw e;
    }
    return true;
  }

  async updateBus(k: BusKey, description: string | undefined, now: number) {
    return this.busWrite(k, () => this.s.updateBus.run(description ?? null, now, k.account, k.region, k.name).changes > 0);
  }

  async busPolicy(k: BusKey) {
    return (this.s.policy.pluck().get(k.account, k.region, k.name) as string | undefined) ?? undefined;
  }

  async updateBusPolicy(k: BusKey, change: (current: string | undefined) => string | undefined) {
    await this.sql.write(() => {
      const next = change((this.s.policy.pluck().get(k.account, k.region, k.name) as string | undefined) ?? undefined);
      if (next === undefined) this.s.deletePolicy.run(k.account, k.region, k.name);
      else this.s.putPolicy.run(k.account, k.region, k.name, next);
    });
  }

  async createDocument(kind: DocumentKind, k: BusKey, data: string, max: number) {
    return this.sql.write((): "ok" | "exists" | "limit" => {
      if (this.s.getDoc.get(kind, k.account, k.region, k.name)) return "exists";
      if ((this.s.countDocs.pluck().get(kind, k.account, k.region) as number) >= max) return "limit";
      this.s.insertDoc.run(kind, k.account, k.region, k.name, data);
      return "ok";
    });
  }

  async getDocument(kind: DocumentKind, k: BusKey) {
    return (this.s.getDoc.pluck().get(kind, k.account, k.region, k.name) as string | undefined) ?? undefined;
  }

  async saveDocument(kind: DocumentKind, k: BusKey, data: string, expected?: string) {
    return this.sql.write(() => (expected === undefined
      ? this.s.saveDoc.run(data, kind, k.account, k.region, k.name)
      : this.s.saveDocIf.run(data, kind, k.account, k.region, k.name, expected)).changes > 0);
  }

  async deleteDocument(kind: DocumentKind, k: BusKey) {
    return this.sql.write(() => this.s.deleteDoc.run(kind, k.account, k.region, k.name).changes > 0);
  }

  async listDocuments(kind: DocumentKind, account: string, region: string, prefix: string, after: string, limit: number) {
    return (this.s.listDocs.all(kind, account, region, likePrefix(prefix), after, limit) as { name: string; data: string }[]).map((r): [string, string] => [r.name, r.data]);
  }

  async close() {
    await this.sql.close();
  }
}

function prepare(db: Database.Database, bumped: () => void) {
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
      `INSERT INTO events_targets (rule_id, target_id, arn, input, input_path, message_group_id, settings) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (rule_id, target_id) DO UPDATE SET arn = excluded.arn, input = excluded.input, input_path = excluded.input_path,
       message_group_id = excluded.message_group_id, settings = excluded.settings`,
    ),
    deleteTarget: db.prepare("DELETE FROM events_targets WHERE rule_id = ? AND target_id = ?"),
    listTargets: db.prepare("SELECT * FROM events_targets WHERE rule_id = ? AND target_id > ? ORDER BY target_id LIMIT ?"),
    bump: bumping(db.prepare(
      `INSERT INTO events_bus_versions (account, region, bus, version) VALUES (?, ?, ?, 1)
       ON CONFLICT (account, region, bus) DO UPDATE SET version = version + 1`,
    ), bumped),
    bumpOfRule: bumping(db.prepare(
      `INSERT INTO events_bus_versions (account, region, bus, version) SELECT account, region, bus, 1 FROM events_rules WHERE id = ? AND true
       ON CONFLICT (account, region, bus) DO UPDATE SET version = version + 1`,
    ), bumped),
    version: db.prepare("SELECT version FROM events_bus_versions WHERE account = ? AND region = ? AND bus = ?"),
    updateBus: db.prepare("UPDATE events_buses SET description = ?, modified_at = ? WHERE account = ? AND region = ? AND name = ?"),
    policy: db.prepare("SELECT policy FROM events_bus_policies WHERE account = ? AND region = ? AND bus = ?"),
    putPolicy: db.prepare(
      "INSERT INTO events_bus_policies (account, region, bus, policy) VALUES (?, ?, ?, ?) ON CONFLICT (account, region, bus) DO UPDATE SET policy = excluded.policy",
    ),
    deletePolicy: db.prepare("DELETE FROM events_bus_policies WHERE account = ? AND region = ? AND bus = ?"),
    getDoc: db.prepare("SELECT data FROM events_documents WHERE kind = ? AND account = ? AND region = ? AND name = ?"),
    countDocs: db.prepare("SELECT count(*) FROM events_documents WHERE kind = ? AND account = ? AND region = ?"),
    insertDoc: db.prepare("INSERT INTO events_documents (kind, account, region, name, data) VALUES (?, ?, ?, ?, ?)"),
    saveDoc: db.prepare("UPDATE events_documents SET data = ? WHERE kind = ? AND account = ? AND region = ? AND name = ?"),
    saveDocIf: db.prepare("UPDATE events_documents SET data = ? WHERE kind = ? AND account = ? AND region = ? AND name = ? AND data = ?"),
    deleteDoc: db.prepare("DELETE FROM events_documents WHERE kind = ? AND account = ? AND region = ? AND name = ?"),
    listDocs: db.prepare(
      "SELECT name, data FROM events_documents WHERE kind = ? AND account = ? AND region = ? AND name LIKE ? ESCAPE '\\' AND name > ? ORDER BY name LIMIT ?",
    ),
    enabledRules: db.prepare("SELECT * FROM events_rules WHERE account = ? AND region = ? AND bus = ? AND state = 'ENABLED' ORDER BY id"),
    enabledTargets: db.prepare(
      `SELECT t.* FROM events_targets t JOIN events_rules r ON r.id = t.rule_id
       WHERE r.account = ? AND r.region = ? AND r.bus = ? AND r.state = 'ENABLED' ORDER BY t.rule_id, t.target_id`,
    ),
  };
}
