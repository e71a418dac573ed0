// Operation/shape model the protocol codecs walk. Generated models (models/*.gen.ts) follow this type; the
// codecs use it to map between wire forms (JSON, CBOR, query/XML, REST-JSON) and one plain input/output object
// per operation. REST-JSON models carry their HTTP bindings (botocore's `http`, `location`, `payload`).

export type ShapeType =
  | "structure" | "list" | "map" | "string" | "integer" | "long" | "boolean"
  | "blob" | "timestamp" | "double" | "float";

/** Where a REST member travels: a `{label}` of the path, a query-string parameter, one header, a header prefix, the status. */
export type MemberLocation = "uri" | "querystring" | "header" | "headers" | "statusCode";

export interface MemberRef {
  shape: string;
  /** Query/XML serialized name, or the name in the path, query string or header for a REST-bound member. */
  locationName?: string;
  flattened?: boolean;
  /** REST binding of the member; absent means the JSON body. */
  location?: MemberLocation;
  /** A string member that carries a JSON document (a header holds it base64-encoded). */
  jsonvalue?: boolean;
  timestampFormat?: string;
}

/** A REST operation's HTTP binding: method, path template with `{label}` / `{label+}` and query literals, status. */
export interface HttpBinding {
  method: string;
  requestUri: string;
  responseCode?: number;
}

export interface Shape {
  type: ShapeType;
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  flattened?: boolean;
  locationName?: string;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  exception?: boolean;
  /** REST: the member that is the whole body (a structure as JSON, a blob or string as raw bytes). */
  payload?: string;
  timestampFormat?: string;
}

export interface OperationModel {
  input?: string;
  output?: string;
  errors: string[];
  /** REST-JSON services only. */
  http?: HttpBinding;
}

export interface ServiceModel {
  metadata: {
    apiVersion: string;
    endpointPrefix: string;
    jsonVersion?: string;
    targetPrefix?: string;
    serviceId: string;
    xmlNamespace?: string;
    /** botocore's protocol name ("json", "query", "rest-json"). */
    protocol?: string;
    signingName?: string;
  };
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}
