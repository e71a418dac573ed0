// node's http/http2 servers reach the transport-neutral pipeline (handler.wire) through this adapter: it reads the
// body (up to the cap, within the body timeout, counted against the buffered-bytes budget: see deadlines.ts),
// makes the abort signal on demand, and writes the Reply. Internal routes (/_mailroom/..., /_aws/...) are
// dispatched here too, each answer with a request id.
import { randomUUID } from "node:crypto";
import type http from "node:http";
import http2 from "node:http2";
import type net from "node:net";
import { AwsError, internalError } from "../protocol/errors.ts";
import { bodyTimedOut, CLOSING_TIMEOUT_MS, limitsOf, MAX_BODY_BYTES, tooLarge, type Deadline, type NodeLimits } from "./deadlines.ts";
import { Canceller } from "../util/cancel.ts";
import { pumpStream, type StreamSink } from "./stream.ts";
import type { Handler, InternalHandler, RequestHead } from "./wire.ts";

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

/** A request whose body was refused part-way (too large, over the budget, too slow): its rest is not read. */
class Refused extends Error {
  readonly err: AwsError;
  constructor(err: AwsError) {
    super(err.message);
    this.err = err;
  }
}

/** Reads the body; `held` counts the budget bytes it took (the caller gives them back once answered). */
function readBody(req: Req, limits: NodeLimits | undefined, held: { n: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: Deadline | undefined;
    const done = () => {
      if (timer) limits!.deadlines.delete(timer);
      req.off("data", onData);
      req.off("end", onEnd);
    };
    // Refused part-way: the answer goes out first; the rest of the body is read and dropped meanwhile.
    const refuse = (err: AwsError) => {
      done();
      req.resume();
      reject(new Refused(err));
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) return refuse(tooLarge());
      if (limits) {
        const over = limits.budget.take(c.length);
        if (over) return refuse(over);
        held.n += c.length;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    };
    // A declared length over the cap is refused before any of it is read (a chunked body when it passes the cap).
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) return refuse(tooLarge());
    if (limits) {
      timer = { deadline: Date.now() + limits.bodyTimeoutMs, expire: () => refuse(bodyTimedOut()) };
      limits.deadlines.add(timer);
    }
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", (e) => {
      done();
      reject(e);
    });
    // Closed before its end (the client went away): settles, so the budget bytes taken are given back.
    req.on("close", () => {
      done();
      reject(new Error("request closed before its end"));
    });
  });
}

export function serveNode(handler: Handler, internal: InternalHandler | undefined, req: Req, res: Res): void {
  const path = (req.url ?? "/").split("?")[0];
  if (internal && handler.isInternal(path)) {
    // Every internal route answers with a request id, set here once for all of them (a route's writeHead
    // headers merge with it).
    res.setHeader("x-amzn-requestid", randomUUID());
    if (internal(req, res, path)) return;
    res.removeHeader("x-amzn-requestid");
  }
  const limits = limitsOf(req);
  // Client gone: the cancel for long polls, the abort signal made only for the requests that ask for it (streams).
  const cancel = new Canceller();
  if (req.socket?.destroyed) cancel.abort();
  res.on("close", () => {
    if (!res.writableEnded) cancel.abort();
  });
  let abort: AbortController | undefined;
  const signal = () => {
    if (!abort) {
      const a = new AbortController();
      abort = a;
      if (cancel.aborted) a.abort();
      else cancel.onAbort(() => a.abort());
    }
    return abort.signal;
  };
  const head: RequestHead = { method: req.method ?? "GET", url: req.url ?? "/", rawHeaders: req.rawHeaders };
  const held = { n: 0 };
  let refused = false;
  readBody(req, limits, held)
    .then(
      (body) => handler.wire({ ...head, body, signal, cancel,
        encrypted: (req.socket as { encrypted?: boolean } | null)?.encrypted === true }),
      (e: unknown) => {
        refused = e instanceof Refused;
        return handler.reject(head, e instanceof Refused ? e.err : e instanceof AwsError ? e : internalError());
      },
    )
    .then((reply) => {
      if (held.n !== 0) limits!.budget.give(held.n);
      if (res.writableEnded || res.destroyed) {
        // The client left before the answer: a stream it will never read is stopped at once.
        if (reply.stream) void pumpStream(reply.stream, { write: () => false, drained: async () => {}, gone: () => true, end: () => {} });
        return;
      }
      if (reply.stream) {
        res.writeHead(reply.status, reply.headers);
        void pumpStream(reply.stream, nodeSink(res, limits));
        return;
      }
      // One UTF-8 encoding of the body serves both its length and the write.
      const body = typeof reply.body === "string" ? Buffer.from(reply.body, "utf8") : reply.body;
      reply.headers["content-length"] = String(body.length);
      if (refused) closeAfter(req, res, reply, limits);
      res.writeHead(reply.status, reply.headers);
      res.end(body);
    });
}

/** A streamed answer on node's http (chunked) or http2 (DATA frames) response. */
function nodeSink(res: Res, limits: NodeLimits | undefined): StreamSink {
  // An HTTP/2 compat response's backpressure is its stream's.
  const writable = ((res as http2.Http2ServerResponse).stream ?? res) as NodeJS.WritableStream & { destroyed?: boolean };
  let closed = false;
  res.once("close", () => (closed = true));
  return {
    write: (chunk) => (res as http.ServerResponse).write(chunk),
    drained: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        // A client that stops reading its stream is timed like an idle connection (ADR 0014: never the server's
        // time to produce the stream, only the client's to take it): then the answer (HTTP/2: the stream) is closed.
        const stalled: Deadline | undefined = limits?.idleTimeoutMs === undefined
          ? undefined
          : { deadline: Date.now() + limits.idleTimeoutMs, expire: () => res.destroy() };
        if (stalled) limits!.deadlines.add(stalled);
        const done = () => {
          if (stalled) limits!.deadlines.delete(stalled);
          writable.off("drain", done);
          res.off("close", done);
          resolve();
        };
        writable.on("drain", done);
        res.on("close", done);
      }),
    gone: () => closed || res.destroyed || writable.destroyed === true,
    end: () => res.end(),
  };
}

/** After the answer to a request whose body was not read to its end, the connection (HTTP/1.1) or the stream
 *  (HTTP/2) goes: the rest of the body could be anything up to endless, so it is not drained for the next request. */
function closeAfter(req: Req, res: Res, reply: { headers: Record<string, string> }, limits: NodeLimits | undefined): void {
  if (req.httpVersionMajor === 2) {
    // RFC 9113 §8.1: a complete response before the whole request, then RST_STREAM NO_ERROR.
    const stream = (res as http2.Http2ServerResponse).stream;
    // (the stream's own finish: the compat response's comes only once the whole stream has closed)
    stream.once("finish", () => {
      if (!stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
    });
    return;
  }
  reply.headers.connection = "close";
  // node's http server destroys a `connection: close` socket as soon as the answer is written; with the client
  // still sending, that resets the connection, and the client may lose the answer before reading it. Instead: end
  // our side, read and drop what still comes (node's parser no longer sees it), and destroy on the client's close
  // or after the closing timeout.
  const socket = req.socket as net.Socket;
  socket.destroySoon = () => {
    socket.removeAllListeners("data");
    socket.on("data", () => {});
    socket.resume();
    socket.end();
    const linger: Deadline = { deadline: Date.now() + CLOSING_TIMEOUT_MS, expire: () => socket.destroy() };
    if (limits) {
      limits.deadlines.add(linger);
      socket.once("close", () => limits.deadlines.delete(linger));
    } else {
      setTimeout(() => socket.destroy(), CLOSING_TIMEOUT_MS).unref();
    }
  };
}
