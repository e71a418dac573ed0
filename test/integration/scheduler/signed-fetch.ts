// A SigV4-signed raw HTTP request to the scheduler service (for probes the SDK would refuse to send).
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { TEST_CREDENTIALS } from "../../helpers/server.ts";

export async function signedFetch(endpoint: string, method: string, path: string, body: string): Promise<{ status: number; body: string }> {
  const url = new URL(endpoint);
  const [p, q] = path.split("?", 2);
  const query = Object.fromEntries(new URLSearchParams(q ?? ""));
  const signer = new SignatureV4({ credentials: TEST_CREDENTIALS, region: "us-east-1", service: "scheduler", sha256: Sha256 });
  const req = await signer.sign({
    method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: p, query,
    headers: { host: url.host, "content-type": "application/json" }, body: body === "" ? undefined : body,
  });
  const res = await fetch(`${endpoint}${path}`, { method, headers: req.headers as Record<string, string>, body: body === "" ? undefined : body });
  return { status: res.status, body: await res.text() };
}
