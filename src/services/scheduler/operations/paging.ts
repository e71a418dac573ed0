// ListSchedules and ListScheduleGroups pages: the NextToken is the last item's key, base64url-encoded JSON.
import { validation } from "../errors.ts";

export function encodeToken(key: string[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** The key in a NextToken; ValidationException when it is not one this server gave. */
export function decodeToken(token: string, parts: number): string[] {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    v = undefined;
  }
  if (!Array.isArray(v) || v.length !== parts || !v.every((x) => typeof x === "string")) throw validation("Invalid NextToken.");
  return v as string[];
}
