// Cross-node wake-ups over LISTEN/NOTIFY: a notify wakes local waiters at once and is sent to the other
// nodes (coalesced per event-loop turn); a dedicated connection listens and reconnects when it drops,
// waking every local waiter after a reconnect in case a notification was missed.
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Clock } from "../../engine/clock.ts";
import { LocalNotifier, type Notifier, type Subscription } from "../../engine/notify.ts";
import type { Logger } from "../../util/log.ts";
import type { PgDb } from "./db.ts";

const CHANNEL = "mailroom_wake";
const RECONNECT_MS = 500;

export class PgNotifier implements Notifier {
  private readonly local: LocalNotifier;
  private readonly db: PgDb;
  private readonly log: Logger;
  private readonly nodeId = randomUUID();
  private readonly keys = new Set<string>();
  private listener: pg.Client | undefined;
  private pending = new Set<string>();
  private flushScheduled = false;
  private closed = false;

  private constructor(db: PgDb, clock: Clock, log: Logger) {
    this.db = db;
    this.log = log;
    this.local = new LocalNotifier(clock);
  }

  static async start(db: PgDb, clock: Clock, log: Logger): Promise<PgNotifier> {
    const n = new PgNotifier(db, clock, log);
    await n.listen();
    return n;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.db.url });
    client.on("notification", (msg) => {
      const payload = msg.payload ?? "";
      const bar = payload.indexOf("|");
      if (bar < 0 || payload.slice(0, bar) === this.nodeId) return;
      this.local.notify(payload.slice(bar + 1));
    });
    const reconnect = () => {
      if (this.closed || this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => {});
      setTimeout(() => this.retry(), RECONNECT_MS).unref();
    };
    client.on("error", reconnect);
    client.on("end", reconnect);
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  private retry(): void {
    if (this.closed) return;
    this.listen()
      .then(() => {
        this.log.info("LISTEN connection restored");
        for (const k of this.keys) this.local.notify(k);
      })
      .catch(() => setTimeout(() => this.retry(), RECONNECT_MS).unref());
  }

  subscribe(key: string): Subscription {
    this.keys.add(key);
    return this.local.subscribe(key);
  }

  notify(key: string, count?: number): void {
    // Other nodes wake all their waiters on the key: they cannot tell how many of theirs are needed.
    this.local.notify(key, count);
    this.pending.add(key);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const payloads = [...this.pending].map((k) => `${this.nodeId}|${k}`);
    this.pending.clear();
    if (this.closed || payloads.length === 0) return;
    this.db
      .query(`SELECT pg_notify('${CHANNEL}', p) FROM unnest($1::text[]) AS p`, [payloads])
      .catch((e) => this.log.warn("NOTIFY failed; remote long polls wake at their next deadline", { error: String(e) }));
  }

  async close(): Promise<void> {
    this.closed = true;
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => {});
  }
}
