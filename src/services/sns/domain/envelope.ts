// The JSON document SNS delivers for a notification (to SQS queues, HTTP/S endpoints and email-json), with
// fields in AWS's order and AWS's layout ("  \"Name\" : value", one per line), as in the developer guide's
// "HTTP/HTTPS notification JSON format" and real SQS message bodies.
import type { SnsAttribute } from "./messages.ts";

export interface Notification {
  Type: "Notification";
  MessageId: string;
  SequenceNumber?: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  UnsubscribeURL: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/** Message attributes as the envelope shows them: {"Type": "...", "Value": "..."} (binary base64). */
export function envelopeAttributes(attrs: Record<string, SnsAttribute> | undefined): Notification["MessageAttributes"] {
  const names = Object.keys(attrs ?? {});
  if (names.length === 0) return undefined;
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const n of names) {
    const a = attrs![n];
    out[n] = { Type: a.DataType, Value: a.BinaryValue ? a.BinaryValue.toString("base64") : (a.StringValue ?? "") };
  }
  return out;
}

export function renderEnvelope(n: Record<string, unknown>): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(n)) {
    if (v === undefined) continue;
    if (k === "MessageAttributes") {
      const attrs = Object.entries(v as Record<string, unknown>).map(([name, a]) => `    ${JSON.stringify(name)} : ${JSON.stringify(a)}`);
      lines.push(`  "MessageAttributes" : {\n${attrs.join(",\n")}\n  }`);
    } else {
      lines.push(`  ${JSON.stringify(k)} : ${JSON.stringify(v)}`);
    }
  }
  return `{\n${lines.join(",\n")}\n}`;
}
