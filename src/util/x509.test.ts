// The DER writer's certificates as node:crypto reads them back.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { test } from "node:test";
import { selfSigned } from "./x509.ts";

test("a TLS certificate: P-256, self-verifying, subjectAltName with DNS names and IPv4/IPv6 addresses, not a CA", () => {
  const m = selfSigned({ commonName: "mailroom.local", key: "ec", altNames: ["localhost", "127.0.0.1", "::1", "fd00::a:1", "::ffff:10.0.0.1", "mq.example"] });
  const cert = new X509Certificate(m.certificate);
  assert.ok(cert.verify(cert.publicKey));
  assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
  assert.equal(cert.subjectAltName, "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:FD00:0:0:0:0:0:A:1, IP Address:0:0:0:0:0:FFFF:A00:1, DNS:mq.example");
  assert.equal(cert.checkHost("mq.example"), "mq.example");
  assert.equal(cert.checkIP("::1"), "::1");
  assert.equal(cert.ca, false);
  assert.deepEqual(cert.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
});

test("a signing certificate: RSA, no extensions", () => {
  const cert = new X509Certificate(selfSigned({ commonName: "sns.mailroom.local", key: "rsa" }).certificate);
  assert.ok(cert.verify(cert.publicKey));
  assert.equal(cert.publicKey.asymmetricKeyType, "rsa");
  assert.equal(cert.subjectAltName, undefined);
});
