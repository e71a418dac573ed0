// Hardened connections through startMailroom (issue 12, ADR 0014), with timeouts of a few hundred ms: the probes
// (a dribbling client, a stalled TLS handshake) against the real server, oversized chunked bodies answered 413 in
// each protocol's AWS error envelope with a request id, internal routes carrying a request id, SQS long polls
// (the server's own time to answer) untouched by the deadlines, and the limits' options and variables.
import assert from "node:assert/strict";
import net from "node:net";
import { describe, test } from "node:test";
import { ReceiveMessageCommand, SendMessageCommand, CreateQueueCommand } from "@aws-sdk/client-sqs";
import { DEFAULTS, optionsFromEnv, resolveOptions } from "../../src/config/options.ts";
import { useTestServer } from "../helpers/server.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends `parts` on a raw connection (awaiting each `number` as a pause); resolves with all it got once it closes. */
function raw(port: number, parts: (string | Buffer | number)[], opts: { timeoutMs?: number } = {}): Promise<{ got: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const s = net.connect(port, "127.0.0.1");
    let got = "";
    s.on("data", (d: Buffer) => (got += d.toString("utf8")));
    s.on("error", () => {});
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`still open after ${opts.timeoutMs ?? 5000} ms; got ${JSON.stringify(got.slice(0, 300))}`));
    }, opts.timeoutMs ?? 5000);
    s.on("close", () => {
      clearTimeout(timer);
      resolve({ got, closedAfterMs: Date.now() - t0 });
    });
    void (async () => {
      for (const p of parts) {
        if (s.destroyed) return;
        if (typeof p === "number") await sleep(p);
        else s.write(p);
      }
    })();
  });
}

/** A chunked body of about 17 MiB (over the 16 MiB cap), in 1 MiB chunks. */
function bigChunks(): Buffer[] {
  const chunk = Buffer.concat([Buffer.from("100000\r\n"), Buffer.alloc(0x100000, 0x61), Buffer.from("\r\n")]);
  return Array.from({ length: 17 }, () => chunk);
}

describe("through startMailroom", () => {
  const { server, sqs } = useTestServer({ headersTimeoutMs: 400, bodyTimeoutMs: 400, idleTimeoutMs: 500, tlsHandshakeTimeoutMs: 400 });

  test("a client sending one header byte every 100 ms is closed by the header timeout", async () => {
    const head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Padding: " + "p".repeat(100) + "\r\n\r\n";
    const parts: (string | number)[] = [];
    for (const ch of head) parts.push(ch, 100);
    const r = await raw(server.port, parts);
    assert.ok(r.closedAfterMs >= 350 && r.closedAfterMs < 2000, `closed after ${r.closedAfterMs} ms`);
    assert.match(r.got, /^HTTP\/1\.1 408 /);
  });

  test("a stalled TLS handshake is closed: nothing after 0x16, and a partial ClientHello", async () => {
    const a = await raw(server.port, [Buffer.from([0x16])]);
    assert.ok(a.closedAfterMs >= 350 && a.closedAfterMs < 2000, `closed after ${a.closedAfterMs} ms`);
    // A TLS 1.2 record header announcing a 512-byte ClientHello, and only its first bytes.
    const b = await raw(server.port, [Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03])]);
    assert.ok(b.closedAfterMs >= 350 && b.closedAfterMs < 2000, `closed after ${b.closedAfterMs} ms`);
  });

  test("an oversized chunked query request gets 413 RequestEntityTooLarge as query XML with a request id", async () => {
    const head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n";
    const r = await raw(server.port, [head, ...bigChunks()], { timeoutMs: 15_000 });
    assert.match(r.got, /^HTTP\/1\.1 413 /);
    assert.match(r.got, /connection: close/i);
    const id = /x-amzn-requestid: ([0-9a-f-]{36})/i.exec(r.got)?.[1];
    assert.ok(id, r.got.slice(0, 400));
    assert.match(r.got, /<ErrorResponse[^]*<Code>RequestEntityTooLarge<\/Code>[^]*<RequestId>/);
    assert.ok(r.got.includes(`<RequestId>${id}</RequestId>`));
  });

  test("an oversized chunked JSON request gets 413 as a JSON error (__type) with a request id", async () => {
    const head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.SendMessage\r\nTransfer-Encoding: chunked\r\n\r\n";
    const r = await raw(server.port, [head, ...bigChunks()], { timeoutMs: 15_000 });
    assert.match(r.got, /^HTTP\/1\.1 413 /);
    assert.match(r.got, /x-amzn-requestid: [0-9a-f-]{36}/i);
    const body = JSON.parse(r.got.slice(r.got.indexOf("\r\n\r\n") + 4));
    assert.match(body.__type, /RequestEntityTooLarge$/);
  });

  test("a Content-Length over the cap gets the same 413 before the body is sent", async () => {
    const head = `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${16 * 1024 * 1024 + 1}\r\n\r\n`;
    const r = await raw(server.port, [head]);
    assert.match(r.got, /^HTTP\/1\.1 413 [^]*x-amzn-requestid: [0-9a-f-]{36}[^]*<Code>RequestEntityTooLarge<\/Code>/i);
  });

  test("every internal route answers with x-amzn-requestid", async () => {
    for (const path of ["/_mailroom/health", "/_mailroom/tls/certificate.pem"]) {
      const res = await fetch(`${server.endpoint}${path}`);
      await res.arrayBuffer();
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get("x-amzn-requestid") ?? "", /^[0-9a-f-]{36}$/, path);
    }
    const a = await fetch(`${server.endpoint}/_mailroom/health`);
    const b = await fetch(`${server.endpoint}/_mailroom/health`);
    assert.notEqual(a.headers.get("x-amzn-requestid"), b.headers.get("x-amzn-requestid"));
    assert.equal((await a.json()).status, "ok");
    await b.arrayBuffer();
  });

  test("an SQS long poll longer than every timeout works, empty and with a message sent meanwhile", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "long-poll-deadlines" }));
    const t0 = Date.now();
    const empty = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }));
    assert.equal(empty.Messages, undefined);
    assert.ok(Date.now() - t0 >= 1900, `answered after ${Date.now() - t0} ms`);
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 3 }));
    await sleep(1200);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "arrived during the poll" }));
    const got = await polling;
    assert.equal(got.Messages?.[0]?.Body, "arrived during the poll");
  });
});

describe("options", () => {
  test("defaults, MAILROOM_* variables, and invalid values refused", () => {
    const r = resolveOptions({});
    assert.equal(r.headersTimeoutMs, 10_000);
    assert.equal(r.bodyTimeoutMs, 60_000);
    assert.equal(r.idleTimeoutMs, 65_000);
    assert.equal(r.tlsHandshakeTimeoutMs, 10_000);
    assert.equal(r.maxConnections, 1024);
    assert.equal(r.maxBufferedBodyBytes, 256 * 1024 * 1024);
    assert.equal(DEFAULTS.maxConnections, 1024);
    const env = optionsFromEnv({
      MAILROOM_HEADERS_TIMEOUT_MS: "1000",
      MAILROOM_BODY_TIMEOUT_MS: "2000",
      MAILROOM_IDLE_TIMEOUT_MS: "3000",
      MAILROOM_TLS_HANDSHAKE_TIMEOUT_MS: "4000",
      MAILROOM_MAX_CONNECTIONS: "50",
      MAILROOM_MAX_BUFFERED_BODY_BYTES: "1048576",
    });
    assert.deepEqual(env, {
      headersTimeoutMs: 1000, bodyTimeoutMs: 2000, idleTimeoutMs: 3000, tlsHandshakeTimeoutMs: 4000,
      maxConnections: 50, maxBufferedBodyBytes: 1048576,
    });
    for (const bad of [{ headersTimeoutMs: 0 }, { maxConnections: -1 }, { idleTimeoutMs: Number.NaN }, { maxBufferedBodyBytes: 1.5 }]) {
      assert.throws(() => resolveOptions(bad), /invalid/, JSON.stringify(bad));
    }
  });
});
