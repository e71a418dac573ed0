// One TCP listener for HTTP/1.1, HTTP/2 cleartext with prior knowledge, and TLS: the first bytes of a
// connection decide (a TLS handshake record starts with 0x16, the h2 preface with "PRI * HTTP/2.0"). A TLS
// connection is decrypted here and its ALPN choice (h2 or http/1.1) picks the server; every socket ends up
// with the matching node server, which runs the one request handler.
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import tls from "node:tls";
import { once } from "../util/once.ts";
import type { Handler } from "./handler.ts";

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
const TLS_HANDSHAKE = 0x16;
const FIRST_BYTE_TIMEOUT_MS = 30_000;

export interface Front {
  server: net.Server;
  close(): Promise<void>;
}

/** tlsOptions: the server's certificate and key (PEM), asked for on the first TLS connection. */
export function createFront(handler: Handler, tlsOptions?: () => Promise<{ cert: string; key: string }>): Front {
  const h1 = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, handler.node);
  const h2 = http2.createServer({}, handler.node);
  h2.on("sessionError", () => {});
  const sockets = new Set<net.Socket>();

  /** Hands a (cleartext or decrypted) socket to a server; the first bytes were unshifted back onto it. */
  const serve = (socket: net.Socket, isH2: boolean) => {
    (isH2 ? h2 : h1).emit("connection", socket);
    // The h2 session reads the socket's native handle itself (and drains what was unshifted); resuming the JS
    // stream here would race it for those bytes and the session answers GOAWAY INTERNAL_ERROR.
    if (!isH2) socket.resume();
  };

  // Made on the first TLS connection; node's tls.Server does the handshake and ALPN, then serve() takes over.
  const tlsServer = once(async () => {
    const { cert, key } = await tlsOptions!();
    const t = tls.createServer({ cert, key, ALPNProtocols: ["h2", "http/1.1"] }, (s) => serve(s, s.alpnProtocol === "h2"));
    t.on("tlsClientError", () => {});
    return t;
  });

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.setNoDelay(true);
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
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
      socket.setTimeout(0);
      if (isTls) {
        tlsServer().then((t) => t.emit("connection", socket), () => socket.destroy());
        return;
      }
      serve(socket, isH2);
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
