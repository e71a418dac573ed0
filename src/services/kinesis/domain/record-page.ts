// A GetRecords answer written straight from the records read (ADR 0033). A catch-up read returns up to 10,000 records
// per call; building an object per record (a sequence number string, a Date, a Buffer) for the generic encoders cost
// more server CPU than reading them. `recordPage` answers the body for AWS JSON 1.1 (one string) and for CBOR (one
// buffer, sized first) from the RecordBatch's columns, and the same answer as an ordinary object (`plain`) for every
// other caller; test/integration/kinesis/record-page.test.ts checks that the fast bodies equal the generic encodings of
// `plain` byte for byte. Member order and forms are the generic encoders': Records (SequenceNumber,
// ApproximateArrivalTimestamp, Data, PartitionKey, EncryptionType), then NextShardIterator, MillisBehindLatest and
// ChildShards; JSON timestamps as epoch seconds, CBOR timestamps as tag 1 epoch milliseconds.
import { encodeCborValue } from "../../../protocol/cbor/codec.ts";
import type { CodecName, PreEncodedOutput } from "../../../protocol/codec.ts";
import { toJsonValue } from "../../../protocol/shapes.ts";
import type { RecordBatch } from "../store.ts";
import type { ChildShard } from "./resharding.ts";
import { sequenceNumber } from "./sequence.ts";

export interface RecordPage {
  streamCreatedAt: number;
  shardIndex: number;
  batch: RecordBatch;
  /** The indexes of the batch's records to return, in order (undefined: all of them). */
  keep?: number[];
  encryptionType?: "KMS";
  nextShardIterator?: string;
  millisBehindLatest: number;
  childShards?: ChildShard[];
}

/** Digits of a sequence number's counter (sequence.ts: 25, zero-padded). */
const COUNTER_DIGITS = 25;
const ZEROS = "0".repeat(COUNTER_DIGITS);

/** A sequence number's fixed part for the shard: everything but the counter. */
function sequencePrefix(streamCreatedAt: number, shardIndex: number): string {
  return sequenceNumber(streamCreatedAt, shardIndex, 0).slice(0, -COUNTER_DIGITS);
}

export function recordPage(p: RecordPage): PreEncodedOutput {
  return {
    body: (codec: CodecName) => (codec === "json" ? pageJson(p) : codec === "cbor" ? pageCbor(p) : undefined),
    plain: () => pagePlain(p),
  };
}

/** The members after Records, as the generic encoders write them (undefined ones left out). */
function tail(p: RecordPage): Record<string, unknown> {
  return { NextShardIterator: p.nextShardIterator, MillisBehindLatest: p.millisBehindLatest, ChildShards: p.childShards };
}

export function pagePlain(p: RecordPage): Record<string, unknown> {
  const b = p.batch;
  const records: Record<string, unknown>[] = [];
  const n = p.keep ? p.keep.length : b.length;
  for (let k = 0; k < n; k++) {
    const i = p.keep ? p.keep[k] : k;
    records.push({
      SequenceNumber: sequenceNumber(p.streamCreatedAt, p.shardIndex, b.counters[i]),
      ApproximateArrivalTimestamp: new Date(b.arrivedAt[i]),
      Data: Buffer.from(b.data.subarray(b.offsets[i], b.offsets[i + 1])),
      PartitionKey: b.partitionKeys[i],
      EncryptionType: p.encryptionType,
    });
  }
  return { Records: records, ...tail(p) };
}

const BASE64 = Buffer.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", "latin1");
/** Above this many bytes Node's own base64 (one string, then copied) is cheaper than the loop below. */
const NATIVE_BASE64_FROM = 384;

/** Writes src[from, to) as base64 (the standard alphabet with padding, as Buffer's "base64") at pos; the new pos. */
function writeBase64(src: Buffer, from: number, to: number, out: Buffer, pos: number): number {
  const n = to - from;
  if (n >= NATIVE_BASE64_FROM) return pos + out.write(src.toString("base64", from, to), pos, "latin1");
  const whole = from + n - (n % 3);
  let i = from;
  for (; i < whole; i += 3) {
    const v = (src[i] << 16) | (src[i + 1] << 8) | src[i + 2];
    out[pos] = BASE64[v >> 18];
    out[pos + 1] = BASE64[(v >> 12) & 63];
    out[pos + 2] = BASE64[(v >> 6) & 63];
    out[pos + 3] = BASE64[v & 63];
    pos += 4;
  }
  if (i < to) {
    const v = (src[i] << 16) | (i + 1 < to ? src[i + 1] << 8 : 0);
    out[pos] = BASE64[v >> 18];
    out[pos + 1] = BASE64[(v >> 12) & 63];
    out[pos + 2] = i + 1 < to ? BASE64[(v >> 6) & 63] : 61;
    out[pos + 3] = 61;
    pos += 4;
  }
  return pos;
}

/** Whether JSON.stringify writes the string as it is between quotes: printable ASCII without `"` and `\`. */
function plainJsonText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/**
 * Epoch milliseconds as JSON writes the Date's getTime() / 1000 (Number-to-text: the shortest decimal that reads back
 * as the same double), without making the string: for whole ms below 4e15 that decimal is exactly ms / 1000 with its
 * trailing zeros dropped (the double's spacing is under 0.0005 there, so no shorter decimal rounds to it and no other
 * 3-place one does). Other values (never stored; clocks are whole ms) take String().
 */
function secondsText(ms: number): string | undefined {
  return Number.isSafeInteger(ms) && ms >= 0 && ms < 4e15 ? undefined : String(ms / 1000);
}

function secondsLength(ms: number): number {
  const whole = Math.floor(ms / 1000);
  let frac = ms - whole * 1000;
  let n = whole < 10 ? 1 : Math.floor(Math.log10(whole)) + 1;
  // log10 may land a hair low or high at powers of ten; settle it exactly.
  if (n > 1 && whole < 10 ** (n - 1)) n--;
  else if (whole >= 10 ** n) n++;
  if (frac === 0) return n;
  let places = 3;
  while (frac % 10 === 0) {
    frac /= 10;
    places--;
  }
  return n + 1 + places;
}

function writeSeconds(ms: number, out: Buffer, pos: number, length: number): number {
  const whole = Math.floor(ms / 1000);
  let frac = ms - whole * 1000;
  const endPos = pos + length;
  let at = endPos - 1;
  if (frac !== 0) {
    let places = 3;
    while (frac % 10 === 0) {
      frac /= 10;
      places--;
    }
    for (let j = 0; j < places; j++, at--, frac = Math.floor(frac / 10)) out[at] = 48 + (frac % 10);
    out[at--] = 0x2e;
  }
  let w = whole;
  do {
    out[at--] = 48 + (w % 10);
    w = Math.floor(w / 10);
  } while (w > 0);
  return endPos;
}

/** Writes an ASCII string's characters at pos; the new pos. */
function writeAscii(s: string, out: Buffer, pos: number): number {
  for (let i = 0; i < s.length; i++) out[pos + i] = s.charCodeAt(i);
  return pos + s.length;
}

/**
 * The JSON body as UTF-8 bytes, sized first then written in one buffer (building a string and encoding it at write
 * cost twice as much): ASCII parts byte by byte, small data base64-encoded straight into the buffer, partition keys
 * that JSON escapes (or that are not ASCII) through JSON.stringify.
 */
function pageJson(p: RecordPage): Buffer {
  const b = p.batch;
  const n = p.keep ? p.keep.length : b.length;
  const ARRIVAL = '","ApproximateArrivalTimestamp":';
  const head = Buffer.from(`{"SequenceNumber":"${sequencePrefix(p.streamCreatedAt, p.shardIndex)}${ZEROS}${ARRIVAL}`, "latin1");
  const digitsEnd = head.length - ARRIVAL.length;
  const DATA = ',"Data":"';
  const KEY = '","PartitionKey":';
  const end = Buffer.from(p.encryptionType ? `,"EncryptionType":${JSON.stringify(p.encryptionType)}}` : "}", "utf8");
  const restJson = JSON.stringify(toJsonValue(tail(p)));
  const rest = Buffer.from(restJson === "{}" ? "}" : `,${restJson.slice(1)}`, "utf8");
  // Epoch seconds as a JSON number, as toJsonValue writes a Date (getTime() / 1000): see secondsText.
  const times = new Array<string | undefined>(n);
  const timeLengths = new Array<number>(n);
  /** Partition keys JSON must escape, as JSON.stringify writes them (undefined: written as they are, in quotes). */
  const escaped = new Array<string | undefined>(n);
  const keyBytes = new Array<number>(n);
  const fixed = head.length + DATA.length + KEY.length + end.length;
  let size = '{"Records":['.length + Math.max(0, n - 1) + 1 + rest.length;
  for (let k = 0; k < n; k++) {
    const i = p.keep ? p.keep[k] : k;
    const t = secondsText(b.arrivedAt[i]);
    times[k] = t;
    const tLength = t === undefined ? secondsLength(b.arrivedAt[i]) : t.length;
    timeLengths[k] = tLength;
    const pk = b.partitionKeys[i];
    let pkBytes = pk.length + 2;
    if (!plainJsonText(pk)) {
      const e = JSON.stringify(pk);
      escaped[k] = e;
      pkBytes = Buffer.byteLength(e, "utf8");
    }
    keyBytes[k] = pkBytes;
    const dataLength = b.offsets[i + 1] - b.offsets[i];
    size += fixed + tLength + 4 * Math.ceil(dataLength / 3) + pkBytes;
  }
  const buf = Buffer.allocUnsafe(size);
  let pos = writeAscii('{"Records":[', buf, 0);
  for (let k = 0; k < n; k++) {
    const i = p.keep ? p.keep[k] : k;
    if (k > 0) buf[pos++] = 0x2c;
    buf.set(head, pos);
    // The counter's digits over the zeros, from the last.
    for (let c = b.counters[i], at = pos + digitsEnd - 1; c > 0; c = Math.floor(c / 10), at--) buf[at] = 48 + (c % 10);
    const t = times[k];
    pos = t === undefined ? writeSeconds(b.arrivedAt[i], buf, pos + head.length, timeLengths[k]) : writeAscii(t, buf, pos + head.length);
    pos = writeAscii(DATA, buf, pos);
    pos = writeBase64(b.data, b.offsets[i], b.offsets[i + 1], buf, pos);
    pos = writeAscii(KEY, buf, pos);
    const e = escaped[k];
    if (e === undefined) {
      buf[pos] = 0x22;
      pos = writeAscii(b.partitionKeys[i], buf, pos + 1);
      buf[pos++] = 0x22;
    } else pos += buf.write(e, pos, keyBytes[k], "utf8");
    buf.set(end, pos);
    pos += end.length;
  }
  buf[pos++] = 0x5d;
  buf.set(rest, pos);
  pos += rest.length;
  if (pos !== size) throw new Error(`GetRecords JSON body: wrote ${pos} of ${size} bytes`);
  return buf;
}

// CBOR (RFC 8949) as @smithy/core's encoder writes it: definite lengths, the shortest argument for every header.
const MAJOR_UINT = 0;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
/** Tag 1, epoch-based date/time: Kinesis's CBOR carries epoch milliseconds (protocol/cbor/codec.ts MILLIS_FROM). */
const TAG_EPOCH = 0xc1;

const headerSize = (n: number) => (n < 24 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : n < 4294967296 ? 5 : 9);

function writeHeader(buf: Buffer, pos: number, major: number, n: number): number {
  const m = major << 5;
  if (n < 24) {
    buf[pos] = m | n;
    return pos + 1;
  }
  if (n < 256) {
    buf[pos] = m | 24;
    buf[pos + 1] = n;
    return pos + 2;
  }
  if (n < 65536) {
    buf[pos] = m | 25;
    buf.writeUInt16BE(n, pos + 1);
    return pos + 3;
  }
  if (n < 4294967296) {
    buf[pos] = m | 26;
    buf.writeUInt32BE(n, pos + 1);
    return pos + 5;
  }
  buf[pos] = m | 27;
  buf.writeUInt32BE(Math.floor(n / 4294967296), pos + 1);
  buf.writeUInt32BE(n % 4294967296, pos + 5);
  return pos + 9;
}

/** A text string's CBOR bytes (header and UTF-8). */
function cborText(s: string): Buffer {
  const bytes = Buffer.from(s, "utf8");
  const out = Buffer.allocUnsafe(headerSize(bytes.length) + bytes.length);
  bytes.copy(out, writeHeader(out, 0, MAJOR_TEXT, bytes.length));
  return out;
}

const K_RECORDS = cborText("Records");
const K_SEQUENCE = cborText("SequenceNumber");
const K_ARRIVAL = cborText("ApproximateArrivalTimestamp");
const K_DATA = cborText("Data");
const K_PARTITION_KEY = cborText("PartitionKey");
const K_ENCRYPTION = cborText("EncryptionType");

/** UTF-8 length of a string: its length when it is ASCII (partition keys usually are), else Buffer.byteLength. */
function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, "utf8");
  return s.length;
}

function pageCbor(p: RecordPage): Buffer {
  const b = p.batch;
  const n = p.keep ? p.keep.length : b.length;
  const seqText = cborText(sequencePrefix(p.streamCreatedAt, p.shardIndex) + ZEROS);
  const encryption = p.encryptionType ? Buffer.concat([K_ENCRYPTION, cborText(p.encryptionType)]) : undefined;
  const recordMap = p.encryptionType ? 5 : 4;
  // The members after Records, encoded generically: a map of k < 24 members (one header byte) whose members follow.
  const rest = encodeCborValue(tail(p));
  const restMembers = rest[0] - (MAJOR_MAP << 5);
  const fixed = 1 + K_SEQUENCE.length + seqText.length + K_ARRIVAL.length + 1 + K_DATA.length + K_PARTITION_KEY.length + (encryption?.length ?? 0);
  const pkLengths = new Array<number>(n);
  let size = 1 + K_RECORDS.length + headerSize(n) + rest.length - 1;
  for (let k = 0; k < n; k++) {
    const i = p.keep ? p.keep[k] : k;
    const dataLength = b.offsets[i + 1] - b.offsets[i];
    const pkLength = utf8Length(b.partitionKeys[i]);
    pkLengths[k] = pkLength;
    size += fixed + headerSize(b.arrivedAt[i]) + headerSize(dataLength) + dataLength + headerSize(pkLength) + pkLength;
  }
  const buf = Buffer.allocUnsafe(size);
  let pos = writeHeader(buf, 0, MAJOR_MAP, restMembers + 1);
  buf.set(K_RECORDS, pos);
  pos += K_RECORDS.length;
  pos = writeHeader(buf, pos, MAJOR_ARRAY, n);
  // What every record starts with: its map header, SequenceNumber and the number with a zero counter, then the key
  // ApproximateArrivalTimestamp and tag 1. One set() of it a record (TypedArray set, no copy() call per key).
  const head = Buffer.concat([Buffer.from([(MAJOR_MAP << 5) | recordMap]), K_SEQUENCE, seqText, K_ARRIVAL, Buffer.from([TAG_EPOCH])]);
  const digitsEnd = 1 + K_SEQUENCE.length + seqText.length;
  for (let k = 0; k < n; k++) {
    const i = p.keep ? p.keep[k] : k;
    buf.set(head, pos);
    // The counter's digits over the zeros, from the last.
    for (let c = b.counters[i], at = pos + digitsEnd - 1; c > 0; c = Math.floor(c / 10), at--) buf[at] = 48 + (c % 10);
    pos = writeHeader(buf, pos + head.length, MAJOR_UINT, b.arrivedAt[i]);
    buf.set(K_DATA, pos);
    pos += K_DATA.length;
    const from = b.offsets[i];
    const to = b.offsets[i + 1];
    pos = writeHeader(buf, pos, MAJOR_BYTES, to - from);
    pos += b.data.copy(buf, pos, from, to);
    buf.set(K_PARTITION_KEY, pos);
    pos += K_PARTITION_KEY.length;
    const pk = b.partitionKeys[i];
    const pkLength = pkLengths[k];
    pos = writeHeader(buf, pos, MAJOR_TEXT, pkLength);
    if (pkLength === pk.length) for (let j = 0; j < pkLength; j++) buf[pos + j] = pk.charCodeAt(j);
    else buf.write(pk, pos, pkLength, "utf8");
    pos += pkLength;
    if (encryption) {
      buf.set(encryption, pos);
      pos += encryption.length;
    }
  }
  pos += rest.copy(buf, pos, 1);
  if (pos !== size) throw new Error(`GetRecords CBOR body: wrote ${pos} of ${size} bytes`);
  return buf;
}
