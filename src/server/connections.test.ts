// The front's deadlines and caps (ADR 0014) on every path, with a stub pipeline and timeouts of a few hundred ms:
// a client dribbling its head or body one byte at a time is cut off by the deadline measured from its first byte
// (fast path and node's http server), silent and idle connections close, stalled TLS handshakes close, idle HTTP/2
// sessions close, a request the server takes long over is not cut off, the connection cap closes new connections
// at accept, and the buffered-bytes budget refuses what would pass it. Probes from issue 12.
import assert from "node:assert/strict";
import http2 from "node:http2";
import net from "node:net";
import tls from "node:tls";
import { after, describe, test } from "node:test";
import { selfSigned } from "../util/x509.ts";
import { createFront, MAX_CONCURRENT_STREAMS, type ConnectionLimits, type Front } from "./front.ts";
import type { Handler, Reply } from "./handler.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until f() equals want (polling), then asserts it does. */
async function eventually<T>(f: () => T, want: T, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (f() !== want && Date.now() < end) await sleep(10);
  assert.equal(f(), want);
}

/** A stub pipeline: echoes; ?delay=ms answers later. reject() answers the error with a recognisable request id. */
const stub: Handler = {
  async wire(req): Promise<Reply> {
    const delay = /[?&]delay=(\d+)/.exec(req.url);
    if (delay) await sleep(Number(delay[1]));
    return { status: 200, headers: { "content-type": "text/plain" }, body: `ok ${req.method} ${req.url} ${req.body.length}` };
  },
  isInternal: (path) => path.startsWith("/_internal/"),
  reject: (_head, err) => ({
    status: err.status,
    headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "rejected" },
    body: JSON.stringify({ __type: err.code, message: err.message }),
  }),
  node: () => {
    throw new Error("replaced below");
  },
};
// node's servers reach the real adapter (bodies, budget, deadlines), through the stub's wire and reject.
const { serveNode } = await import("./node-adapter.ts");
stub.node = (req, res) => serveNode(stub, undefined, req, res);

const cert = selfSigned({ commonName: "test", key: "ec", altNames: ["127.0.0.1"] });
const FAST: Partial<ConnectionLimits> = { headersTimeoutMs: 300, bodyTimeoutMs: 300, idleTimeoutMs: 400, tlsHandshakeTimeoutMs: 300 };

const fronts: Front[] = [];
after(() => Promise.all(fronts.map((f) => f.close())));
async function start(limits: Partial<ConnectionLimits>): Promise<{ front: Front; port: number }> {
  const front = createFront(stub, async () => ({ cert: cert.certificate, key: cert.privateKey }), limits);
  fronts.push(front);
  await new Promise<void>((resolve) => front.server.listen(0, "127.0.0.1", resolve));
  return { front, port: (front.server.address() as net.AddressInfo).port };
}

/** A raw connection: everything it received, and when it closed (ms after it was made). */
class Raw {
  readonly socket: net.Socket;
  readonly t0 = Date.now();
  received = "";
  closedAfter: Promise<number>;
  constructor(port: number) {
    this.socket = net.connect(port, "127.0.0.1");
    this.socket.setNoDelay(true);
    this.socket.on("data", (d: Buffer) => (this.received += d.toString("latin1")));
    this.socket.on("error", () => {});
    this.closedAfter = new Promise((resolve) => this.socket.on("close", () => resolve(Date.now() - this.t0)));
  }
  write(s: string | Buffer) {
    if (!this.socket.destroyed) this.socket.write(s);
  }
  /** Writes s one byte every `every` ms until the connection closes (or s runs out). */
  async dribble(s: string, every: number) {
    for (const ch of s) {
      if (this.socket.destroyed || this.socket.readableEnded) return;
      this.write(ch);
      await sleep(every);
    }
  }
  async until(re: RegExp, timeoutMs = 3000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!re.test(this.received)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${re}; received ${JSON.stringify(this.received.slice(0, 300))}`);
      await sleep(10);
    }
  }
}

const HEAD = "POST /dribble HTTP/1.1\r\nHost: test\r\nX-Padding: " + "a".repeat(200) + "\r\nContent-Length: 2\r\n\r\nok";
const CHUNKED = "POST /c HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n";

describe("header timeout", () => {
  test("a client sending one header byte every 100 ms is closed by the header timeout (fast path), with 408", async () => {
    const { port } = await start(FAST);
    const c = new Raw(port);
    void c.dribble(HEAD, 100);
    const closed = await c.closedAfter;
    assert.ok(closed >= 250 && closed < 1500, `closed after ${closed} ms`);
    assert.match(c.received, /^HTTP\/1\.1 408 /);
  });

  test("the same on a connection node's http server took over (after a chunked request)", async () => {
    const { port } = await start(FAST);
    const c = new Raw(port);
    c.write(CHUNKED);
    await c.until(/ok POST \/c 2/);
    const t = Date.now();
    void c.dribble(HEAD, 100);
    await c.closedAfter;
    const closed = Date.now() - t;
    assert.ok(closed >= 250 && closed < 1500, `closed ${closed} ms after the dribble began`);
    assert.match(c.received, /HTTP\/1\.1 408 /);
  });

  test("a connection that sends nothing is closed after the header timeout", async () => {
    const { port } = await start(FAST);
    const c = new Raw(port);
    const closed = await c.closedAfter;
    assert.ok(closed >= 250 && closed < 1500, `closed after ${closed} ms`);
  });

  test("a head that arrives in a few pieces within the timeout is served", async () => {
    const { port } = await start(FAST);
    const c = new Raw(port);
    await c.dribble("GET /pieces HTTP/1.1\r\nHost: test\r\n\r\n", 5);
    await c.until(/ok GET \/pieces 0/);
    c.socket.destroy();
  });
});

describe("body timeout", () => {
  test("a body dribbled past the body timeout gets RequestTimeout in the protocol's envelope and the connection closes (fast path)", async () => {
    const { port, front } = await start(FAST);
    const c = new Raw(port);
    c.write("POST /slow-body HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\nab");
    void c.dribble("c".repeat(98), 100);
    const closed = await c.closedAfter;
    assert.ok(closed >= 250 && closed < 1500, `closed after ${closed} ms`);
    assert.match(c.received, /^HTTP\/1\.1 408 /);
    assert.match(c.received, /x-amzn-requestid: rejected/);
    assert.match(c.received, /"__type":"RequestTimeout"/);
    await eventually(() => front.bufferedBodyBytes(), 0);
  });

  test("a chunked body dribbled past the body timeout gets RequestTimeout (node's http server)", async () => {
    const { port, front } = await start(FAST);
    const c = new Raw(port);
    c.write("POST /slow-chunks HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n");
    void (async () => {
      for (let i = 0; i < 20 && !c.socket.destroyed; i++) {
        c.write("1\r\nx\r\n");
        await sleep(100);
      }
    })();
    await c.until(/"__type":"RequestTimeout"/);
    assert.match(c.received, /^HTTP\/1\.1 408 /);
    assert.match(c.received, /x-amzn-requestid: rejected/);
    assert.match(c.received, /connection: close/i);
    const closed = await c.closedAfter;
    assert.ok(closed < 3000, `closed after ${closed} ms`);
    await eventually(() => front.bufferedBodyBytes(), 0);
  });
});

describe("idle timeout and requests in flight", () => {
  test("a keep-alive connection closes after the idle timeout; CRLFs sent meanwhile do not extend it", async () => {
    const { port } = await start(FAST);
    const c = new Raw(port);
    c.write("GET /x HTTP/1.1\r\nHost: test\r\n\r\n");
    await c.until(/ok GET \/x/);
    const t = Date.now();
    void c.dribble("\r\n".repeat(20), 50);
    await c.closedAfter;
    const idle = Date.now() - t;
    assert.ok(idle >= 250 && idle < 1500, `closed after ${idle} ms idle`);
  });

  test("a request the server takes longer than every timeout over is answered (the deadlines are on receiving)", async () => {
    const { port } = await start(FAST);
    const c = new Raw(port);
    c.write("POST /long?delay=1200 HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n\r\nabc");
    await c.until(/ok POST \/long\?delay=1200 3/, 3000);
    // Node's server too (a chunked request, then a long one on the connection node now has).
    const d = new Raw(port);
    d.write(CHUNKED);
    await d.until(/ok POST \/c 2/);
    d.write("GET /long-node?delay=1200 HTTP/1.1\r\nHost: test\r\n\r\n");
    await d.until(/ok GET \/long-node\?delay=1200 0/, 3000);
    c.socket.destroy();
    d.socket.destroy();
  });
});

describe("TLS handshake timeout", () => {
  /** The first bytes a TLS client sends: its ClientHello record. */
  async function clientHello(): Promise<Buffer> {
    return new Promise((resolve) => {
      const catcher = net.createServer((s) => {
        s.once("data", (d: Buffer) => {
          resolve(d);
          s.destroy();
          catcher.close();
        });
      });
      catcher.listen(0, "127.0.0.1", () => {
        const t = tls.connect({ port: (catcher.address() as net.AddressInfo).port, host: "127.0.0.1", rejectUnauthorized: false });
        t.on("error", () => {});
      });
    });
  }

  test("a stalled handshake (0x16 then nothing) is closed", async () => {
    const { port } = await start(FAST);
    const c = new Raw(port);
    c.write(Buffer.from([0x16]));
    const closed = await c.closedAfter;
    assert.ok(closed >= 250 && closed < 1500, `closed after ${closed} ms`);
  });

  test("a partial ClientHello is closed; one dribbled a byte at a time is closed too", async () => {
    const { port } = await start(FAST);
    const hello = await clientHello();
    const c = new Raw(port);
    c.write(hello.subarray(0, 40));
    const closed = await c.closedAfter;
    assert.ok(closed >= 250 && closed < 1500, `closed after ${closed} ms`);
    const d = new Raw(port);
    void (async () => {
      for (const b of hello) {
        if (d.socket.destroyed) return;
        d.write(Buffer.from([b]));
        await sleep(20);
      }
    })();
    const closedD = await d.closedAfter;
    assert.ok(closedD >= 250 && closedD < 1500, `closed after ${closedD} ms`);
  });

  test("a completed handshake is not cut off by it: the connection then has the request deadlines", async () => {
    const { port } = await start(FAST);
    const t = tls.connect({ port, host: "127.0.0.1", ca: cert.certificate, ALPNProtocols: ["http/1.1"] });
    await new Promise<void>((resolve) => t.once("secureConnect", () => resolve()));
    await sleep(200); // most of the handshake timeout, and of the first request's
    let got = "";
    t.on("data", (d: Buffer) => (got += d.toString()));
    t.write("GET /after-handshake?delay=500 HTTP/1.1\r\nHost: test\r\n\r\n");
    const t0 = Date.now();
    while (!/ok GET/.test(got) && Date.now() - t0 < 3000) await sleep(10);
    assert.match(got, /ok GET \/after-handshake\?delay=500 0/);
    t.destroy();
  });
});

describe("HTTP/2", () => {
  test("a session that goes idle is closed (cleartext and over TLS); a long request on it is not cut off", async () => {
    const { port } = await start(FAST);
    for (const url of [`http://127.0.0.1:${port}`, `https://127.0.0.1:${port}`]) {
      const session = http2.connect(url, { ca: cert.certificate });
      session.on("error", () => {});
      const closed = new Promise<number>((resolve) => session.on("close", () => resolve(Date.now())));
      const body = await new Promise<string>((resolve, reject) => {
        const req = session.request({ ":path": "/h2?delay=800", ":method": "GET" });
        let b = "";
        req.on("data", (d: Buffer) => (b += d.toString()));
        req.on("end", () => resolve(b));
        req.on("error", reject);
        req.end();
      });
      assert.equal(body, "ok GET /h2?delay=800 0");
      const t = Date.now();
      const idle = (await closed) - t;
      assert.ok(idle >= 250 && idle < 1500, `${url}: closed after ${idle} ms idle`);
    }
  });

  test("an HTTP/2 session is offered a bounded number of concurrent streams", async () => {
    const { port } = await start(FAST);
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", () => {});
    const settings = await new Promise<http2.Settings>((resolve) => session.once("remoteSettings", resolve));
    assert.equal(settings.maxConcurrentStreams, MAX_CONCURRENT_STREAMS);
    // A request on the session, then a graceful close (GOAWAY after the stream), as a client ends a session.
    const req = session.request({ ":path": "/h2", ":method": "GET" });
    req.resume();
    await new Promise((resolve) => req.on("close", resolve));
    await new Promise<void>((resolve) => session.close(() => resolve()));
  });

  test("a stream whose body stalls gets RequestTimeout", async () => {
    const { port, front } = await start(FAST);
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", () => {});
    const req = session.request({ ":path": "/h2-body", ":method": "POST" });
    req.write("part");
    const answer = await new Promise<{ status: number; id: string; body: string }>((resolve) => {
      let status = 0;
      let id = "";
      let b = "";
      req.on("response", (h) => {
        status = Number(h[":status"]);
        id = String(h["x-amzn-requestid"]);
      });
      req.on("data", (d: Buffer) => (b += d.toString()));
      req.on("close", () => resolve({ status, id, body: b }));
      req.on("error", () => {});
    });
    assert.equal(answer.status, 408);
    assert.equal(answer.id, "rejected");
    assert.match(answer.body, /RequestTimeout/);
    await eventually(() => front.bufferedBodyBytes(), 0);
    session.destroy();
  });
});

describe("caps", () => {
  test("connections past the cap are closed at once; the open ones keep working", async () => {
    const { port } = await start({ maxConnections: 5 });
    const open = Array.from({ length: 5 }, () => new Raw(port));
    for (const c of open) c.write("GET /warm HTTP/1.1\r\nHost: test\r\n\r\n");
    for (const c of open) await c.until(/ok GET \/warm/);
    const extra = new Raw(port);
    const closed = await extra.closedAfter;
    assert.ok(closed < 500, `the extra connection closed after ${closed} ms`);
    assert.equal(extra.received, "");
    open[0].write("GET /still HTTP/1.1\r\nHost: test\r\n\r\n");
    await open[0].until(/ok GET \/still/);
    for (const c of open) c.socket.destroy();
    await Promise.all(open.map((c) => c.closedAfter));
    // Once they are gone, new connections are served again.
    await sleep(50);
    const again = new Raw(port);
    again.write("GET /again HTTP/1.1\r\nHost: test\r\n\r\n");
    await again.until(/ok GET \/again/);
    again.socket.destroy();
  });

  test("the buffered-bytes budget: a request that would pass it is refused with 503 ServiceUnavailable (both paths), one that never fits with 413", async () => {
    const { port, front } = await start({ maxBufferedBodyBytes: 1000 });
    const holder = new Raw(port);
    holder.write("POST /holder HTTP/1.1\r\nHost: test\r\nContent-Length: 800\r\n\r\n" + "h".repeat(100));
    await eventually(() => front.bufferedBodyBytes(), 800);

    const refused = new Raw(port);
    refused.write("POST /refused HTTP/1.1\r\nHost: test\r\nContent-Length: 300\r\n\r\n" + "r".repeat(300));
    await refused.until(/"__type":"ServiceUnavailable"/);
    assert.match(refused.received, /^HTTP\/1\.1 503 /);
    assert.match(refused.received, /x-amzn-requestid: rejected/);
    assert.ok((await refused.closedAfter) < 2000);

    const chunked = new Raw(port);
    chunked.write("POST /refused-chunked HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n12c\r\n" + "r".repeat(300) + "\r\n");
    await chunked.until(/"__type":"ServiceUnavailable"/);
    assert.match(chunked.received, /^HTTP\/1\.1 503 /);
    assert.match(chunked.received, /connection: close/i);
    chunked.socket.destroy();

    const never = new Raw(port);
    never.write("POST /never HTTP/1.1\r\nHost: test\r\nContent-Length: 1001\r\n\r\n");
    await never.until(/"__type":"RequestEntityTooLarge"/);
    assert.match(never.received, /^HTTP\/1\.1 413 /);
    never.socket.destroy();

    holder.write("h".repeat(700));
    await holder.until(/ok POST \/holder 800/);
    await eventually(() => front.bufferedBodyBytes(), 0);
    const later = new Raw(port);
    later.write("POST /later HTTP/1.1\r\nHost: test\r\nContent-Length: 300\r\n\r\n" + "l".repeat(300));
    await later.until(/ok POST \/later 300/);
    await eventually(() => front.bufferedBodyBytes(), 0);
    holder.socket.destroy();
    later.socket.destroy();
  });

  test("a client that goes away mid-body gives its budget back", async () => {
    const { port, front } = await start({ maxBufferedBodyBytes: 10_000 });
    const fast = new Raw(port);
    fast.write("POST /gone HTTP/1.1\r\nHost: test\r\nContent-Length: 5000\r\n\r\nabc");
    const node = new Raw(port);
    node.write("POST /gone-chunked HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" + "x".repeat(1000) + "\r\n");
    await eventually(() => front.bufferedBodyBytes(), 6000);
    fast.socket.destroy();
    node.socket.destroy();
    await eventually(() => front.bufferedBodyBytes(), 0);
  });
});

describe("413", () => {
  test("a chunked body over 16 MiB is answered 413 with the AWS error and a request id, then the connection closes", async () => {
    const { port, front } = await start({});
    const c = new Raw(port);
    c.write("POST /big HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n");
    const chunk = Buffer.concat([Buffer.from("100000\r\n"), Buffer.alloc(0x100000, 0x61), Buffer.from("\r\n")]);
    // The client keeps sending after the answer (as a real one would, mid-upload): it still reads the answer.
    for (let i = 0; i < 20 && !c.socket.destroyed; i++) {
      // The server may close the connection while this write waits for room (after its 5 s of draining).
      if (!c.socket.write(chunk)) await new Promise((r) => { c.socket.once("drain", r); c.socket.once("close", r); });
    }
    await c.until(/"__type":"RequestEntityTooLarge"/);
    assert.match(c.received, /^HTTP\/1\.1 413 /);
    assert.match(c.received, /x-amzn-requestid: rejected/);
    assert.match(c.received, /connection: close/i);
    await c.closedAfter;
    await eventually(() => front.bufferedBodyBytes(), 0);
  });

  test("a Content-Length over 16 MiB is answered 413 before any of the body (fast path and node's server)", async () => {
    const { port } = await start({});
    const c = new Raw(port);
    c.write(`POST /big HTTP/1.1\r\nHost: test\r\nContent-Length: ${16 * 1024 * 1024 + 1}\r\n\r\nxx`);
    await c.until(/"__type":"RequestEntityTooLarge"/);
    assert.match(c.received, /^HTTP\/1\.1 413 [^]*x-amzn-requestid: rejected/);
    await c.closedAfter;
    const d = new Raw(port);
    d.write(CHUNKED + `POST /big2 HTTP/1.1\r\nHost: test\r\nContent-Length: ${16 * 1024 * 1024 + 1}\r\n\r\nxx`);
    await d.until(/"__type":"RequestEntityTooLarge"/);
    assert.match(d.received, /HTTP\/1\.1 413 [^]*x-amzn-requestid: rejected/);
    await d.closedAfter;
  });

  test("Expect: 100-continue with a Content-Length over 16 MiB gets 413 instead of 100 Continue; under it, 100 then the answer", async () => {
    const { port } = await start({});
    const c = new Raw(port);
    c.write(`POST /big HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: ${16 * 1024 * 1024 + 1}\r\n\r\n`);
    await c.until(/"__type":"RequestEntityTooLarge"/);
    assert.match(c.received, /^HTTP\/1\.1 413 /);
    assert.doesNotMatch(c.received, /100 Continue/);
    c.socket.destroy();
    const d = new Raw(port);
    d.write("POST /small HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    await d.until(/100 Continue/);
    d.write("ok");
    await d.until(/ok POST \/small 2/);
    d.socket.destroy();
  });
});
