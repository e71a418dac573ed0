// Checks every operation taking Tags or a Description shares.
import { badRequest } from "../errors.ts";

/** Tags: at most 50, keys 1-128 characters, values 0-256, no aws: prefix (AWS tagging rules). */
export function checkTags(v: unknown): Record<string, string> {
  if (v === undefined || v === null) return {};
  const tags = v as Record<string, unknown>;
  const keys = Object.keys(tags);
  if (keys.length > 50) throw badRequest("A resource can have at most 50 tags.");
  for (const k of keys) {
    const val = tags[k];
    if (k.length < 1 || k.length > 128) throw badRequest("Tag keys must be 1 to 128 characters long.");
    if (k.toLowerCase().startsWith("aws:")) throw badRequest("Tag keys starting with 'aws:' are reserved.");
    if (typeof val !== "string" || val.length > 256) throw badRequest("Tag values must be strings of at most 256 characters.");
  }
  return tags as Record<string, string>;
}

/** Description: 0-256 characters (the model's __stringMin0Max256). */
export function checkDescription(v: unknown): void {
  if (v !== undefined && (typeof v !== "string" || v.length > 256)) throw badRequest("Description must be at most 256 characters long.");
}
