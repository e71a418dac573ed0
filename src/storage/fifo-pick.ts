// Which FIFO messages a receive may take, over a whole queue's rows: the reference rule that the adapters'
// tests check against (SQLite keeps it in sqlite/fifo-index.ts, PostgreSQL in SQL in postgres/fifo-groups.ts).
// A message group whose message is in flight is skipped entirely; of every other group only its ready prefix
// (in sequence order, up to the first message not yet visible) is a candidate; groups come in the order of
// their oldest message, and a receive takes as many messages of one group as it can before the next group
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html).

export interface FifoRow {
  id: number;
  group: string;
  visibleAt: number;
  receiveCount: number;
}

/** rows: the queue's unexpired messages in sequence order. Returns each available group's ready prefix. */
export function fifoCandidates(rows: FifoRow[], now: number): FifoRow[][] {
  const blocked = new Set<string>();
  for (const r of rows) if (r.receiveCount > 0 && r.visibleAt > now) blocked.add(r.group);
  const groups = new Map<string, { rows: FifoRow[]; stopped: boolean }>();
  for (const r of rows) {
    if (blocked.has(r.group)) continue;
    let g = groups.get(r.group);
    if (!g) groups.set(r.group, (g = { rows: [], stopped: false }));
    if (g.stopped) continue;
    if (r.visibleAt > now) g.stopped = true;
    else g.rows.push(r);
  }
  return [...groups.values()].filter((g) => g.rows.length > 0).map((g) => g.rows);
}
