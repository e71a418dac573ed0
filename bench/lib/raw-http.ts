// A lean HTTP/1.1 keep-alive client over raw sockets for load generation: node:http's client tops out
// around 22k req/s on one core (../shared/research/group-commit.md), which would measure the client.
import net from "node:net";

export interface RawResponse {
  status: number;
  body: Buffer;
}

export class RawConnection {
  private readonly socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((r: RawResponse) => void) | undefined;
  private failed: ((e: Error) => void) | undefined;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (d) => this.onData(d));
    socket.on("error", (e) => this.failed?.(e));
    socket.on("close", () => this.failed?.(new Error("connection closed")));
  }

  static open(host: string, port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RawConnection(s)));
      s.once("error", reject);
    });
  }

  /** Sends a ready-made request head plus body and resolves with the response. */
  request(head: string, body: string | Buffer): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
      const b = typeof body === "string" ? Buffer.from(body) : body;
      this.socket.write(`${head}content-length: ${b.length}\r\n\r\n`);
      this.socket.write(b);
    });
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    const end = this.buf.indexOf("\r\n\r\n");
    if (end < 0) return;
    const head = this.buf.subarray(0, end).toString("latin1");
    const m = /content-length:\s*(\d+)/i.exec(head);
    const len = m ? Number(m[1]) : 0;
    if (this.buf.length < end + 4 + len) return;
    const body = this.buf.subarray(end + 4, end + 4 + len);
    this.buf = this.buf.subarray(end + 4 + len);
    const status = Number(head.slice(9, 12));
    const w = this.waiting;
    this.waiting = undefined;
    w?.({ status, body });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Request head for an SQS JSON call (unsigned: the bench server runs in anonymous mode on loopback). */
export function sqsJsonHead(host: string, operation: string): string {
  return `POST / HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/x-amz-json-1.0\r\nx-amz-target: AmazonSQS.${operation}\r\n`;
}
