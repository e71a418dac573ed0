// The fixed answers of the zero-work floors (http-floor-server.mjs on node:http, transport-floor-server.ts on
// Mailroom's own HTTP/1.1 fast path): SQS JSON shaped like Mailroom's, so the generator does the same work per
// request (W1's SendMessage, and W3's send → receive(1) → delete, whose receive carries one 1 KiB message).
const BODY = "x".repeat(1024);
const RECEIPT = "AQEB".padEnd(180, "r");
const MESSAGE = JSON.stringify({
  Messages: [{ MessageId: "00000000-0000-0000-0000-000000000000", ReceiptHandle: RECEIPT, MD5OfBody: "0".repeat(32), Body: BODY }],
});

/** The JSON answer to an `X-Amz-Target` (e.g. "AmazonSQS.SendMessage") whose request body had `bodyBytes` bytes. */
export function floorAnswer(target, bodyBytes, port) {
  const op = target.slice(target.lastIndexOf(".") + 1);
  switch (op) {
    case "CreateQueue":
      return JSON.stringify({ QueueUrl: `http://127.0.0.1:${port}/000000000000/bench` });
    case "ReceiveMessage":
      return MESSAGE;
    case "DeleteMessage":
      return "{}";
    default:
      return JSON.stringify({ MessageId: "00000000-0000-0000-0000-000000000000", MD5OfMessageBody: String(bodyBytes) });
  }
}
