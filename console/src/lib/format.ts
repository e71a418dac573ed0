// Formatting for the console's tables and message views. Pure: no DOM.

/** A duration in seconds as "42s", "3m 5s", "2h 4m", "3d 1h". */
export function formatAge(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "–";
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** A message body: pretty-printed when it is a JSON object or array, as sent otherwise. */
export function prettyBody(body: string | undefined): { text: string; json: boolean } {
  if (body === undefined) return { text: "", json: false };
  const t = body.trim();
  if ((t.startsWith("{") && t.endsWith("}")) || (t.startsWith("[") && t.endsWith("]"))) {
    try {
      return { text: JSON.stringify(JSON.parse(t), null, 2), json: true };
    } catch {
      // not JSON after all
    }
  }
  return { text: body, json: false };
}

/** A millisecond epoch (as a string or number) as an ISO time, or "–". */
export function formatTime(ms: string | number | Date | undefined): string {
  if (ms === undefined || ms === "") return "–";
  const d = ms instanceof Date ? ms : new Date(typeof ms === "string" && /^\d+$/.test(ms) ? Number(ms) : ms);
  return Number.isNaN(d.getTime()) ? "–" : d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** Progress of a move task or replay, 0-100 (0 when the total is unknown). */
export function progressPercent(done: number | undefined, total: number | undefined): number {
  if (!total || total <= 0 || done === undefined) return 0;
  return Math.max(0, Math.min(100, Math.round((done / total) * 100)));
}

/** Age of a queue's oldest message from its peeked messages' SentTimestamp attributes, in seconds. */
export function oldestAgeSeconds(sentTimestamps: (string | undefined)[], nowMs: number): number | undefined {
  let oldest: number | undefined;
  for (const t of sentTimestamps) {
    const n = Number(t);
    if (t !== undefined && Number.isFinite(n) && (oldest === undefined || n < oldest)) oldest = n;
  }
  return oldest === undefined ? undefined : Math.max(0, (nowMs - oldest) / 1000);
}

/** A hash key range as a share of the 2^128 key space, e.g. "50.0%". */
export function hashShare(start: string, end: string): string {
  try {
    const span = BigInt(end) - BigInt(start) + 1n;
    const per = Number((span * 100000n) / (1n << 128n)) / 1000;
    return `${per.toFixed(1)}%`;
  } catch {
    return "–";
  }
}
