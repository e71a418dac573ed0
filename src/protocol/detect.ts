// Which service, codec and operation a request is for, from a table built once from the service definitions
// (ADR 0010). Order: X-Amz-Target (AWS JSON, or CBOR by content type) → form-encoded body or GET with Action=
// (query, service by credential scope, else by action) → REST route (method + path template of the models' HTTP
// bindings). Nothing here knows a particular service.
import { cborCodec } from "./cbor/codec.ts";
import type { Codec, CodecName, Detected, ProtocolService } from "./codec.ts";
import { jsonCodec } from "./json/codec.ts";
import { badPercent, queryCodec } from "./query/codec.ts";
import { compileRoutes, matchRoute, type RestRoute } from "./rest-json/routes.ts";
import { restJsonCodec } from "./rest-json/codec.ts";
import { parseRpcPath, rpcv2CborCodec, RPCV2_CBOR_CONTENT_TYPE, SMITHY_PROTOCOL } from "./rpcv2-cbor/codec.ts";

export const CODECS: Record<CodecName, Codec> = { json: jsonCodec, query: queryCodec, cbor: cborCodec, "rest-json": restJsonCodec, "rpcv2-cbor": rpcv2CborCodec };

export function header(rawHeaders: string[], name: string): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === name) return rawHeaders[i + 1];
  return undefined;
}

const FORM = "application/x-www-form-urlencoded";
const CBOR = "application/x-amz-cbor-1.1";

/** The media type of a Content-Type value, lower-cased, without parameters. */
function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return "";
  const semi = contentType.indexOf(";");
  return (semi >= 0 ? contentType.slice(0, semi) : contentType).trim().toLowerCase();
}

export interface CodecTable<S extends ProtocolService = ProtocolService> {
  /**
   * The codec, service and operation of a request, or undefined when it names none (no X-Amz-Target, no Action,
   * no REST route). `scopeService` reads the SigV4 credential scope's service; it is called only when the
   * request alone cannot tell the service (query protocol, REST paths several services share).
   */
  detect(method: string, path: string, query: string, headers: Map<string, string>, body: Buffer, scopeService: () => string | undefined): Detected<S> | undefined;
  /**
   * The service whose envelope answers when no service matched: for the query codec the first query service (its
   * XML namespace; SQS, the default, answers unsigned requests); none for the others (their errors carry full types).
   */
  fallback(codec: Codec): S | undefined;
}

export function buildCodecTable<S extends ProtocolService>(services: S[]): CodecTable<S> {
  const byTarget = new Map<string, S>();
  /** Smithy RPC v2 CBOR: the service shape name in the path (the AWS JSON target prefix) → service. */
  const byRpcName = new Map<string, S>();
  const querySigning = new Map<string, S>();
  const queryServices: S[] = [];
  const routes: RestRoute<S>[] = [];
  for (const s of services) {
    const target = s.model.metadata.targetPrefix;
    if (target && (s.codecs.includes("json") || s.codecs.includes("cbor"))) byTarget.set(target, s);
    if (target && s.codecs.includes("rpcv2-cbor")) byRpcName.set(target, s);
    if (s.codecs.includes("query")) {
      queryServices.push(s);
      querySigning.set(s.signingName, s);
    }
    if (s.codecs.includes("rest-json")) routes.push(...compileRoutes(s));
  }
  const routesByMethod = new Map<string, RestRoute<S>[]>();
  for (const r of routes) {
    let list = routesByMethod.get(r.method);
    if (!list) routesByMethod.set(r.method, (list = []));
    list.push(r);
  }

  function detect(method: string, path: string, query: string, headers: Map<string, string>, body: Buffer, scopeService: () => string | undefined): Detected<S> | undefined {
    const target = headers.get("x-amz-target");
    if (target !== undefined) {
      const dot = target.lastIndexOf(".");
      const service = byTarget.get(dot >= 0 ? target.slice(0, dot) : target);
      const operation = dot >= 0 ? target.slice(dot + 1) : "";
      const ct = mediaType(headers.get("content-type"));
      // Kinesis also speaks AWS JSON over CBOR (the Java SDK's default), named by the content type.
      if (ct === CBOR && service?.codecs.includes("cbor")) return { codec: cborCodec, service, operation, contentType: CBOR, path, query, headers, body };
      const contentType = ct.startsWith("application/x-amz-json-")
        ? ct
        : `application/x-amz-json-${service?.model.metadata.jsonVersion ?? "1.0"}`;
      return { codec: jsonCodec, service, operation, contentType, path, query, headers, body };
    }
    // Smithy RPC v2 CBOR names itself by a header (smithy.io, "smithy-protocol header"); the path names service and operation.
    if (headers.get("smithy-protocol") === SMITHY_PROTOCOL && method === "POST") {
      const p = parseRpcPath(path);
      if (p) {
        return { codec: rpcv2CborCodec, service: byRpcName.get(p[0]), operation: p[1], contentType: RPCV2_CBOR_CONTENT_TYPE, path, query, headers, body };
      }
    }
    const ct = mediaType(headers.get("content-type"));
    if (ct === FORM || (method === "GET" && query.includes("Action="))) {
      let badEncoding = badPercent(query);
      const params = new URLSearchParams(query);
      if (ct === FORM && body.length > 0) {
        const form = body.toString("utf8");
        badEncoding ||= badPercent(form);
        for (const [k, v] of new URLSearchParams(form)) params.append(k, v);
      }
      const operation = params.get("Action") ?? undefined;
      if (operation === undefined) return undefined;
      // Only the query protocol needs the credential scope to pick its service (the others name it themselves).
      let service = queryServices.length === 1 ? queryServices[0] : undefined;
      if (!service) {
        const scoped = scopeService();
        service = scoped !== undefined ? querySigning.get(scoped) : undefined;
        service ??= queryServices.find((s) => operation in s.model.operations);
      }
      return { codec: queryCodec, service, operation, contentType: "text/xml", path, query, headers, body, params, badEncoding };
    }
    const candidates = routesByMethod.get(method);
    if (candidates !== undefined) {
      const m = matchRoute(candidates, path, query, scopeService);
      if (m) {
        const { service, operation } = m.route;
        return { codec: restJsonCodec, service, operation, contentType: "application/json", path, query, headers, body, labels: m.labels };
      }
    }
    return undefined;
  }

  return { detect, fallback: (codec) => (codec === queryCodec ? queryServices[0] : undefined) };
}
