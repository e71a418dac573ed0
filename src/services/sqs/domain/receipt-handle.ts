// Receipt handles: opaque to clients, they locate the message row without an index (queue id, row id) and
// carry the nonce of the receive that issued them, so each receive yields a new handle and stale ones are told apart;
// the nonce also records when that receive happened.
import { randomBytes } from "node:crypto";

const VERSION = "1";

export interface ReceiptHandle {
  queueId: number;
  rowId: number;
  nonce: string;
}

/** 16 base64url chars: the receive time (6 bytes, epoch ms, for the 12-hour visibility cap) and 6 random bytes. */
export function newNonce(now: number): string {
  const b = Buffer.alloc(12);
  b.writeUIntBE(Math.max(0, Math.min(now, 2 ** 48 - 1)), 0, 6);
  randomBytes(6).copy(b, 6);
  return b.toString("base64url");
}

/** Epoch ms of the receive that issued this nonce. */
export function receivedAtOf(nonce: string): number {
  return Buffer.from(nonce, "base64url").readUIntBE(0, 6);
}

export function encodeReceiptHandle(h: ReceiptHandle): string {
  return Buffer.from(`${VERSION}:${h.queueId}:${h.rowId}:${h.nonce}`, "utf8").toString("base64");
}

/** Undefined when the string is not a handle this server issued. */
export function decodeReceiptHandle(s: string): ReceiptHandle | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length > 1024) return undefined;
  const parts = Buffer.from(s, "base64").toString("utf8").split(":");
  if (parts.length !== 4 || parts[0] !== VERSION) return undefined;
  const queueId = Number(parts[1]);
  const rowId = Number(parts[2]);
  if (!Number.isSafeInteger(queueId) || !Number.isSafeInteger(rowId) || queueId <= 0 || rowId <= 0) return undefined;
  if (!/^[A-Za-z0-9_-]{16}$/.test(parts[3])) return undefined;
  return { queueId, rowId, nonce: parts[3] };
}
