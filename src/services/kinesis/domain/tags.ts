// Stream tags (AddTagsToStream, RemoveTagsFromStream, ListTagsForStream, TagResource, UntagResource,
// ListTagsForResource, CreateStream's Tags): keys of 1–128 and values of 0–256 characters (TagKey / TagValue model
// constraints) of Unicode letters, digits, white space and _ . / = + - % @ ("Some tags contain invalid characters",
// as AWS answers; kinesalite records the wording), at most 50 per stream ("You can assign up to 50 tags to a stream",
// Kinesis developer guide, "Tag your Amazon Kinesis Data Streams resources").
import { invalidArgument, validation } from "../errors.ts";

export const MAX_TAGS = 50;
const ALLOWED = /^[\p{L}\p{Z}\p{N}_./=+\-@%]*$/u;

export function checkTags(tags: Record<string, string>, member = "tags"): void {
  for (const [k, v] of Object.entries(tags)) {
    checkTagKey(k, member);
    if (typeof v !== "string") throw validation(String(v), `${member}.${k}`, "Member must not be null");
    if ([...v].length > 256) throw validation(v, `${member}.${k}`, "Member must have length less than or equal to 256");
    if (!ALLOWED.test(v)) throw invalidCharacters();
  }
}

export function checkTagKey(k: string, member = "tagKeys"): void {
  const n = [...k].length;
  if (n < 1) throw validation(k, member, "Member must have length greater than or equal to 1");
  if (n > 128) throw validation(k, member, "Member must have length less than or equal to 128");
  if (!ALLOWED.test(k)) throw invalidCharacters();
}

function invalidCharacters() {
  return invalidArgument("Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.");
}

/** The tags after adding `add` (replacing values of existing keys), or AWS's error past 50. */
export function withTags(current: Record<string, string>, add: Record<string, string>, streamName: string, account: string): Record<string, string> {
  const next = { ...current, ...add };
  if (Object.keys(next).length > MAX_TAGS) {
    throw invalidArgument(`Failed to add tags to stream ${streamName} under account ${account} because a given stream cannot have more than ${MAX_TAGS} tags associated with it.`);
  }
  return next;
}

export function withoutTags(current: Record<string, string>, keys: string[]): Record<string, string> {
  const next = { ...current };
  for (const k of keys) delete next[k];
  return next;
}

/** Tags as the list outputs show them: by key. */
export function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.keys(tags).sort().map((Key) => ({ Key, Value: tags[Key] }));
}
