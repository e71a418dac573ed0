// The certificate of the TLS listener on the shared port: the files given with --tls-cert/--tls-key, else a
// self-signed P-256 certificate for localhost, 127.0.0.1, ::1 and the configured host, made once per database
// and kept beside the SNS signing key (every node serves the same one). GET /_mailroom/tls/certificate.pem
// answers its PEM (over plain HTTP too) so clients can trust it.
import { readFileSync } from "node:fs";
import tls from "node:tls";
import { once } from "../util/once.ts";
import { selfSigned, type KeyAndCertificate } from "../util/x509.ts";
import type { InternalRoute } from "./internal.ts";

export const TLS_CERTIFICATE_ROUTE = "/_mailroom/tls/certificate.pem";
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];
const WILDCARDS = ["0.0.0.0", "::", ""];

export interface KeyStore {
  key(name: string, make: () => KeyAndCertificate): Promise<KeyAndCertificate>;
}

export interface TlsMaterial {
  /** Certificate (chain) and key for the listener, PEM. */
  options(): Promise<{ cert: string; key: string }>;
  route: InternalRoute;
}

export function tlsMaterial(o: { host: string; tlsCert?: string; tlsKey?: string }, store: KeyStore): TlsMaterial {
  let material: () => Promise<KeyAndCertificate>;
  if (o.tlsCert && o.tlsKey) {
    const m = { certificate: readFileSync(o.tlsCert, "utf8"), privateKey: readFileSync(o.tlsKey, "utf8") };
    tls.createSecureContext({ cert: m.certificate, key: m.privateKey }); // a key that does not match fails at startup
    material = async () => m;
  } else {
    const extra = LOOPBACK_NAMES.includes(o.host) || WILDCARDS.includes(o.host) ? [] : [o.host];
    const make = () => selfSigned({ commonName: "mailroom.local", key: "ec", altNames: [...LOOPBACK_NAMES, ...extra] });
    material = once(() => store.key(extra.length ? `tls ${o.host}` : "tls", make));
  }
  const certificate = async () => (await material()).certificate;
  return {
    options: async () => {
      const m = await material();
      return { cert: m.certificate, key: m.privateKey };
    },
    route: (_req, res, path) => {
      if (path !== TLS_CERTIFICATE_ROUTE) return false;
      void certificate().then(
        (pem) => {
          res.writeHead(200, { "content-type": "application/x-pem-file", "content-length": String(Buffer.byteLength(pem)) });
          res.end(pem);
        },
        () => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end("error");
        },
      );
      return true;
    },
  };
}
