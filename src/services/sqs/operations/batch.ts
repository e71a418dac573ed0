// Shared rules of the *Batch operations: 1-10 entries, ids of 1-80 [A-Za-z0-9_-] that are unique, and
// per-entry failures reported as {Id, SenderFault, Code, Message} (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-batch-related.html).
import { AwsError, internalError } from "../../../protocol/errors.ts";
import { sqsError } from "../errors.ts";
import { MAX_BATCH_ENTRIES, MAX_BATCH_ID_LENGTH } from "../domain/limits.ts";

const ENTRY_ID = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_BATCH_ID_LENGTH}}$`);

export interface BatchFailure {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message: string;
}

export function checkBatch<T extends { Id: string }>(entries: T[] | undefined, entryName: string): T[] {
  const list = entries ?? [];
  if (list.length === 0) throw sqsError("EmptyBatchRequest", `There should be at least one ${entryName} in the request.`);
  if (list.length > MAX_BATCH_ENTRIES) {
    throw sqsError("TooManyEntriesInBatchRequest", `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${list.length}.`);
  }
  const seen = new Set<string>();
  for (const e of list) {
    if (!ENTRY_ID.test(e.Id)) {
      throw sqsError("InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.");
    }
    if (seen.has(e.Id)) throw sqsError("BatchEntryIdsNotDistinct", `Id ${e.Id} repeated.`);
    seen.add(e.Id);
  }
  return list;
}

/** A thrown error as a batch failure entry; unexpected errors become a Receiver fault and are rethrown never. */
export function failureOf(id: string, err: unknown): BatchFailure {
  const e = err instanceof AwsError ? err : internalError();
  return { Id: id, SenderFault: e.sender, Code: e.queryCode, Message: e.message };
}
