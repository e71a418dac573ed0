// What a service brings to the server, in one value: its stores per backend, and a start() that returns its wire
// definition (ServiceDefinition: codecs, model, operations), internal routes, what other services may use of it,
// and how it stops. Background work is registered with ctx.scheduler in start(), destination kinds with ctx.delivery. Migrations are found by convention
// (src/services/<name>/migrations/<backend>/, src/storage/migrations.ts). src/services/index.ts lists the modules;
// src/storage/open.ts and src/index.ts loop over that list, so a new service touches neither (ADR 0012).
import type { CredentialStore } from "../auth/credentials.ts";
import type { DeliveryEngine } from "../delivery/types.ts";
import type { ResolvedOptions } from "../config/options.ts";
import type { Clock } from "../engine/clock.ts";
import type { Notifier } from "../engine/notify.ts";
import type { Scheduler } from "../engine/scheduler.ts";
import type { InternalRoute } from "../server/internal.ts";
import type { PgDb } from "../storage/postgres/db.ts";
import type { SqliteDb } from "../storage/sqlite/db.ts";
import type { Logger } from "../util/log.ts";
import type { Metrics } from "../metrics/registry.ts";
import type { ServiceDefinition } from "./types.ts";

/** The stores built so far (modules earlier in the list), by module name. */
export type StoreLookup = <T>(module: string) => T;

export interface StoreFactories<Store> {
  sqlite(db: SqliteDb, stores: StoreLookup): Store;
  postgres(db: PgDb, stores: StoreLookup): Store;
}

/** What the platform hands each service when it starts. */
export interface ServiceContext {
  clock: Clock;
  log: Logger;
  notifier: Notifier;
  /** The process's one scheduler: due work and leased interval jobs register here (engine/scheduler.ts). */
  scheduler: Scheduler;
  /** The delivery engine: destination kinds register here; outbox rows are attempted under its retry policies. */
  delivery: DeliveryEngine;
  credentials: CredentialStore;
  /** Other nodes may write to the same database (PostgreSQL): due work they add is found by polling (pollMs). */
  shared: boolean;
  /** The server's metrics: a module declares its series here (counters it adds to, gauges read from its store). */
  metrics: Metrics;
  /** The server's resolved options (settings a module reads, such as kinesisStatusDelayMs or metricsRetentionDays). */
  options: ResolvedOptions;
  /** The public API (StartedService.api) of a service started earlier in the list. */
  api<T>(module: string): T;
}

export interface StartedService<Api = unknown> {
  definition: ServiceDefinition;
  /** Internal routes (/_aws/<service>/..., /_mailroom/<service>/...). */
  routes?: InternalRoute[];
  /** What later services may use of this one (e.g. SQS's queue store for deliveries). */
  api?: Api;
  /** Stops this service's own work (registrations with ctx.scheduler stop with the scheduler). */
  close?(): Promise<void>;
}

/** Calls one of the module's own operations as its owner would (input checked against the model, like a request). */
export type OperationCall = (operation: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Where declared resources live: the account and region they are created in. */
export interface DeclarationScope {
  account: string;
  region: string;
}

/**
 * A kind of resource operators may declare (--config file, startMailroom({ resources })), under the module's name:
 * `sqs: { queues: [...] }`. Declarations are applied at every start through the module's own operations, so they
 * are checked as requests are and answer the same AWS errors (src/config/declarations.ts, ADR 0024).
 */
export interface ResourceKind {
  /** The key under the module's section, e.g. "queues". */
  key: string;
  /** The fields one declaration may have (others are refused, naming the line). */
  fields: readonly string[];
  /** The declaration's name, for messages. */
  nameOf(decl: Record<string, unknown>): string;
  /** Creates the resource or brings what is declared up to date; applying twice changes nothing. */
  apply(call: OperationCall, decl: Record<string, unknown>, scope: DeclarationScope): Promise<void>;
  /** A second pass once every module's resources exist (references between them, e.g. a queue's dead-letter queue). */
  link?(call: OperationCall, decl: Record<string, unknown>, scope: DeclarationScope): Promise<void>;
}

export interface ServiceModule<Store = unknown, Api = unknown> {
  /** Module name: the folder under src/services/, the migrations' module, the key of its store and API. */
  name: string;
  /** For docs/operations.md (scripts/operations-doc.ts): what the service is called and what it does not do yet. */
  docs: {
    title: string;
    note?: string;
    /** Operations of the model answered with an error until the issue that brings them lands. */
    pending: readonly string[];
    /** The wire definition built without an environment: for its model and codecs only (never call its handlers). */
    definition(): ServiceDefinition;
  };
  stores: StoreFactories<Store>;
  start(ctx: ServiceContext, store: Store): StartedService<Api>;
  /** The resource kinds this module lets operators declare at start, applied in this order (ADR 0024). */
  resources?: readonly ResourceKind[];
}

/** Lets TypeScript check a module against its store and API types while the list holds them all alike. */
export function defineService<Store, Api>(m: ServiceModule<Store, Api>): ServiceModule {
  return m as unknown as ServiceModule;
}
