// Limits of records as AWS states them: a data blob of at most the stream's maximum record size (1 MiB by default,
// 1024–10240 KiB through MaxRecordSizeInKiB: CreateStream and UpdateMaxRecordSize API references), a partition key of 1–256 Unicode characters,
// at most 500 records and 5 MiB (data and partition keys) per PutRecords (PutRecord and PutRecords API references;
// the Data, PartitionKey, HashKey and SequenceNumber model constraints), and ExplicitHashKey within [0, 2^128 − 1].
import { invalidArgument, validation } from "../errors.ts";
import { parseHashKey } from "./hash-keys.ts";
import { isSequenceNumberText } from "./sequence.ts";

export const DEFAULT_MAX_RECORD_SIZE_KIB = 1024;
export const MAX_DATA_BYTES = DEFAULT_MAX_RECORD_SIZE_KIB * 1024;
/** The Data member's model constraint (10 MiB). */
const MODEL_MAX_DATA_BYTES = 10 * 1024 * 1024;
export const MAX_PUT_RECORDS = 500;
export const MAX_PUT_RECORDS_BYTES = 5 * 1024 * 1024;

export interface RecordInput {
  Data: Buffer;
  PartitionKey: string;
  ExplicitHashKey?: string;
}

/** MaxRecordSizeInKiB: 1024–10240 (model constraint). */
export function checkMaxRecordSize(kib: number, member = "maxRecordSizeInKiB"): void {
  if (kib < 1024) throw validation(String(kib), member, "Member must have value greater than or equal to 1024");
  if (kib > 10240) throw validation(String(kib), member, "Member must have value less than or equal to 10240");
}

/** A record's data against the stream's maximum record size. */
export function checkRecordSize(r: RecordInput, maxRecordSizeKiB: number): void {
  if (r.Data.length > maxRecordSizeKiB * 1024) {
    throw invalidArgument(`Record size ${r.Data.length} bytes exceeds the stream's maximum record size of ${maxRecordSizeKiB} KiB.`);
  }
}

/** Checks one record's form; returns the explicit hash key when one was given. `at` is the member path prefix ("" or "records.3.member."). */
export function checkRecord(r: RecordInput, at: string): bigint | undefined {
  if (r.Data.length > MODEL_MAX_DATA_BYTES) {
    throw validation("java.nio.HeapByteBuffer", `${at}data`, `Member must have length less than or equal to ${MODEL_MAX_DATA_BYTES}`);
  }
  const keyLength = [...r.PartitionKey].length;
  if (keyLength < 1) throw validation(r.PartitionKey, `${at}partitionKey`, "Member must have length greater than or equal to 1");
  if (keyLength > 256) throw validation(r.PartitionKey, `${at}partitionKey`, "Member must have length less than or equal to 256");
  if (r.ExplicitHashKey === undefined) return undefined;
  if (!/^(0|[1-9]\d{0,38})$/.test(r.ExplicitHashKey)) {
    throw validation(r.ExplicitHashKey, `${at}explicitHashKey`, "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})");
  }
  const key = parseHashKey(r.ExplicitHashKey);
  if (key === undefined) {
    throw invalidArgument(`Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${r.ExplicitHashKey}`);
  }
  return key;
}

export function checkSequenceNumberForOrdering(s: string | undefined): void {
  if (s !== undefined && !isSequenceNumberText(s)) {
    throw validation(s, "sequenceNumberForOrdering", "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})");
  }
}
