// AWS errors as values, and their wire envelopes per protocol (JSON `__type` bodies, query/XML ErrorResponse).
// Services throw AwsError; the server turns it into the envelope of the protocol the request came in.

export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly sender: boolean;
  /** Code used by the query protocol and the x-amzn-query-error header, when it differs from `code`. */
  readonly queryCode: string;
  /** Fully qualified JSON `__type`, when it is not `<service namespace>#<code>`. */
  readonly jsonType?: string;
  /** Message for the query protocol, when AWS words it differently there. */
  readonly queryMessage: string;
  /** Members of the error's shape sent in a REST-JSON error body besides `message` (e.g. Schemas' Code and Message). */
  readonly body?: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    opts: { status?: number; sender?: boolean; queryCode?: string; jsonType?: string; queryMessage?: string; body?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.queryMessage = opts.queryMessage ?? message;
    this.code = code;
    this.status = opts.status ?? 400;
    this.sender = opts.sender ?? true;
    this.queryCode = opts.queryCode ?? code;
    this.jsonType = opts.jsonType;
    this.body = opts.body;
  }
}

export function internalError(): AwsError {
  return new AwsError("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", {
    status: 500,
    sender: false,
  });
}

export function escapeXml(s: string): string {
  let out = "";
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 38) rep = "&amp;";
    else if (c === 60) rep = "&lt;";
    else if (c === 62) rep = "&gt;";
    else if (c === 34) rep = "&quot;";
    else if (c === 39) rep = "&apos;";
    // XML parsers normalise a raw CR to LF, which would break the client's MD5 check: AWS escapes it too.
    else if (c === 13) rep = "&#xD;";
    if (rep) {
      out += s.slice(last, i) + rep;
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** AWS JSON 1.0/1.1 error; `queryCompatible` adds the x-amzn-query-error header (awsQueryCompatible services). */
export function jsonError(err: AwsError, namespace: string, requestId: string, contentType: string, queryCompatible: boolean): ErrorResponse {
  const headers: Record<string, string> = { "content-type": contentType, "x-amzn-requestid": requestId };
  if (queryCompatible) headers["x-amzn-query-error"] = `${err.queryCode};${err.sender ? "Sender" : "Receiver"}`;
  const type = err.jsonType ?? `${namespace}#${err.code}`;
  return { status: err.status, headers, body: JSON.stringify({ __type: type, message: err.message }) };
}

/** Query protocol error envelope (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html). */
export function queryError(err: AwsError, xmlNamespace: string, requestId: string): ErrorResponse {
  const body =
    `<?xml version="1.0"?><ErrorResponse xmlns="${xmlNamespace}"><Error><Type>${err.sender ? "Sender" : "Receiver"}</Type>` +
    `<Code>${escapeXml(err.queryCode)}</Code><Message>${escapeXml(err.queryMessage)}</Message><Detail/></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: err.status, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body };
}
