// The developer listing of a queue's messages, in the shape LocalStack's SQS developer API answers
// (localstack services/sqs/developer_api.py and tests/aws/services/sqs/test_sqs_developer_api.py):
//   GET|POST /_aws/sqs/messages?QueueUrl=...           (query string or form parameters)
//   GET|POST /_aws/sqs/messages/<region>/<account>/<queue-name>
//   an SDK whose endpoint is http://host:port/_aws/sqs/messages calling ReceiveMessage (query or JSON protocol).
// It answers a ReceiveMessage response (XML; JSON for the JSON protocol; the XML document as JSON when the
// request says Accept: application/json) with every system and message attribute, and never changes
// visibility, receive counts or receipts. Ready messages are listed; ShowInvisible=true adds in-flight ones
// (and, on FIFO queues, ready ones behind an in-flight message of their group) with IsVisible, ShowDelayed=true
// adds delayed ones with IsDelayed. Receipt handles are a placeholder ("SQS/BACKDOOR/ACCESS", as LocalStack),
// so nothing can be deleted with them. Limit=N (Mailroom's own, 1 to 10,000) lists only the N oldest messages (the web
// console's message browser, ADR 0032; MaxNumberOfMessages is ignored, as LocalStack does). With access keys configured the request must be SigV4-signed by the
// queue's account (or one its policy allows ReceiveMessage); without keys it is open, like LocalStack's.
import { createHash, randomUUID } from "node:crypto";
import type http from "node:http";
import type http2 from "node:http2";
import type { CredentialStore } from "../../auth/credentials.ts";
import { readScope, verifySigV4 } from "../../auth/sigv4.ts";
import type { Clock } from "../../engine/clock.ts";
import { header } from "../../protocol/detect.ts";
import { AwsError, jsonError, queryError, internalError } from "../../protocol/errors.ts";
import { sqsModel } from "../../protocol/models/sqs.gen.ts";
import { encodeQueryResponse } from "../../protocol/query/encode.ts";
import { toJsonValue } from "../../protocol/shapes.ts";
import { mayAccess } from "./access.ts";
import { isFifo } from "./domain/fifo.ts";
import { parseQueueUrl } from "./domain/queues.ts";
import { expiredBefore } from "./env.ts";
import { accessDenied, queueDoesNotExist, sqsError } from "./errors.ts";
import { shape } from "./operations/receive.ts";
import type { MessageAttributeValue, QueueRecord, SqsStore, StoredMessage } from "./store.ts";

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

const PREFIX = "/_aws/sqs/messages";
/** At most this many messages are listed (LocalStack lists all; a bound keeps a large backlog from being loaded at once). */
export const PEEK_LIMIT = 10_000;
const JSON_PROTOCOL = "application/x-amz-json-1.0";
const PLACEHOLDER_RECEIPT = "SQS/BACKDOOR/ACCESS";

export interface PeekOptions {
  showInvisible: boolean;
  showDelayed: boolean;
}

type State = "ready" | "inFlight" | "blocked" | "delayed";

/** A message's state at now: delayed (never received, not yet visible), in flight, ready, or blocked behind its FIFO group. */
export function peekStates(q: QueueRecord, messages: StoredMessage[], now: number): State[] {
  const states: State[] = messages.map((m) => (m.visibleAt <= now ? "ready" : m.receiveCount > 0 ? "inFlight" : "delayed"));
  if (isFifo(q)) {
    // A FIFO group with a message in flight hands out nothing else until it is done (SQS FIFO delivery logic).
    const busy = new Set(messages.filter((m, i) => states[i] === "inFlight").map((m) => m.messageGroupId));
    messages.forEach((m, i) => {
      if (states[i] === "ready" && busy.has(m.messageGroupId)) states[i] = "blocked";
    });
  }
  return states;
}

/** The listed messages in ReceiveMessage output form: in flight first, then ready, then delayed (LocalStack's order). */
export function listMessages(q: QueueRecord, stored: StoredMessage[], now: number, o: PeekOptions): Record<string, unknown>[] {
  const states = peekStates(q, stored, now);
  const order: State[][] = [o.showInvisible ? ["inFlight", "blocked"] : [], ["ready"], o.showDelayed ? ["delayed"] : []];
  const out: Record<string, unknown>[] = [];
  for (const group of order) {
    stored.forEach((m, i) => {
      if (!group.includes(states[i])) return;
      const msg = shape(q, m, ["All"], ["All"]);
      msg.ReceiptHandle = PLACEHOLDER_RECEIPT;
      const attrs = { ...(msg.Attributes as Record<string, string>) };
      if (o.showInvisible) attrs.IsVisible = String(states[i] === "ready");
      if (o.showDelayed) attrs.IsDelayed = String(states[i] === "delayed");
      msg.Attributes = attrs;
      out.push(msg);
    });
  }
  return out;
}

/** The query XML document as JSON, as LocalStack answers Accept: application/json (flattened lists as arrays). */
function xmlAsJson(messages: Record<string, unknown>[], requestId: string): unknown {
  const attrList = (a: Record<string, MessageAttributeValue> | undefined) =>
    Object.entries(a ?? {}).map(([Name, v]) => ({
      Name, Value: { ...(v.StringValue !== undefined ? { StringValue: v.StringValue } : {}), ...(v.BinaryValue ? { BinaryValue: v.BinaryValue.toString("base64") } : {}), DataType: v.DataType },
    }));
  const Message = messages.map((m) => {
    const o: Record<string, unknown> = { MessageId: m.MessageId, ReceiptHandle: m.ReceiptHandle, MD5OfBody: m.MD5OfBody, Body: m.Body };
    o.Attribute = Object.entries((m.Attributes as Record<string, string>) ?? {}).map(([Name, Value]) => ({ Name, Value }));
    if (m.MessageAttributes) {
      o.MD5OfMessageAttributes = m.MD5OfMessageAttributes;
      o.MessageAttribute = attrList(m.MessageAttributes as Record<string, MessageAttributeValue>);
    }
    return o;
  });
  return { ReceiveMessageResponse: { ReceiveMessageResult: { Message }, ResponseMetadata: { RequestId: requestId } } };
}

function errorAsJson(err: AwsError, requestId: string): string {
  return JSON.stringify({ ErrorResponse: { Error: { Type: err.sender ? "Sender" : "Receiver", Code: err.queryCode, Message: err.queryMessage }, RequestId: requestId } });
}

function readBody(req: Req): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const flag = (v: string | null | undefined) => v !== null && v !== undefined && ["true", "1"].includes(v.toLowerCase());

export function sqsPeekRoute(store: SqsStore, clock: Clock, credentials: CredentialStore) {
  return (req: Req, res: Res, path: string): boolean => {
    if (path !== PREFIX && !path.startsWith(`${PREFIX}/`)) return false;
    // An SDK given the route as its endpoint posts to it with a trailing slash.
    const byUrl = path === PREFIX || path === `${PREFIX}/`;
    const requestId = randomUUID();
    const url = req.url ?? "/";
    const query = url.includes("?") ? url.slice(url.indexOf("?") + 1) : "";
    const raw = req.rawHeaders;
    const contentType = (header(raw, "content-type") ?? "").split(";")[0].trim().toLowerCase();
    const jsonProtocol = contentType === JSON_PROTOCOL;
    const wantsJson = !jsonProtocol && (header(raw, "accept") ?? "").includes("application/json");
    const send = (status: number, headers: Record<string, string>, body: string) => {
      res.writeHead(status, { ...headers, "x-amzn-requestid": requestId, "content-length": String(Buffer.byteLength(body)) });
      res.end(body);
    };
    const fail = (err: AwsError) => {
      if (jsonProtocol) {
        const r = jsonError(err, "com.amazonaws.sqs", requestId, JSON_PROTOCOL, true);
        send(r.status, r.headers, r.body);
      } else if (wantsJson) {
        send(err.status, { "content-type": "application/json" }, errorAsJson(err, requestId));
      } else {
        const r = queryError(err, sqsModel.metadata.xmlNamespace ?? "", requestId);
        send(r.status, r.headers, r.body);
      }
    };
    void (async () => {
      const body = await readBody(req);
      const params = new URLSearchParams(query);
      let queueUrl: string | undefined;
      if (jsonProtocol) {
        // Only ReceiveMessage is accepted here (LocalStack test_list_messages_with_invalid_action_raises_error).
        if (header(raw, "x-amz-target") !== "AmazonSQS.ReceiveMessage") throw new AwsError("InvalidRequest", "This endpoint only accepts ReceiveMessage calls");
        let input: Record<string, unknown>;
        try {
          input = body.length ? JSON.parse(body.toString("utf8")) : {};
        } catch {
          throw new AwsError("SerializationException", "", { queryCode: "MalformedInput" });
        }
        queueUrl = typeof input.QueueUrl === "string" ? input.QueueUrl : undefined;
      } else {
        if (contentType === "application/x-www-form-urlencoded") {
          for (const [k, v] of new URLSearchParams(body.toString("utf8"))) params.set(k, v);
          const action = params.get("Action");
          if (action !== null && action !== "ReceiveMessage") throw new AwsError("InvalidRequest", "This endpoint only accepts ReceiveMessage calls");
        }
        queueUrl = params.get("QueueUrl") ?? undefined;
      }
      const o: PeekOptions = { showInvisible: flag(params.get("ShowInvisible")), showDelayed: flag(params.get("ShowDelayed")) };
      const limitParam = params.get("Limit");
      let limit = PEEK_LIMIT;
      if (limitParam !== null) {
        if (!/^\d{1,5}$/.test(limitParam) || Number(limitParam) < 1 || Number(limitParam) > PEEK_LIMIT) {
          throw new AwsError("InvalidParameterValue", `Value ${limitParam.slice(0, 40)} for parameter Limit is invalid. Reason: Must be between 1 and ${PEEK_LIMIT}.`);
        }
        limit = Number(limitParam);
      }

      let key: { account: string; region: string; name: string };
      const scopeRegion = readScope({ query, rawHeaders: raw })?.region;
      if (byUrl) {
        if (!queueUrl) throw queueDoesNotExist();
        const parsed = parseQueueUrl(queueUrl);
        // An unreadable queue URL is InvalidAddress with status 404 (LocalStack test_list_messages_with_invalid_queue_url).
        if (!parsed) throw sqsError("InvalidAddress", `The address ${queueUrl} is not valid for this endpoint.`);
        key = { account: parsed.account, region: parsed.region ?? scopeRegion ?? "us-east-1", name: parsed.name };
      } else {
        let parts: string[];
        try {
          parts = path.slice(PREFIX.length + 1).split("/").map(decodeURIComponent);
        } catch {
          throw queueDoesNotExist(); // a malformed %-escape names no queue
        }
        if (parts.length !== 3 || parts.some((p) => p === "")) throw queueDoesNotExist();
        key = { region: parts[0], account: parts[1], name: parts[2] };
      }
      const q = await store.getQueue(key);
      if (!credentials.anonymous) {
        const hash = createHash("sha256").update(body).digest("hex");
        const caller = verifySigV4({ method: req.method ?? "GET", path, query, rawHeaders: raw, bodySha256: hash }, credentials, clock.now());
        const baseUrl = `http://${header(raw, "host") ?? "localhost"}`;
        if (!q || !mayAccess(q, { accountId: caller.accountId, operation: "ReceiveMessage", baseUrl })) throw accessDenied(`${baseUrl}${path}`);
      }
      if (!q) throw queueDoesNotExist();
      const now = clock.now();
      const messages = listMessages(q, await store.peek(q.id, expiredBefore(q, now), limit), now, o);
      if (jsonProtocol) {
        send(200, { "content-type": JSON_PROTOCOL }, JSON.stringify(toJsonValue(messages.length ? { Messages: messages } : {})));
      } else if (wantsJson) {
        send(200, { "content-type": "application/json" }, JSON.stringify(xmlAsJson(messages, requestId)));
      } else {
        send(200, { "content-type": "text/xml" }, encodeQueryResponse(sqsModel, "ReceiveMessage", messages.length ? { Messages: messages } : {}, requestId));
      }
    })().catch((e: unknown) => fail(e instanceof AwsError ? e : internalError()));
    return true;
  };
}
