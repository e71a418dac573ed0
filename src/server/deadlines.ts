// What every connection path (the HTTP/1.1 fast path, node's http and http2 servers, TLS handshakes) shares to
// bound what a client can hold (ADR 0014): absolute deadlines checked by one interval timer per front (no timer
// per byte, none per request: a deadline is a number a connection sets when it changes phase), the budget of
// body bytes buffered across all connections, and the limits node's servers read off a request.
import { AwsError } from "../protocol/errors.ts";

export interface ConnectionLimits {
  /** A request's head (request line and headers) must arrive within this long of its first byte. */
  headersTimeoutMs: number;
  /** A request's body must arrive within this long of the end of its head. */
  bodyTimeoutMs: number;
  /** A keep-alive connection (or HTTP/2 session) with no request in flight closes after this long. */
  idleTimeoutMs: number;
  /** A TLS handshake must complete within this long of the connection's accept. */
  tlsHandshakeTimeoutMs: number;
  /** Accepted connections beyond this many are closed at once; existing ones carry on. */
  maxConnections: number;
  /** Request body bytes held across all connections (from arrival until answered); a request that would pass it is refused. */
  maxBufferedBodyBytes: number;
}

/** The most one request body may hold (before any per-operation limit): node's adapter and the fast path. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** How long a connection whose close was asked for (or that was refused) may take to go away. */
export const CLOSING_TIMEOUT_MS = 5_000;

/** One thing with a deadline: a connection, a handshake, a body being read. 0 means none. */
export interface Deadline {
  deadline: number;
  /** Called once the deadline has passed (deadline is reset to 0 before the call). */
  expire(): void;
}

/** Every live deadline, checked by one interval timer (unref'd, running only while something is registered). */
export class Deadlines {
  private readonly entries = new Set<Deadline>();
  private timer: NodeJS.Timeout | undefined;
  readonly tickMs: number;

  constructor(tickMs: number) {
    this.tickMs = tickMs;
  }

  /** The tick for a set of limits: a tenth of the shortest timeout, between 10 ms and 1 s. */
  static for(l: Pick<ConnectionLimits, "headersTimeoutMs" | "bodyTimeoutMs" | "idleTimeoutMs" | "tlsHandshakeTimeoutMs">): Deadlines {
    const shortest = Math.min(l.headersTimeoutMs, l.bodyTimeoutMs, l.idleTimeoutMs, l.tlsHandshakeTimeoutMs);
    return new Deadlines(Math.max(10, Math.min(1000, Math.floor(shortest / 10))));
  }

  add(e: Deadline): void {
    this.entries.add(e);
    if (this.timer === undefined) {
      this.timer = setInterval(this.check, this.tickMs);
      this.timer.unref();
    }
  }

  delete(e: Deadline): void {
    this.entries.delete(e);
    if (this.entries.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private readonly check = (): void => {
    const now = Date.now();
    for (const e of this.entries) {
      if (e.deadline !== 0 && e.deadline <= now) {
        e.deadline = 0;
        try {
          e.expire();
        } catch {
          // one connection's failure to close must not stop the others' deadlines
        }
      }
    }
  };

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.entries.clear();
  }
}

/** Body bytes held across all connections: taken when a body (or a chunk of it) arrives, given back once answered. */
export class BodyBudget {
  used = 0;
  readonly cap: number;
  constructor(cap: number) {
    this.cap = cap;
  }
  /** Takes n bytes: undefined when they fit, else the AWS error that refuses the request. */
  take(n: number): AwsError | undefined {
    if (this.used + n <= this.cap) {
      this.used += n;
      return undefined;
    }
    // A body that could never fit is too large; one that does not fit now is a temporary failure the SDKs retry.
    return n > this.cap ? tooLarge() : busy();
  }
  give(n: number): void {
    this.used -= n;
  }
}

/** What node's servers (through node-adapter.ts) read off a request: front.ts attaches it, see attachLimits. */
export interface NodeLimits {
  deadlines: Deadlines;
  budget: BodyBudget;
  bodyTimeoutMs: number;
  /** A streamed answer (server/stream.ts) whose client stops reading it is closed after this long. */
  idleTimeoutMs?: number;
}

const LIMITS = Symbol("mailroom.connectionLimits");

/** Attaches the front's limits to a request from node's http or http2 server, before the handler sees it. */
export function attachLimits(req: object, limits: NodeLimits): void {
  (req as { [LIMITS]?: NodeLimits })[LIMITS] = limits;
}

export function limitsOf(req: object): NodeLimits | undefined {
  return (req as { [LIMITS]?: NodeLimits })[LIMITS];
}

/** 413 for a body over MAX_BODY_BYTES (or over the whole buffered-bytes budget). */
export function tooLarge(message = "Request body is too large."): AwsError {
  return new AwsError("RequestEntityTooLarge", message, { status: 413 });
}

/** The buffered-bytes budget is spent: AWS's temporary-failure answer (Common Errors, ServiceUnavailable, 503), retried by the SDKs. */
export function busy(): AwsError {
  return new AwsError("ServiceUnavailable", "The request has failed due to a temporary failure of the server.", { status: 503, sender: false });
}

/** The body did not arrive within the body timeout. RequestTimeout is the code S3 documents for a client that
 *  stops sending (S3 API reference, "Error responses"; S3 answers it with 400, Mailroom with HTTP's 408 as node's
 *  server does); the SDKs count the code as transient and retry. */
export function bodyTimedOut(): AwsError {
  return new AwsError("RequestTimeout", "Your socket connection to the server was not read from or written to within the timeout period.", { status: 408 });
}
