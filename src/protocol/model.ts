// Operation/shape model the protocol codecs walk. Generated models (models/*.gen.ts) follow this type; the
// codecs use it to map between wire forms (JSON, query/XML) and one plain input/output object per operation.

export type ShapeType =
  | "structure" | "list" | "map" | "string" | "integer" | "long" | "boolean"
  | "blob" | "timestamp" | "double" | "float";

export interface MemberRef {
  shape: string;
  /** Query/XML serialized name, when it differs from the member name. */
  locationName?: string;
  flattened?: boolean;
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
}

export interface OperationModel {
  input?: string;
  output?: string;
  errors: string[];
}

export interface ServiceModel {
  metadata: {
    apiVersion: string;
    endpointPrefix: string;
    jsonVersion?: string;
    targetPrefix?: string;
    serviceId: string;
    xmlNamespace?: string;
  };
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}
