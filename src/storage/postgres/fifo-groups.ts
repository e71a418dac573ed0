// Which message groups a PostgreSQL FIFO receive offers, without reading the whole queue (issue #6). The rule is
// storage/fifo-pick.ts: a group with a message in flight is skipped, the others come in the order of their
// oldest unexpired message, and only a group whose oldest message is visible has a ready prefix. One query finds
// the in-flight groups (few rows, through the ready index); then the queue is walked in sequence order a window
// of rows at a time, offering each group the first time it is met. When several windows in a row offer nothing
// (old messages of busy or delayed groups ahead), the walk stops and the remaining groups are found through the
// (queue, group, sequence) index instead: one probe per group, so a receive never reads a deep busy group.
import type { Queryable } from "./db.ts";

/** Rows per window of the sequence-order walk. */
const WINDOW = 200;
/** Windows in a row that may offer no group before the walk gives way to the per-group search. */
const IDLE_WINDOWS = 5;

export interface GroupWalk {
  queueId: number;
  now: number;
  expiredBefore: number;
  /** Upper bound on the groups the caller may take (each offered group has at least one ready message). */
  max: number;
}

interface WalkRow {
  id: number;
  seq: number;
  group: string;
  visibleAt: number;
  sentAt: number;
}

/**
 * Groups with an unexpired message received and not yet visible again (in flight), through the ready index
 * (`sent_at + 0` keeps the prepared generic plan off the sent index, which reads the whole queue).
 */
async function inFlightGroups(c: Queryable, w: GroupWalk): Promise<string[]> {
  const r = await c.query<{ group: string }>(
    `SELECT DISTINCT message_group_id AS "group" FROM sqs_messages
     WHERE queue_id = $1 AND visible_at > $2 AND receive_count > 0 AND sent_at + 0 >= $3 AND message_group_id IS NOT NULL`,
    [w.queueId, w.now, w.expiredBefore],
  );
  return r.rows.map((x) => x.group);
}

/**
 * The next WINDOW messages of the queue after sequence number `after`. Sequence numbers are unique per queue (one
 * counter assigns them), so ordering by them alone lets the (queue, sequence) index stop after WINDOW rows; a
 * tie-break on id would make PostgreSQL read and sort every later row.
 */
async function nextWindow(c: Queryable, queueId: number, after: number): Promise<WalkRow[]> {
  const r = await c.query<WalkRow>(
    `SELECT id, sequence_number AS seq, message_group_id AS "group", visible_at AS "visibleAt", sent_at AS "sentAt"
     FROM sqs_messages WHERE queue_id = $1 AND sequence_number > $2 AND message_group_id IS NOT NULL
     ORDER BY sequence_number LIMIT $3`,
    [queueId, after, WINDOW],
  );
  return r.rows;
}

/**
 * Groups not in `excluded` whose oldest unexpired message is visible, oldest head first, at most w.max: a loose
 * index scan over the distinct groups (queue, group, sequence index), then each group's head by the same index.
 */
async function groupsByHead(c: Queryable, w: GroupWalk, excluded: string[]): Promise<string[]> {
  const r = await c.query<{ group: string }>(
    `WITH RECURSIVE g(grp) AS (
       (SELECT message_group_id FROM sqs_messages WHERE queue_id = $1 AND sequence_number IS NOT NULL
          AND message_group_id IS NOT NULL ORDER BY message_group_id LIMIT 1)
       UNION ALL
       SELECT (SELECT m.message_group_id FROM sqs_messages m WHERE m.queue_id = $1 AND m.sequence_number IS NOT NULL
                 AND m.message_group_id > g.grp ORDER BY m.message_group_id LIMIT 1)
       FROM g WHERE g.grp IS NOT NULL)
     SELECT g.grp AS "group" FROM g CROSS JOIN LATERAL (
       SELECT h.sequence_number, h.id, h.visible_at FROM sqs_messages h WHERE h.queue_id = $1 AND h.message_group_id = g.grp
         AND h.sequence_number IS NOT NULL AND h.sent_at >= $2 ORDER BY h.sequence_number, h.id LIMIT 1) head
     WHERE g.grp IS NOT NULL AND g.grp <> ALL($3::text[]) AND head.visible_at <= $4
     ORDER BY head.sequence_number, head.id LIMIT $5`,
    [w.queueId, w.expiredBefore, excluded, w.now, w.max],
  );
  return r.rows.map((x) => x.group);
}

/**
 * The groups a receive may take from, in the order of their oldest unexpired message, lazily: the caller stops
 * pulling once it has enough messages. Each group is offered once and must be re-checked after locking it.
 */
export async function* candidateGroups(c: Queryable, w: GroupWalk): AsyncGenerator<string> {
  // Without fresh statistics (a queue just filled) the planner expects a few rows and reads the whole queue with a
  // bitmap scan and a sort; the walk must stay on the (queue, sequence) index, which stops after WINDOW rows.
  // SET LOCAL lasts until the receive's transaction ends.
  await c.query("SET LOCAL enable_bitmapscan = off");
  const blocked = new Set(await inFlightGroups(c, w));
  const seen = new Set<string>();
  let after = -1;
  for (let idle = 0; idle < IDLE_WINDOWS; ) {
    const rows = await nextWindow(c, w.queueId, after);
    let offered = false;
    for (const r of rows) {
      if (r.sentAt < w.expiredBefore || blocked.has(r.group) || seen.has(r.group)) continue;
      seen.add(r.group);
      if (r.visibleAt > w.now) continue; // its oldest message is delayed or waiting out a visibility change
      offered = true;
      yield r.group;
    }
    if (rows.length < WINDOW) return; // the whole queue has been walked
    after = rows[rows.length - 1].seq;
    idle = offered ? 0 : idle + 1;
  }
  yield* await groupsByHead(c, w, [...blocked, ...seen]);
}
