// A lean HTTP/1.1 keep-alive client over raw sockets for load generation: node:http's client tops out
// around 22k req/s on one core (../shared/research/group-commit.md), which would measure the client.
// One request in flight per connection; each request is written with a single write() (head and body
// together), and the response is framed by content-length (the Mailroom server never chunks).
// SqsConnection adds AWS JSON 1.0 calls, unsigned (anonymous server) or SigV4-signed (./sigv4.ts).
import net from "node:net";
import { type Signer } from "./sigv4.ts";

export interface RawResponse {
  status: number;
  body: Buffer;
}

const CRLFCRLF = Buffer.from("\r\n\r\n");

export class RawConnection {
  private readonly socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  /** A response whose body is still arriving: its chunks so far, their length, and the length of head and body. */
  private chunks: Buffer[] = [];
  private have = 0;
  private need = 0;
  private waiting: ((r: RawResponse) => void) | undefined;
  private failed: ((e: Error) => void) | undefined;
  private closedError: Error | undefined;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (d) => this.onData(d));
    socket.on("error", (e) => this.fail(e));
    socket.on("close", () => this.fail(new Error("connection closed")));
  }

  static open(host: string, port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RawConnection(s)));
      s.once("error", reject);
    });
  }

  private fail(e: Error): void {
    this.closedError ??= e;
    const f = this.failed;
    this.failed = undefined;
    this.waiting = undefined;
    f?.(e);
  }

  /** Sends a ready-made request head (ending in "\r\n", without content-length) plus body. */
  request(head: string, body: string | Buffer): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      if (this.closedError) {
        reject(this.closedError);
        return;
      }
      this.waiting = resolve;
      this.failed = reject;
      if (typeof body === "string") this.socket.write(`${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      else this.socket.write(Buffer.concat([Buffer.from(`${head}content-length: ${body.length}\r\n\r\n`, "latin1"), body]));
    });
  }

  private onData(d: Buffer): void {
    // A large answer (a GetRecords page of megabytes) arrives in many chunks: they are kept in a list and joined once
    // the whole body is there, not copied onto the buffer chunk by chunk (quadratic in the answer's size).
    if (this.need > 0) {
      this.chunks.push(d);
      this.have += d.length;
      if (this.have < this.need) return;
      d = Buffer.concat(this.chunks, this.have);
      this.chunks = [];
      this.have = 0;
      this.need = 0;
    }
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    const end = this.buf.indexOf(CRLFCRLF);
    if (end < 0) return;
    const head = this.buf.toString("latin1", 0, end);
    const m = /content-length:\s*(\d+)/i.exec(head);
    const len = m ? Number(m[1]) : 0;
    if (this.buf.length < end + 4 + len) {
      this.chunks = [this.buf];
      this.have = this.buf.length;
      this.need = end + 4 + len;
      this.buf = Buffer.alloc(0);
      return;
    }
    const body = this.buf.subarray(end + 4, end + 4 + len);
    this.buf = this.buf.length === end + 4 + len ? Buffer.alloc(0) : this.buf.subarray(end + 4 + len);
    const status = Number(head.slice(9, 12));
    const w = this.waiting;
    this.waiting = undefined;
    this.failed = undefined;
    w?.({ status, body });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Request head for an unsigned SQS JSON call (the server must run in anonymous mode). */
export function sqsJsonHead(host: string, operation: string): string {
  return `POST / HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/x-amz-json-1.0\r\nx-amz-target: AmazonSQS.${operation}\r\n`;
}

export class SqsError extends Error {
  readonly status: number;
  constructor(operation: string, status: number, body: string) {
    super(`${operation}: HTTP ${status} ${body.slice(0, 300)}`);
    this.status = status;
  }
}

/** An SQS JSON-protocol connection; every request is signed when a signer is given. */
export class SqsConnection {
  readonly conn: RawConnection;
  readonly host: string;
  private readonly signer: Signer | undefined;

  private constructor(conn: RawConnection, host: string, signer: Signer | undefined) {
    this.conn = conn;
    this.host = host;
    this.signer = signer;
  }

  static async open(port: number, signer?: Signer): Promise<SqsConnection> {
    return new SqsConnection(await RawConnection.open("127.0.0.1", port), `127.0.0.1:${port}`, signer);
  }

  /** Sends a raw JSON body; resolves with the response (any status). */
  raw(operation: string, body: string): Promise<RawResponse> {
    const head = this.signer ? this.signer.head(this.host, operation, body) : sqsJsonHead(this.host, operation);
    return this.conn.request(head, body);
  }

  /** Sends a raw JSON body and returns the response body text; throws SqsError unless HTTP 200. */
  async text(operation: string, body: string): Promise<string> {
    const r = await this.raw(operation, body);
    const text = r.body.toString();
    if (r.status !== 200) throw new SqsError(operation, r.status, text);
    return text;
  }

  async call<T = Record<string, unknown>>(operation: string, input: object): Promise<T> {
    return JSON.parse(await this.text(operation, JSON.stringify(input))) as T;
  }

  close(): void {
    this.conn.close();
  }
}
