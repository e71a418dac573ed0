// One TCP listener for HTTP/1.1 and HTTP/2 cleartext with prior knowledge: the first bytes of a connection
// decide (the h2 preface starts with "PRI * HTTP/2.0"), then the socket is handed to the matching node server.
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";

export type RequestHandler = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => void;

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
const FIRST_BYTE_TIMEOUT_MS = 30_000;

export interface Front {
  server: net.Server;
  close(): Promise<void>;
}

export function createFront(handler: RequestHandler): Front {
  const h1 = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, handler);
  const h2 = http2.createServer({}, handler);
  h2.on("sessionError", () => {});
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.setNoDelay(true);
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, H2_PREFACE.length);
      const isH2 = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (isH2 && seen.length < H2_PREFACE.length) return; // wait for the whole preface
      socket.off("data", onData);
      socket.pause();
      socket.setTimeout(0);
      socket.unshift(seen);
      (isH2 ? h2 : h1).emit("connection", socket);
      // The h2 session reads the socket's native handle itself (and drains what was unshifted); resuming the JS
      // stream here would race it for those bytes and the session answers GOAWAY INTERNAL_ERROR.
      if (!isH2) socket.resume();
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
