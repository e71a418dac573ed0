// One TCP listener for HTTP/1.1, HTTP/2 cleartext with prior knowledge, and TLS: the first bytes of a
// connection decide (a TLS handshake record starts with 0x16, the h2 preface with "PRI * HTTP/2.0"). A TLS
// connection is decrypted here and its ALPN choice (h2 or http/1.1) picks the server. HTTP/1.1 (cleartext or
// decrypted) goes to the fast path (http1.ts), which hands a connection on to node's http server at the first
// request it leaves to node; HTTP/2 goes to node's http2 server. All of them run the one request handler.
// Every path has deadlines (ADR 0014, limits in docs/limits.md): the first bytes within the header timeout of the
// accept, a TLS handshake within its timeout, then the fast path's, node's and the HTTP/2 sessions' own; one
// interval timer (Deadlines) checks them all. Connections past the cap are closed at accept, and body bytes held
// across all connections are capped (BodyBudget).
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import tls from "node:tls";
import { CONNECTION_DEFAULTS } from "../config/options.ts";
import { once } from "../util/once.ts";
import { attachLimits, BodyBudget, CLOSING_TIMEOUT_MS, Deadlines, MAX_BODY_BYTES, type ConnectionLimits, type Deadline, type NodeLimits } from "./deadlines.ts";
import type { Handler } from "./handler.ts";
import { createHttp1 } from "./http1.ts";

export type { ConnectionLimits } from "./deadlines.ts";

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
const TLS_HANDSHAKE = 0x16;
export const MAX_CONCURRENT_STREAMS = 128;

export interface Front {
  server: net.Server;
  close(): Promise<void>;
  /** Body bytes buffered across all connections now (tests, metrics). */
  bufferedBodyBytes(): number;
}

/** The limits given (any may be left out), over the defaults. */
function limitsFrom(given: Partial<ConnectionLimits>): ConnectionLimits {
  const l: ConnectionLimits = { ...CONNECTION_DEFAULTS };
  for (const k of Object.keys(CONNECTION_DEFAULTS) as (keyof ConnectionLimits)[]) {
    if (given[k] !== undefined) l[k] = given[k]!;
  }
  return l;
}

/** tlsOptions: the server's certificate and key (PEM), asked for on the first TLS connection. limits: the
 *  connection limits (startMailroom passes its resolved options). */
export function createFront(
  handler: Handler,
  tlsOptions?: () => Promise<{ cert: string; key: string }>,
  limits: Partial<ConnectionLimits> = {},
): Front {
  const l = limitsFrom(limits);
  const deadlines = Deadlines.for(l);
  const budget = new BodyBudget(l.maxBufferedBodyBytes);
  const nodeLimits: NodeLimits = { deadlines, budget, bodyTimeoutMs: l.bodyTimeoutMs, idleTimeoutMs: l.idleTimeoutMs };
  const onRequest = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => {
    attachLimits(req, nodeLimits);
    handler.node(req, res);
  };
  const h1 = http.createServer({
    keepAliveTimeout: l.idleTimeoutMs,
    // Both timed by node from the request's first byte, not reset by further bytes. The adapter's body deadline
    // (from the end of the head) answers first, with the AWS error; requestTimeout is the backstop.
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.headersTimeoutMs + l.bodyTimeoutMs + 2 * deadlines.tickMs,
    connectionsCheckingInterval: deadlines.tickMs,
  }, onRequest);
  // Expect: 100-continue: a body that will be refused (declared over the cap) is not asked for; the 413 goes out
  // instead of 100 Continue (node would send 100 Continue itself without this listener).
  h1.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!(Number(req.headers["content-length"]) > MAX_BODY_BYTES)) res.writeContinue();
    onRequest(req, res);
  });
  // node checks headersTimeout/requestTimeout only on a server that has emitted 'listening' (it starts its
  // connection tracking then); this one never listens (the front feeds it sockets), so it is told it does.
  h1.emit("listening");
  // Concurrent streams per HTTP/2 session are capped (node's default is 2^32-1): with the body budget, one session
  // cannot hold unbounded work (docs/limits.md "Connections").
  const h2 = http2.createServer({ settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS } }, onRequest);
  h2.on("sessionError", () => {});
  // An HTTP/2 session with no open stream closes after the idle timeout (from its start or its last stream's
  // close, not reset by frames); a stream's body is timed by the adapter.
  h2.on("session", (session: http2.ServerHttp2Session) => {
    let open = 0;
    let closing = false;
    const idle: Deadline = {
      deadline: Date.now() + l.idleTimeoutMs,
      expire: () => {
        if (closing) return session.destroy();
        closing = true;
        session.close(); // GOAWAY; the session ends once its streams have (none are open)
        idle.deadline = Date.now() + CLOSING_TIMEOUT_MS;
      },
    };
    deadlines.add(idle);
    session.on("stream", (stream: http2.ServerHttp2Stream) => {
      open++;
      if (!closing) idle.deadline = 0;
      stream.once("close", () => {
        if (--open === 0 && !closing) idle.deadline = Date.now() + l.idleTimeoutMs;
      });
    });
    session.once("close", () => deadlines.delete(idle));
  });
  // Every raw socket, and the decrypted ones on top of TLS: close() ends them whichever server has them.
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  // The fast path gives node's h1 server the connections it does not serve itself (their unparsed bytes unshifted).
  const http1 = createHttp1(handler, (socket) => h1.emit("connection", socket), {
    keepAliveTimeoutMs: l.idleTimeoutMs,
    headersTimeoutMs: l.headersTimeoutMs,
    bodyTimeoutMs: l.bodyTimeoutMs,
    deadlines,
    budget,
  });

  /** Hands a (cleartext or decrypted) socket to a server; the first bytes were unshifted back onto it. */
  const serve = (socket: net.Socket, isH2: boolean, encrypted: boolean, startedAt: number) => {
    // The h2 session reads the socket's native handle itself (and drains what was unshifted), so nothing resumes
    // the JS stream for it: that would race the session for those bytes (it answers GOAWAY INTERNAL_ERROR). The
    // fast path reads the JS stream and resumes it itself.
    if (isH2) h2.emit("connection", socket);
    else http1(socket, encrypted, startedAt);
  };

  // The handshake deadlines of the raw sockets in a TLS handshake, by remote address and port (the decrypted
  // socket reports its raw socket's), so the end of a handshake can clear its raw socket's deadline.
  const handshakes = new Map<string, Deadline>();
  const peer = (s: net.Socket) => `${s.remoteAddress}|${s.remotePort}`;

  // Made on the first TLS connection; node's tls.Server does the handshake and ALPN, then serve() takes over.
  const tlsServer = once(async () => {
    const { cert, key } = await tlsOptions!();
    const t = tls.createServer({ cert, key, ALPNProtocols: ["h2", "http/1.1"], handshakeTimeout: l.tlsHandshakeTimeoutMs }, (s) => {
      const handshake = handshakes.get(peer(s));
      if (handshake) {
        handshake.deadline = 0;
        handshakes.delete(peer(s));
      }
      track(s);
      serve(s, s.alpnProtocol === "h2", true, Date.now());
    });
    // A failed handshake (or node's own handshake timeout) closes the socket: nothing else would.
    t.on("tlsClientError", (_e: Error, s: tls.TLSSocket) => s.destroy());
    return t;
  });

  const server = net.createServer((socket) => {
    track(socket);
    socket.on("error", () => socket.destroy());
    socket.setNoDelay(true);
    const acceptedAt = Date.now();
    // Until its first bytes decide the protocol, a connection has the header timeout from its accept.
    const first: Deadline = { deadline: acceptedAt + l.headersTimeoutMs, expire: () => socket.destroy() };
    deadlines.add(first);
    let key: string | undefined;
    socket.on("close", () => {
      deadlines.delete(first);
      if (key !== undefined && handshakes.get(key) === first) handshakes.delete(key);
    });
    let seen: Buffer = Buffer.alloc(0);
    let firstByteAt = 0;
    const onData = (chunk: Buffer) => {
      if (seen.length === 0) firstByteAt = Date.now();
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const isTls = seen[0] === TLS_HANDSHAKE && tlsOptions !== undefined;
      const n = Math.min(seen.length, H2_PREFACE.length);
      const isH2 = !isTls && seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (isH2 && seen.length < H2_PREFACE.length) return; // wait for the whole preface
      socket.off("data", onData);
      socket.pause();
      socket.unshift(seen);
      if (isTls) {
        // The handshake, from the accept on, must end within its timeout (however slowly its bytes come).
        first.deadline = acceptedAt + l.tlsHandshakeTimeoutMs;
        key = peer(socket);
        handshakes.set(key, first);
        tlsServer().then((t) => t.emit("connection", socket), () => socket.destroy());
        return;
      }
      // Whoever serves the socket now times it (the fast path from this first byte; HTTP/2 as a session).
      deadlines.delete(first);
      serve(socket, isH2, false, firstByteAt);
    };
    socket.on("data", onData);
  });
  // New connections past the cap are closed by node at accept; the ones already open carry on.
  server.maxConnections = l.maxConnections;
  return {
    server,
    bufferedBodyBytes: () => budget.used,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        h1.closeAllConnections();
        h1.close();
        for (const s of sockets) s.destroy();
        deadlines.close();
      }),
  };
}
