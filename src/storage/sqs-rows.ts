// Row shapes of the SQS tables and their mapping to domain records, shared by the SQL adapters (the
// SQLite and PostgreSQL schemas use the same column names). Attributes are stored as JSON text.
import type { MessageAttributeValue, MoveTask, MoveTaskStatus, QueueRecord, StoredMessage } from "../services/sqs/store.ts";

export interface QueueRow {
  id: number; account: string; region: string; name: string; attributes: string; tags: string;
  created_at: number; modified_at: number; purged_at: number;
}

export interface MessageRow {
  id: number; message_id: string; body: string; md5_body: string; attributes: string | null;
  md5_attributes: string | null; system_attributes: string | null; md5_system_attributes: string | null;
  sender_id: string; message_group_id: string | null; sent_at: number; visible_at: number; receive_count: number; first_received_at: number;
  receipt_nonce: string; dead_letter_source_arn: string | null;
  sequence_number?: number | null; deduplication_id?: string | null;
}

type StoredAttrs = Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;

export function packAttrs(a: Record<string, MessageAttributeValue> | undefined): string | null {
  if (!a || Object.keys(a).length === 0) return null;
  // fromEntries defines each key as its own property: an attribute named __proto__ stays an attribute.
  const out: StoredAttrs = Object.fromEntries(Object.entries(a).map(([k, v]) =>
    [k, { DataType: v.DataType, StringValue: v.StringValue, BinaryValue: v.BinaryValue?.toString("base64") }]));
  return JSON.stringify(out);
}

function unpackAttrs(s: string | null): Record<string, MessageAttributeValue> | undefined {
  if (!s) return undefined;
  return Object.fromEntries(Object.entries(JSON.parse(s) as StoredAttrs).map(([k, v]) => {
    const a: MessageAttributeValue = { DataType: v.DataType };
    if (v.StringValue !== undefined) a.StringValue = v.StringValue;
    if (v.BinaryValue !== undefined) a.BinaryValue = Buffer.from(v.BinaryValue, "base64");
    return [k, a];
  }));
}

export function toQueue(r: QueueRow): QueueRecord {
  return {
    id: r.id, account: r.account, region: r.region, name: r.name, attributes: JSON.parse(r.attributes),
    tags: JSON.parse(r.tags), createdAt: r.created_at, modifiedAt: r.modified_at, purgedAt: r.purged_at,
  };
}

/** The MessageRow columns in a fixed order, for statements read as arrays (cheaper per row than objects in better-sqlite3). */
export const MESSAGE_COLUMNS = [
  "id", "message_id", "body", "md5_body", "attributes", "md5_attributes", "system_attributes", "md5_system_attributes", "sender_id",
  "message_group_id", "sent_at", "visible_at", "receive_count", "first_received_at", "receipt_nonce", "dead_letter_source_arn",
  "sequence_number", "deduplication_id",
] as const;

/** A row read as an array of MESSAGE_COLUMNS, built in one step; `decode` (default: both) says which attribute JSON to parse. */
export function toMessageFromArray(a: unknown[], decode?: { attributes: boolean; systemAttributes: boolean }): StoredMessage {
  const attrs = a[4] as string | null;
  const sys = a[6] as string | null;
  return {
    rowId: a[0] as number, messageId: a[1] as string, body: a[2] as string, md5OfBody: a[3] as string,
    // Attributes nobody asked for stay unparsed (their MD5 is stored): a receive parses only what it answers.
    attributes: decode && !decode.attributes ? undefined : unpackAttrs(attrs), md5OfAttributes: (a[5] as string | null) ?? undefined,
    systemAttributes: decode && !decode.systemAttributes ? undefined : unpackAttrs(sys), md5OfSystemAttributes: (a[7] as string | null) ?? undefined,
    senderId: a[8] as string, messageGroupId: (a[9] as string | null) ?? undefined, sentAt: a[10] as number, visibleAt: a[11] as number,
    receiveCount: a[12] as number, firstReceivedAt: a[13] as number, receiptNonce: a[14] as string,
    deadLetterSourceArn: (a[15] as string | null) ?? undefined,
    sequenceNumber: (a[16] as number | null) ?? undefined, deduplicationId: (a[17] as string | null) ?? undefined,
  };
}

/** A row as an object, every attribute parsed (one argument: safe to pass to map). */
export function toMessage(r: MessageRow): StoredMessage {
  return toMessageDecoding(r, undefined);
}

/** A row as an object; `decode` (undefined: both) says which attribute JSON to parse (see toMessageFromArray). */
export function toMessageDecoding(r: MessageRow, decode: { attributes: boolean; systemAttributes: boolean } | undefined): StoredMessage {
  return {
    rowId: r.id, messageId: r.message_id, body: r.body, md5OfBody: r.md5_body,
    attributes: decode && !decode.attributes ? undefined : unpackAttrs(r.attributes), md5OfAttributes: r.md5_attributes ?? undefined,
    systemAttributes: decode && !decode.systemAttributes ? undefined : unpackAttrs(r.system_attributes), md5OfSystemAttributes: r.md5_system_attributes ?? undefined,
    senderId: r.sender_id, messageGroupId: r.message_group_id ?? undefined, sentAt: r.sent_at, visibleAt: r.visible_at, receiveCount: r.receive_count,
    firstReceivedAt: r.first_received_at, receiptNonce: r.receipt_nonce,
    deadLetterSourceArn: r.dead_letter_source_arn ?? undefined,
    sequenceNumber: r.sequence_number ?? undefined, deduplicationId: r.deduplication_id ?? undefined,
  };
}


export interface MoveTaskRow {
  task_id: string; source_queue_id: number; source_arn: string; destination_arn: string | null; max_per_second: number | null;
  status: string; to_move: number; moved: number; failure_reason: string | null; started_at: number;
}

export const MOVE_TASK_COLS = "task_id, source_queue_id, source_arn, destination_arn, max_per_second, status, to_move, moved, failure_reason, started_at";

export function toMoveTask(r: MoveTaskRow): MoveTask {
  const t: MoveTask = {
    taskId: r.task_id, sourceQueueId: r.source_queue_id, sourceArn: r.source_arn, status: r.status as MoveTaskStatus,
    toMove: r.to_move, moved: r.moved, startedAt: r.started_at,
  };
  if (r.destination_arn !== null) t.destinationArn = r.destination_arn;
  if (r.max_per_second !== null) t.maxPerSecond = r.max_per_second;
  if (r.failure_reason !== null) t.failureReason = r.failure_reason;
  return t;
}
