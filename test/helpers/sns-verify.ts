// Independent SNS signature verification, written from the developer guide ("Verifying the signatures of
// Amazon SNS messages"), the way standard validators do it: fetch SigningCertURL, build the string to sign
// from the documented fields, verify with SHA1 (SignatureVersion 1) or SHA256 (2). The certificate comes over
// https, trusting Mailroom's TLS certificate (test/helpers/tls.ts).
import { X509Certificate, createVerify } from "node:crypto";
import { httpsText } from "./tls.ts";

export async function verifySnsMessage(m: Record<string, string>): Promise<boolean> {
  const fields = m.Type === "Notification"
    ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
  const text = fields.filter((f) => m[f] !== undefined).map((f) => `${f}\n${m[f]}\n`).join("");
  if (!m.SigningCertURL.startsWith("https://")) return false; // validators refuse a certificate not fetched over https
  const pem = (await httpsText(m.SigningCertURL)).body;
  const cert = new X509Certificate(pem);
  const alg = m.SignatureVersion === "2" ? "RSA-SHA256" : "RSA-SHA1";
  return createVerify(alg).update(text, "utf8").verify(cert.publicKey, m.Signature, "base64");
}
