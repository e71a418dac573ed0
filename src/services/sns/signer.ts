// The signing key all nodes share: read (or made once) from the store on first use, then kept in memory.
import { makeSigningMaterial, type SigningMaterial } from "./domain/certificate.ts";
import { certificatePath, sign } from "./domain/signature.ts";
import type { SnsStore } from "./store.ts";

export interface Signer {
  sign(message: Record<string, unknown>, version: string): Promise<string>;
  /** Path of the certificate under the server (e.g. /_aws/sns/SimpleNotificationService-….pem). */
  certificatePath(): Promise<string>;
  certificate(): Promise<string>;
}

export function createSigner(store: SnsStore): Signer {
  let material: Promise<SigningMaterial> | undefined;
  const get = () => {
    material ??= store.signingKey(makeSigningMaterial).catch((e) => {
      material = undefined;
      throw e;
    });
    return material;
  };
  return {
    async sign(m, version) {
      return sign(m, version, (await get()).privateKey);
    },
    async certificatePath() {
      return certificatePath((await get()).certificate);
    },
    async certificate() {
      return (await get()).certificate;
    },
  };
}
