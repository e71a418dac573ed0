// Self-signed X.509 certificates built with a minimal DER writer (node:crypto can parse certificates but not
// make them): RSA keys for SNS message signing, P-256 keys with subjectAltName for the TLS listener.
import { createHash, createSign, generateKeyPairSync } from "node:crypto";
import net from "node:net";

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
const octets = (b: Buffer) => tlv(0x04, b);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, "utf8"));
const time = (s: string) => tlv(0x18, Buffer.from(s, "ascii")); // GeneralizedTime YYYYMMDDHHMMSSZ
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

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

/** The bytes of an IPv4 or IPv6 address (iPAddress in subjectAltName, RFC 5280 4.2.1.6). */
function ipBytes(ip: string): Buffer {
  if (net.isIPv4(ip)) return Buffer.from(ip.split(".").map(Number));
  const hex = (a: string, b: string) => ((Number(a) << 8) | Number(b)).toString(16);
  const text = ip.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) => `${hex(a, b)}:${hex(c, d)}`); // ::ffff:1.2.3.4
  const [head, tail] = text.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(Number.parseInt(g, 16), 2 * i));
  return out;
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), TRUE, octets(value)) : seq(oid(id), octets(value));
}

export interface KeyAndCertificate {
  privateKey: string;
  certificate: string;
}

export interface CertificateSpec {
  commonName: string;
  /** "rsa": RSA-2048 with SHA256withRSA; "ec": P-256 with ECDSA-SHA256. */
  key: "rsa" | "ec";
  /** DNS names and IP addresses for subjectAltName (a TLS server certificate); none for a signing certificate. */
  altNames?: string[];
}

/** A new key and a self-signed certificate for it (valid 2020–2099, fixed, so no clock is involved). */
export function selfSigned(spec: CertificateSpec): KeyAndCertificate {
  const { privateKey, publicKey } = spec.key === "ec"
    ? generateKeyPairSync("ec", { namedCurve: "P-256" })
    : generateKeyPairSync("rsa", { modulusLength: 2048 });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const algorithm = spec.key === "ec" ? seq(oid("1.2.840.10045.4.3.2")) : seq(oid("1.2.840.113549.1.1.11"), Buffer.from([0x05, 0x00]));
  const name = seq(set(seq(oid("2.5.4.3"), utf8(spec.commonName))), set(seq(oid("2.5.4.10"), utf8("Mailroom"))));
  const serial = Buffer.from(Array.from({ length: 8 }, (_, i) => (i === 0 ? 0x11 : (Math.random() * 256) | 0)));
  const extensions: Buffer[] = [];
  if (spec.altNames?.length) {
    const names = spec.altNames.map((n) => (net.isIP(n) ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n, "ascii"))));
    // subjectKeyIdentifier: RFC 5280 4.2.1.2 says end-entity certificates SHOULD have one; any unique hash of the key will do.
    const keyId = createHash("sha1").update(spki).digest();
    extensions.push(
      extension("2.5.29.19", true, seq()), // basicConstraints: not a CA
      extension("2.5.29.15", true, tlv(0x03, Buffer.from([0x07, 0x80]))), // keyUsage: digitalSignature
      extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))), // extKeyUsage: serverAuth
      extension("2.5.29.14", false, octets(keyId)),
      extension("2.5.29.17", false, seq(...names)),
    );
  }
  const tbs = seq(
    tlv(0xa0, int(Buffer.from([2]))), // [0] EXPLICIT version v3
    int(serial),
    algorithm,
    name,
    seq(time("20200101000000Z"), time("20991231235959Z")),
    name,
    spki,
    ...(extensions.length ? [tlv(0xa3, seq(...extensions))] : []),
  );
  const signature = createSign("sha256").update(tbs).sign(privateKey);
  const cert = seq(tbs, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = cert.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return {
    privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    certificate: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
  };
}
