// SigV4 signing for the load generator, with node:crypto only. The signing key (the HMAC chain over date,
// region, service) is computed once per UTC day; x-amz-date is refreshed once per second; and a signed head
// is cached per (operation, body) for the current second, so a connection repeating one constant body (W1's
// SendMessage, every ReceiveMessage) signs it once a second, while a unique body (DeleteMessage with its
// receipt handle) costs two SHA-256 and one HMAC. The server still verifies every request in full.
// Signed headers: content-type;host;x-amz-date;x-amz-target, payload hash of the body (not UNSIGNED-PAYLOAD).
import { createHash, createHmac } from "node:crypto";

const SIGNED_HEADERS = "content-type;host;x-amz-date;x-amz-target";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
}

/** The JSON protocol a signer speaks: SQS (the default) or another AWS JSON service such as Kinesis. */
export interface JsonService {
  /** SigV4 service name, e.g. "sqs", "kinesis". */
  service: string;
  /** X-Amz-Target prefix, e.g. "AmazonSQS", "Kinesis_20131202". */
  targetPrefix: string;
  contentType: string;
}

const SQS: JsonService = { service: "sqs", targetPrefix: "AmazonSQS", contentType: "application/x-amz-json-1.0" };
export const KINESIS_JSON: JsonService = { service: "kinesis", targetPrefix: "Kinesis_20131202", contentType: "application/x-amz-json-1.1" };

export class Signer {
  private readonly creds: Credentials;
  private readonly region: string;
  private day = "";
  private key: Buffer = Buffer.alloc(0);
  private second = -1;
  private amzDate = "";
  private scope = "";
  /** `${host} ${operation}` → body → signed head, for the current second. */
  private cache = new Map<string, Map<string, string>>();
  /** Signatures computed (cache misses), for the generator's own accounting. */
  signed = 0;

  private readonly api: JsonService;

  constructor(creds: Credentials, api: JsonService = SQS) {
    this.creds = creds;
    this.region = creds.region ?? "us-east-1";
    this.api = api;
  }

  private refresh(): void {
    const nowS = Math.floor(Date.now() / 1000);
    if (nowS === this.second) return;
    this.second = nowS;
    const iso = new Date(nowS * 1000).toISOString();
    const day = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
    this.amzDate = `${day}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
    if (day !== this.day) {
      this.day = day;
      const h = (k: string | Buffer, d: string) => createHmac("sha256", k).update(d).digest();
      this.key = h(h(h(h(`AWS4${this.creds.secretAccessKey}`, day), this.region), this.api.service), "aws4_request");
      this.scope = `${day}/${this.region}/${this.api.service}/aws4_request`;
    }
    this.cache = new Map();
  }

  /** The request head (ending "\r\n", without content-length) for a JSON call (SQS unless told) with this body. */
  head(host: string, operation: string, body: string): string {
    this.refresh();
    const opKey = `${host} ${operation}`;
    let byBody = this.cache.get(opKey);
    if (byBody === undefined) {
      byBody = new Map();
      this.cache.set(opKey, byBody);
    }
    const hit = byBody.get(body);
    if (hit !== undefined) return hit;
    this.signed++;
    const target = `${this.api.targetPrefix}.${operation}`;
    const CONTENT_TYPE = this.api.contentType;
    const payloadHash = createHash("sha256").update(body).digest("hex");
    const canonical = `POST\n/\n\ncontent-type:${CONTENT_TYPE}\nhost:${host}\nx-amz-date:${this.amzDate}\nx-amz-target:${target}\n\n${SIGNED_HEADERS}\n${payloadHash}`;
    const toSign = `AWS4-HMAC-SHA256\n${this.amzDate}\n${this.scope}\n${createHash("sha256").update(canonical).digest("hex")}`;
    const signature = createHmac("sha256", this.key).update(toSign).digest("hex");
    const head =
      `POST / HTTP/1.1\r\nhost: ${host}\r\ncontent-type: ${CONTENT_TYPE}\r\nx-amz-target: ${target}\r\nx-amz-date: ${this.amzDate}\r\n` +
      `authorization: AWS4-HMAC-SHA256 Credential=${this.creds.accessKeyId}/${this.scope}, SignedHeaders=${SIGNED_HEADERS}, Signature=${signature}\r\n`;
    if (byBody.size < 64) byBody.set(body, head);
    return head;
  }
}
