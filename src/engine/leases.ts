// Background jobs that run once across a cluster: each node tries to take a named lease; the holder runs the
// job and renews the lease each round, and when it stops renewing (it died) another node takes over after
// the lease expires. On SQLite there is one node, and the same code simply always wins. The rounds are driven by
// the one scheduler (scheduler.ts `every`), which holds the only timer.

export interface LeaseStore {
  /** Takes or renews the lease when free, expired or already ours; true when we hold it until now + ttlMs. */
  tryAcquire(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

/** The lease statement both SQL dialects accept (INSERT … ON CONFLICT … DO UPDATE … WHERE … RETURNING). */
export const ACQUIRE_LEASE_SQL = (p: (n: number) => string) =>
  `INSERT INTO leases (name, holder, expires_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})
   ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
   WHERE leases.holder = excluded.holder OR leases.expires_at < ${p(4)} RETURNING holder`;
