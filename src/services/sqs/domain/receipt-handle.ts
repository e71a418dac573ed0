// Receipt handles: opaque to clients, they locate the message row without an index (queue id, row id) and
// carry the nonce of the receive that issued them, so each receive yields a new handle and stale ones are told apart.
import { randomBytes } from "node:crypto";

const VERSION = "1";

export interface ReceiptHandle {
  queueId: number;
  rowId: number;
  nonce: string;
}

const POOL_NONCES = 1024;
let pool = Buffer.alloc(0);
let offset = 0;

/** 12 random bytes as 16 base64url characters, cut from a pooled buffer (one getrandom call per 1024). */
export function newNonce(): string {
  if (offset + 12 > pool.length) {
    pool = randomBytes(12 * POOL_NONCES);
    offset = 0;
  }
  offset += 12;
  return pool.toString("base64url", offset - 12, offset);
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
