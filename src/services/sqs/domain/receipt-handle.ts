// Receipt handles: opaque to clients, they locate the message row without an index (queue id, row id) and
// carry the nonce of the receive that issued them, so each receive yields a new handle and stale ones are told apart.
// Version 2 (issued now) is 24 bytes in base64, written into one pooled buffer per message: 0x02, the queue id (4 bytes),
// 0, the row id (6 bytes), the nonce's 12 bytes. Version 1 (base64 of "1:queue:row:nonce", issued before) still decodes.
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

const V2 = 2;
const MAX_ROW_V2 = 2 ** 48;

export function encodeReceiptHandle(h: ReceiptHandle): string {
  if (h.queueId > 0xffffffff || h.rowId >= MAX_ROW_V2 || h.nonce.length !== 16) {
    return Buffer.from(`${VERSION}:${h.queueId}:${h.rowId}:${h.nonce}`, "utf8").toString("base64");
  }
  const b = Buffer.allocUnsafe(24); // from node's pool: no allocation of its own
  b[0] = V2;
  b.writeUInt32BE(h.queueId, 1);
  b[5] = 0;
  b.writeUIntBE(h.rowId, 6, 6);
  b.write(h.nonce, 12, 12, "base64url");
  return b.toString("base64");
}

const V2_TEXT = /^[A-Za-z0-9+/]{32}$/;

/** Undefined when the string is not a handle this server issued. */
export function decodeReceiptHandle(s: string): ReceiptHandle | undefined {
  if (s.length === 32 && V2_TEXT.test(s)) {
    const b = Buffer.from(s, "base64");
    if (b[0] === V2 && b[5] === 0) {
      const queueId = b.readUInt32BE(1);
      const rowId = b.readUIntBE(6, 6);
      if (queueId <= 0 || rowId <= 0) return undefined;
      return { queueId, rowId, nonce: b.toString("base64url", 12, 24) };
    }
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length > 1024) return undefined;
  const parts = Buffer.from(s, "base64").toString("utf8").split(":");
  if (parts.length !== 4 || parts[0] !== VERSION) return undefined;
  const queueId = Number(parts[1]);
  const rowId = Number(parts[2]);
  if (!Number.isSafeInteger(queueId) || !Number.isSafeInteger(rowId) || queueId <= 0 || rowId <= 0) return undefined;
  if (!/^[A-Za-z0-9_-]{16}$/.test(parts[3])) return undefined;
  return { queueId, rowId, nonce: parts[3] };
}
