// The signing key all nodes share: read (or made once) from the store on first use, then kept in memory.
import { once } from "../../util/once.ts";
import { makeSigningMaterial } from "./domain/certificate.ts";
import { certificatePath, sign } from "./domain/signature.ts";
import type { SnsStore } from "./store.ts";

export interface Signer {
  sign(message: Record<string, unknown>, version: string): Promise<string>;
  /** Path of the certificate under the server (e.g. /_aws/sns/SimpleNotificationService-….pem). */
  certificatePath(): Promise<string>;
  /** SigningCertURL for a base URL, always https (served over TLS on the same port): "Always retrieve the signing certificate using HTTPS" (SNS developer guide, Verifying the signatures of Amazon SNS messages), and validators refuse anything else. */
  certificateUrl(baseUrl: string): Promise<string>;
  certificate(): Promise<string>;
}

export function createSigner(store: SnsStore): Signer {
  const get = once(() => store.key("signing", makeSigningMaterial));
  return {
    async sign(m, version) {
      return sign(m, version, (await get()).privateKey);
    },
    async certificatePath() {
      return certificatePath((await get()).certificate);
    },
    async certificateUrl(baseUrl) {
      return `${baseUrl.replace(/^http:/, "https:")}${certificatePath((await get()).certificate)}`;
    },
    async certificate() {
      return (await get()).certificate;
    },
  };
}
