// The Schema Registry module (EventBridge Schemas): registries (with the AWS-managed aws.events and
// discovered-schemas), schemas and versions in OpenApi3 or JSONSchemaDraft4, ExportSchema, TypeScript code bindings
// (zip archives generated off the request path), discoverers that infer schemas from the events put on a bus (through
// EventBridge's after-commit observer hook; jobs/discovery.ts), registry policies and tags. Other services import it
// only from here.
import { PgSchemasStore } from "../../storage/postgres/schemas-store.ts";
import { SqliteSchemasStore } from "../../storage/sqlite/schemas-store.ts";
import type { EventsApi } from "../events/index.ts";
import { defineService } from "../module.ts";
import type { SchemasEnv } from "./env.ts";
import { bindingGenerator } from "./jobs/code-bindings.ts";
import { discoveryCounters, startDiscovery } from "./jobs/discovery.ts";
import { discovererResources, registryResources } from "./resources.ts";
import { createSchemasService, PENDING_OPERATIONS } from "./service.ts";
import type { SchemasStore } from "./store.ts";
import { jobContext } from "../types.ts";

export { createSchemasService, PENDING_OPERATIONS } from "./service.ts";
export type { SchemasStore } from "./store.ts";

export const schemasModule = defineService<SchemasStore, undefined>({
  name: "schemas",
  docs: {
    title: "EventBridge Schema Registry",
    note: "Registries (and the AWS-managed aws.events and discovered-schemas), schemas and versions (OpenApi3, JSONSchemaDraft4, checked on write), SearchSchemas, ExportSchema to JSONSchemaDraft4, GetDiscoveredSchema, TypeScript3 and Python36 code bindings as zip archives (Java8 and Go1 are refused), discoverers inferring schemas from the events put on a bus, registry policies and tags.",
    pending: PENDING_OPERATIONS,
    definition: () => createSchemasService({} as SchemasEnv),
  },
  // What operators may declare at start (--config, startMailroom({ resources }); ADR 0024).
  resources: [registryResources, discovererResources],
  stores: {
    sqlite: (db) => new SqliteSchemasStore(db),
    postgres: (db) => new PgSchemasStore(db),
  },
  start(ctx, store) {
    const events = ctx.api<EventsApi>("events");
    const env: SchemasEnv = {
      store, clock: ctx.clock,
      busExists: async (account, region, name) => {
        try {
          await events.call(
            jobContext(account, region, "", "", "schemas"),
            "DescribeEventBus", { Name: name },
          );
          return true;
        } catch {
          return false;
        }
      },
    };
    const generator = bindingGenerator(env, ctx.log);
    env.generateBinding = generator.generate;
    const discovery = startDiscovery(env, ctx.scheduler, ctx.log, events.observeBus, ctx.shared, discoveryCounters(ctx.metrics));
    env.discoverersChanged = () => discovery.changed();
    env.discoveredDeleted = () => discovery.forget();
    return {
      definition: createSchemasService(env),
      async close() {
        await discovery.close();
        await generator.idle();
      },
    };
  },
});
