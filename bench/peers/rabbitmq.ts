// RabbitMQ peer (the machine's RabbitMQ on 127.0.0.1:5672, guest/guest) via amqplib: a durable classic queue,
// persistent messages (delivery mode 2), publisher confirms, manual acks. One AMQP connection with one
// confirm channel per worker. W1 publish → wait for its confirm; W2 publish 10 → wait for their confirms;
// W3 publish+confirm → basic.get → basic.ack; W3b publish 10+confirms → 10 × basic.get → one multiple ack;
// W3 also as publish+confirm → push delivery (basic.consume, prefetch 1) → ack, RabbitMQ's usual way to consume;
// W4 open loop with push consumers (prefetch 100, ack per message). Note AMQP 0-9-1 acks are not confirmed
// by the broker, so the consumer side of a cycle does not wait for anything durable (Mailroom's DeleteMessage
// does); a persistent message is confirmed once it is fsynced or once every queue has consumed it.
import amqp from "amqplib";
import { type OpenLoopSystem } from "../lib/open-loop.ts";

const URL = process.env.BENCH_RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const BODY = Buffer.from("x".repeat(1024));

type Conn = Awaited<ReturnType<typeof amqp.connect>>;
type Confirm = Awaited<ReturnType<Conn["createConfirmChannel"]>>;

export async function rabbitVersion(): Promise<string> {
  const c = await amqp.connect(URL);
  const v = String(c.connection.serverProperties.version ?? "?");
  await c.close();
  return v;
}

export async function rabbitAvailable(): Promise<boolean> {
  try {
    const c = await amqp.connect(URL);
    await c.close();
    return true;
  } catch {
    return false;
  }
}

export interface RabbitBench {
  queue: string;
  sendWorker(batch: boolean): () => Promise<() => Promise<number>>;
  cycleWorker(batch: boolean): () => Promise<() => Promise<number>>;
  consumeCycleWorker(): () => Promise<() => Promise<number>>;
  openLoop(consumers: number): OpenLoopSystem;
  stop(): Promise<void>;
}

function publish(ch: Confirm, queue: string, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    ch.sendToQueue(queue, body, { persistent: true }, (err) => (err ? reject(new Error("nacked")) : resolve()));
  });
}

/** A fresh durable queue; stop() deletes it and closes every connection opened. */
export async function rabbitBench(): Promise<RabbitBench> {
  const conns: Conn[] = [];
  const open = async () => {
    // noDelay: without it Nagle holds a publish behind an unanswered ack frame for a delayed-ACK (~40 ms).
    const c = await amqp.connect(URL, { noDelay: true });
    c.on("error", () => {});
    conns.push(c);
    const ch = await c.createConfirmChannel();
    ch.on("error", () => {});
    return ch;
  };
  const admin = await open();
  const queue = `mailroom-bench-${process.pid}-${Date.now()}`;
  await admin.assertQueue(queue, { durable: true, autoDelete: false, arguments: { "x-queue-type": "classic" } });
  return {
    queue,
    sendWorker: (batch) => async () => {
      const ch = await open();
      return async () => {
        if (!batch) {
          await publish(ch, queue, BODY);
          return 1;
        }
        for (let i = 0; i < 10; i++) ch.sendToQueue(queue, BODY, { persistent: true });
        await ch.waitForConfirms();
        return 10;
      };
    },
    cycleWorker: (batch) => async () => {
      const ch = await open();
      return async () => {
        if (batch) {
          for (let i = 0; i < 10; i++) ch.sendToQueue(queue, BODY, { persistent: true });
          await ch.waitForConfirms();
        } else await publish(ch, queue, BODY);
        const got = await Promise.all(Array.from({ length: batch ? 10 : 1 }, () => ch.get(queue, { noAck: false })));
        let last: amqp.GetMessage | undefined;
        let n = 0;
        for (const m of got) {
          if (m) {
            last = m;
            n++;
          }
        }
        if (last) ch.ack(last, true);
        return n;
      };
    },
    consumeCycleWorker: () => async () => {
      // The idiomatic RabbitMQ form of W3: publish+confirm, then take the next push delivery (prefetch 1) and ack.
      const ch = await open();
      await ch.prefetch(1);
      const ready: amqp.ConsumeMessage[] = [];
      let wake: (() => void) | undefined;
      await ch.consume(queue, (m) => {
        if (!m) return;
        ready.push(m);
        wake?.();
      }, { noAck: false });
      return async () => {
        await publish(ch, queue, BODY);
        if (ready.length === 0) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, 2000);
            wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          wake = undefined;
        }
        const m = ready.shift();
        if (!m) return 0;
        ch.ack(m);
        return 1;
      };
    },
    openLoop: (consumers) => {
      let pub: Confirm | undefined;
      return {
        maxInFlight: 64,
        async start(onReceive) {
          pub = await open();
          for (let i = 0; i < consumers; i++) {
            const ch = await open();
            await ch.prefetch(100);
            await ch.consume(queue, (m) => {
              if (!m) return;
              onReceive(Number.parseFloat(m.content.toString("latin1", 0, 32)));
              ch.ack(m);
            }, { noAck: false });
          }
        },
        async send(at) {
          const head = Buffer.from(`${at.toFixed(3)} `);
          const body = Buffer.concat([head, BODY.subarray(head.length)]);
          await publish(pub as Confirm, queue, body);
        },
        async stop() {},
      };
    },
    async stop() {
      try {
        await admin.deleteQueue(queue);
      } catch {
        // the connection may be gone; the queue then stays (named mailroom-bench-*)
      }
      for (const c of conns) await c.close().catch(() => {});
    },
  };
}
