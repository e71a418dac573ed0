// The SNS signing certificate: one RSA-2048 key per database (SignatureVersion 1 and 2 are SHA1withRSA and
// SHA256withRSA); every node serves the same self-signed certificate.
import { selfSigned, type KeyAndCertificate } from "../../../util/x509.ts";

export type SigningMaterial = KeyAndCertificate;

export const makeSigningMaterial = (): SigningMaterial => selfSigned({ commonName: "sns.mailroom.local", key: "rsa" });
