// A Redis list queue as a stand-in peer while BullMQ cannot run (BullMQ 6.7 needs the 'ioredis' package):
// the classic reliable-queue pattern over raw RESP on keep-alive sockets — W1 LPUSH; W2 LPUSH of 10; W3
// LPUSH → LMOVE to a processing list → LREM from it; W3b the same with 10 (LMOVEs and LREMs pipelined);
// W4 consumers block in BLMOVE, then take up to 9 more (like ReceiveMessage(10)). Same Redis configurations as the BullMQ rows. BullMQ does far more per job
// (Lua scripts, a job hash, an event stream), so these rows bound what any Redis-backed queue can do here.
import net from "node:net";
import { type OpenLoopSystem } from "../lib/open-loop.ts";

type Reply = string | number | null | Reply[] | Error;

/** A minimal RESP2 client: commands are pipelined, replies resolve in order. */
export class Resp {
  private readonly socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private readonly waiting: ((r: Reply) => void)[] = [];
  private readonly failing: ((e: Error) => void)[] = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (d) => this.onData(d));
    const fail = (e: Error) => {
      for (const f of this.failing.splice(0)) f(e);
      this.waiting.length = 0;
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("redis connection closed")));
  }

  static open(port: number): Promise<Resp> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, "127.0.0.1", () => resolve(new Resp(s)));
      s.once("error", reject);
    });
  }

  /** Sends several commands in one write; resolves with their replies (errors reject). */
  pipeline(cmds: (string | Buffer)[][]): Promise<Reply[]> {
    const parts: (string | Buffer)[] = [];
    for (const c of cmds) {
      parts.push(`*${c.length}\r\n`);
      for (const a of c) parts.push(`$${Buffer.byteLength(a)}\r\n`, a, "\r\n");
    }
    const promises = cmds.map(
      () =>
        new Promise<Reply>((resolve, reject) => {
          this.waiting.push((r) => (r instanceof Error ? reject(r) : resolve(r)));
          this.failing.push(reject);
        }),
    );
    this.socket.write(Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : p))));
    return Promise.all(promises);
  }

  async cmd(...args: (string | Buffer)[]): Promise<Reply> {
    return (await this.pipeline([args]))[0];
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    for (;;) {
      const r = this.parse(0);
      if (r === undefined) return;
      this.buf = this.buf.subarray(r.end);
      this.failing.shift();
      this.waiting.shift()?.(r.value);
    }
  }

  private parse(at: number): { value: Reply; end: number } | undefined {
    const nl = this.buf.indexOf("\r\n", at);
    if (nl < 0) return undefined;
    const type = String.fromCharCode(this.buf[at]);
    const line = this.buf.toString("latin1", at + 1, nl);
    switch (type) {
      case "+":
        return { value: line, end: nl + 2 };
      case "-":
        return { value: new Error(line), end: nl + 2 };
      case ":":
        return { value: Number(line), end: nl + 2 };
      case "$": {
        const len = Number(line);
        if (len < 0) return { value: null, end: nl + 2 };
        if (this.buf.length < nl + 2 + len + 2) return undefined;
        return { value: this.buf.toString("latin1", nl + 2, nl + 2 + len), end: nl + 2 + len + 2 };
      }
      case "*": {
        const n = Number(line);
        if (n < 0) return { value: null, end: nl + 2 };
        const items: Reply[] = [];
        let end = nl + 2;
        for (let i = 0; i < n; i++) {
          const r = this.parse(end);
          if (r === undefined) return undefined;
          items.push(r.value);
          end = r.end;
        }
        return { value: items, end };
      }
      default:
        throw new Error(`bad RESP reply: ${line}`);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface RedisListBench {
  sendWorker(batch: boolean): () => Promise<() => Promise<number>>;
  cycleWorker(batch: boolean): () => Promise<() => Promise<number>>;
  openLoop(consumers: number): OpenLoopSystem;
  stop(): Promise<void>;
}

export function redisListBench(port: number): RedisListBench {
  const q = `bench:${Date.now()}`;
  const processing = `${q}:processing`;
  const conns: Resp[] = [];
  const open = async () => {
    const c = await Resp.open(port);
    conns.push(c);
    return c;
  };
  let seq = 0;
  // Unique bodies (LREM removes by value), 1 KiB.
  const body = () => {
    const id = `${process.pid}-${seq++} `;
    return id + "x".repeat(1024 - id.length);
  };
  return {
    sendWorker: (batch) => async () => {
      const c = await open();
      return async () => {
        if (batch) await c.cmd("LPUSH", q, ...Array.from({ length: 10 }, body));
        else await c.cmd("LPUSH", q, body());
        return batch ? 10 : 1;
      };
    },
    cycleWorker: (batch) => async () => {
      const c = await open();
      const n = batch ? 10 : 1;
      return async () => {
        await c.cmd("LPUSH", q, ...Array.from({ length: n }, body));
        const got = (await c.pipeline(Array.from({ length: n }, () => ["LMOVE", q, processing, "RIGHT", "LEFT"]))).filter((m): m is string => typeof m === "string");
        if (got.length > 0) await c.pipeline(got.map((m) => ["LREM", processing, "1", m]));
        return got.length;
      };
    },
    openLoop: (consumers) => {
      const senders: Resp[] = [];
      let stopping = false;
      return {
        maxInFlight: 64,
        async start(onReceive) {
          for (let i = 0; i < 64; i++) senders.push(await open());
          for (let i = 0; i < consumers; i++) {
            const c = await open();
            void (async () => {
              while (!stopping) {
                let m: Reply;
                try {
                  m = await c.cmd("BLMOVE", q, processing, "RIGHT", "LEFT", "20");
                } catch (e) {
                  if (stopping) return;
                  throw e;
                }
                if (typeof m !== "string") continue;
                // Like ReceiveMessage(10): take up to 9 more without blocking, then remove them all.
                const more = (await c.pipeline(Array.from({ length: 9 }, () => ["LMOVE", q, processing, "RIGHT", "LEFT"]))).filter((x): x is string => typeof x === "string");
                const got = [m, ...more];
                for (const g of got) onReceive(Number.parseFloat(g));
                await c.pipeline(got.map((g) => ["LREM", processing, "1", g])).catch(() => {});
              }
            })();
          }
        },
        async send(at) {
          const c = senders.pop() as Resp;
          try {
            const head = `${at.toFixed(3)} `;
            await c.cmd("LPUSH", q, head + "x".repeat(1024 - head.length));
          } finally {
            senders.push(c);
          }
        },
        async stop() {
          stopping = true;
        },
      };
    },
    async stop() {
      for (const c of conns) c.close();
    },
  };
}
