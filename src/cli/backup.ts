// `mailroom backup` and `mailroom restore` (ADR 0026). backup asks a running SQLite server for a consistent copy
// of its database (POST /_mailroom/backup, SigV4-signed when keys are given) and writes it to a file; restore
// checks such a file and lays it out as DIR/mailroom.db so that `mailroom --data-dir DIR` starts on it.
import { createHash, createHmac } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { copyFile, mkdir, rename, rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import Database from "better-sqlite3";
import { Command } from "commander";

const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");

/** SigV4 headers for an empty-bodied POST (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). */
export function signBackupRequest(url: URL, key: { accessKeyId: string; secretAccessKey: string }, region: string, now = new Date()): Record<string, string> {
  const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { host: url.host, "x-amz-content-sha256": EMPTY_SHA256, "x-amz-date": amzDate };
  const names = Object.keys(headers).sort();
  const canonical = ["POST", url.pathname, "", ...names.map((n) => `${n}:${headers[n]}`), "", names.join(";"), EMPTY_SHA256].join("\n");
  const scope = `${day}/${region}/mailroom/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
  let k: Buffer = createHmac("sha256", `AWS4${key.secretAccessKey}`).update(day).digest();
  for (const part of [region, "mailroom", "aws4_request"]) k = createHmac("sha256", k).update(part).digest();
  const signature = createHmac("sha256", k).update(toSign).digest("hex");
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}` };
}

export interface BackupOptions {
  endpoint: string;
  to: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
}

/** Downloads a consistent copy of the server's database into `to` (written beside it, then renamed into place). */
export async function backup(o: BackupOptions): Promise<number> {
  const url = new URL("/_mailroom/backup", o.endpoint);
  const headers = o.accessKeyId && o.secretAccessKey
    ? signBackupRequest(url, { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey }, o.region ?? "us-east-1")
    : {};
  const get = url.protocol === "https:" ? https.request : http.request;
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = get(url, { method: "POST", headers: { ...headers, "content-length": "0" }, rejectUnauthorized: false }, resolve);
    req.on("error", reject);
    req.end();
  });
  if (res.statusCode !== 200) {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    throw new Error(`the server answered ${res.statusCode}: ${Buffer.concat(chunks).toString()}`);
  }
  await mkdir(dirname(o.to), { recursive: true });
  const partial = `${o.to}.partial`;
  await pipeline(res, createWriteStream(partial));
  check(partial);
  await rename(partial, o.to);
  return Number(res.headers["content-length"] ?? 0);
}

/** Fails unless `file` is a sound SQLite database made by Mailroom. */
function check(file: string): void {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const ok = db.pragma("integrity_check", { simple: true });
    if (ok !== "ok") throw new Error(`${file} fails SQLite's integrity check: ${String(ok)}`);
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'mailroom_migrations'").get()) {
      throw new Error(`${file} is not a Mailroom database (no mailroom_migrations table)`);
    }
  } finally {
    db.close();
  }
}

/** Lays a backup out as DIR/mailroom.db; refuses to overwrite a database unless `force`. */
export async function restore(o: { from: string; dataDir: string; force?: boolean }): Promise<string> {
  check(o.from);
  const target = join(o.dataDir, "mailroom.db");
  if (existsSync(target) && !o.force) throw new Error(`${target} exists; stop that server and pass --force to replace it`);
  await mkdir(o.dataDir, { recursive: true });
  const partial = `${target}.restoring`;
  await copyFile(o.from, partial);
  // A stale WAL beside the old database would be replayed over the restored one.
  for (const suffix of ["-wal", "-shm", "-journal"]) await rm(`${target}${suffix}`, { force: true });
  await rename(partial, target);
  return target;
}

/** The two subcommands, added to the `mailroom` program by main.ts. */
export function backupCommands(): Command[] {
  const fail = (e: unknown) => {
    process.stderr.write(`mailroom: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  };
  const b = new Command("backup")
    .description("copy a running SQLite server's database consistently into a file (online, while it serves)")
    .requiredOption("--endpoint <url>", "the server, e.g. http://127.0.0.1:4566")
    .requiredOption("--to <file>", "where to write the copy")
    .option("--access-key-id <id>", "sign with this key when the server has access keys (env AWS_ACCESS_KEY_ID)")
    .option("--secret-access-key <secret>", "its secret (env AWS_SECRET_ACCESS_KEY)")
    .option("--region <region>", "region of the signature (env AWS_REGION, default us-east-1)")
    .action(async (f: { endpoint: string; to: string; accessKeyId?: string; secretAccessKey?: string; region?: string }) => {
      try {
        const bytes = await backup({
          endpoint: f.endpoint, to: f.to,
          accessKeyId: f.accessKeyId ?? process.env.AWS_ACCESS_KEY_ID,
          secretAccessKey: f.secretAccessKey ?? process.env.AWS_SECRET_ACCESS_KEY,
          region: f.region ?? process.env.AWS_REGION,
        });
        process.stdout.write(`backup of ${f.endpoint} written to ${f.to} (${bytes} bytes)\n`);
      } catch (e) {
        fail(e);
      }
    });
  const r = new Command("restore")
    .description("lay a backup file out as a data directory that `mailroom --data-dir DIR` starts on")
    .requiredOption("--from <file>", "a file written by `mailroom backup`")
    .requiredOption("--data-dir <dir>", "the data directory to create")
    .option("--force", "replace an existing database in the directory (its server must be stopped)")
    .action(async (f: { from: string; dataDir: string; force?: boolean }) => {
      try {
        const target = await restore(f);
        process.stdout.write(`restored ${f.from} to ${target}\n`);
      } catch (e) {
        fail(e);
      }
    });
  return [b, r];
}
