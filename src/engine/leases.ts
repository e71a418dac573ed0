// Background jobs that run once across a cluster: each node tries to take a named lease; the holder runs the
// job and renews the lease each round, and when it stops renewing (it died) another node takes over after
// the lease expires. On SQLite there is one node, and the same code simply always wins.
import { randomUUID } from "node:crypto";
import type { Clock, TimerHandle } from "./clock.ts";

export interface LeaseStore {
  /** Takes or renews the lease when free, expired or already ours; true when we hold it until now + ttlMs. */
  tryAcquire(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

export interface JobOptions {
  name: string;
  intervalMs: number;
  /** How long a lease lasts without renewal; a few intervals. */
  ttlMs?: number;
}

export interface JobRunner {
  readonly nodeId: string;
  /** Runs fn every intervalMs on whichever node holds the job's lease. */
  schedule(job: JobOptions, fn: () => Promise<void>): void;
  stop(): Promise<void>;
}

export function createJobRunner(leases: LeaseStore, clock: Clock, onError: (job: string, e: unknown) => void): JobRunner {
  const nodeId = randomUUID();
  const timers = new Map<string, TimerHandle>();
  const running = new Set<Promise<void>>();
  let stopped = false;
  return {
    nodeId,
    schedule(job, fn) {
      const ttl = job.ttlMs ?? job.intervalMs * 3;
      const round = () => {
        const p = (async () => {
          try {
            if (await leases.tryAcquire(job.name, nodeId, clock.now(), ttl)) await fn();
          } catch (e) {
            onError(job.name, e);
          }
        })();
        running.add(p);
        p.finally(() => {
          running.delete(p);
          if (!stopped) timers.set(job.name, clock.setTimer(job.intervalMs, round));
        });
      };
      timers.set(job.name, clock.setTimer(job.intervalMs, round));
    },
    async stop() {
      stopped = true;
      for (const t of timers.values()) t.cancel();
      await Promise.allSettled([...running]);
      await Promise.allSettled([...timers.keys()].map((name) => leases.release(name, nodeId)));
    },
  };
}

/** The lease statement both SQL dialects accept (INSERT … ON CONFLICT … DO UPDATE … WHERE … RETURNING). */
export const ACQUIRE_LEASE_SQL = (p: (n: number) => string) =>
  `INSERT INTO leases (name, holder, expires_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})
   ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
   WHERE leases.holder = excluded.holder OR leases.expires_at < ${p(4)} RETURNING holder`;
