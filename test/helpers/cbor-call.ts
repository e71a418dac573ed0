// A signed application/x-amz-cbor-1.1 Kinesis call, as the Java SDK makes it (the v3 JS SDK speaks JSON to Kinesis).
import { cbor } from "@smithy/core/cbor";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "./sha256.ts";
import { TEST_CREDENTIALS } from "./server.ts";

const signer = new SignatureV4({ credentials: TEST_CREDENTIALS, region: "us-east-1", service: "kinesis", sha256: Sha256 });

/** POSTs `body` as CBOR to `operation` at `endpoint`; the answer's status, content type and decoded body. */
export async function kinesisCbor(endpoint: string, operation: string, body: unknown): Promise<{ status: number; type: string | null; value: Record<string, any> }> {
  const url = new URL(endpoint);
  const payload = Buffer.from(cbor.serialize(body));
  const req = await signer.sign({
    method: "POST", protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: "/", query: {}, body: payload,
    headers: { host: url.host, "content-type": "application/x-amz-cbor-1.1", "x-amz-target": `Kinesis_20131202.${operation}` },
  });
  const res = await fetch(`${endpoint}/`, { method: "POST", headers: req.headers as Record<string, string>, body: payload });
  return { status: res.status, type: res.headers.get("content-type"), value: cbor.deserialize(new Uint8Array(await res.arrayBuffer())) as Record<string, any> };
}
