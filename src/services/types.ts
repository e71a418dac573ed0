// The contract between the server and a service: which wire protocols it speaks, its model, and a handler
// per operation. Handlers receive the decoded, type-checked input and return the output object.
import type { ServiceModel } from "../protocol/model.ts";
import type { AwsError } from "../protocol/errors.ts";
import type { InputErrors } from "../protocol/shapes.ts";

export interface RequestContext {
  requestId: string;
  accountId: string;
  region: string;
  accessKeyId: string;
  /** Scheme and authority the client used, e.g. "http://127.0.0.1:4566" (for queue URLs). */
  baseUrl: string;
  /** The operation being called (e.g. "SendMessage"), for resource policies. */
  operation?: string;
  /** Aborted when the client goes away (long polls stop waiting). */
  signal: AbortSignal;
}

export type Handler = (ctx: RequestContext, input: Record<string, unknown>) => Promise<Record<string, unknown> | undefined>;

export type WireProtocol = "json" | "query";

export interface ServiceDefinition {
  /** Service name in SigV4 credential scopes (e.g. "sqs"). */
  signingName: string;
  model: ServiceModel;
  protocols: WireProtocol[];
  /** Namespace of JSON `__type` values, e.g. "com.amazonaws.sqs". */
  jsonNamespace: string;
  /** awsQueryCompatible services also send x-amzn-query-error with JSON errors. */
  queryCompatible: boolean;
  inputErrors: InputErrors;
  operations: Record<string, Handler>;
  /** Query requests may be posted to a resource path (SQS queue URLs): the input member to fill from it (may throw for operations not allowed there). */
  pathInput?: (path: string, baseUrl: string, operation: string) => Record<string, string> | undefined;
  /**
   * Operations AWS accepts without a signature (SNS's SubscribeURL and UnsubscribeURL links): the account and
   * region the unsigned query request acts for, or undefined when it is not one of them.
   */
  unsignedCaller?: (operation: string, params: URLSearchParams) => { accountId: string; region: string } | undefined;
  /** How this service words authentication errors, when it differs from the SigV4 defaults. */
  authError?: (err: AwsError, baseUrl: string) => AwsError;
  close?(): Promise<void>;
}
