// SNS message signatures as receivers verify them ("Verifying the signatures of Amazon SNS messages", SNS
// developer guide): the string to sign is "Name\nvalue\n" for a fixed list of fields in byte order (Subject
// only when present); SignatureVersion 1 signs it with SHA1withRSA, 2 with SHA256withRSA; base64.
import { createHash, createSign } from "node:crypto";

const NOTIFICATION_FIELDS = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"];
const CONFIRMATION_FIELDS = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];

export function stringToSign(m: Record<string, unknown>): string {
  const fields = m.Type === "Notification" ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let out = "";
  for (const f of fields) if (m[f] !== undefined) out += `${f}\n${String(m[f])}\n`;
  return out;
}

export function sign(m: Record<string, unknown>, version: string, privateKeyPem: string): string {
  return createSign(version === "2" ? "RSA-SHA256" : "RSA-SHA1").update(stringToSign(m), "utf8").sign(privateKeyPem, "base64");
}

/** Path under which the certificate is served (AWS names it SimpleNotificationService-<hash>.pem). */
export function certificatePath(certificatePem: string): string {
  return `/_aws/sns/SimpleNotificationService-${createHash("sha256").update(certificatePem).digest("hex").slice(0, 32)}.pem`;
}
