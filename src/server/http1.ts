// The HTTP/1.1 fast path: a connection handler on a raw socket that parses requests itself and calls the
// transport-neutral pipeline (handler.wire), because node's http server costs more CPU per request (its
// IncomingMessage/ServerResponse streams) than the rest of a SendMessage. It does only the common case —
// HTTP/1.1 requests framed by Content-Length — and hands the connection to node's http server, for good, at
// the first request it leaves to node: chunked bodies, Expect, Upgrade, other HTTP versions, internal routes
// (they need node's req/res) and framing it does not judge itself. Answers go out in request order, each as
// one write, so pipelined requests work.
// Deadlines (ADR 0014): each connection holds one absolute deadline for the phase it is in — the head of the next
// request (from its first byte), its body (from the end of its head), idle between requests, a client not reading
// its answers, closing — set once when the phase begins (so a client sending a byte at a time cannot extend it)
// and checked by the front's one interval timer; while the server works on a request (a long poll) there is none.
import { STATUS_CODES } from "node:http";
import type net from "node:net";
import type { AwsError } from "../protocol/errors.ts";
import { BodyBudget, bodyTimedOut, CLOSING_TIMEOUT_MS, Deadlines, MAX_BODY_BYTES, tooLarge, type Deadline } from "./deadlines.ts";
import { type Cancel, Canceller } from "../util/cancel.ts";
import type { Handler, Reply, WireRequest } from "./handler.ts";
import { pumpStream } from "./stream.ts";

/** Node's default for http.Server that the fast path mirrors: maxHeaderSize. */
const MAX_HEAD_BYTES = 16 * 1024;
/** Requests parsed ahead of their answers on one connection; beyond that the socket is paused. */
const MAX_PIPELINE = 32;
const EMPTY = Buffer.alloc(0);
const CRLF2 = Buffer.from("\r\n\r\n");
const LF2 = Buffer.from("\n\n");

export interface Http1Options {
  /** Idle keep-alive connections close after this long without a request (node's keepAliveTimeout). */
  keepAliveTimeoutMs?: number;
  /** A request's head must be complete this long after its first byte (else 408 and close). */
  headersTimeoutMs?: number;
  /** A request's body must be complete this long after its head (else RequestTimeout and close). */
  bodyTimeoutMs?: number;
  /** The front's deadline checker and body budget (else the fast path makes its own). */
  deadlines?: Deadlines;
  budget?: BodyBudget;
}

interface Shared {
  deadlines: Deadlines;
  budget: BodyBudget;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  idleTimeoutMs: number;
}

/** What a connection's deadline is for (Connection.phase). */
const NONE = 0;
const HEAD = 1;
const BODY = 2;
const IDLE = 3;
const STALLED = 4;
const CLOSING = 5;

/** tchar (RFC 9110 §5.6.2) by character code, for methods and header names. */
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN[c.charCodeAt(0)] = 1;

/** By byte: 1 for a control character refused in a header value or the target (all but HTAB; DEL too). A table
 *  lookup per byte is the cheapest check measured (cheaper than comparisons or a regular expression). */
const CONTROL = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) CONTROL[c] = c === 0x09 ? 0 : 1;
CONTROL[0x7f] = 1;

// The Date header, made at most once a second (as node's http server caches it).
let cachedDate: string | undefined;
function httpDate(): string {
  if (cachedDate === undefined) {
    const d = new Date();
    cachedDate = d.toUTCString();
    setTimeout(() => (cachedDate = undefined), 1000 - d.getMilliseconds()).unref();
  }
  return cachedDate;
}

/** The whole answer as one buffer: status line, headers, content-length, date, connection, body. */
function encode(status: number, headers: Record<string, string>, body: string | Buffer, close: boolean, omitBody: boolean): Buffer {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Unknown"}\r\n`;
  for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
  const length = typeof body === "string" ? Buffer.byteLength(body, "utf8") : body.length;
  head += `content-length: ${length}\r\ndate: ${httpDate()}\r\nconnection: ${close ? "close" : "keep-alive"}\r\n\r\n`;
  if (omitBody) return Buffer.from(head, "latin1");
  const out = Buffer.allocUnsafe(head.length + length);
  out.write(head, 0, "latin1");
  if (typeof body === "string") out.write(body, head.length, "utf8");
  else body.copy(out, head.length);
  return out;
}

/** The head of a streamed answer (Reply.stream): chunked transfer coding, no content length. */
function encodeStreamHead(status: number, headers: Record<string, string>, close: boolean): Buffer {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Unknown"}\r\n`;
  for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
  head += `transfer-encoding: chunked\r\ndate: ${httpDate()}\r\nconnection: ${close ? "close" : "keep-alive"}\r\n\r\n`;
  return Buffer.from(head, "latin1");
}

/** One request on a connection, from its parse until its answer is written: the pipeline's WireRequest. */
class Exchange extends Canceller implements WireRequest {
  /** The encoded answer, once the pipeline has given it (a streamed answer: its head). */
  out: Buffer | undefined;
  /** A streamed answer's chunks (Reply.stream), written after `out` until they end. */
  stream: AsyncIterable<Uint8Array> | undefined;
  abortSignal: AbortController | undefined;
  readonly conn: Connection;
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: string[];
  readonly body: Buffer;
  readonly encrypted: boolean;
  /** Close the connection after this answer (Connection: close, or a refused request). */
  readonly close: boolean;
  /** Bytes of the body budget this request holds until answered. */
  reserved = 0;
  constructor(conn: Connection, method: string, url: string, rawHeaders: string[], body: Buffer, encrypted: boolean, close: boolean) {
    super();
    this.conn = conn;
    this.method = method;
    this.url = url;
    this.rawHeaders = rawHeaders;
    this.body = body;
    this.encrypted = encrypted;
    this.close = close;
  }
  /** The request itself tells its long poll that the client went away (onClose aborts it). */
  get cancel(): Cancel {
    return this;
  }
  // Arrow properties: the pipeline destructures signal, and the promise calls done, without this.
  signal = (): AbortSignal => {
    if (!this.abortSignal) {
      this.abortSignal = new AbortController();
      if (this.conn.closed) this.abortSignal.abort();
    }
    return this.abortSignal.signal;
  };
  done = (reply: Reply): void => {
    if (this.reserved !== 0) {
      this.conn.budget.give(this.reserved);
      this.reserved = 0;
    }
    if (this.conn.closed) {
      if (reply.stream) void pumpStream(reply.stream, { write: () => false, drained: async () => {}, gone: () => true, end: () => {} });
      return;
    }
    if (reply.stream && this.method !== "HEAD") {
      this.stream = reply.stream;
      this.out = encodeStreamHead(reply.status, reply.headers, this.close);
    } else {
      this.out = encode(reply.status, reply.headers, reply.body, this.close, this.method === "HEAD");
    }
    this.conn.flush();
  };
}

class Connection implements Deadline {
  closed = false;
  /** When the current phase ends (0: none); set by rearm(), checked by the front's Deadlines. */
  deadline = 0;
  private phase = NONE;
  /** Heads parsed on this connection: the key that makes each phase's deadline begin once per request. */
  private heads = 0;
  private headFor = 0;
  private headAt: number;
  private idleFor = -1;
  private idleAt = 0;
  private stallFor = -1;
  private stallAt = 0;
  private bodyAt = 0;
  /** Budget bytes held for the body being filled. */
  private reserved = 0;
  readonly budget: BodyBudget;
  private readonly shared: Shared;
  /** Requests parsed and not yet answered, oldest first; their answers are written in this order. */
  private readonly queue: Exchange[] = [];
  /** Received bytes not yet parsed; they start at a request boundary (or inside a head). */
  private buf: Buffer = EMPTY;
  /** A body being filled across packets (its request's head already parsed into the fields below). */
  private body: Buffer | undefined;
  private filled = 0;
  /** Where the search for the end of an incomplete head in buf resumes (the bytes before were searched). */
  private scanned = 0;
  /** Parsing stopped: "pipeline" (too many answers pending or the socket is backed up), "handoff" (the next
   *  request goes to node once the pending answers are out), "closing" (no more requests on this connection). */
  private stopped: "" | "pipeline" | "handoff" | "closing" = "";
  /** A streamed answer being written (it stays at the head of the queue until its chunks end). */
  private streaming: Exchange | undefined;
  private handedOff = false;
  // The head just parsed (fields rather than an object: no allocation per request).
  private method = "";
  private url = "";
  private rawHeaders: string[] = [];
  private contentLength = 0;
  private close = false;

  private readonly socket: net.Socket;
  private readonly handler: Handler;
  private readonly handoffTo: (socket: net.Socket) => void;
  private readonly encrypted: boolean;

  constructor(socket: net.Socket, handler: Handler, handoffTo: (socket: net.Socket) => void, encrypted: boolean, shared: Shared, startedAt: number) {
    this.socket = socket;
    this.handler = handler;
    this.handoffTo = handoffTo;
    this.encrypted = encrypted;
    this.shared = shared;
    this.budget = shared.budget;
    // The first request's head is timed from the connection's first byte (or the end of its TLS handshake).
    this.headAt = startedAt + shared.headersTimeoutMs;
    shared.deadlines.add(this);
    this.rearm();
  }

  // Listeners, one set per connection.
  readonly onData = (chunk: Buffer): void => {
    if (this.stopped === "closing") return; // no more requests: read and drop what still comes
    this.receive(chunk);
    this.rearm();
  };
  private receive(chunk: Buffer): void {
    if (this.body !== undefined) {
      const n = Math.min(chunk.length, this.body.length - this.filled);
      chunk.copy(this.body, this.filled, 0, n);
      this.filled += n;
      if (this.filled < this.body.length) return;
      const body = this.body;
      const reserved = this.reserved;
      this.body = undefined;
      this.reserved = 0;
      if (!this.dispatch(body, reserved) || n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    // While stopped for the pipeline or a handoff the bytes only wait (they belong to a later request).
    if (this.stopped === "") this.parse();
  }

  /** Sets the deadline of the phase the connection is in; a phase's deadline is set once per request. */
  private rearm(): void {
    if (this.closed || this.handedOff || this.stopped === "closing") return;
    const k = this.heads;
    const busy = this.queue.length > 0;
    if (this.body !== undefined) {
      this.phase = BODY;
      this.deadline = this.bodyAt;
    } else if (this.stopped !== "" || (this.streaming !== undefined && this.socket.writableNeedDrain)) {
      // Stopped for the pipeline or a handoff: only a client not reading its answers is to blame.
      if (this.socket.writableNeedDrain) {
        if (this.stallFor !== k) {
          this.stallFor = k;
          this.stallAt = Date.now() + this.shared.idleTimeoutMs;
        }
        this.phase = STALLED;
        this.deadline = this.stallAt;
      } else {
        this.phase = NONE;
        this.deadline = 0;
      }
    } else if (this.buf.length > 0 || (k === 0 && !busy)) {
      // Part of the next head is here (or the first has not come yet): timed from its first byte.
      if (this.headFor !== k) {
        this.headFor = k;
        this.headAt = Date.now() + this.shared.headersTimeoutMs;
      }
      this.phase = HEAD;
      this.deadline = this.headAt;
    } else if (busy) {
      // The server works on a request (a long poll may take 20 s): no deadline on the client.
      this.phase = NONE;
      this.deadline = 0;
    } else {
      if (this.idleFor !== k) {
        this.idleFor = k;
        this.idleAt = Date.now() + this.shared.idleTimeoutMs;
      }
      this.phase = IDLE;
      this.deadline = this.idleAt;
    }
  }

  /** The deadline of the phase passed. */
  expire(): void {
    if (this.closed || this.handedOff) return;
    switch (this.phase) {
      case HEAD:
        this.refuse(408); // as node's http server answers its headersTimeout
        break;
      case BODY:
        this.refuse(408, bodyTimedOut());
        break;
      case IDLE:
      case STALLED:
      case CLOSING:
        this.socket.destroy();
        break;
    }
  }

  readonly onClose = (): void => {
    this.closed = true;
    this.deadline = 0;
    this.shared.deadlines.delete(this);
    this.dropBody();
    // The client went away before these answers were written: abort what listens (long polls), drop the rest.
    // A client's FIN counts as going away too (the front's sockets are not half-open; node's http server treats
    // a FIN the same way by default), which is how a long poll learns its client closed the connection.
    for (const x of this.queue) {
      x.abort();
      x.abortSignal?.abort();
    }
    this.queue.length = 0;
    this.buf = EMPTY;
    this.body = undefined;
  };
  readonly onDrain = (): void => {
    if (this.stopped === "pipeline") this.unblock();
    this.rearm();
  };

  /** Gives back the budget of a body being filled, which will not be answered. */
  private dropBody(): void {
    this.body = undefined;
    if (this.reserved !== 0) {
      this.budget.give(this.reserved);
      this.reserved = 0;
    }
  }

  /** Parses every complete request in buf, dispatching each, until it runs out of bytes or has to stop. */
  private parse(): void {
    const buf = this.buf;
    let pos = 0;
    while (pos < buf.length && this.stopped === "") {
      if (this.queue.length >= MAX_PIPELINE || this.socket.writableNeedDrain) {
        this.stopped = "pipeline";
        this.socket.pause();
        break;
      }
      // Empty lines before a request line are ignored (RFC 9112 §2.2).
      while (pos + 1 < buf.length && buf[pos] === 13 && buf[pos + 1] === 10) pos += 2;
      if (pos >= buf.length) break;
      // A head arriving in pieces is searched only where its end can be (not again from its start each time).
      const from = Math.max(pos, this.scanned);
      const end = buf.indexOf(CRLF2, from);
      if (end < 0 || end + 4 - pos > MAX_HEAD_BYTES) {
        if (buf.length - pos > MAX_HEAD_BYTES) this.refuse(431);
        // Bare-LF line ends: node's parser judges those.
        else if (buf.indexOf(LF2, from) >= 0) this.stopForNode(buf, pos);
        else this.scanned = buf.length - 3; // as an offset in this.buf once it starts at pos (below)
        break;
      }
      this.scanned = 0;
      const verdict = this.head(buf, pos, end);
      if (verdict === NODE) {
        this.stopForNode(buf, pos);
        break;
      }
      if (verdict !== 0) {
        this.refuse(verdict, verdict === 413 ? tooLarge() : undefined);
        break;
      }
      this.heads++;
      pos = end + 4;
      const length = this.contentLength;
      // The body's bytes count against the budget across all connections until the request is answered.
      const refused = length === 0 ? undefined : this.budget.take(length);
      if (refused) {
        this.refuse(refused.status, refused);
        break;
      }
      if (buf.length - pos >= length) {
        this.dispatch(length === 0 ? EMPTY : buf.subarray(pos, pos + length), length);
        pos += length;
      } else {
        // The body comes in later packets: fill one buffer of its length rather than concatenating each time.
        this.body = Buffer.allocUnsafe(length);
        this.reserved = length;
        this.bodyAt = Date.now() + this.shared.bodyTimeoutMs;
        this.filled = buf.copy(this.body, 0, pos);
        pos = buf.length;
      }
    }
    if (this.stopped === "" || this.stopped === "pipeline") {
      this.buf = pos >= buf.length ? EMPTY : buf.subarray(pos);
      this.scanned = Math.max(0, this.scanned - pos);
    }
  }

  /** Parses the head in buf[start, end) into the fields; 0 (fast path), NODE (hand off), or a refusal's status.
   *  Character checks read the buffer's bytes (a third of the cost of charCodeAt on the string); the string,
   *  decoded once, gives the slices (latin1: string index = byte offset - start). */
  private head(buf: Buffer, start: number, end: number): number {
    // Every byte is checked once, by the part it belongs to: method and names are tokens, the target and the
    // values hold no control characters (but HTAB in values; node's parser refuses them too), the version is
    // exact, and lines are split at CRLF (so a bare CR or LF lands in one of those parts and is refused).
    const h = buf.toString("latin1", start, end);
    const sp1 = h.indexOf(" ");
    const lineEnd = h.indexOf("\r\n");
    const reqEnd = lineEnd < 0 ? h.length : lineEnd;
    const sp2 = sp1 < 0 ? -1 : h.indexOf(" ", sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || sp2 >= reqEnd || sp2 === sp1 + 1) return 400;
    if (!isToken(buf, start, start + sp1)) return 400;
    for (let i = start + sp1 + 1; i < start + sp2; i++) {
      const c = buf[i];
      if (c === 0x09 || CONTROL[c] !== 0) return 400;
      if (c >= 0x80) return NODE; // raw non-ASCII in the target: node's parser judges it
    }
    // Only HTTP/1.1 here; HTTP/1.0 (no keep-alive by default) and anything else go to node, which knows them.
    if (reqEnd - sp2 - 1 !== 8 || !h.startsWith("HTTP/1.1", sp2 + 1)) return NODE;
    const method = h.slice(0, sp1);
    if (method === "CONNECT") return NODE;
    const url = h.slice(sp1 + 1, sp2);
    const q = url.indexOf("?");
    if (this.handler.isInternal(q < 0 ? url : url.slice(0, q))) return NODE;

    const raw: string[] = [];
    let contentLength = -1;
    let close = false;
    let host = false;
    let at = reqEnd + 2;
    while (at < h.length) {
      let eol = h.indexOf("\r\n", at);
      if (eol < 0) eol = h.length;
      const first = h.charCodeAt(at);
      if (first === 0x20 || first === 0x09) return NODE; // obs-fold: a continuation line
      const colon = h.indexOf(":", at);
      // No name, no colon on this line, or a name that is not a token (whitespace before the colon included).
      if (colon <= at || colon >= eol || !isToken(buf, start + at, start + colon)) return 400;
      let vs = colon + 1;
      let ve = eol;
      while (vs < ve && (buf[start + vs] === 0x20 || buf[start + vs] === 0x09)) vs++;
      while (ve > vs && (buf[start + ve - 1] === 0x20 || buf[start + ve - 1] === 0x09)) ve--;
      for (let i = start + vs; i < start + ve; i++) if (CONTROL[buf[i]] !== 0) return 400;
      const name = h.slice(at, colon);
      const value = h.slice(vs, ve);
      raw.push(name, value);
      // The headers that shape framing or the connection: found by length first, then compared without case
      // in place (no lowercased copy of any name).
      const n = start + at;
      switch (colon - at) {
        case 4:
          if (named(buf, n, "host")) host = true;
          break;
        case 6:
          if (named(buf, n, "expect")) return NODE;
          break;
        case 7:
          if (named(buf, n, "upgrade")) return NODE;
          break;
        case 10:
          if (named(buf, n, "connection") && hasToken(value, "close")) close = true;
          break;
        case 14:
          if (named(buf, n, "content-length")) {
            const length = digits(value);
            if (length < 0 || (contentLength >= 0 && length !== contentLength)) return 400;
            contentLength = length;
          }
          break;
        case 17:
          if (named(buf, n, "transfer-encoding")) return NODE;
          break;
      }
      at = eol + 2;
    }
    // HTTP/1.1 requires Host; node answers its absence (and the details of that answer are its own).
    if (!host) return NODE;
    this.method = method;
    this.url = url;
    this.rawHeaders = raw;
    this.contentLength = contentLength < 0 ? 0 : contentLength;
    this.close = close;
    return contentLength > MAX_BODY_BYTES ? 413 : 0;
  }

  /** Starts the request just parsed (holding `reserved` bytes of the budget); false when it is the connection's last. */
  private dispatch(body: Buffer, reserved: number): boolean {
    const x = new Exchange(this, this.method, this.url, this.rawHeaders, body, this.encrypted, this.close);
    x.reserved = reserved;
    this.queue.push(x);
    if (x.close) this.closing();
    this.handler.wire(x).then(x.done);
    return !x.close;
  }

  /** Writes every answer at the head of the queue that is ready; then carries on what waited for them. */
  flush(): void {
    const q = this.queue;
    if (this.closed || q.length === 0 || q[0].out === undefined) return;
    const s = this.socket;
    // Several answers ready at once (pipelining) leave in one writev.
    const corked = q.length > 1 && q[1].out !== undefined;
    if (corked) s.cork();
    while (q.length > 0 && q[0].out !== undefined) {
      if (q[0].stream) {
        this.startStream(q[0]);
        break;
      }
      const x = q.shift()!;
      s.write(x.out!);
      if (x.close) {
        q.length = 0;
        s.end();
        this.phase = CLOSING;
        this.deadline = Date.now() + CLOSING_TIMEOUT_MS;
        break;
      }
    }
    if (corked) s.uncork();
    if (this.stopped === "handoff" && q.length === 0) this.handoff();
    else if (this.stopped === "pipeline" && !s.writableNeedDrain) this.unblock();
    this.rearm();
  }

  /** Writes a streamed answer's head, then its chunks (chunked coding) as they come; the answers after it wait. */
  private startStream(x: Exchange): void {
    const s = this.socket;
    s.write(x.out!);
    x.out = undefined;
    this.streaming = x;
    const chunks = x.stream!;
    x.stream = undefined;
    void pumpStream(chunks, {
      write: (chunk) => {
        if (chunk.length === 0) return true; // an empty chunk would end the coding
        s.cork();
        s.write(`${chunk.length.toString(16)}\r\n`, "latin1");
        s.write(chunk);
        const ok = s.write("\r\n", "latin1");
        s.uncork();
        if (!ok) this.rearm(); // a client not reading its stream is timed (STALLED)
        return ok;
      },
      drained: () =>
        new Promise<void>((resolve) => {
          if (this.closed) return resolve();
          const done = () => {
            s.off("drain", done);
            s.off("close", done);
            resolve();
          };
          s.on("drain", done);
          s.on("close", done);
        }),
      gone: () => this.closed,
      end: () => {
        this.streaming = undefined;
        if (this.queue[0] === x) this.queue.shift();
        s.write("0\r\n\r\n", "latin1");
        if (x.close) {
          this.queue.length = 0;
          s.end();
          this.phase = CLOSING;
          this.deadline = Date.now() + CLOSING_TIMEOUT_MS;
          return;
        }
        this.flush();
        if (this.stopped === "handoff" && this.queue.length === 0) this.handoff();
        else if (this.stopped === "pipeline" && !s.writableNeedDrain) this.unblock();
        this.rearm();
      },
    });
  }

  private unblock(): void {
    if (this.queue.length >= MAX_PIPELINE) return;
    this.stopped = "";
    this.socket.resume();
    if (this.buf.length > 0) this.parse();
  }

  /** The request at pos goes to node: now if nothing is pending, else once the pending answers are written. */
  private stopForNode(buf: Buffer, pos: number): void {
    this.buf = buf.subarray(pos);
    this.stopped = "handoff";
    this.socket.pause();
    if (this.queue.length === 0) this.handoff();
  }

  private handoff(): void {
    if (this.handedOff || this.closed) return;
    this.handedOff = true;
    const s = this.socket;
    s.pause();
    s.off("data", this.onData);
    s.off("close", this.onClose);
    s.off("drain", this.onDrain);
    // node's http server times the connection from here (its headersTimeout, requestTimeout, keepAliveTimeout).
    this.deadline = 0;
    this.shared.deadlines.delete(this);
    if (this.buf.length > 0) s.unshift(this.buf);
    this.buf = EMPTY;
    this.handoffTo(s);
    s.resume();
  }

  /** Answers a request the fast path refuses (after the answers before it) and closes the connection: with the
   *  AWS error of the protocol its head names (and a request id) when there is a head, else bare, as node does. */
  private refuse(status: number, err?: AwsError): void {
    const x = new Exchange(this, "", "", [], EMPTY, this.encrypted, true);
    if (err) {
      const r = this.handler.reject({ method: this.method, url: this.url, rawHeaders: this.rawHeaders }, err);
      x.out = encode(r.status, r.headers, r.body, true, this.method === "HEAD");
    } else {
      x.out = encode(status, {}, "", true, false);
    }
    this.queue.push(x);
    this.closing();
    this.flush();
  }

  /** No more requests on this connection: what else arrives is read and dropped (until the closing deadline). */
  private closing(): void {
    this.stopped = "closing";
    this.buf = EMPTY;
    this.dropBody();
    this.phase = NONE;
    this.deadline = 0;
  }
}

/** head()'s verdict for a request that goes to node's http server. */
const NODE = -1;

/** Whether the header name at buf[at] (a token, as checked) is `lower` in any case: OR-ing 0x20 lowercases a
 *  letter and keeps "-"; no other token character turns into either. */
function named(buf: Buffer, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) if ((buf[at + i] | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

function isToken(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (c >= 128 || TOKEN[c] === 0) return false;
  }
  return true;
}

/** A Content-Length value: digits only (no sign, no list); -1 if not. Values past 2^53 are not kept exactly
 *  but stay over the body limit. */
function digits(v: string): number {
  if (v.length === 0) return -1;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Whether a comma-separated header value (Connection) holds a token, case-insensitively. */
function hasToken(value: string, token: string): boolean {
  for (const part of value.split(",")) if (part.trim().toLowerCase() === token) return true;
  return false;
}

/**
 * Makes the fast path's connection handler. handoff gives a socket to node's http server (its not-yet-parsed
 * bytes were unshifted back onto it); serve takes a socket whose first bytes (if any were read) were unshifted.
 */
export function createHttp1(handler: Handler, handoff: (socket: net.Socket) => void, options: Http1Options = {}) {
  const timeouts = {
    idleTimeoutMs: options.keepAliveTimeoutMs ?? 65_000,
    headersTimeoutMs: options.headersTimeoutMs ?? 10_000,
    bodyTimeoutMs: options.bodyTimeoutMs ?? 60_000,
  };
  const shared: Shared = {
    ...timeouts,
    deadlines: options.deadlines ?? Deadlines.for({ ...timeouts, tlsHandshakeTimeoutMs: timeouts.headersTimeoutMs }),
    budget: options.budget ?? new BodyBudget(Number.MAX_SAFE_INTEGER),
  };
  /** startedAt: when the connection's first byte came (or its TLS handshake ended): the first head is timed from it. */
  return function serve(socket: net.Socket, encrypted: boolean, startedAt = Date.now()): void {
    const c = new Connection(socket, handler, handoff, encrypted, shared, startedAt);
    socket.on("data", c.onData);
    socket.on("close", c.onClose);
    socket.on("drain", c.onDrain);
    socket.on("error", () => socket.destroy());
    socket.resume();
  };
}
