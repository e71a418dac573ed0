// PostgreSQL adapter of the EventBridge storage port. PutEvents' deliveries are one transaction: SQS messages through
// SQS's one enqueue (enqueue.ts enqueueInTransaction), SNS publishes through sns-store.ts publishInTransaction, outbox
// rows through outbox.ts addOutboxInTransaction.
import type {
  BusKey, BusRecord, DeliveryWrite, DocumentKind, EventsStore, NewRule, RuleKey, RuleWithTargets, TargetRecord,
} from "../../services/events/store.ts";
import { type BusRow, likePrefix, type RuleRow, type TargetRow, targetValues, toBus, toRule, toTarget } from "../events-rows.ts";
import type { PgDb } from "./db.ts";
import { enqueueInTransaction } from "./enqueue.ts";
import { addOutboxInTransaction } from "./outbox.ts";
import { publishInTransaction } from "./sns-store.ts";
import type { DeliveryExtras } from "../../services/events/archive-store.ts";
import { GuardFailed } from "../events-archive-rows.ts";
import { PgEventsArchiveStore } from "./events-archive-store.ts";

// node-postgres types rows loosely; these tables' rows have the shapes in events-rows.ts.
type Row = Record<string, unknown>;
const bus = (r: Row) => toBus(r as unknown as BusRow);
const rule = (r: Row) => toRule(r as unknown as RuleRow);
const target = (r: Row) => toTarget(r as unknown as TargetRow);

const BUMP = `INSERT INTO events_bus_versions (account, region, bus, version) VALUES ($1, $2, $3, 1)
  ON CONFLICT (account, region, bus) DO UPDATE SET version = events_bus_versions.version + 1`;
const BUMP_OF_RULE = `INSERT INTO events_bus_versions (account, region, bus, version) SELECT account, region, bus, 1 FROM events_rules WHERE id = $1
  ON CONFLICT (account, region, bus) DO UPDATE SET version = events_bus_versions.version + 1`;

export class PgEventsStore implements EventsStore {
  private readonly db: PgDb;
  readonly archives: PgEventsArchiveStore;

  constructor(db: PgDb) {
    this.db = db;
    this.archives = new PgEventsArchiveStore(db);
  }

  async createBus(b: BusRecord) {
    const r = await this.db.query("INSERT INTO events_buses (account, region, name, description, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
      [b.account, b.region, b.name, b.description ?? null, b.createdAt]);
    return (r.rowCount ?? 0) > 0;
  }

  async getBus(k: BusKey) {
    const r = await this.db.query("SELECT * FROM events_buses WHERE account = $1 AND region = $2 AND name = $3", [k.account, k.region, k.name]);
    return r.rows[0] && bus(r.rows[0]);
  }

  async listBuses(account: string, region: string, prefix: string, after: string, limit: number) {
    const r = await this.db.query(
      `SELECT * FROM events_buses WHERE account = $1 AND region = $2 AND name LIKE $3 ESCAPE '\\' AND name COLLATE "C" > $4 ORDER BY name COLLATE "C" LIMIT $5`,
      [account, region, likePrefix(prefix), after, limit]);
    return r.rows.map(bus);
  }

  async deleteBus(k: BusKey) {
    return this.db.tx(async (c) => {
      // Every change takes its bus's counter row first: one lock order for all writers (no deadlocks between them).
      await c.query(BUMP, [k.account, k.region, k.name]);
      const r = await c.query("DELETE FROM events_buses WHERE account = $1 AND region = $2 AND name = $3", [k.account, k.region, k.name]);
      if ((r.rowCount ?? 0) === 0) return false;
      await c.query("DELETE FROM events_rules WHERE account = $1 AND region = $2 AND bus = $3", [k.account, k.region, k.name]);
      await c.query("DELETE FROM events_bus_policies WHERE account = $1 AND region = $2 AND bus = $3", [k.account, k.region, k.name]);
      return true;
    });
  }

  async putRule(k: RuleKey, n: NewRule, now: number) {
    const r = await this.db.tx(async (c) => {
      await c.query(BUMP, [k.account, k.region, k.name]);
      return c.query(
      `INSERT INTO events_rules (account, region, bus, name, event_pattern, state, description, role_arn, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (account, region, bus, name) DO UPDATE SET event_pattern = excluded.event_pattern, state = excluded.state,
       description = excluded.description, role_arn = excluded.role_arn RETURNING *`,
      [k.account, k.region, k.name, k.rule, n.eventPattern, n.state, n.description ?? null, n.roleArn ?? null, now]);
    });
    return rule(r.rows[0]);
  }

  async getRule(k: RuleKey) {
    const r = await this.db.query("SELECT * FROM events_rules WHERE account = $1 AND region = $2 AND bus = $3 AND name = $4", [k.account, k.region, k.name, k.rule]);
    return r.rows[0] && rule(r.rows[0]);
  }

  async listRules(b: BusKey, prefix: string, after: string, limit: number) {
    const r = await this.db.query(
      `SELECT * FROM events_rules WHERE account = $1 AND region = $2 AND bus = $3 AND name LIKE $4 ESCAPE '\\' AND name COLLATE "C" > $5
       ORDER BY name COLLATE "C" LIMIT $6`, [b.account, b.region, b.name, likePrefix(prefix), after, limit]);
    return r.rows.map(rule);
  }

  async setRuleState(k: RuleKey, state: "ENABLED" | "DISABLED") {
    return this.db.tx(async (c) => {
      await c.query(BUMP, [k.account, k.region, k.name]);
      const r = await c.query("UPDATE events_rules SET state = $1 WHERE account = $2 AND region = $3 AND bus = $4 AND name = $5", [state, k.account, k.region, k.name, k.rule]);
      return (r.rowCount ?? 0) > 0;
    });
  }

  async deleteRule(k: RuleKey) {
    return this.db.tx(async (c): Promise<"deleted" | "missing" | "has-targets"> => {
      await c.query(BUMP, [k.account, k.region, k.name]);
      const r = await c.query<{ id: number }>("SELECT id FROM events_rules WHERE account = $1 AND region = $2 AND bus = $3 AND name = $4 FOR UPDATE", [k.account, k.region, k.name, k.rule]);
      const id = r.rows[0]?.id;
      if (id === undefined) return "missing";
      const t = await c.query("SELECT 1 FROM events_targets WHERE rule_id = $1 LIMIT 1", [id]);
      if ((t.rowCount ?? 0) > 0) return "has-targets";
      await c.query("DELETE FROM events_rules WHERE id = $1", [id]);
      return "deleted";
    });
  }

  async ruleNamesByTarget(b: BusKey, arn: string, after: string, limit: number) {
    const r = await this.db.query<{ name: string }>(
      `SELECT DISTINCT r.name COLLATE "C" AS name FROM events_targets t JOIN events_rules r ON r.id = t.rule_id
       WHERE t.arn = $1 AND r.account = $2 AND r.region = $3 AND r.bus = $4 AND r.name COLLATE "C" > $5 ORDER BY 1 LIMIT $6`,
      [arn, b.account, b.region, b.name, after, limit]);
    return r.rows.map((x) => x.name);
  }

  async putTargets(ruleId: number, targets: TargetRecord[], maxPerRule: number) {
    return this.db.tx(async (c): Promise<"ok" | "limit" | "missing"> => {
      // The bus's counter row (taken first, as by every writer) serialises concurrent PutTargets on one rule, so the limit holds.
      const bumped = await c.query(BUMP_OF_RULE, [ruleId]);
      if ((bumped.rowCount ?? 0) === 0) return "missing";
      const ids = await c.query<{ target_id: string }>("SELECT target_id FROM events_targets WHERE rule_id = $1", [ruleId]);
      const all = new Set(ids.rows.map((r) => r.target_id));
      for (const t of targets) all.add(t.id);
      if (all.size > maxPerRule) return "limit";
      for (const t of targets) {
        await c.query(
          `INSERT INTO events_targets (rule_id, target_id, arn, input, input_path, message_group_id, settings) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (rule_id, target_id) DO UPDATE SET arn = excluded.arn, input = excluded.input, input_path = excluded.input_path,
           message_group_id = excluded.message_group_id, settings = excluded.settings`,
          [ruleId, t.id, ...targetValues(t)]);
      }
      return "ok";
    });
  }

  async removeTargets(ruleId: number, ids: string[]) {
    const gone = await this.db.tx(async (c) => {
      await c.query(BUMP_OF_RULE, [ruleId]);
      const r = await c.query<{ target_id: string }>("DELETE FROM events_targets WHERE rule_id = $1 AND target_id = ANY($2::text[]) RETURNING target_id", [ruleId, ids]);
      return new Set(r.rows.map((x) => x.target_id));
    });
    return ids.filter((id) => gone.has(id));
  }

  async listTargets(ruleId: number, after: string, limit: number) {
    const r = await this.db.query(`SELECT * FROM events_targets WHERE rule_id = $1 AND target_id COLLATE "C" > $2 ORDER BY target_id COLLATE "C" LIMIT $3`, [ruleId, after, limit]);
    return r.rows.map(target);
  }

  async busVersion(b: BusKey) {
    const r = await this.db.query<{ version: number }>("SELECT version FROM events_bus_versions WHERE account = $1 AND region = $2 AND bus = $3", [b.account, b.region, b.name]);
    return Number(r.rows[0]?.version ?? 0);
  }

  async enabledRules(b: BusKey) {
    const r = await this.db.query("SELECT * FROM events_rules WHERE account = $1 AND region = $2 AND bus = $3 AND state = 'ENABLED' ORDER BY id", [b.account, b.region, b.name]);
    const rules = r.rows.map((x): RuleWithTargets => ({ ...rule(x), targets: [] }));
    if (rules.length === 0) return rules;
    const byId = new Map(rules.map((x) => [x.id, x]));
    const t = await this.db.query("SELECT * FROM events_targets WHERE rule_id = ANY($1::bigint[]) ORDER BY rule_id, target_id COLLATE \"C\"", [rules.map((x) => x.id)]);
    for (const row of t.rows) byId.get(Number(row.rule_id))?.targets.push(target(row));
    return rules;
  }

  async deliver(w: DeliveryWrite, now: number, extras?: DeliveryExtras) {
    if (w.queues.length === 0 && w.topics.length === 0 && w.outbox.length === 0 && !extras) return true;
    try {
      await this.db.tx(async (c) => {
        // Archive copies, a replay's position or a schedule's advance first: a failed guard throws GuardFailed and
        // the transaction rolls back (ADR 0019).
        await this.archives.applyInTransaction(c, extras, now);
        await enqueueInTransaction(c, w.queues, now);
        for (const t of w.topics) await publishInTransaction(c, t, now);
        await addOutboxInTransaction(c, w.outbox, now);
      });
    } catch (e) {
      if (e instanceof GuardFailed) return false;
      throw e;
    }
    return true;
  }

  async updateBus(k: BusKey, description: string | undefined, now: number) {
    const r = await this.db.query("UPDATE events_buses SET description = $1, modified_at = $2 WHERE account = $3 AND region = $4 AND name = $5",
      [description ?? null, now, k.account, k.region, k.name]);
    return (r.rowCount ?? 0) > 0;
  }

  async busPolicy(k: BusKey) {
    const r = await this.db.query<{ policy: string }>("SELECT policy FROM events_bus_policies WHERE account = $1 AND region = $2 AND bus = $3", [k.account, k.region, k.name]);
    return r.rows[0]?.policy;
  }

  async updateBusPolicy(k: BusKey, change: (current: string | undefined) => string | undefined) {
    await this.db.tx(async (c) => {
      // The bus's counter row, taken first as by every writer of the bus, serialises concurrent policy changes.
      await c.query(BUMP, [k.account, k.region, k.name]);
      const r = await c.query<{ policy: string }>("SELECT policy FROM events_bus_policies WHERE account = $1 AND region = $2 AND bus = $3", [k.account, k.region, k.name]);
      const next = change(r.rows[0]?.policy);
      if (next === undefined) await c.query("DELETE FROM events_bus_policies WHERE account = $1 AND region = $2 AND bus = $3", [k.account, k.region, k.name]);
      else {
        await c.query(`INSERT INTO events_bus_policies (account, region, bus, policy) VALUES ($1, $2, $3, $4)
          ON CONFLICT (account, region, bus) DO UPDATE SET policy = excluded.policy`, [k.account, k.region, k.name, next]);
      }
    });
  }

  async createDocument(kind: DocumentKind, k: BusKey, data: string, max: number) {
    return this.db.tx(async (c): Promise<"ok" | "exists" | "limit"> => {
      // One lock per (kind, account, region) serialises creations, so the count limit holds across nodes.
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`events-doc/${kind}/${k.account}/${k.region}`]);
      const e = await c.query("SELECT 1 FROM events_documents WHERE kind = $1 AND account = $2 AND region = $3 AND name = $4", [kind, k.account, k.region, k.name]);
      if ((e.rowCount ?? 0) > 0) return "exists";
      const n = await c.query<{ n: number }>("SELECT count(*)::int AS n FROM events_documents WHERE kind = $1 AND account = $2 AND region = $3", [kind, k.account, k.region]);
      if ((n.rows[0]?.n ?? 0) >= max) return "limit";
      await c.query("INSERT INTO events_documents (kind, account, region, name, data) VALUES ($1, $2, $3, $4, $5)", [kind, k.account, k.region, k.name, data]);
      return "ok";
    });
  }

  async getDocument(kind: DocumentKind, k: BusKey) {
    const r = await this.db.query<{ data: string }>("SELECT data FROM events_documents WHERE kind = $1 AND account = $2 AND region = $3 AND name = $4", [kind, k.account, k.region, k.name]);
    return r.rows[0]?.data;
  }

  async saveDocument(kind: DocumentKind, k: BusKey, data: string, expected?: string) {
    const r = expected === undefined
      ? await this.db.query("UPDATE events_documents SET data = $1 WHERE kind = $2 AND account = $3 AND region = $4 AND name = $5", [data, kind, k.account, k.region, k.name])
      : await this.db.query("UPDATE events_documents SET data = $1 WHERE kind = $2 AND account = $3 AND region = $4 AND name = $5 AND data = $6",
        [data, kind, k.account, k.region, k.name, expected]);
    return (r.rowCount ?? 0) > 0;
  }

  async deleteDocument(kind: DocumentKind, k: BusKey) {
    const r = await this.db.query("DELETE FROM events_documents WHERE kind = $1 AND account = $2 AND region = $3 AND name = $4", [kind, k.account, k.region, k.name]);
    return (r.rowCount ?? 0) > 0;
  }

  async listDocuments(kind: DocumentKind, account: string, region: string, prefix: string, after: string, limit: number) {
    const r = await this.db.query<{ name: string; data: string }>(
      `SELECT name, data FROM events_documents WHERE kind = $1 AND account = $2 AND region = $3 AND name LIKE $4 ESCAPE '\\'
       AND name COLLATE "C" > $5 ORDER BY name COLLATE "C" LIMIT $6`, [kind, account, region, likePrefix(prefix), after, limit]);
    return r.rows.map((x): [string, string] => [x.name, x.data]);
  }

  async close() {
    await this.db.close();
  }
}
