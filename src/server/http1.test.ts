// The HTTP/1.1 fast path over raw sockets: framing (byte-by-byte heads, split bodies, pipelining in order),
// the handoffs to node's http server (chunked, Expect, internal routes) on the same connection, the answers it
// refuses with itself (431, 400, 413), Connection: close, idle timeout, and aborts when the client goes away.
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import { after, before, test } from "node:test";
import { startMailroom, type Mailroom } from "../index.ts";
import { selfSigned } from "../util/x509.ts";
import { createFront, type Front } from "./front.ts";
import type { Handler, Reply, WireRequest } from "./handler.ts";
import { createHttp1 } from "./http1.ts";

interface Response {
  status: number;
  reason: string;
  headers: Map<string, string>;
  body: string;
}

/** A raw client: what the server sends, parsed into responses framed by content-length. */
class RawClient {
  readonly socket: net.Socket;
  private buf = Buffer.alloc(0);
  private readonly parsed: Response[] = [];
  private waiters: (() => void)[] = [];
  ended = false;
  readonly closed: Promise<void>;

  constructor(port: number, ca?: string) {
    this.socket = ca === undefined ? net.connect(port, "127.0.0.1") : tls.connect({ port, host: "127.0.0.1", ca, ALPNProtocols: ["http/1.1"] });
    this.socket.setNoDelay(true);
    this.socket.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.parse();
      this.wake();
    });
    this.socket.on("end", () => {
      this.ended = true;
      this.wake();
    });
    this.socket.on("error", () => {});
    this.closed = new Promise((resolve) => this.socket.on("close", () => resolve()));
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private parse() {
    for (;;) {
      const end = this.buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const lines = this.buf.toString("latin1", 0, end).split("\r\n");
      const [, status, ...reason] = lines[0].split(" ");
      const headers = new Map<string, string>();
      for (const l of lines.slice(1)) {
        const i = l.indexOf(":");
        headers.set(l.slice(0, i).toLowerCase(), l.slice(i + 1).trim());
      }
      // Interim answers (100 Continue) carry no body.
      const length = Number(status) < 200 ? 0 : Number(headers.get("content-length") ?? 0);
      if (this.buf.length < end + 4 + length) return;
      const body = this.buf.toString("utf8", end + 4, end + 4 + length);
      this.buf = this.buf.subarray(end + 4 + length);
      this.parsed.push({ status: Number(status), reason: reason.join(" "), headers, body });
    }
  }

  write(data: string | Buffer) {
    this.socket.write(data);
  }

  /** Waits for n more responses (or the end of the connection) and returns them. */
  async read(n: number, timeoutMs = 5000): Promise<Response[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.parsed.length < n && !this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} responses (have ${this.parsed.length})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.parsed.splice(0, n);
  }

  async one(): Promise<Response> {
    const [r] = await this.read(1);
    assert.ok(r, "a response");
    return r;
  }

  close() {
    this.socket.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stub pipeline: echoes the request; ?delay=ms answers later; /signal and /cancel record the client going away. */
const seen: WireRequest[] = [];
const aborted: string[] = [];
const stub: Handler = {
  async wire(req): Promise<Reply> {
    seen.push(req);
    const delay = /[?&]delay=(\d+)/.exec(req.url);
    if (req.url.startsWith("/signal")) {
      const signal = req.signal();
      signal.addEventListener("abort", () => aborted.push(req.url));
      await sleep(2000);
    }
    if (req.url.startsWith("/cancel")) {
      const cancel = req.cancel;
      assert.ok(cancel, "the fast path hands over a cancel");
      cancel.onAbort(() => aborted.push(`${req.url} ${cancel.aborted}`));
      await sleep(2000);
    }
    if (delay) await sleep(Number(delay[1]));
    return {
      status: 200,
      headers: { "content-type": "text/plain", "x-path": req.url },
      body: `fast ${req.method} ${req.url} ${req.body.toString("utf8")} ✓`,
    };
  },
  isInternal: (path) => path.startsWith("/_internal/"),
  reject: (_head, err) => ({ status: err.status, headers: { "content-type": "text/plain", "x-amzn-requestid": "stub" }, body: err.message }),
  node(req, res) {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = `node ${req.method} ${req.url} ${Buffer.concat(chunks).toString("utf8")}`;
      res.writeHead(200, { "content-type": "text/plain", "content-length": String(Buffer.byteLength(body)) });
      res.end(body);
    });
  },
};

const cert = selfSigned({ commonName: "test", key: "ec", altNames: ["127.0.0.1"] });
let front: Front;
let port: number;
before(async () => {
  front = createFront(stub, async () => ({ cert: cert.certificate, key: cert.privateKey }));
  await new Promise<void>((resolve) => front.server.listen(0, "127.0.0.1", resolve));
  port = (front.server.address() as net.AddressInfo).port;
});
after(() => front.close());

const get = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: test\r\n${extra}\r\n`;
const post = (path: string, body: string, extra = "") =>
  `POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

test("an answer is one HTTP/1.1 response with the reply's headers, content-length, date and keep-alive", async () => {
  const c = new RawClient(port);
  c.write(post("/a?x=1", "héllo"));
  const r = await c.one();
  assert.equal(r.status, 200);
  assert.equal(r.reason, "OK");
  assert.equal(r.body, "fast POST /a?x=1 héllo ✓");
  assert.equal(r.headers.get("content-type"), "text/plain");
  assert.equal(r.headers.get("x-path"), "/a?x=1");
  assert.equal(r.headers.get("connection"), "keep-alive");
  assert.equal(r.headers.get("content-length"), String(Buffer.byteLength(r.body)));
  assert.ok(Math.abs(Date.parse(r.headers.get("date")!) - Date.now()) < 2000);
  const req = seen.at(-1)!;
  assert.equal(req.encrypted, false);
  assert.deepEqual(req.rawHeaders, ["Host", "test", "Content-Length", "6"]);
  c.close();
});

test("a head arriving byte by byte, with header values trimmed of surrounding whitespace", async () => {
  const c = new RawClient(port);
  const msg = "POST /bytes HTTP/1.1\r\nHost: test\r\nX-Odd-Case:  \t spaced value \t\r\nContent-Length: 3\r\n\r\nabc";
  for (const ch of msg) {
    c.write(ch);
    await sleep(1);
  }
  const r = await c.one();
  assert.equal(r.body, "fast POST /bytes abc ✓");
  assert.deepEqual(seen.at(-1)!.rawHeaders, ["Host", "test", "X-Odd-Case", "spaced value", "Content-Length", "3"]);
  c.close();
});

test("a body split across packets", async () => {
  const c = new RawClient(port);
  const body = "x".repeat(100_000);
  c.write(`POST /split HTTP/1.1\r\nHost: test\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
  await sleep(20);
  c.write(body.slice(10, 50_000));
  await sleep(20);
  c.write(body.slice(50_000) + get("/after"));
  const [a, b] = await c.read(2);
  assert.equal(a.body, `fast POST /split ${body} ✓`);
  assert.equal(b.body, "fast GET /after  ✓");
  c.close();
});

test("two and three pipelined requests in one packet are answered in order, the slow first one first", async () => {
  const c = new RawClient(port);
  c.write(get("/one?delay=150") + get("/two"));
  const two = await c.read(2);
  assert.deepEqual(two.map((r) => r.headers.get("x-path")), ["/one?delay=150", "/two"]);
  c.write(post("/p1?delay=100", "a") + post("/p2?delay=50", "b") + post("/p3", "c"));
  const three = await c.read(3);
  assert.deepEqual(three.map((r) => r.body), ["fast POST /p1?delay=100 a ✓", "fast POST /p2?delay=50 b ✓", "fast POST /p3 c ✓"]);
  c.close();
});

test("many pipelined requests (past the pipeline limit) are all answered in order", async () => {
  const c = new RawClient(port);
  let all = "";
  for (let i = 0; i < 100; i++) all += post(`/many/${i}${i % 7 === 0 ? "?delay=5" : ""}`, String(i));
  c.write(all);
  const rs = await c.read(100);
  assert.deepEqual(rs.map((r) => r.body.split(" ")[3]), Array.from({ length: 100 }, (_, i) => String(i)));
  c.close();
});

test("a chunked request after a fast-path one goes to node on the same connection, which keeps it", async () => {
  const c = new RawClient(port);
  c.write(post("/first?delay=50", "1"));
  c.write("POST /chunked HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  const [a, b] = await c.read(2);
  assert.equal(a.body, "fast POST /first?delay=50 1 ✓");
  assert.equal(b.body, "node POST /chunked hello");
  // The connection now stays with node.
  c.write(post("/later", "z"));
  assert.equal((await c.one()).body, "node POST /later z");
  c.close();
});

test("a chunked request pipelined behind a slow one in the same packet waits for its answer, then goes to node", async () => {
  const c = new RawClient(port);
  c.write(post("/slow?delay=100", "s") + "POST /c HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n" + get("/tail"));
  const rs = await c.read(3);
  assert.deepEqual(rs.map((r) => r.body), ["fast POST /slow?delay=100 s ✓", "node POST /c ok", "node GET /tail "]);
  c.close();
});

test("Expect: 100-continue is handed to node, which asks for the body", async () => {
  const c = new RawClient(port);
  c.write("POST /expect HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  const cont = await c.one();
  assert.equal(cont.status, 100);
  c.write("body");
  assert.equal((await c.one()).body, "node POST /expect body");
  c.close();
});

test("HTTP/1.0 and internal paths go to node", async () => {
  const c = new RawClient(port);
  c.write("GET /old HTTP/1.0\r\nHost: test\r\n\r\n");
  assert.equal((await c.one()).body, "node GET /old ");
  c.close();
  const d = new RawClient(port);
  d.write(get("/_internal/x"));
  assert.equal((await d.one()).body, "node GET /_internal/x ");
  d.close();
});

test("a head over 16 KiB without its end: 431 and close", async () => {
  const c = new RawClient(port);
  c.write(`GET / HTTP/1.1\r\nHost: test\r\nX-Big: ${"a".repeat(17 * 1024)}`);
  const r = await c.one();
  assert.equal(r.status, 431);
  assert.equal(r.headers.get("connection"), "close");
  await c.closed;
});

test("invalid Content-Length, request line or header line: 400 and close", async () => {
  for (const bad of [
    "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 1x\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: -1\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    "GET\r\nHost: test\r\n\r\n",
    "G@T / HTTP/1.1\r\nHost: test\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: test\r\nBad Name: x\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: test\r\nNoColon\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: te\x00st\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: test\r\nA: b\nContent-Length: 5\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: test\r\nA: b\rc\r\n\r\n",
    "GET /a\x7fb HTTP/1.1\r\nHost: test\r\n\r\n",
  ]) {
    const c = new RawClient(port);
    c.write(get("/ok") + bad);
    const [ok, r] = await c.read(2);
    assert.equal(ok.status, 200);
    assert.equal(r?.status, 400, JSON.stringify(bad));
    await c.closed;
  }
});

test("heads the fast path leaves to node's judgement (bare LF, no Host, obs-fold, raw non-ASCII target) get node's 400", async () => {
  for (const odd of [
    "GET / HTTP/1.1\nHost: test\n\n",
    "GET / HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: test\r\n folded\r\n\r\n",
    "GET /\xe9 HTTP/1.1\r\nHost: test\r\n\r\n",
  ]) {
    const c = new RawClient(port);
    c.write(Buffer.from(odd, "latin1"));
    assert.equal((await c.one()).status, 400, JSON.stringify(odd));
    await c.closed;
  }
});

test("equal duplicate Content-Length headers are accepted", async () => {
  const c = new RawClient(port);
  c.write("POST /dup HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok");
  assert.equal((await c.one()).body, "fast POST /dup ok ✓");
  c.close();
});

test("a body over 16 MiB: 413 as the pipeline's reject() answers it (AWS error, request id), and close", async () => {
  const c = new RawClient(port);
  c.write(`POST / HTTP/1.1\r\nHost: test\r\nContent-Length: ${16 * 1024 * 1024 + 1}\r\n\r\nxxxx`);
  const r = await c.one();
  assert.equal(r.status, 413);
  assert.equal(r.headers.get("x-amzn-requestid"), "stub");
  assert.equal(r.headers.get("connection"), "close");
  assert.equal(r.body, "Request body is too large.");
  await c.closed;
});

test("Connection: close is answered, then the connection ends", async () => {
  const c = new RawClient(port);
  c.write(get("/bye", "Connection: close\r\n") + get("/ignored"));
  const r = await c.one();
  assert.equal(r.body, "fast GET /bye  ✓");
  assert.equal(r.headers.get("connection"), "close");
  await c.closed;
  assert.deepEqual(await c.read(1), []);
});

test("HEAD answers carry the length but no body", async () => {
  const raw = await new Promise<string>((resolve) => {
    const d = net.connect(port, "127.0.0.1");
    let got = "";
    d.on("data", (b: Buffer) => (got += b.toString("utf8")));
    d.on("close", () => resolve(got));
    d.write("HEAD /h HTTP/1.1\r\nHost: test\r\n\r\n" + get("/g", "Connection: close\r\n"));
  });
  const [headPart, getPart] = raw.split(/(?=HTTP\/1\.1 200)/);
  assert.ok(headPart.endsWith("\r\n\r\n"), "the HEAD answer ends after its head");
  assert.match(headPart, /content-length: [1-9]/);
  assert.match(getPart, /\r\n\r\nfast GET \/g  ✓$/);
});

for (const [path, what, heard] of [["/signal-gone", "aborts its signal()", "/signal-gone"], ["/cancel-gone", "fires its cancel (what long polls listen to)", "/cancel-gone true"]]) {
  test(`the client going away during a slow request ${what}`, async () => {
    const c = new RawClient(port);
    c.write(get(path));
    await sleep(100);
    c.close();
    await sleep(100);
    assert.ok(aborted.includes(heard), String(aborted));
  });
}

test("http/1.1 over TLS takes the fast path (encrypted), and hands off to node there too", async () => {
  const c = new RawClient(port, cert.certificate);
  c.write(post("/tls?delay=50", "s") + get("/tls2"));
  const [a, b] = await c.read(2);
  assert.equal(a.body, "fast POST /tls?delay=50 s ✓");
  assert.equal(b.body, "fast GET /tls2  ✓");
  assert.equal(seen.find((r) => r.url === "/tls?delay=50")?.encrypted, true);
  c.write("POST /tls-chunked HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  assert.equal((await c.one()).body, "node POST /tls-chunked abc");
  c.close();
});

test("close() ends fast-path connections, idle or with a request in flight", async () => {
  const f = createFront(stub);
  await new Promise<void>((resolve) => f.server.listen(0, "127.0.0.1", resolve));
  const p = (f.server.address() as net.AddressInfo).port;
  const idle = new RawClient(p);
  idle.write(get("/x"));
  await idle.one();
  const busy = new RawClient(p);
  busy.write(get("/y?delay=3000"));
  await sleep(50);
  const t0 = Date.now();
  await f.close();
  await Promise.all([idle.closed, busy.closed]);
  assert.ok(Date.now() - t0 < 1000);
});

test("an idle keep-alive connection closes after the keep-alive timeout, not while a request runs", async () => {
  const h1 = http.createServer(stub.node);
  const serve = createHttp1(stub, (s) => h1.emit("connection", s), { keepAliveTimeoutMs: 150 });
  const server = net.createServer((s) => serve(s, false));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const c = new RawClient((server.address() as net.AddressInfo).port);
    c.write(get("/slow?delay=400"));
    assert.equal((await c.one()).body, "fast GET /slow?delay=400  ✓");
    const t0 = Date.now();
    await c.closed;
    const idle = Date.now() - t0;
    assert.ok(idle >= 100 && idle < 1000, `closed after ${idle} ms idle`);
  } finally {
    server.close();
  }
});

test("through startMailroom: an internal route after an SQS request on one connection is handed to node", async () => {
  const m: Mailroom = await startMailroom({ port: 0, memory: true, logLevel: "silent" });
  try {
    const c = new RawClient(m.port);
    const body = "Action=CreateQueue&QueueName=fast-path";
    c.write(
      post("/", body, "Content-Type: application/x-www-form-urlencoded\r\n") + get("/_mailroom/health") +
        post("/", "Action=GetQueueUrl&QueueName=fast-path", "Content-Type: application/x-www-form-urlencoded\r\n"),
    );
    const [created, health, url] = await c.read(3);
    assert.equal(created.status, 200);
    assert.match(created.body, /<QueueUrl>http:\/\/test\/000000000000\/fast-path<\/QueueUrl>/);
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.body).status, "ok");
    assert.match(url.body, /<QueueUrl>http:\/\/test\/000000000000\/fast-path<\/QueueUrl>/);
    c.close();
  } finally {
    await m.close();
  }
});
