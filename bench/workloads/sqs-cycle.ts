// SQS full cycle per message over the JSON protocol: SendMessage → ReceiveMessage(1) → DeleteMessage, or the
// batched form (SendMessageBatch(10) → ReceiveMessage(10) → DeleteMessageBatch), on one shared queue.
import { RawConnection, sqsJsonHead } from "../lib/raw-http.ts";

const BODY = "x".repeat(1024);

export async function createQueue(port: number, name: string): Promise<string> {
  const c = await RawConnection.open("127.0.0.1", port);
  const host = `127.0.0.1:${port}`;
  const r = await c.request(sqsJsonHead(host, "CreateQueue"), JSON.stringify({ QueueName: name }));
  c.close();
  if (r.status !== 200) throw new Error(`CreateQueue: ${r.status} ${r.body}`);
  return JSON.parse(r.body.toString()).QueueUrl;
}

export function cycleWorker(port: number, queueUrl: string, batch: boolean) {
  return async (): Promise<() => Promise<number>> => {
    const c = await RawConnection.open("127.0.0.1", port);
    const host = `127.0.0.1:${port}`;
    const send = sqsJsonHead(host, batch ? "SendMessageBatch" : "SendMessage");
    const receive = sqsJsonHead(host, "ReceiveMessage");
    const del = sqsJsonHead(host, batch ? "DeleteMessageBatch" : "DeleteMessage");
    const sendBody = batch
      ? JSON.stringify({ QueueUrl: queueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: BODY })) })
      : JSON.stringify({ QueueUrl: queueUrl, MessageBody: BODY });
    const receiveBody = JSON.stringify({ QueueUrl: queueUrl, MaxNumberOfMessages: batch ? 10 : 1 });
    return async () => {
      const s = await c.request(send, sendBody);
      if (s.status !== 200) throw new Error(`send: ${s.status} ${s.body}`);
      const r = await c.request(receive, receiveBody);
      const msgs = (JSON.parse(r.body.toString()).Messages ?? []) as { ReceiptHandle: string }[];
      if (msgs.length === 0) return 0;
      const d = batch
        ? await c.request(del, JSON.stringify({ QueueUrl: queueUrl, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }))
        : await c.request(del, JSON.stringify({ QueueUrl: queueUrl, ReceiptHandle: msgs[0].ReceiptHandle }));
      if (d.status !== 200) throw new Error(`delete: ${d.status} ${d.body}`);
      return msgs.length;
    };
  };
}
