// The query protocol (form-encoded Action=…&Version=… in the body or the query string, answers in XML): SNS and
// SQS. Detection has already parsed the parameters; the codec rebuilds the input structure from the model.
import { type Codec, plainOutput } from "../codec.ts";
import { AwsError, queryError } from "../errors.ts";
import { decodeQuery } from "./decode.ts";
import { encodeQueryResponse } from "./encode.ts";

export function invalidAction(action: string): AwsError {
  return new AwsError("InvalidAction", `The action ${action} is not valid for this endpoint.`);
}

/** A percent sign not followed by two hex digits: URLSearchParams would keep it literally; AWS refuses the request. */
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/** MalformedQueryString: "The query string contains a syntax error" (SQS/SNS API Reference, Common Errors; HTTP 404). */
export function malformedQueryString(): AwsError {
  return new AwsError("MalformedQueryString", "The query string contains a syntax error.", { status: 404 });
}

/** Whether a form, query string or path holds a malformed percent-encoding. */
export function badPercent(s: string): boolean {
  return s.indexOf("%") >= 0 && BAD_PERCENT.test(s);
}

export const queryCodec: Codec = {
  name: "query",
  stringScalars: true,
  decode(found, svc, op, baseUrl) {
    if (found.badEncoding) throw malformedQueryString();
    const params = found.params ?? new URLSearchParams();
    // A path of a resource (SQS queue URL) names an input member; the parameters win over it. The service judges
    // the path (a malformed %-escape in a queue URL is SQS's InvalidAddress, as in a JSON QueueUrl).
    const fromPath = found.path !== "/" && svc.pathInput ? svc.pathInput(found.path, baseUrl, found.operation) : undefined;
    const input = op.input ? decodeQuery(svc.model, op.input, params) : {};
    return fromPath ? { ...fromPath, ...input } : input;
  },
  encode: (found, svc, output, requestId) => ({
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body: encodeQueryResponse(svc.model, found.operation, plainOutput(output), requestId),
  }),
  error: (_found, svc, err, requestId) => queryError(err, svc?.model.metadata.xmlNamespace ?? "", requestId),
  unknownOperation: (operation) => invalidAction(operation),
};
