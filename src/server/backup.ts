// POST /_mailroom/backup: a consistent copy of a running SQLite server's database, made with SQLite's online
// backup API while requests go on, streamed back as the body (what `mailroom backup` asks for; ADR 0026). When
// access keys are configured the request must be SigV4-signed by one of them (any region, service "mailroom",
// empty body); without keys the server answers only on loopback anyway (config/options.ts).
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CredentialStore } from "../auth/credentials.ts";
import { verifySigV4 } from "../auth/sigv4.ts";
import type { Clock } from "../engine/clock.ts";
import { AwsError } from "../protocol/errors.ts";
import type { Logger } from "../util/log.ts";
import type { InternalRoute } from "./internal.ts";

export const BACKUP_PATH = "/_mailroom/backup";
/** The signing name a backup request's credential scope names. */
export const BACKUP_SERVICE = "mailroom";
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export function backupRoute(backup: ((file: string) => Promise<void>) | undefined, credentials: CredentialStore, clock: Clock, log: Logger): InternalRoute {
  const answer = (res: Parameters<InternalRoute>[1], status: number, code: string, message: string) => {
    const body = JSON.stringify({ __type: code, message });
    res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "x-amzn-errortype": code });
    res.end(body);
  };
  return (req, res, path) => {
    if (path !== BACKUP_PATH) return false;
    if (req.method !== "POST") {
      answer(res, 405, "MethodNotAllowed", "POST /_mailroom/backup");
      return true;
    }
    if (!credentials.anonymous) {
      try {
        const url = req.url ?? "/";
        const q = url.indexOf("?");
        verifySigV4({ method: "POST", path: q >= 0 ? url.slice(0, q) : url, query: q >= 0 ? url.slice(q + 1) : "", rawHeaders: req.rawHeaders, bodySha256: EMPTY_SHA256, service: BACKUP_SERVICE }, credentials, clock.now());
      } catch (e) {
        const err = e instanceof AwsError ? e : new AwsError("AccessDenied", "Access denied", { status: 403 });
        answer(res, err.status, err.code, err.message);
        return true;
      }
    }
    if (!backup) {
      answer(res, 400, "UnsupportedOperation", "Online backup serves the SQLite backend on disk; for PostgreSQL use pg_dump (docs/reliability.md).");
      return true;
    }
    void (async () => {
      const dir = await mkdtemp(join(tmpdir(), "mailroom-backup-"));
      const file = join(dir, `${randomUUID()}.db`);
      try {
        await backup(file);
        const { size } = await stat(file);
        res.writeHead(200, { "content-type": "application/vnd.sqlite3", "content-length": String(size) });
        const stream = createReadStream(file);
        stream.pipe(res as NodeJS.WritableStream);
        await new Promise<void>((resolve) => {
          stream.once("close", resolve);
          res.once("close", () => {
            stream.destroy();
            resolve();
          });
        });
      } catch (e) {
        log.warn("backup failed", { error: String(e) });
        if (!res.headersSent) answer(res, 503, "ServiceUnavailable", `The backup failed: ${e instanceof Error ? e.message : String(e)}`);
        else res.destroy();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    })();
    return true;
  };
}
