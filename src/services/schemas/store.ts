// The storage port the Schema Registry needs, in domain words: registries, schemas with their numbered versions,
// code bindings per schema version and language, discoverers, registry policies. Every multi-step change is one
// method (one transaction). Time is an argument (epoch ms).

export interface Scope {
  account: string;
  region: string;
}

export interface RegistryRecord extends Scope {
  name: string;
  description?: string;
  tags: Record<string, string>;
}

export interface SchemaKey extends Scope {
  registry: string;
  name: string;
}

export interface SchemaRecord extends SchemaKey {
  description?: string;
  type: string;
  tags: Record<string, string>;
  /** The newest version's number (versions count up from 1 and are never reused). */
  latest: number;
  versionCount: number;
  lastModified: number;
}

export interface VersionRecord extends SchemaKey {
  version: number;
  type: string;
  content: string;
  /** A digest of the content's shape (discovered schemas: a new version only when it differs). */
  fingerprint: string;
  createdAt: number;
}

/** What a new version brings. */
export interface NewVersion {
  type: string;
  content: string;
  fingerprint: string;
  /** Unset: left as it is (UpdateSchema without Description); on create, none. */
  description?: string;
  tags?: Record<string, string>;
}

/**
 * How a version is added: "create" fails when the schema exists, "update" when it does not; "discover" creates or
 * updates, and adds nothing when the newest version has the same fingerprint.
 */
export type AddMode = "create" | "update" | "discover";

export type AddOutcome =
  | { outcome: "added"; schema: SchemaRecord; version: VersionRecord }
  | { outcome: "unchanged"; schema: SchemaRecord; version: VersionRecord }
  | { outcome: "exists" | "missing" | "no-registry" };

export interface CodeBindingRecord extends SchemaKey {
  version: number;
  language: string;
  status: string;
  createdAt: number;
  lastModified: number;
  /** The zip archive, once generated. */
  source?: Buffer;
}

export interface DiscovererRecord extends Scope {
  id: string;
  sourceArn: string;
  description?: string;
  state: "STARTED" | "STOPPED";
  crossAccount: boolean;
  tags: Record<string, string>;
}

export interface PolicyRecord extends Scope {
  /** The registry the policy is attached to; "" for the account's policy (PutResourcePolicy without RegistryName). */
  registry: string;
  policy: string;
  revision: string;
}

export interface Page<T> {
  items: T[];
  /** The sort key to continue after, when there may be more. */
  next?: string;
}

export interface SchemasStore {
  createRegistry(r: RegistryRecord): Promise<boolean>;
  getRegistry(scope: Scope, name: string): Promise<RegistryRecord | undefined>;
  updateRegistry(scope: Scope, name: string, description: string | undefined): Promise<RegistryRecord | undefined>;
  /** Removes the registry with its schemas, versions, code bindings and policy. False when it did not exist. */
  deleteRegistry(scope: Scope, name: string): Promise<boolean>;
  listRegistries(scope: Scope, prefix: string, after: string, limit: number): Promise<Page<RegistryRecord>>;

  addVersion(key: SchemaKey, v: NewVersion, mode: AddMode, now: number): Promise<AddOutcome>;
  getSchema(key: SchemaKey): Promise<SchemaRecord | undefined>;
  /** The given version, or the newest one. */
  getVersion(key: SchemaKey, version?: number): Promise<VersionRecord | undefined>;
  listSchemas(scope: Scope, registry: string, prefix: string, after: string, limit: number): Promise<Page<SchemaRecord>>;
  listVersions(key: SchemaKey, after: number, limit: number): Promise<Page<VersionRecord>>;
  /** Schemas of a registry whose name contains the keyword (case-insensitive), with all their version numbers. */
  searchSchemas(scope: Scope, registry: string, keyword: string, after: string, limit: number): Promise<Page<SchemaRecord & { versions: { version: number; type: string; createdAt: number }[] }>>;
  deleteSchema(key: SchemaKey): Promise<boolean>;
  /** "latest": the version is the schema's newest and others remain (AWS refuses it). */
  deleteVersion(key: SchemaKey, version: number): Promise<"deleted" | "missing" | "latest">;
  setSchemaTags(key: SchemaKey, tags: Record<string, string>): Promise<boolean>;
  /** UpdateSchema without new content: the description alone, no new version. */
  setSchemaDescription(key: SchemaKey, description: string | undefined, now: number): Promise<SchemaRecord | undefined>;

  putCodeBinding(b: CodeBindingRecord): Promise<void>;
  getCodeBinding(key: SchemaKey, version: number, language: string): Promise<CodeBindingRecord | undefined>;

  createDiscoverer(d: DiscovererRecord): Promise<boolean>;
  getDiscoverer(scope: Scope, id: string): Promise<DiscovererRecord | undefined>;
  updateDiscoverer(scope: Scope, id: string, change: { description?: string; crossAccount?: boolean; state?: "STARTED" | "STOPPED"; tags?: Record<string, string> }): Promise<DiscovererRecord | undefined>;
  deleteDiscoverer(scope: Scope, id: string): Promise<boolean>;
  listDiscoverers(scope: Scope, idPrefix: string, sourcePrefix: string, after: string, limit: number): Promise<Page<DiscovererRecord>>;
  /** Every started discoverer of every account (which buses the events hook watches, on every node). */
  startedDiscoverers(): Promise<DiscovererRecord[]>;
  setRegistryTags(scope: Scope, name: string, tags: Record<string, string>): Promise<boolean>;

  /** Compare-and-set on the revision: `expected` undefined puts whatever is there; returns undefined on a mismatch. */
  putPolicy(p: Omit<PolicyRecord, "revision">, expected: string | undefined, revision: string): Promise<PolicyRecord | undefined>;
  getPolicy(scope: Scope, registry: string): Promise<PolicyRecord | undefined>;
  deletePolicy(scope: Scope, registry: string): Promise<boolean>;
}
