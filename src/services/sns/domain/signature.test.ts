import assert from "node:assert/strict";
import { X509Certificate, createVerify } from "node:crypto";
import { test } from "node:test";
import { makeSigningMaterial } from "./certificate.ts";
import { sign, stringToSign } from "./signature.ts";

test("the self-signed certificate parses and verifies its own signature", () => {
  const m = makeSigningMaterial();
  const cert = new X509Certificate(m.certificate);
  assert.ok(cert.verify(cert.publicKey));
  assert.match(cert.subject, /CN=sns.mailroom.local/);
});

test("notification signatures v1 (SHA1) and v2 (SHA256) verify against the certificate", () => {
  const m = makeSigningMaterial();
  const msg = { Type: "Notification", MessageId: "id", TopicArn: "arn:aws:sns:us-east-1:000000000000:t", Message: "hi", Timestamp: "2026-01-01T00:00:00.000Z" };
  assert.equal(stringToSign(msg), "Message\nhi\nMessageId\nid\nTimestamp\n2026-01-01T00:00:00.000Z\nTopicArn\narn:aws:sns:us-east-1:000000000000:t\nType\nNotification\n");
  const cert = new X509Certificate(m.certificate);
  for (const [v, alg] of [["1", "RSA-SHA1"], ["2", "RSA-SHA256"]]) {
    const sig = sign(msg, v, m.privateKey);
    assert.ok(createVerify(alg).update(stringToSign(msg)).verify(cert.publicKey, sig, "base64"));
  }
});
