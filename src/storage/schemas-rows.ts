// Rows of the Schema Registry tables as both adapters read them, turned into the port's records (PostgreSQL BIGINT
// columns arrive as strings; SQLite's booleans as 0/1).
import type { CodeBindingRecord, DiscovererRecord, PolicyRecord, RegistryRecord, SchemaRecord, VersionRecord } from "../services/schemas/store.ts";

export type Row = Record<string, unknown>;

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const tags = (v: unknown): Record<string, string> => (typeof v === "string" && v !== "" ? (JSON.parse(v) as Record<string, string>) : {});

export const toRegistry = (r: Row): RegistryRecord => ({
  account: String(r.account), region: String(r.region), name: String(r.name), description: str(r.description), tags: tags(r.tags),
});

export const toSchema = (r: Row): SchemaRecord => ({
  account: String(r.account), region: String(r.region), registry: String(r.registry), name: String(r.name), description: str(r.description),
  type: String(r.type), tags: tags(r.tags), latest: Number(r.latest), versionCount: Number(r.version_count), lastModified: Number(r.last_modified),
});

export const toVersion = (r: Row): VersionRecord => ({
  account: String(r.account), region: String(r.region), registry: String(r.registry), name: String(r.name), version: Number(r.version),
  type: String(r.type), content: String(r.content), fingerprint: String(r.fingerprint), createdAt: Number(r.created_at),
});

export const toBinding = (r: Row): CodeBindingRecord => ({
  account: String(r.account), region: String(r.region), registry: String(r.registry), name: String(r.name), version: Number(r.version),
  language: String(r.language), status: String(r.status), createdAt: Number(r.created_at), lastModified: Number(r.last_modified),
  source: r.source === null || r.source === undefined ? undefined : Buffer.from(r.source as Uint8Array),
});

export const toDiscoverer = (r: Row): DiscovererRecord => ({
  account: String(r.account), region: String(r.region), id: String(r.id), sourceArn: String(r.source_arn), description: str(r.description),
  state: r.state === "STARTED" ? "STARTED" : "STOPPED", crossAccount: r.cross_account === true || Number(r.cross_account) === 1, tags: tags(r.tags),
});

export const toPolicy = (r: Row): PolicyRecord => ({
  account: String(r.account), region: String(r.region), registry: String(r.registry), policy: String(r.policy), revision: String(r.revision),
});

/** Escapes LIKE wildcards so a prefix or keyword matches literally (ESCAPE '\'). */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
