// The console's static route (ADR 0032), probed as an attacker would: traversal in every encoding, malformed
// escapes, NUL bytes, symbolic links, other methods; and its contract: content types, caching, ETags, the SPA
// fallback, a missing build. Then through a started server, on the HTTP/1 fast path's hand-off to node.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startMailroom, type Mailroom } from "../index.ts";
import { consoleRoute, findConsoleDist } from "./console.ts";

const root = mkdtempSync(join(tmpdir(), "mailroom-console-"));
const dist = join(root, "dist");
mkdirSync(join(dist, "assets"), { recursive: true });
writeFileSync(join(dist, "index.html"), "<!doctype html><title>console</title>");
writeFileSync(join(dist, "assets", "app-abc123.js"), "console.log(1)");
writeFileSync(join(dist, "assets", "app-abc123.css"), "body{}");
writeFileSync(join(root, "secret.txt"), "do not serve");
symlinkSync(join(root, "secret.txt"), join(dist, "link.txt"));

let server: http.Server;
let base = "";

function serve(route: ReturnType<typeof consoleRoute>): Promise<http.Server> {
  const s = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (!route(req, res, path)) {
      res.writeHead(418);
      res.end("not the console");
    }
  });
  return new Promise((resolve) => s.listen(0, "127.0.0.1", () => resolve(s)));
}

/** A raw request, so paths reach the server exactly as written (fetch would normalise "..") */
function raw(path: string, method = "GET", headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(base);
    const req = http.request({ host: u.hostname, port: u.port, path, method, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

before(async () => {
  server = await serve(consoleRoute(dist));
  const a = server.address() as { port: number };
  base = `http://127.0.0.1:${a.port}`;
});
after(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
});

describe("console route", () => {
  test("index.html at the root, revalidated, with a CSP that keeps the page to its origin", async () => {
    const r = await raw("/_console/");
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "text/html; charset=utf-8");
    assert.equal(r.headers["cache-control"], "no-cache");
    assert.match(String(r.headers["content-security-policy"]), /default-src 'self'.*connect-src 'self'/);
    assert.equal(r.headers["x-content-type-options"], "nosniff");
    assert.match(r.body, /<title>console/);
  });
  test("/_console redirects to /_console/ (relative asset URLs need the slash)", async () => {
    const r = await raw("/_console");
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, "/_console/");
  });
  test("hashed assets: their content type, cached for a year, and 304 on a matching ETag", async () => {
    const js = await raw("/_console/assets/app-abc123.js");
    assert.equal(js.status, 200);
    assert.equal(js.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(js.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.equal(js.body, "console.log(1)");
    assert.equal((await raw("/_console/assets/app-abc123.css")).headers["content-type"], "text/css; charset=utf-8");
    const again = await raw("/_console/assets/app-abc123.js", "GET", { "if-none-match": String(js.headers.etag) });
    assert.equal(again.status, 304);
    assert.equal(again.body, "");
  });
  test("a deep app path answers index.html; a missing file or asset is a 404, never HTML", async () => {
    assert.match((await raw("/_console/queues/arn:aws:sqs:us-east-1:000000000000:q")).body, /<title>console/);
    for (const p of ["/_console/assets/gone.js", "/_console/assets/gone", "/_console/favicon.ico", "/_console/missing.css"]) {
      const r = await raw(p);
      assert.equal(r.status, 404, p);
      assert.equal(r.headers["content-type"], "text/plain; charset=utf-8", p);
    }
  });
  test("no path reaches outside the build: traversal in any encoding, NUL bytes, symbolic links", async () => {
    for (const p of [
      "/_console/../secret.txt", "/_console/..%2fsecret.txt", "/_console/%2e%2e/secret.txt", "/_console/%2e%2e%2fsecret.txt",
      "/_console/assets/..%2f..%2fsecret.txt", "/_console/..%5csecret.txt", "/_console/%252e%252e%252fsecret.txt",
      "/_console//etc/passwd", "/_console/%2fetc%2fpasswd", "/_console/index.html%00.js", "/_console/link.txt",
      "/_console/assets/../../secret.txt",
    ]) {
      const r = await raw(p);
      assert.ok(r.status === 404 || r.status === 200, `${p}: ${r.status}`);
      assert.ok(!r.body.includes("do not serve"), p);
      if (r.status === 200) assert.match(r.body, /<title>console/, p);
    }
  });
  test("a malformed escape is a 400; other methods a 405; HEAD has no body", async () => {
    assert.equal((await raw("/_console/%E0%A4%A")).status, 400);
    for (const m of ["POST", "PUT", "DELETE", "OPTIONS"]) {
      const r = await raw("/_console/", m);
      assert.equal(r.status, 405, m);
      assert.equal(r.headers.allow, "GET, HEAD");
    }
    const head = await raw("/_console/assets/app-abc123.js", "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.headers["content-length"], "14");
    assert.equal(head.body, "");
  });
  test("other paths are not the console's", async () => {
    assert.equal((await raw("/_consolex")).status, 418);
    assert.equal((await raw("/_mailroom/health")).status, 418);
  });
  test("without a build: a 404 that says how to build it", async () => {
    const s = await serve(consoleRoute(null));
    try {
      const r = await fetch(`http://127.0.0.1:${(s.address() as { port: number }).port}/_console/`);
      assert.equal(r.status, 404);
      assert.match(await r.text(), /npm run build/);
    } finally {
      s.close();
    }
  });
  test("the checkout's console/dist is found from the source folder", () => {
    const found = findConsoleDist();
    assert.ok(found === undefined || found.endsWith(join("console", "dist")));
    assert.equal(findConsoleDist(dist), undefined);
  });
});

describe("console through a started server", () => {
  let m: Mailroom;
  before(async () => {
    m = await startMailroom({ port: 0, memory: true, logLevel: "silent", profile: "test" });
  });
  after(() => m.close());
  test("served on the main port (HTTP/1 fast path hands /_console to node), API still answers beside it", async () => {
    const page = await fetch(`${m.endpoint}/_console/`);
    if (findConsoleDist() === undefined) {
      assert.equal(page.status, 404);
      return;
    }
    assert.equal(page.status, 200);
    assert.ok(page.headers.get("x-amzn-requestid"));
    const html = await page.text();
    const script = /src="(\/_console\/assets\/[^"]+\.js)"/.exec(html);
    assert.ok(script, html);
    const js = await fetch(`${m.endpoint}${script[1]}`);
    assert.equal(js.status, 200);
    assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
    const traversal = await fetch(`${m.endpoint}/_console/..%2f..%2fpackage.json`);
    assert.equal(traversal.status, 404);
    const health = await fetch(`${m.endpoint}/_mailroom/health`);
    assert.equal(health.status, 200);
  });
});
