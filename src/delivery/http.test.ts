import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { HTTP_KIND, httpDestination, httpPayload } from "./http.ts";
import type { OutboxRow } from "./store.ts";

test("the http kind sends the stored request; 2xx succeed, 429/5xx are retryable, other 4xx are not", async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push(`${req.method} ${req.url} ${req.headers["x-k"]} ${body}`);
      res.statusCode = Number(req.url?.slice(1));
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kind = httpDestination();
  const row = (status: number): OutboxRow => ({
    id: 1, kind: HTTP_KIND, target: base, detail: "", attempts: 0, createdAt: 0, dueAt: 0,
    payload: httpPayload({ method: "PUT", url: `${base}/${status}`, headers: { "x-k": "v" }, body: "b" }),
  });
  try {
    assert.deepEqual(await kind.attempt(row(204), {}), { ok: true });
    const r429 = await kind.attempt(row(429), {});
    assert.equal(r429.ok === false && r429.retryable, true);
    const r503 = await kind.attempt(row(503), {});
    assert.equal(r503.ok === false && r503.retryable, true);
    const r404 = await kind.attempt(row(404), {});
    assert.deepEqual(r404.ok === false && [r404.code, r404.retryable, r404.deadLetterBody], ["404", false, "b"]);
    assert.deepEqual(seen[0], "PUT /204 v b");
  } finally {
    server.close();
  }
  const refused = await kind.attempt(row(200), {});
  assert.equal(refused.ok === false && refused.code, "ConnectionError");
});
