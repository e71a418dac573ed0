// One TCP listener for HTTP/1.1, HTTP/2 cleartext with prior knowledge, and TLS: the first bytes of a
// connection decide (a TLS handshake record starts with 0x16, the h2 preface with "PRI * HTTP/2.0"). A TLS
// connection is decrypted here and its ALPN choice (h2 or http/1.1) picks the server. HTTP/1.1 (cleartext or
// decrypted) goes to the fast path (http1.ts), which hands a connection on to node's http server at the first
// request it leaves to node; HTTP/2 goes to node's http2 server. All of them run the one request handler.
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import tls from "node:tls";
import { once } from "../util/once.ts";
import type { Handler } from "./handler.ts";
import { createHttp1 } from "./http1.ts";

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
const TLS_HANDSHAKE = 0x16;
const FIRST_BYTE_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface Front {
  server: net.Server;
  close(): Promise<void>;
}

/** tlsOptions: the server's certificate and key (PEM), asked for on the first TLS connection. */
export function createFront(handler: Handler, tlsOptions?: () => Promise<{ cert: string; key: string }>): Front {
  const h1 = http.createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, requestTimeout: 0 }, handler.node);
  const h2 = http2.createServer({}, handler.node);
  h2.on("sessionError", () => {});
  // Every raw socket, and the decrypted ones on top of TLS: close() ends them whichever server has them.
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  // The fast path gives node's h1 server the connections it does not serve itself (their unparsed bytes unshifted).
  const http1 = createHttp1(handler, (socket) => h1.emit("connection", socket), { keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS });

  /** Hands a (cleartext or decrypted) socket to a server; the first bytes were unshifted back onto it. */
  const serve = (socket: net.Socket, isH2: boolean, encrypted: boolean) => {
    // The h2 session reads the socket's native handle itself (and drains what was unshifted), so nothing resumes
    // the JS stream for it: that would race the session for those bytes (it answers GOAWAY INTERNAL_ERROR). The
    // fast path reads the JS stream and resumes it itself.
    if (isH2) h2.emit("connection", socket);
    else http1(socket, encrypted);
  };

  // Made on the first TLS connection; node's tls.Server does the handshake and ALPN, then serve() takes over.
  const tlsServer = once(async () => {
    const { cert, key } = await tlsOptions!();
    const t = tls.createServer({ cert, key, ALPNProtocols: ["h2", "http/1.1"] }, (s) => {
      track(s);
      serve(s, s.alpnProtocol === "h2", true);
    });
    t.on("tlsClientError", () => {});
    return t;
  });

  const server = net.createServer((socket) => {
    track(socket);
    socket.on("error", () => socket.destroy());
    socket.setNoDelay(true);
    const firstByteTimeout = () => socket.destroy();
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, firstByteTimeout);
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const isTls = seen[0] === TLS_HANDSHAKE && tlsOptions !== undefined;
      const n = Math.min(seen.length, H2_PREFACE.length);
      const isH2 = !isTls && seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (isH2 && seen.length < H2_PREFACE.length) return; // wait for the whole preface
      socket.off("data", onData);
      socket.pause();
      socket.unshift(seen);
      // The listener goes too: whoever serves the socket now sets its own timeouts (keep-alive, not first byte).
      socket.setTimeout(0, firstByteTimeout);
      if (isTls) {
        tlsServer().then((t) => t.emit("connection", socket), () => socket.destroy());
        return;
      }
      serve(socket, isH2, false);
    };
    socket.on("data", onData);
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        h1.closeAllConnections();
        for (const s of sockets) s.destroy();
      }),
  };
}
