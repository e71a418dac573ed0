// Round trips through the real AWS SDK clients without a network: a request handler that hands the SDK's own
// serialized request to Mailroom's pipeline (createHandler().wire) and answers the SDK with our bytes, so the
// SDK's serializer feeds our codec and our codec feeds the SDK's deserializer. Test services echo: each call
// records the decoded input and returns the output the test set up.
import { Readable } from "node:stream";
import type { HttpRequest } from "@smithy/types";
import { CredentialStore } from "../../src/auth/credentials.ts";
import { ManualClock } from "../../src/engine/clock.ts";
import { AwsError } from "../../src/protocol/errors.ts";
import type { CodecName } from "../../src/protocol/codec.ts";
import type { ServiceModel } from "../../src/protocol/model.ts";
import { createHandler, type Handler, type Reply } from "../../src/server/handler.ts";
import type { ServiceDefinition } from "../../src/services/types.ts";
import { createLogger } from "../../src/util/log.ts";

export interface Call {
  operation: string;
  input: Record<string, unknown>;
}

export interface EchoService {
  definition: ServiceDefinition;
  calls: Call[];
  /** What the next call of an operation answers (an AwsError is thrown). */
  answer(operation: string, output: Record<string, unknown> | AwsError): void;
}

export function echoService(model: ServiceModel, codecs: CodecName[], opts: { signingName?: string; jsonNamespace?: string; queryCompatible?: boolean } = {}): EchoService {
  const calls: Call[] = [];
  const answers = new Map<string, Record<string, unknown> | AwsError>();
  const operations: ServiceDefinition["operations"] = {};
  for (const operation of Object.keys(model.operations)) {
    operations[operation] = async (_ctx, input) => {
      calls.push({ operation, input });
      const a = answers.get(operation);
      if (a instanceof AwsError) throw a;
      return a ?? {};
    };
  }
  const definition: ServiceDefinition = {
    signingName: opts.signingName ?? model.metadata.signingName ?? model.metadata.endpointPrefix,
    model,
    codecs,
    jsonNamespace: opts.jsonNamespace ?? `com.amazonaws.${model.metadata.endpointPrefix}`,
    queryCompatible: opts.queryCompatible ?? false,
    inputErrors: {
      missing: (member) => new AwsError("ValidationException", `Missing ${member}`),
      invalid: (member, _value, expected) => new AwsError("ValidationException", `Invalid ${member}: expected ${expected}`),
    },
    operations,
  };
  return { definition, calls, answer: (op, out) => void answers.set(op, out) };
}

export const KEY = { accessKeyId: "AKIDCODEC", secretAccessKey: "codec-secret" };

/** A pipeline over the given services, checking signatures with KEY. */
export function pipeline(services: ServiceDefinition[]): Handler {
  return createHandler({
    services,
    credentials: new CredentialStore([{ ...KEY, accountId: "123456789012" }]),
    clock: new ManualClock(Date.now()),
    log: createLogger("silent"),
  });
}

export interface Captured {
  request?: HttpRequest;
  reply?: Reply;
}

function queryString(query: HttpRequest["query"]): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    for (const x of Array.isArray(v) ? v : [v]) {
      parts.push(x === null || x === undefined ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(String(x))}`);
    }
  }
  return parts.join("&");
}

function bodyBytes(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new Error(`unexpected request body ${typeof body}`);
}

/** Client options whose request handler answers through `handler`, remembering the last exchange in `captured`. */
export function through(handler: Handler, captured: Captured = {}) {
  return {
    endpoint: "http://localhost:4566",
    region: "us-east-1",
    credentials: KEY,
    maxAttempts: 1,
    requestHandler: {
      async handle(request: HttpRequest) {
        captured.request = request;
        const q = queryString(request.query);
        const rawHeaders = Object.entries(request.headers).flat();
        const reply = await handler.wire({
          method: request.method,
          url: request.path + (q ? `?${q}` : ""),
          rawHeaders,
          body: bodyBytes(request.body),
          encrypted: false,
          signal: () => new AbortController().signal,
        });
        captured.reply = reply;
        const bytes = typeof reply.body === "string" ? Buffer.from(reply.body, "utf8") : reply.body;
        return {
          // The shape of @smithy/protocol-http's HttpResponse (the SDK checks it by its fields).
          response: { statusCode: reply.status, headers: { ...reply.headers, "content-length": String(bytes.length) }, body: Readable.from([bytes]) },
        };
      },
      updateHttpClientConfig() {},
      httpHandlerConfigs: () => ({}),
    },
  };
}
