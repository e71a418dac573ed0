// GET /_console/...: the web console's built assets (console/dist, ADR 0032). The console is a static React app that
// calls the server's public AWS APIs itself (SigV4-signed in the browser), so this route only serves files:
//   - the files are read once, on the first request, into a map keyed by their path under console/dist; a request
//     answers a file only when its decoded path is exactly one of those keys, so no path can reach outside the
//     folder (no "..", no encoded separators, no symlinks followed at request time);
//   - hashed assets (assets/*) are cached for a year as immutable; index.html is revalidated (no-cache) with an ETag;
//   - any other path under /_console/ that is not a file and does not look like one (no dot in its last segment)
//     answers index.html: the app routes by the URL's hash, but a bookmarked or typed deep path still opens it;
//   - only GET and HEAD; a Content-Security-Policy keeps the page to its own origin (no external requests).
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { InternalRoute } from "./internal.ts";

export const CONSOLE_PREFIX = "/_console";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  map: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
  woff2: "font/woff2",
};

/** The page may load and call only its own origin (React sets style properties through the DOM, which CSP allows). */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  immutable: boolean;
}

/**
 * Where console/dist is: beside src/ when run from source (src/server/console.ts), beside dist/ in the built
 * package (dist/mailroom.mjs, dist/chunk-*.mjs). The first of the parent folders that holds console/dist/index.html.
 */
export function findConsoleDist(from: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = from;
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, "console", "dist");
    if (existsSync(join(candidate, "index.html"))) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

function load(root: string): Map<string, Asset> {
  const files = new Map<string, Asset>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const st = lstatSync(full); // symbolic links are not followed: only the build's own files are served
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) {
        const rel = relative(root, full).split(sep).join("/");
        const ext = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
        const body = readFileSync(full);
        files.set(rel, {
          body,
          type: TYPES[ext] ?? "application/octet-stream",
          etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
          immutable: rel.startsWith("assets/"),
        });
      }
    }
  };
  walk(root);
  return files;
}

/** The route. `dir` is console/dist (found beside the code when not given); null answers 404 with how to build. */
export function consoleRoute(dir: string | null = findConsoleDist() ?? null): InternalRoute {
  let files: Map<string, Asset> | undefined;
  const plain = (res: Parameters<InternalRoute>[1], status: number, text: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": String(Buffer.byteLength(text)), "cache-control": "no-store", "x-content-type-options": "nosniff", ...extra });
    res.end(text);
  };
  return (req, res, path) => {
    if (path !== CONSOLE_PREFIX && !path.startsWith(`${CONSOLE_PREFIX}/`)) return false;
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      plain(res, 405, "The console answers GET and HEAD only.\n", { allow: "GET, HEAD" });
      return true;
    }
    if (path === CONSOLE_PREFIX) {
      // The app's relative asset URLs need the trailing slash.
      res.writeHead(301, { location: `${CONSOLE_PREFIX}/`, "content-length": "0", "cache-control": "no-store" });
      res.end();
      return true;
    }
    if (dir === null) {
      plain(res, 404, "The console is not built: run `cd console && npm ci && npm run build` (ADR 0032).\n");
      return true;
    }
    files ??= load(dir);
    let rel: string;
    try {
      rel = decodeURIComponent(path.slice(CONSOLE_PREFIX.length + 1));
    } catch {
      plain(res, 400, "Malformed path.\n");
      return true;
    }
    let asset = files.get(rel === "" ? "index.html" : rel);
    if (asset === undefined) {
      const last = rel.slice(rel.lastIndexOf("/") + 1);
      // A missing file (a name with an extension, or anything under assets/) is a 404, never HTML in its place.
      if (last.includes(".") || rel.startsWith("assets/") || rel.includes("\0")) {
        plain(res, 404, "Not found.\n");
        return true;
      }
      asset = files.get("index.html")!;
    }
    const headers: Record<string, string> = {
      "content-type": asset.type,
      etag: asset.etag,
      "cache-control": asset.immutable ? "public, max-age=31536000, immutable" : "no-cache",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    };
    if (asset.type.startsWith("text/html")) {
      headers["content-security-policy"] = CSP;
      headers["x-frame-options"] = "DENY";
    }
    if (req.headers["if-none-match"] === asset.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    headers["content-length"] = String(asset.body.length);
    res.writeHead(200, headers);
    if (method === "HEAD") res.end();
    else res.end(asset.body);
    return true;
  };
}
