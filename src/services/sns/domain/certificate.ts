// A self-signed X.509 certificate for the SNS signing key, built with a minimal DER writer (node:crypto can
// parse certificates but not make them). One RSA-2048 key per database; every node serves the same certificate.
import { createSign, generateKeyPairSync } from "node:crypto";

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const int = (b: Buffer) => tlv(0x02, b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
const nul = () => Buffer.from([0x05, 0x00]);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, "utf8"));
const time = (s: string) => tlv(0x18, Buffer.from(s, "ascii")); // GeneralizedTime YYYYMMDDHHMMSSZ

function oid(s: string): Buffer {
  const p = s.split(".").map(Number);
  const out = [40 * p[0] + p[1]];
  for (const n of p.slice(2)) {
    const b: number[] = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) b.unshift((v & 0x7f) | 0x80);
    out.push(...b);
  }
  return tlv(0x06, Buffer.from(out));
}

const SHA256_RSA = seq(oid("1.2.840.113549.1.1.11"), nul());
const NAME = seq(set(seq(oid("2.5.4.3"), utf8("sns.mailroom.local"))), set(seq(oid("2.5.4.10"), utf8("Mailroom"))));

export interface SigningMaterial {
  privateKey: string;
  certificate: string;
}

/** A new RSA key and a self-signed certificate for it (valid 2020–2099, fixed, so no clock is involved). */
export function makeSigningMaterial(): SigningMaterial {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const serial = Buffer.from(Array.from({ length: 8 }, (_, i) => (i === 0 ? 0x11 : (Math.random() * 256) | 0)));
  const tbs = seq(
    tlv(0xa0, int(Buffer.from([2]))), // [0] EXPLICIT version v3
    int(serial),
    SHA256_RSA,
    NAME,
    seq(time("20200101000000Z"), time("20991231235959Z")),
    NAME,
    spki,
  );
  const signature = createSign("sha256").update(tbs).sign(privateKey);
  const cert = seq(tbs, SHA256_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = cert.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return {
    privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    certificate: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
  };
}
