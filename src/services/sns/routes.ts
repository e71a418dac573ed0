// SNS's internal routes: the signing certificate (at the SigningCertURL of every message) and the local sinks
// for deliveries no provider can take (LocalStack's paths: /_aws/sns/sms-messages,
// /_aws/sns/platform-endpoint-messages; plus /_aws/sns/email-messages and /_aws/sns/<protocol>-messages).
// GET lists (filter with ?accountId=&region=), DELETE clears.
// Mailroom's own route /_mailroom/sns/invalid-tokens stands in for a push provider's feedback: POST marks a
// platform endpoint's device token invalid (?EndpointArn=, or ?PlatformApplicationArn=&Token=), DELETE makes it
// valid again; the next delivery to an endpoint with a marked token disables it (src/services/sns/platform-delivery.ts).
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
    if (path === "/_mailroom/sns/invalid-tokens") {
      void invalidTokens(store, req, res).catch(() => send(res, 500, "text/plain", "error"));
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

/** POST marks a token invalid, DELETE clears the mark; answers {PlatformApplicationArn, Token, Invalid}. */
async function invalidTokens(store: SnsStore, req: Req, res: Res): Promise<void> {
  if (req.method !== "POST" && req.method !== "DELETE") return send(res, 405, "text/plain", "use POST or DELETE");
  const q = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
  const endpointArn = q.get("EndpointArn");
  let app = q.get("PlatformApplicationArn") ?? undefined;
  let token = q.get("Token") ?? undefined;
  if (endpointArn) {
    const ep = await store.getPlatformEndpoint(endpointArn);
    if (!ep) return send(res, 404, "application/json", JSON.stringify({ error: `no platform endpoint ${endpointArn}` }));
    app = ep.applicationArn;
    token = ep.token;
  } else if (!app || !token) {
    return send(res, 400, "application/json", JSON.stringify({ error: "give EndpointArn, or PlatformApplicationArn and Token" }));
  } else if (!(await store.getPlatformApplication(app))) {
    return send(res, 404, "application/json", JSON.stringify({ error: `no platform application ${app}` }));
  }
  const invalid = req.method === "POST";
  await store.setTokenInvalid(app, token!, invalid);
  send(res, 200, "application/json", JSON.stringify({ PlatformApplicationArn: app, Token: token, Invalid: invalid }));
}
