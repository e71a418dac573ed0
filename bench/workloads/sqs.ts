// SQS workloads over the JSON 1.0 protocol on raw keep-alive connections, every request SigV4-signed when
// the target has a signer: W1 SendMessage; W2 SendMessageBatch(10); W3 send → receive(1) → delete; W3b the
// same in batches of 10; W4 open-loop end-to-end latency with long-polling consumers; W5 prefill and drain of
// a backlog (receive(10) + DeleteMessageBatch). Bodies are 1 KiB; one queue per target.
import { type OpenLoopSystem } from "../lib/open-loop.ts";
import { SqsConnection } from "../lib/raw-http.ts";
import { type Signer } from "../lib/sigv4.ts";

export const BODY = "x".repeat(1024);

export interface SqsTarget {
  port: number;
  signer?: Signer;
  queueUrl: string;
}

interface Message {
  MessageId: string;
  ReceiptHandle: string;
  Body: string;
}

export async function createQueue(port: number, signer: Signer | undefined, name: string, attributes?: Record<string, string>): Promise<SqsTarget> {
  const c = await SqsConnection.open(port, signer);
  try {
    const r = await c.call<{ QueueUrl: string }>("CreateQueue", attributes ? { QueueName: name, Attributes: attributes } : { QueueName: name });
    return { port, signer, queueUrl: r.QueueUrl };
  } finally {
    c.close();
  }
}

function sendBatchBody(queueUrl: string): string {
  return JSON.stringify({ QueueUrl: queueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: BODY })) });
}

/** W1 (batch=false) and W2 (batch=true): send only; one unit is one request. */
export function sendWorker(t: SqsTarget, batch: boolean) {
  return async (): Promise<() => Promise<number>> => {
    const c = await SqsConnection.open(t.port, t.signer);
    const op = batch ? "SendMessageBatch" : "SendMessage";
    const body = batch ? sendBatchBody(t.queueUrl) : JSON.stringify({ QueueUrl: t.queueUrl, MessageBody: BODY });
    return async () => {
      const text = await c.text(op, body);
      if (batch && !text.includes('"Failed":[]') && text.includes('"Failed":[{')) throw new Error(`SendMessageBatch partly failed: ${text.slice(0, 200)}`);
      return batch ? 10 : 1;
    };
  };
}

/** W3 (batch=false) and W3b (batch=true): one unit is send → receive → delete of 1 or 10 messages. */
export function cycleWorker(t: SqsTarget, batch: boolean) {
  return async (): Promise<() => Promise<number>> => {
    const c = await SqsConnection.open(t.port, t.signer);
    const sendOp = batch ? "SendMessageBatch" : "SendMessage";
    const sendBody = batch ? sendBatchBody(t.queueUrl) : JSON.stringify({ QueueUrl: t.queueUrl, MessageBody: BODY });
    const receiveBody = JSON.stringify({ QueueUrl: t.queueUrl, MaxNumberOfMessages: batch ? 10 : 1 });
    return async () => {
      await c.text(sendOp, sendBody);
      const msgs = (JSON.parse(await c.text("ReceiveMessage", receiveBody)).Messages ?? []) as Message[];
      if (msgs.length === 0) return 0;
      await deleteAll(c, t.queueUrl, msgs, batch);
      return msgs.length;
    };
  };
}

async function deleteAll(c: SqsConnection, queueUrl: string, msgs: Message[], batch: boolean): Promise<void> {
  if (!batch && msgs.length === 1) {
    await c.text("DeleteMessage", JSON.stringify({ QueueUrl: queueUrl, ReceiptHandle: msgs[0].ReceiptHandle }));
    return;
  }
  const text = await c.text("DeleteMessageBatch", JSON.stringify({ QueueUrl: queueUrl, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
  if (text.includes('"Failed":[{')) throw new Error(`DeleteMessageBatch partly failed: ${text.slice(0, 200)}`);
}

/** W5 drain: one unit is receive(10) + DeleteMessageBatch; returns 0 when the receive came back empty. */
export function drainWorker(t: SqsTarget) {
  return async (): Promise<() => Promise<number>> => {
    const c = await SqsConnection.open(t.port, t.signer);
    const receiveBody = JSON.stringify({ QueueUrl: t.queueUrl, MaxNumberOfMessages: 10 });
    return async () => {
      const msgs = (JSON.parse(await c.text("ReceiveMessage", receiveBody)).Messages ?? []) as Message[];
      if (msgs.length === 0) return 0;
      await deleteAll(c, t.queueUrl, msgs, true);
      return msgs.length;
    };
  };
}

/** ApproximateNumberOfMessages (visible) of the queue. */
export async function queueDepth(t: SqsTarget): Promise<number> {
  const c = await SqsConnection.open(t.port, t.signer);
  try {
    const r = await c.call<{ Attributes: Record<string, string> }>("GetQueueAttributes", { QueueUrl: t.queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] });
    return Number(r.Attributes.ApproximateNumberOfMessages);
  } finally {
    c.close();
  }
}

/** W4 for Mailroom: signed sends on a pool of connections, `consumers` long-polling receivers (WaitTimeSeconds 20, up to 10) that delete in batches. */
export function sqsOpenLoop(t: SqsTarget, senders: number, consumers: number): OpenLoopSystem {
  const free: SqsConnection[] = [];
  const all: SqsConnection[] = [];
  let stopping = false;
  const pad = (at: number) => {
    const head = `${at.toFixed(3)} `;
    return head + BODY.slice(head.length);
  };
  return {
    async start(onReceive) {
      for (let i = 0; i < senders; i++) {
        const c = await SqsConnection.open(t.port, t.signer);
        free.push(c);
        all.push(c);
      }
      const receiveBody = JSON.stringify({ QueueUrl: t.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 });
      for (let i = 0; i < consumers; i++) {
        const c = await SqsConnection.open(t.port, t.signer);
        all.push(c);
        void (async () => {
          while (!stopping) {
            let msgs: Message[];
            try {
              msgs = (JSON.parse(await c.text("ReceiveMessage", receiveBody)).Messages ?? []) as Message[];
            } catch (e) {
              if (stopping) return;
              throw e;
            }
            for (const m of msgs) onReceive(Number.parseFloat(m.Body));
            if (msgs.length > 0) await deleteAll(c, t.queueUrl, msgs, true).catch((e) => { if (!stopping) throw e; });
          }
        })();
      }
    },
    async send(at) {
      const c = free.pop();
      if (!c) throw new Error("no free sender connection");
      try {
        await c.text("SendMessage", JSON.stringify({ QueueUrl: t.queueUrl, MessageBody: pad(at) }));
      } finally {
        free.push(c);
      }
    },
    maxInFlight: senders,
    async stop() {
      stopping = true;
      for (const c of all) c.close();
    },
  };
}

/**
 * W6: the W4 shape over many queues. Sends go round-robin over `queueUrls` from a pool of `senders` connections;
 * every queue has `consumersPerQueue` long-polling receivers (WaitTimeSeconds 20, up to 10, DeleteMessageBatch), each
 * on its own connection, so most of them wait at any moment. The server's cost per message must not grow with the
 * number of queues or of waiting consumers.
 */
export function sqsManyQueuesOpenLoop(port: number, signer: Signer | undefined, queueUrls: string[], senders: number, consumersPerQueue: number): OpenLoopSystem {
  const free: SqsConnection[] = [];
  const all: SqsConnection[] = [];
  let stopping = false;
  let nextQueue = 0;
  const pad = (at: number) => {
    const head = `${at.toFixed(3)} `;
    return head + BODY.slice(head.length);
  };
  return {
    async start(onReceive) {
      // Senders last: a connection's first request must arrive within the server's headers timeout (10 s) of its
      // connect, and opening 10,000 consumers takes longer, so senders opened first were closed before their first send.
      for (const queueUrl of queueUrls) {
        const receiveBody = JSON.stringify({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 });
        for (let i = 0; i < consumersPerQueue; i++) {
          const c = await SqsConnection.open(port, signer);
          all.push(c);
          void (async () => {
            while (!stopping) {
              let msgs: Message[];
              try {
                msgs = (JSON.parse(await c.text("ReceiveMessage", receiveBody)).Messages ?? []) as Message[];
              } catch (e) {
                if (stopping) return;
                throw e;
              }
              for (const m of msgs) onReceive(Number.parseFloat(m.Body));
              if (msgs.length > 0) await deleteAll(c, queueUrl, msgs, true).catch((e) => { if (!stopping) throw e; });
            }
          })();
        }
      }
      for (let i = 0; i < senders; i++) {
        const c = await SqsConnection.open(port, signer);
        free.push(c);
        all.push(c);
      }
    },
    async send(at) {
      const c = free.pop();
      if (!c) throw new Error("no free sender connection");
      const queueUrl = queueUrls[nextQueue++ % queueUrls.length];
      try {
        await c.text("SendMessage", JSON.stringify({ QueueUrl: queueUrl, MessageBody: pad(at) }));
      } finally {
        free.push(c);
      }
    },
    maxInFlight: senders,
    async stop() {
      stopping = true;
      for (const c of all) c.close();
    },
  };
}

/** Creates `n` queues named prefix-0 … prefix-(n-1) on one connection; returns their URLs. */
export async function createQueues(port: number, signer: Signer | undefined, prefix: string, n: number): Promise<string[]> {
  const c = await SqsConnection.open(port, signer);
  try {
    const urls: string[] = [];
    for (let i = 0; i < n; i++) urls.push((await c.call<{ QueueUrl: string }>("CreateQueue", { QueueName: `${prefix}-${i}` })).QueueUrl);
    return urls;
  } finally {
    c.close();
  }
}
