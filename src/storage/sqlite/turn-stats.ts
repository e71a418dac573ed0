// Counters of the SQLite group commit, for profiling and the bench note (bench/sqs-profile.md): per commit, how
// many writes it carried, how long the batch's SQL took on the event loop, how long the sync took (blocking COMMIT
// at synchronous=FULL, or the thread pool's fdatasync in strict mode) and how many batches one sync covered.
// Log-2 buckets, a handful of array increments per commit. MAILROOM_TURN_STATS=<file> writes them at close.
import { writeFileSync } from "node:fs";

/** Buckets by powers of two: [0,1), [1,2), [2,4), … (µs or counts). */
class Log2Histogram {
  readonly buckets: number[] = new Array(32).fill(0);
  count = 0;
  sum = 0;

  add(v: number): void {
    this.count++;
    this.sum += v;
    const b = v < 1 ? 0 : Math.min(31, 1 + Math.floor(Math.log2(v)));
    this.buckets[b]++;
  }

  /** The bucket's upper bound below which p of the values lie. */
  quantile(p: number): number {
    let seen = 0;
    for (let b = 0; b < 32; b++) {
      seen += this.buckets[b];
      if (seen >= p * this.count) return b === 0 ? 1 : 2 ** b;
    }
    return Number.POSITIVE_INFINITY;
  }

  toJSON() {
    const rows: Record<string, number> = {};
    this.buckets.forEach((n, b) => {
      if (n > 0) rows[b === 0 ? "<1" : `<${2 ** b}`] = n;
    });
    return { count: this.count, mean: this.count ? this.sum / this.count : 0, p50: this.quantile(0.5), p99: this.quantile(0.99), buckets: rows };
  }
}

/** Steps of the loop longer than this (ms) are listed with their times. */
const SLOW_MS = 2;

export class TurnStats {
  /** Writes per commit. */
  readonly writesPerCommit = new Log2Histogram();
  /** µs of the batch's SQL (BEGIN … COMMIT, without a blocking sync) on the event loop. */
  readonly sqlMicros = new Log2Histogram();
  /** µs of each sync (blocking COMMIT at FULL, or a thread-pool fdatasync). */
  readonly syncMicros = new Log2Histogram();
  /** Commits one sync made durable. */
  readonly commitsPerSync = new Log2Histogram();
  /** Syncs run inline on the loop (ADR 0037). */
  inlineSyncs = 0;
  /** Loop-blocking steps over SLOW_MS (a batch's SQL, an inline sync), with their start (ms since the epoch): W4 timelines. */
  readonly slow: string[] = [];
  private readonly startedAt = performance.now();

  /** Notes a step that held the loop for `ms` (kept when over SLOW_MS, up to 100,000 of them). */
  blocked(kind: "sql" | "inline-sync", ms: number): void {
    if (ms > SLOW_MS && this.slow.length < 100_000) this.slow.push(`${(performance.timeOrigin + performance.now() - ms).toFixed(1)} ${ms.toFixed(2)} ${kind}`);
  }

  write(file: string): void {
    const seconds = (performance.now() - this.startedAt) / 1000;
    writeFileSync(file, `${JSON.stringify({
      seconds, inlineSyncs: this.inlineSyncs, slow: this.slow, writesPerCommit: this.writesPerCommit, sqlMicros: this.sqlMicros, syncMicros: this.syncMicros, commitsPerSync: this.commitsPerSync,
    }, null, 1)}\n`);
  }
}
