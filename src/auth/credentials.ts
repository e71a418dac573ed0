// Access keys the server accepts, parsed from a "AKID:SECRET[:ACCOUNT],..." spec.
// An empty store means anonymous mode: any key (or none) is accepted and signatures are not checked.

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
}

export const DEFAULT_ACCOUNT = "000000000000";

function isAccountId(s: string): boolean {
  if (s.length !== 12) return false;
  for (let i = 0; i < 12; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export class CredentialStore {
  private readonly keys: Map<string, AccessKey>;

  constructor(keys: AccessKey[]) {
    this.keys = new Map(keys.map((k) => [k.accessKeyId, k]));
  }

  get anonymous(): boolean {
    return this.keys.size === 0;
  }

  lookup(accessKeyId: string): AccessKey | undefined {
    return this.keys.get(accessKeyId);
  }

  /** Account used for a key in anonymous mode: the key itself when it is 12 digits, else "000000000000". */
  static anonymousAccount(accessKeyId: string): string {
    return isAccountId(accessKeyId) ? accessKeyId : DEFAULT_ACCOUNT;
  }
}

/** Parses "AKID:SECRET:ACCOUNT,AKID2:SECRET2" (account defaults to 000000000000); "" gives no keys. */
export function parseAccessKeys(spec: string): AccessKey[] {
  const keys: AccessKey[] = [];
  if (spec.trim() === "") return keys;
  const seen = new Set<string>();
  for (const [i, raw] of spec.split(",").entries()) {
    const entry = raw.trim();
    const where = `access key #${i + 1}`;
    if (entry === "") throw new Error(`${where} is empty (expected AKID:SECRET[:ACCOUNT], entries separated by ',')`);
    const parts = entry.split(":");
    if (parts.length < 2 || parts.length > 3) {
      throw new Error(`${where} must be AKID:SECRET or AKID:SECRET:ACCOUNT, got ${parts.length} ':'-separated field(s)`);
    }
    const [accessKeyId, secretAccessKey, accountId = DEFAULT_ACCOUNT] = parts;
    if (accessKeyId === "" || /[\s/]/.test(accessKeyId)) {
      throw new Error(`${where} has an invalid access key id '${accessKeyId}' (must be non-empty, without '/' or spaces)`);
    }
    if (secretAccessKey === "") throw new Error(`${where} (${accessKeyId}) has an empty secret`);
    if (!isAccountId(accountId)) throw new Error(`${where} (${accessKeyId}) has account '${accountId}', expected 12 digits`);
    if (seen.has(accessKeyId)) throw new Error(`access key ${accessKeyId} is listed twice`);
    seen.add(accessKeyId);
    keys.push({ accessKeyId, secretAccessKey, accountId });
  }
  return keys;
}
