// SNS's internal routes: the signing certificate (at the SigningCertURL of every message) and the local sinks
// for deliveries no provider can take (LocalStack's paths: /_aws/sns/sms-messages,
// /_aws/sns/platform-endpoint-messages; plus /_aws/sns/email-messages and /_aws/sns/<protocol>-messages).
// GET lists (filter with ?accountId=&region=), DELETE clears.
import type http from "node:http";
import type http2 from "node:http2";
import type { Signer } from "./signer.ts";
import type { SinkRow, SnsStore } from "./store.ts";

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

const SINKS: Record<string, string> = {
  "/_aws/sns/sms-messages": "sms",
  "/_aws/sns/platform-endpoint-messages": "application",
  "/_aws/sns/email-messages": "email",
  "/_aws/sns/lambda-messages": "lambda",
  "/_aws/sns/firehose-messages": "firehose",
};

function send(res: Res, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "content-length": String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Messages grouped by target (phone number, endpoint ARN, address), as LocalStack's sink routes answer. */
function grouped(rows: SinkRow[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const r of rows) (out[r.target] ??= []).push({ ...JSON.parse(r.payload), Region: r.region, AccountId: r.account });
  return out;
}

export function snsRoutes(store: SnsStore, signer: Signer) {
  return (req: Req, res: Res, path: string): boolean => {
    if (path.startsWith("/_aws/sns/SimpleNotificationService-") && path.endsWith(".pem")) {
      void (async () => {
        const want = await signer.certificatePath();
        if (want === path) send(res, 200, "application/x-pem-file", await signer.certificate());
        else send(res, 404, "text/plain", "not found");
      })().catch(() => send(res, 500, "text/plain", "error"));
      return true;
    }
    const sink = SINKS[path];
    if (!sink) return false;
    void (async () => {
      const q = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
      if (req.method === "DELETE") {
        await store.clearSink(sink);
        send(res, 204, "text/plain", "");
        return;
      }
      const rows = await store.sinkMessages(sink, q.get("accountId") ?? undefined, q.get("region") ?? undefined);
      const key = sink === "sms" ? "sms_messages" : sink === "application" ? "platform_endpoint_messages" : `${sink}_messages`;
      send(res, 200, "application/json", JSON.stringify({ [key]: grouped(rows), region: q.get("region") ?? undefined }));
    })().catch(() => send(res, 500, "text/plain", "error"));
    return true;
  };
}
